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


def get_context(ctx: typer.Context) -> AppContext:
    obj = ctx.find_root().obj
    assert isinstance(obj, AppContext)
    return obj
