"""Settings: arguments > `MEDCITE_*` environment variables (`__` nests) > TOML config file > defaults.

Settings are built by `load_settings()` and passed down; nothing reads them at import time, so
tests and several API workers can each run with their own data directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, SecretStr
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

from medcite.errors import ConfigError


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class IngestSettings(_Section):
    max_file_mb: float = Field(100.0, description="Files larger than this are refused with a clear reason.")
    chunk_target_chars: int = Field(
        900, description="Chunks grow sentence by sentence up to about this size."
    )
    chunk_max_chars: int = Field(1600, description="Hard ceiling; a longer sentence or table row is split.")
    embed: bool = Field(
        True, description="Compute dense vectors at ingest (needed for dense and hybrid search)."
    )
    follow_symlinks: bool = Field(
        True, description="Follow symbolic links while walking folders (loops are detected)."
    )
    embed_chars: int | None = Field(
        None,
        ge=32,
        description="Characters of each chunk's embedding text (source title, section, chunk text) the "
        "embedder reads; empty = "
        "the model's own limit (1,200). Encoding cost grows with length: 300 is about 3x faster "
        "and scored the same in hybrid search (docs/benchmarks.md).",
    )
    embed_batch: int | None = Field(
        None,
        ge=1,
        le=1024,
        description="Passages encoded per model call; empty = the model's best (measured).",
    )


class SearchSettings(_Section):
    backend: str = Field(
        "embedded", description="'embedded' (on-disk index) or 'postgres' (shared deployments)."
    )
    k: int = Field(10, description="Number of passages returned by default.")
    candidates: int = Field(100, description="Candidates taken from each retriever before fusion.")
    rrf_k: int = Field(60, description="Reciprocal-rank-fusion constant.")
    embedder: str = Field("e5-small", description="Embedding model name (see medcite.search.embeddings).")
    expand_abbreviations: bool = Field(
        True, description="Expand medical abbreviations and synonyms in queries."
    )
    rerank: bool = Field(True, description="Apply clinical rerank features (kind, section role, recency).")


class LibrarySettings(_Section):
    enabled: bool = Field(True, description="Index and answer from the shipped starter library.")
    local_folders: list[Path] = Field(
        default_factory=list,
        description="Your own topic folders (e.g. hospital protocols): kept in sync like the library and "
        "ranked above it when both match a question.",
    )


class AnswerSettings(_Section):
    k: int = Field(12, description="Passages retrieved by the main query of `medcite ask`.")


class StoreSettings(_Section):
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is SQLite in the data directory. postgresql+psycopg://..."
    )


class LLMSettings(_Section):
    """The opt-in LLM composer: any OpenAI-compatible server (vLLM, llama.cpp, Ollama, a hosted API)."""

    enabled: bool = Field(
        False, description="Compose answers with the LLM (same as `medcite ask --llm`); extractive otherwise."
    )
    base_url: str = Field(
        "http://127.0.0.1:8080/v1", description="OpenAI-compatible API root, ending in /v1."
    )
    model: str = Field("local", description="Model name the server knows (e.g. 'llama3.1:8b').")
    api_key: SecretStr | None = Field(
        None, description="API key; set MEDCITE_LLM__API_KEY rather than writing it into a config file."
    )
    timeout_s: float = Field(60.0, gt=0, description="Seconds to wait for one completion.")
    max_retries: int = Field(
        2, ge=0, le=5, description="Extra attempts when the output is not valid article JSON."
    )
    temperature: float = Field(0.0, ge=0, le=2, description="0 keeps answers repeatable.")
    max_tokens: int = Field(1200, ge=16, description="Upper bound on the completion length.")
    max_passages: int = Field(12, ge=1, le=40, description="Numbered passages sent in the prompt.")
    system_prompt: str | None = Field(
        None,
        description="Replaces the built-in rules (medcite.answer.prompts.SYSTEM); keep the abstain "
        "sentence and the citation rules in it.",
    )
    response_format: str = Field(
        "json_schema",
        pattern="^(json_schema|json_object|none)$",
        description="How to ask for JSON: 'json_schema' (constrained), 'json_object', or 'none' "
        "(instructions only). MedCite steps down by itself when the server rejects one.",
    )


class Settings(BaseSettings):
    """All MedCite settings. Build with `load_settings()`."""

    model_config = SettingsConfigDict(env_prefix="MEDCITE_", env_nested_delimiter="__", extra="forbid")

    data_dir: Path = Field(
        default_factory=lambda: Path(platformdirs.user_data_dir("medcite")),
        description="Folder for the database, search index and caches.",
    )
    ingest: IngestSettings = Field(default_factory=IngestSettings)  # type: ignore[arg-type]
    search: SearchSettings = Field(default_factory=SearchSettings)  # type: ignore[arg-type]
    store: StoreSettings = Field(default_factory=StoreSettings)  # type: ignore[arg-type]
    library: LibrarySettings = Field(default_factory=LibrarySettings)  # type: ignore[arg-type]
    answer: AnswerSettings = Field(default_factory=AnswerSettings)  # type: ignore[arg-type]
    llm: LLMSettings = Field(default_factory=LLMSettings)  # type: ignore[arg-type]

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = _CONFIG_FILE_FOR_BUILD.get("path")
        if config_file is not None:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=config_file))
        return tuple(sources)

    @property
    def database_url(self) -> str:
        return self.store.database_url or f"sqlite:///{self.data_dir / 'medcite.db'}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"


# pydantic-settings builds sources from class state; this one-slot dict carries the file
# chosen by load_settings() into settings_customise_sources for the duration of one build.
_CONFIG_FILE_FOR_BUILD: dict[str, Path | None] = {"path": None}


def _config_file_path(explicit: Path | None, data_dir: Path | None) -> Path | None:
    if explicit is not None:
        if not explicit.is_file():
            raise ConfigError(f"Config file {explicit} does not exist.")
        return explicit
    env = os.environ.get("MEDCITE_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"MEDCITE_CONFIG points to {path}, which does not exist.")
        return path
    base = data_dir or Path(os.environ.get("MEDCITE_DATA_DIR") or platformdirs.user_data_dir("medcite"))
    candidate = base / "config.toml"
    return candidate if candidate.is_file() else None


def load_settings(
    data_dir: Path | None = None, config_file: Path | None = None, **overrides: Any
) -> Settings:
    """Build settings with explicit precedence; raise ConfigError with a readable message."""
    if data_dir is not None:
        overrides["data_dir"] = data_dir
    _CONFIG_FILE_FOR_BUILD["path"] = _config_file_path(config_file, data_dir)
    try:
        return Settings(**overrides)
    except ValueError as exc:  # pydantic.ValidationError and TOML decode errors
        raise ConfigError(f"Invalid settings: {exc}") from exc
    finally:
        _CONFIG_FILE_FOR_BUILD["path"] = None
