"""Per-invocation state shared by commands: settings and a lazily opened store."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import typer
from rich.console import Console

from medcite.config import Settings, load_settings
from medcite.store import Store


@dataclass
class AppContext:
    data_dir: Path | None = None
    config_file: Path | None = None
    _settings: Settings | None = None
    _store: Store | None = None
    console: Console = field(default_factory=Console)
    err: Console = field(default_factory=lambda: Console(stderr=True))

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings(data_dir=self.data_dir, config_file=self.config_file)
        return self._settings

    @property
    def store(self) -> Store:
        if self._store is None:
            self._store = Store(self.settings.database_url)
        return self._store

    def knowledge_base(self) -> Store:
        """The store with the starter library indexed (first use) and in step with this release."""
        from medcite.library.bootstrap import ensure_library, sync_local_folders
        from medcite.search.embeddings import get_embedder

        settings = self.settings
        embedder = get_embedder(settings.search.embedder) if settings.ingest.embed else None
        with self.err.status("Indexing the starter library (first use only)...") as status:

            def on_topic(origin: str) -> None:
                status.update(f"Indexing the starter library: {origin.removeprefix('library:')}")

            sync = ensure_library(self.store, settings, embedder, on_topic=on_topic)
            local = sync_local_folders(self.store, settings, embedder)
        if local.changed:
            self.err.print(
                f"Local folders: {len(local.added)} added, {len(local.updated)} updated, "
                f"{len(local.removed)} removed.",
                highlight=False,
            )
        if sync.changed:
            self.err.print(
                f"Starter library: {len(sync.added)} topics added, {len(sync.updated)} updated, "
                f"{len(sync.removed)} removed in {sync.seconds:.1f} s.",
                highlight=False,
            )
        return self.store


def get_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj
