"""Settings: arguments > `MEDCITE_*` environment variables (`__` nests) > TOML config file > defaults.

Settings are built by `load_settings()` and passed down; nothing reads them at import time, so
tests and several API workers can each run with their own data directory.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import BaseModel, ConfigDict, Field
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
    composer: str = Field(
        "extractive",
        description="'extractive' (offline, deterministic, default) or 'llm' (OpenAI-compatible).",
    )
    k: int = Field(12, description="Passages retrieved by the main query of `medcite ask`.")
    llm_base_url: str | None = Field(
        None, description="OpenAI-compatible server for the LLM composer, e.g. http://127.0.0.1:8080/v1."
    )
    llm_model: str = Field("", description="Model name the server expects.")
    llm_api_key: str | None = Field(
        None, description="API key (MEDCITE_ANSWER__LLM_API_KEY); local servers usually accept any value."
    )
    llm_timeout_s: float = Field(120.0, description="Seconds to wait for one completion.")
    llm_retries: int = Field(2, description="Extra attempts when the model's JSON is invalid.")
    llm_max_passages: int = Field(16, description="Numbered passages given to the model.")


class StoreSettings(_Section):
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default is SQLite in the data directory. postgresql+psycopg://..."
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
