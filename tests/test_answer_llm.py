"""The LLM composer against a real OpenAI-compatible HTTP server on 127.0.0.1.

The server is a small scripted stand-in for a model (the protocol is what is under test, not medical
quality): it reads the numbered passages from the prompt and answers with JSON that cites them, or with
the invalid replies a weak model gives. Checks: request shape, parsing and validation, retries, the same
verification as the extractive composer, and fallback to extractive on failure.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("openai")

from medcite.answer.compose_llm import parse_draft
from medcite.answer.service import AnswerService
from medcite.answer.verify import numbers_in
from medcite.config import load_settings
from medcite.errors import ConfigError
from medcite.ingest.pipeline import ingest_paths
from medcite.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "answers"
QUESTION = "What is the next step for example syndrome whose EFS fell despite drug A and drug B?"


class _Model:
    """Replies in order from `script`; 'echo' builds a valid article from the prompt's passages."""

    def __init__(self) -> None:
        self.script: list[str] = []
        self.requests: list[dict[str, Any]] = []

    def reply(self, body: dict[str, Any]) -> str:
        self.requests.append(body)
        mode = self.script.pop(0) if self.script else "echo"
        prompt = body["messages"][1]["content"]
        passages = {int(n): text for n, text in re.findall(r"^\[(\d+)\] (.+)$", prompt, re.M)}
        if mode == "garbage":
            return "Sure! Here is the answer: restart treatment C."
        if mode == "bad_cite":
            return json.dumps({"bottom_line": [{"text": "Restart treatment C.", "cites": [99]}]})
        if mode == "insufficient":
            return json.dumps({"insufficient": True})
        first = next(n for n, t in passages.items() if "restart" in t.lower() or "add" in t.lower())
        caution = next(
            (n for n, t in passages.items() if "avoid" in t.lower() or "do not" in t.lower()), first
        )
        return json.dumps(
            {
                "bottom_line": [{"text": passages[first], "cites": [first]}],
                "specific_recommendation": [{"text": "Give drug D 999 mg daily.", "cites": [first]}],
                "cautions": [{"text": passages[caution], "cites": [caution]}],
                "monitoring": [{"text": "Offer a calcium-channel blocker to adults.", "cites": [first]}],
                "closing_rationale": None,
                "insufficient": False,
            }
        )


@pytest.fixture(scope="module")
def model_server() -> Iterator[tuple[str, _Model]]:
    model = _Model()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            assert self.path == "/v1/chat/completions"
            content = model.reply(body)
            payload = json.dumps(
                {
                    "id": "chatcmpl-test",
                    "object": "chat.completion",
                    "created": 0,
                    "model": body["model"],
                    "choices": [
                        {
                            "index": 0,
                            "finish_reason": "stop",
                            "message": {"role": "assistant", "content": content},
                        }
                    ],
                }
            ).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1", model
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("llm-kb")
    settings = load_settings(data_dir=data_dir, ingest={"embed": False})
    store = Store(settings.database_url)
    files = [FIXTURES / "example_syndrome.md", FIXTURES / "example_trial.md", FIXTURES / "hypertension.md"]
    assert ingest_paths(files, store, settings, None).count("added") == 3
    store.dispose()
    return data_dir


def _service(kb_dir: Path, base_url: str | None, retries: int = 2) -> AnswerService:
    answer = {"llm_model": "test-model", "llm_retries": retries, "llm_timeout_s": 5}
    if base_url:
        answer["llm_base_url"] = base_url
    settings = load_settings(data_dir=kb_dir, ingest={"embed": False}, answer=answer)
    return AnswerService(settings, Store(settings.database_url))


def test_llm_article_is_parsed_mapped_and_verified(kb_dir: Path, model_server: tuple[str, _Model]) -> None:
    url, model = model_server
    model.script = ["echo"]
    before = len(model.requests)
    article = _service(kb_dir, url).ask(QUESTION, composer="llm")
    request = model.requests[before]
    assert request["model"] == "test-model" and request["temperature"] == 0
    assert request["response_format"] == {"type": "json_object"}
    assert [m["role"] for m in request["messages"]] == ["system", "user"]
    assert (
        "[1] " in request["messages"][1]["content"]
        and "source: Guideline" in request["messages"][1]["content"]
    )
    assert article.provenance.composer_fallback is None, article.provenance.composer_fallback
    assert article.provenance.composer == "test-model"
    assert "restart" in article.bottom_line[0].text.lower() or "add" in article.bottom_line[0].text.lower()
    dropped = {d.text for d in article.provenance.dropped}
    assert dropped == {"Give drug D 999 mg daily.", "Offer a calcium-channel blocker to adults."}
    refs = {r.number: r for r in article.references}
    for _, s in article.statements():
        cited = " ".join(p.text for n in s.citations for p in refs[n].passages)
        assert s.citations and numbers_in(s.text) <= numbers_in(cited)


def test_invalid_reply_is_retried_with_the_reason(kb_dir: Path, model_server: tuple[str, _Model]) -> None:
    url, model = model_server
    model.script = ["garbage", "bad_cite", "echo"]
    before = len(model.requests)
    article = _service(kb_dir, url).ask(QUESTION, composer="llm")
    assert len(model.requests) - before == 3
    repair = model.requests[before + 2]["messages"][-1]["content"]
    assert "not valid" in repair and "passage numbers" in repair
    assert article.provenance.composer == "test-model"


def test_falls_back_to_extractive_when_the_model_never_complies(
    kb_dir: Path, model_server: tuple[str, _Model]
) -> None:
    url, model = model_server
    model.script = ["garbage", "garbage"]
    article = _service(kb_dir, url, retries=1).ask(QUESTION, composer="llm")
    assert article.provenance.composer == "extractive"
    assert "no valid article after 2 attempts" in (article.provenance.composer_fallback or "")
    assert article.bottom_line and all(s.citations for _, s in article.statements())


def test_falls_back_when_the_server_is_down(kb_dir: Path) -> None:
    article = _service(kb_dir, "http://127.0.0.1:9/v1").ask(QUESTION, composer="llm")
    assert article.provenance.composer == "extractive"
    assert "failed" in (article.provenance.composer_fallback or "")


def test_model_can_abstain(kb_dir: Path, model_server: tuple[str, _Model]) -> None:
    url, model = model_server
    model.script = ["insufficient"]
    article = _service(kb_dir, url).ask(QUESTION, composer="llm")
    assert article.insufficient_evidence and not article.bottom_line


def test_missing_server_setting_is_a_config_error(kb_dir: Path) -> None:
    with pytest.raises(ConfigError, match="MEDCITE_ANSWER__LLM_BASE_URL"):
        _service(kb_dir, None).ask(QUESTION, composer="llm")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("not json", "not JSON"),
        ('{"bottom_line": [{"text": "x", "cites": []}]}', "schema"),
        ('{"bottom_line": [{"text": "x", "cites": [7]}]}', "not passage numbers"),
        ('{"bottom_line": []}', "bottom_line is empty"),
    ],
)
def test_parse_draft_rejects(content: str, reason: str) -> None:
    with pytest.raises(ValueError, match=reason):
        parse_draft(content, n_passages=3)


def test_parse_draft_accepts_fenced_json() -> None:
    draft = parse_draft('```json\n{"bottom_line": [{"text": "Do X.", "cites": [1, 2]}]}\n```', n_passages=2)
    assert draft.bottom_line[0].cites == [1, 2]
