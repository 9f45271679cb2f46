"""The LLM composer against a real chat-completions server on 127.0.0.1 (`llm_server.ChatServer`).

The server answers over HTTP with what each test scripts: good JSON built from the passages the
prompt actually contained, malformed JSON, HTTP errors, delays, the abstain phrase. The knowledge
base is the answer fixtures, ingested for real (lexical search, to stay fast).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from llm_server import ChatServer, Received, Reply, free_port
from medcite.answer.compose_llm import LLMArticle, output_schema, parse_reply
from medcite.answer.prompts import ABSTAIN_PHRASE, is_abstention
from medcite.answer.schema import AnswerArticle
from medcite.answer.service import AnswerService
from medcite.answer.verify import numbers_in
from medcite.cli.main import app
from medcite.config import LLMSettings, Settings, load_settings
from medcite.ingest.pipeline import ingest_paths
from medcite.store import Store
from medcite.store.sources import get_source

FIXTURES = Path(__file__).parent / "fixtures" / "answers"
QUESTION = "What is the starting dose of methotrexate in rheumatoid arthritis?"
_PASSAGE_LINE = re.compile(r"^\[(\d+)\] \((.*?)\) (.*)$", re.M)

StartServer = Callable[[Callable[[Received], Reply]], ChatServer]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Store]]:
    data_dir = tmp_path_factory.mktemp("llm-kb")
    settings = load_settings(data_dir=data_dir, ingest={"embed": False})
    store = Store(settings.database_url)
    report = ingest_paths(sorted(FIXTURES.glob("*.md")), store, settings, None)
    assert report.count("added") == len(list(FIXTURES.glob("*.md")))
    yield settings, store
    store.dispose()


def service(kb: tuple[Settings, Store], server_url: str, **llm: object) -> AnswerService:
    settings, store = kb
    options: dict[str, object] = {"timeout_s": 5, "max_retries": 2, **llm}
    llm_settings = LLMSettings(enabled=True, base_url=server_url, model="stub-model", **options)  # type: ignore[arg-type]
    return AnswerService(settings.model_copy(update={"llm": llm_settings}), store)


def passages_in(request: Received) -> dict[int, str]:
    """The numbered passages as the server received them in the prompt."""
    return {int(m.group(1)): m.group(3) for m in _PASSAGE_LINE.finditer(request.user_text)}


def article_json(**sections: list[dict[str, object]]) -> str:
    body: dict[str, list[dict[str, object]]] = {name: [] for name in LLMArticle.model_fields}
    body.update(sections)
    return json.dumps(body)


def quoting_reply(request: Received) -> Reply:
    """A well-behaved model: quotes passage 1 as the bottom line and a dose passage as dosing."""
    passages = passages_in(request)
    dose = next((n for n, t in passages.items() if numbers_in(t) and "|" not in t), 1)
    return Reply(
        article_json(
            bottom_line=[{"text": passages[1], "citations": [1]}],
            specific_recommendation=[{"text": passages[dose], "citations": [dose]}],
        )
    )


def cited_passages(article: AnswerArticle) -> list[tuple[str, list[str]]]:
    refs = {r.number: r for r in article.references}
    return [
        (s.text, [p.text for n in s.citations for p in refs[n].passages]) for _, s in article.statements()
    ]


def test_good_reply_becomes_a_verified_cited_article(
    kb: tuple[Settings, Store], chat_server: StartServer
) -> None:
    server = chat_server(quoting_reply)
    article = service(kb, server.base_url).ask(QUESTION)
    assert article.provenance.composer == "llm:stub-model"
    assert len(server.requests) == 1
    request = server.requests[0]
    assert request.path == "/v1/chat/completions"
    assert request.body["model"] == "stub-model"
    assert request.body["temperature"] == 0
    assert request.body["response_format"]["type"] == "json_schema"
    assert request.body["response_format"]["json_schema"]["schema"] == output_schema()
    sent = passages_in(request)
    assert 1 <= len(sent) <= 12 and sorted(sent) == list(range(1, len(sent) + 1))
    # The article holds exactly what the model said, each statement cited to the passage it quoted.
    assert [s.text for s in article.bottom_line] == [" ".join(sent[1].split())]
    assert article.specific_recommendation
    for text, passages in cited_passages(article):
        assert passages
        assert numbers_in(text) <= numbers_in(" ".join(passages))
    numbers = [r.number for r in article.references]
    assert numbers == list(range(1, len(numbers) + 1))
    assert article.provenance.statements_dropped == 0
    # References are MedCite's: exact spans of the stored sources, from retrieved chunks.
    for ref in article.references:
        source = get_source(kb[1], ref.source_id).text
        for p in ref.passages:
            assert source[p.char_start : p.char_end] == p.text
            assert p.chunk_id in article.provenance.retrieved_chunks


def test_settings_prompt_override_and_no_llm_flag(
    kb: tuple[Settings, Store], chat_server: StartServer
) -> None:
    server = chat_server(quoting_reply)
    custom = "Answer from the numbered passages only. Cite them."
    answer = service(kb, server.base_url, system_prompt=custom)
    assert answer.ask(QUESTION).provenance.composer == "llm:stub-model"
    assert server.requests[0].body["messages"][0] == {"role": "system", "content": custom}
    assert answer.ask(QUESTION, llm=False).provenance.composer == "extractive"
    assert len(server.requests) == 1


def test_question_sent_to_the_server_has_no_patient_identifiers(
    kb: tuple[Settings, Store], chat_server: StartServer
) -> None:
    server = chat_server(quoting_reply)
    question = (
        "Mr John Smith, MRN 84512907, DOB 03/04/1961, phone 07700 900123, has rheumatoid arthritis. "
        "What is the starting dose of methotrexate?"
    )
    article = service(kb, server.base_url).ask(question)
    sent = json.dumps(server.requests[0].body)
    for identifier in ("John", "Smith", "84512907", "03/04/1961", "07700", "900123"):
        assert identifier not in sent, identifier
    assert "[NAME]" in server.requests[0].user_text and "[MRN]" in server.requests[0].user_text
    assert "methotrexate" in server.requests[0].user_text
    assert article.provenance.identifiers_removed["NAME"] == 1


def test_malformed_json_is_retried_then_falls_back(
    kb: tuple[Settings, Store], chat_server: StartServer
) -> None:
    server = chat_server(lambda r: Reply('{"bottom_line": [{"text": "Start methotrexate", "citations": [1'))
    article = service(kb, server.base_url).ask(QUESTION)
    assert len(server.requests) == 3  # one attempt plus max_retries=2, then stop
    composer = article.provenance.composer
    assert composer.startswith("extractive (fallback: invalid output after 3 attempts: invalid JSON")
    # Each retry quotes the error back to the model after its bad reply.
    retry = server.requests[1].body["messages"]
    assert retry[-2]["role"] == "assistant" and retry[-1]["role"] == "user"
    assert "could not be used: invalid JSON" in retry[-1]["content"]
    # The fallback is the full extractive article.
    assert article.bottom_line and article.references


def test_schema_violation_then_good_reply_succeeds(
    kb: tuple[Settings, Store], chat_server: StartServer
) -> None:
    def reply(request: Received) -> Reply:
        if len(server.requests) == 1:  # valid JSON, wrong shape (an extra key, a string citation)
            return Reply('{"answer": "methotrexate", "bottom_line": [{"text": "x", "citations": ["one"]}]}')
        return quoting_reply(request)

    server = chat_server(reply)
    article = service(kb, server.base_url).ask(QUESTION)
    assert article.provenance.composer == "llm:stub-model"
    assert len(server.requests) == 2
    assert "does not match the schema" in server.requests[1].body["messages"][-1]["content"]


def test_server_down_falls_back(kb: tuple[Settings, Store]) -> None:
    port = free_port()  # nothing listens here
    article = service(kb, f"http://127.0.0.1:{port}/v1").ask(QUESTION)
    assert (
        article.provenance.composer
        == f"extractive (fallback: server unreachable at http://127.0.0.1:{port}/v1)"
    )
    assert article.bottom_line


def test_timeout_falls_back(kb: tuple[Settings, Store], chat_server: StartServer) -> None:
    server = chat_server(lambda r: Reply(article_json(), delay_s=3))
    article = service(kb, server.base_url, timeout_s=0.5).ask(QUESTION)
    assert article.provenance.composer == "extractive (fallback: timed out after 0.5 s)"
    assert len(server.requests) == 1  # a timeout is not retried


def test_http_error_falls_back(kb: tuple[Settings, Store], chat_server: StartServer) -> None:
    server = chat_server(lambda r: Reply("model overloaded", status=500))
    article = service(kb, server.base_url).ask(QUESTION)
    assert article.provenance.composer == "extractive (fallback: server error (HTTP 500))"


def test_server_without_json_schema_support_gets_json_object(
    kb: tuple[Settings, Store], chat_server: StartServer
) -> None:
    def reply(request: Received) -> Reply:
        if request.format_type == "json_schema":
            return Reply("response_format type json_schema is not supported", status=400)
        return quoting_reply(request)

    server = chat_server(reply)
    article = service(kb, server.base_url).ask(QUESTION)
    assert article.provenance.composer == "llm:stub-model"
    assert [r.format_type for r in server.requests] == ["json_schema", "json_object"]


def test_abstain_phrase_falls_back(kb: tuple[Settings, Store], chat_server: StartServer) -> None:
    server = chat_server(
        lambda r: Reply(article_json(bottom_line=[{"text": ABSTAIN_PHRASE.upper(), "citations": []}]))
    )
    article = service(kb, server.base_url).ask(QUESTION)
    assert article.provenance.composer == (
        "extractive (fallback: the model said the passages do not answer the question)"
    )
    assert len(server.requests) == 1


def test_citations_to_passages_not_given_are_removed(
    kb: tuple[Settings, Store], chat_server: StartServer
) -> None:
    def reply(request: Received) -> Reply:
        passages = passages_in(request)
        beyond = len(passages) + 5
        return Reply(
            article_json(
                bottom_line=[{"text": passages[1], "citations": [1, beyond]}],
                cautions=[{"text": passages[2], "citations": [beyond + 1]}],
                monitoring=[{"text": f"{passages[2]} [{beyond + 2}]", "citations": []}],
                alternatives=[{"text": f"{passages[3]} [3]", "citations": []}],
            )
        )

    server = chat_server(reply)
    article = service(kb, server.base_url).ask(QUESTION)
    assert article.provenance.composer == "llm:stub-model"
    refs = {r.number for r in article.references}
    assert all(set(s.citations) <= refs for _, s in article.statements())
    # The bottom line keeps its valid citation; the statements citing only missing passages are dropped.
    assert len(article.bottom_line) == 1 and article.bottom_line[0].citations == [1]
    dropped = {d.section: d.reason for d in article.provenance.dropped}
    assert dropped == {"cautions": "cites no given passage", "monitoring": "cites no given passage"}
    assert article.provenance.statements_dropped == 2
    assert not article.important_considerations.cautions
    # An inline "[3]" marker becomes the citation and leaves the text.
    (alternative,) = article.important_considerations.alternatives
    assert "[3]" not in alternative.text and len(alternative.citations) == 1


def test_statement_with_a_number_not_in_its_passage_is_dropped(
    kb: tuple[Settings, Store], chat_server: StartServer
) -> None:
    def reply(request: Received) -> Reply:
        passages = passages_in(request)
        wordy = next(n for n, t in passages.items() if len(t.split()) > 6)
        invented = f"{passages[wordy].rstrip('.')} at 975 mg weekly."
        return Reply(
            article_json(
                bottom_line=[{"text": passages[1], "citations": [1]}],
                specific_recommendation=[{"text": invented, "citations": [wordy]}],
            )
        )

    server = chat_server(reply)
    article = service(kb, server.base_url).ask(QUESTION)
    assert article.provenance.composer == "llm:stub-model"
    assert not any("975" in s.text for _, s in article.statements())
    assert article.provenance.statements_dropped == 1
    (dropped,) = article.provenance.dropped
    assert dropped.section == "specific_recommendation"
    assert dropped.reason == "number(s) 975 not in the cited passage"


def test_everything_dropped_falls_back(kb: tuple[Settings, Store], chat_server: StartServer) -> None:
    server = chat_server(
        lambda r: Reply(
            article_json(
                bottom_line=[
                    {"text": "Give 40 mg of a drug nobody mentioned, twice daily.", "citations": [1]}
                ]
            )
        )
    )
    article = service(kb, server.base_url).ask(QUESTION)
    assert (
        article.provenance.composer == "extractive (fallback: no statement survived verification (1 dropped))"
    )
    assert article.provenance.statements_dropped == 0  # the extractive article's own count
    assert article.bottom_line


def test_off_topic_question_never_reaches_the_server(
    kb: tuple[Settings, Store], chat_server: StartServer
) -> None:
    server = chat_server(quoting_reply)
    article = service(kb, server.base_url).ask("What is the prognosis of glioblastoma?")
    assert article.insufficient_evidence
    assert article.provenance.composer == "extractive (fallback: insufficient evidence, LLM not asked)"
    assert server.requests == []


def test_cli_llm_flag_and_api_key_from_environment(
    kb: tuple[Settings, Store], chat_server: StartServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings, _ = kb
    server = chat_server(quoting_reply)
    monkeypatch.setenv("MEDCITE_LLM__BASE_URL", server.base_url)
    monkeypatch.setenv("MEDCITE_LLM__MODEL", "stub-model")
    monkeypatch.setenv("MEDCITE_LLM__API_KEY", "sk-test-secret")
    monkeypatch.setenv("MEDCITE_INGEST__EMBED", "false")
    monkeypatch.setenv("MEDCITE_LIBRARY__ENABLED", "false")  # only the fixture knowledge base
    runner = CliRunner()
    args = ["--data-dir", str(settings.data_dir), "ask", QUESTION, "--json"]
    plain = runner.invoke(app, args)
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.output)["provenance"]["composer"] == "extractive"
    assert server.requests == []  # opt-in: nothing is sent without --llm or llm.enabled
    result = runner.invoke(app, [*args, "--llm"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["provenance"]["composer"] == "llm:stub-model"
    assert server.requests[0].headers["authorization"] == "Bearer sk-test-secret"
    assert "sk-test-secret" not in repr(load_settings(data_dir=settings.data_dir))


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("", "holds no JSON object"),
        ("Methotrexate 7.5 mg weekly.", "holds no JSON object"),
        ("{'bottom_line': []}", "invalid JSON"),
        ('{"bottom_line": []}', "does not match the schema (treatment_algorithm: Field required)"),
        ("__import__('os').system('true')", "holds no JSON object"),
    ],
)
def test_parse_reply_rejects(content: str, reason: str) -> None:
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_reply(content)


def test_parse_reply_accepts_fenced_json() -> None:
    parsed = parse_reply(
        "```json\n" + article_json(cautions=[{"text": "Avoid.", "citations": [2]}]) + "\n```"
    )
    assert parsed.cautions[0].citations == [2]
    assert is_abstention(f"  {ABSTAIN_PHRASE.lower()}  ") and not is_abstention("Start methotrexate.")
