"""`medcite library status|build-vectors`: the library's place in this knowledge base."""

from __future__ import annotations

import typer

from medcite.cli.context import get_context
from medcite.cli.output import JsonOption, print_json
from medcite.library import LIBRARY_VERSION
from medcite.library.bootstrap import build_vector_pack, library_files
from medcite.search.embeddings import get_embedder
from medcite.store.sources import list_sources


def status(ctx: typer.Context, json_out: JsonOption = False) -> None:
    """Show the library version and how many of its topics this knowledge base holds."""
    app = get_context(ctx)
    store = app.knowledge_base()
    stored = [s for s in list_sources(store) if s.origin.startswith("library:")]
    data = {
        "library_version": LIBRARY_VERSION,
        "enabled": app.settings.library.enabled,
        "shipped_topics": len(library_files()),
        "indexed_topics": len(stored),
        "indexed_chunks": sum(s.chunks for s in stored),
    }
    if json_out:
        print_json(data)
        return
    for key, value in data.items():
        app.console.print(f"{key.replace('_', ' ')}: {value}", highlight=False)


def build_vectors(ctx: typer.Context) -> None:
    """Maintainers: encode the shipped topics and their known questions into the vector pack, so that
    first use needs no encoding."""
    app = get_context(ctx)
    path, encoded = build_vector_pack(app.settings, get_embedder(app.settings.search.embedder))
    app.console.print(
        f"Wrote {path} ({encoded} passages and questions encoded, the rest reused).", highlight=False
    )
