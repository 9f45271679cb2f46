"""The LLM composer against a real llama.cpp server (llama-cpp-python, SmolLM2-135M from a wheel).

A 135M model writes poor medicine; these tests check the protocol (the request MedCite sends is
accepted, the reply parses and validates), and that whatever the model writes comes out of the
composer either verified or replaced by the extractive article with a reason. Skipped when the
`llm-test` dependency group is not installed (see docs/llm.md).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from llm_server import LlamaServer
from medcite.answer.service import AnswerService
from medcite.answer.verify import numbers_in
from medcite.config import LLMSettings, Settings, load_settings
from medcite.ingest.pipeline import ingest_paths
from medcite.llm.client import LLMClient
from medcite.store import Store

FIXTURES = Path(__file__).parent / "fixtures" / "answers"


def llm_settings(server: LlamaServer, **overrides: object) -> LLMSettings:
    # Few passages and short replies: SmolLM2 makes ~5-10 tokens/s on 2 busy cores.
    options: dict[str, object] = {
        "timeout_s": 120,
        "max_retries": 0,
        "max_tokens": 80,
        "max_passages": 2,
        **overrides,
    }
    return LLMSettings(enabled=True, base_url=server.base_url, model=server.model, **options)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Store]]:
    settings = load_settings(data_dir=tmp_path_factory.mktemp("llama-kb"), ingest={"embed": False})
    store = Store(settings.database_url)
    ingest_paths([FIXTURES / "ra_management.md", FIXTURES / "methotrexate_label.md"], store, settings, None)
    yield settings, store
    store.dispose()


def test_server_accepts_the_request_and_the_reply_follows_the_schema(llama_server: LlamaServer) -> None:
    schema = {
        "type": "object",
        "properties": {"drug": {"type": "string", "maxLength": 30}, "passage": {"type": "integer"}},
        "required": ["drug", "passage"],
        "additionalProperties": False,
    }
    # A short prompt: the full article prompt is exercised by the next test.
    messages = [
        {
            "role": "user",
            "content": "[1] Offer methotrexate as first-line treatment for active RA.\n"
            "Which drug is first-line for RA, and which passage says so? Reply as JSON.",
        }
    ]
    with LLMClient(llm_settings(llama_server, max_tokens=40)) as client:
        completion = client.complete_json(messages, schema)
        # llama-cpp-python rejects OpenAI's "json_schema" type (HTTP 500 with a validation error) and
        # takes the schema as a grammar under "json_object"; the client steps down and remembers it.
        assert completion.response_format == "json_object"
        assert client.response_format == "json_object"
    data = json.loads(completion.content)
    assert set(data) == {"drug", "passage"}
    assert isinstance(data["drug"], str) and len(data["drug"]) <= 30
    assert isinstance(data["passage"], int)


@pytest.mark.slow
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
