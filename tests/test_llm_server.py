"""The LLM composer against a real llama.cpp server (llama-cpp-python, SmolLM2-135M from a wheel).

A 135M model writes poor medicine; these tests check the protocol (the request MedCite sends is
accepted, the reply parses and validates), and that whatever the model writes comes out of the
composer either verified or replaced by the extractive article with a reason. Skipped when the
`llm-test` dependency group is not installed (see docs/llm.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_server import LlamaServer
from medcite.answer import prompts
from medcite.answer.compose_llm import output_schema, parse_reply
from medcite.answer.schema import Audience
from medcite.answer.service import AnswerService
from medcite.answer.verify import numbers_in
from medcite.config import LLMSettings, Settings, load_settings
from medcite.ingest.pipeline import ingest_paths
from medcite.llm.client import LLMClient
from medcite.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "answers"


def llm_settings(server: LlamaServer) -> LLMSettings:
    # Few passages and a short reply: a 1,000-token prompt takes tens of seconds on 2 busy cores.
    return LLMSettings(
        enabled=True,
        base_url=server.base_url,
        model=server.model,
        timeout_s=120,
        max_retries=1,
        max_tokens=300,
        max_passages=3,
    )


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Store]]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("llama-kb"), ingest={"embed": False})
    store = Store(settings.database_url)
    ingest_paths([FIXTURES / "ra_management.md", FIXTURES / "methotrexate_label.md"], store, settings, None)
    yield settings, store
    store.dispose()


def test_server_accepts_the_request_and_the_reply_validates(llama_server: LlamaServer) -> None:
    client = LLMClient(llm_settings(llama_server))
    passages = [
        ("RA guideline > Treatment", "Offer methotrexate as first-line treatment for active RA."),
        ("Methotrexate label > Dosing", "The usual starting dose is 7.5 mg once weekly."),
    ]
    completion = client.complete_json(
        prompts.messages("What is first-line treatment for RA?", passages, Audience.CLINICIAN),
        output_schema(),
    )
    # llama.cpp's server rejects OpenAI's "json_schema" request type and takes a schema grammar with
    # "json_object"; a server that accepts json_schema would be used as is.
    assert completion.response_format in ("json_schema", "json_object")
    parsed = parse_reply(completion.content)  # the grammar makes the reply match the schema
    assert set(type(parsed).model_fields) == set(output_schema()["properties"])


def test_composer_output_is_verified_or_replaced(
    kb: tuple[Settings, Store], llama_server: LlamaServer
) -> None:
    settings, store = kb
    service = AnswerService(settings.model_copy(update={"llm": llm_settings(llama_server)}), store)
    article = service.ask("What is the starting dose of methotrexate in rheumatoid arthritis?")
    composer = article.provenance.composer
    assert composer == f"llm:{llama_server.model}" or composer.startswith("extractive (fallback: ")
    for transport in ("unreachable", "timed out", "server error", "rejected every request format"):
        assert transport not in composer, composer
    assert article.bottom_line
    refs = {r.number: r for r in article.references}
    assert sorted(refs) == list(range(1, len(refs) + 1))
    for _, statement in article.statements():
        passages = " ".join(p.text for n in statement.citations for p in refs[n].passages)
        assert statement.citations and passages
        assert numbers_in(statement.text) <= numbers_in(passages), statement.text
