"""A thin wrapper over the `openai` package: one JSON completion, errors MedCite can explain.

Servers differ in how they constrain output to JSON. The client asks for what the settings say
(`json_schema` first by default) and steps down to `json_object`, then to instructions only, when
the server rejects the request format (HTTP 400/422); it remembers the format that worked. It does
not retry transport failures itself: the composer falls back to the extractive article at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from medcite.config import LLMSettings
from medcite.errors import LLMError, MissingDependencyError

if TYPE_CHECKING:
    from openai import OpenAI

FORMATS = ("json_schema", "json_object", "none")


class LLMUnavailableError(LLMError):
    """The server could not be reached or did not answer in time."""


@dataclass
class Completion:
    content: str
    response_format: str
    finish_reason: str | None


class LLMClient:
    """One OpenAI-compatible chat endpoint, configured by `LLMSettings`."""

    def __init__(self, settings: LLMSettings) -> None:
        self.settings = settings
        self.model = settings.model
        self.response_format = settings.response_format
        self._client: OpenAI | None = None

    @property
    def client(self) -> OpenAI:
        if self._client is None:
            try:
                from openai import OpenAI
            except ImportError as exc:  # pragma: no cover - openai is a runtime dependency
                raise MissingDependencyError(
                    "The LLM composer needs the 'openai' package: pip install openai"
                ) from exc
            key = self.settings.api_key.get_secret_value() if self.settings.api_key else "not-needed"
            self._client = OpenAI(
                base_url=self.settings.base_url,
                api_key=key,
                timeout=self.settings.timeout_s,
                max_retries=0,
            )
        return self._client

    def close(self) -> None:
        """Close the HTTP connection pool (the composer does this after each answer)."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> LLMClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def complete_json(
        self, messages: list[dict[str, str]], schema: dict[str, Any], name: str = "answer"
    ) -> Completion:
        """Ask for a JSON reply; step down the request format when the server rejects it."""
        import openai

        start = FORMATS.index(self.response_format)
        last: Exception | None = None
        for fmt in FORMATS[start:]:
            try:
                response = self.client.chat.completions.create(
                    model=self.model,
                    messages=messages,  # type: ignore[arg-type]
                    temperature=self.settings.temperature,
                    max_tokens=self.settings.max_tokens,
                    **_format_args(fmt, schema, name),
                )
            except openai.APIStatusError as exc:
                # 400/422 is how servers reject a format; llama-cpp-python answers 500 with the
                # validation error in the body. Other failures are not the format's fault.
                if exc.status_code in (400, 422) or "response_format" in str(exc):
                    last = exc
                    continue
                raise LLMError(f"server error (HTTP {exc.status_code})") from exc
            except openai.APITimeoutError as exc:
                raise LLMUnavailableError(f"timed out after {self.settings.timeout_s:g} s") from exc
            except openai.APIConnectionError as exc:
                raise LLMUnavailableError(f"server unreachable at {self.settings.base_url}") from exc
            except openai.OpenAIError as exc:
                raise LLMError(f"unusable response ({type(exc).__name__})") from exc
            self.response_format = fmt
            if not response.choices:
                raise LLMError("server returned no choices")
            choice = response.choices[0]
            return Completion(choice.message.content or "", fmt, choice.finish_reason)
        status = getattr(last, "status_code", "?")
        raise LLMError(f"server rejected every request format (HTTP {status})") from last


def _format_args(fmt: str, schema: dict[str, Any], name: str) -> dict[str, Any]:
    if fmt == "json_schema":
        return {
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": True},
            }
        }
    if fmt == "json_object":
        # OpenAI ignores "schema" here; llama.cpp's server turns it into a grammar.
        return {"response_format": {"type": "json_object", "schema": schema}}
    return {}
