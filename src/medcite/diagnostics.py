"""Health checks behind `medcite doctor` (and, later, the API's health endpoint)."""

from __future__ import annotations

import importlib.util
import json
import time
from dataclasses import dataclass

from medcite import __version__
from medcite.config import Settings
from medcite.errors import MedCiteError
from medcite.store.database import Store, head_revision, redact_url
from medcite.store.sources import count_chunks, count_chunks_without_vectors, list_sources


@dataclass(frozen=True)
class Check:
    name: str
    ok: bool
    detail: str


def run_checks(settings: Settings) -> list[Check]:
    """Each check reports what it found; one failure never hides the others."""
    checks = [
        Check("version", True, f"medcite {__version__}"),
        Check("data directory", True, str(settings.data_dir)),
    ]
    store: Store | None = None
    try:
        store = Store(settings.database_url)
        revision = store.current_revision()
        checks.append(
            Check(
                "database", revision == head_revision(), f"{redact_url(settings.database_url)} at {revision}"
            )
        )
        counts = f"{len(list_sources(store))} sources, {count_chunks(store)} chunks"
        checks.append(Check("knowledge base", True, f"{counts}, version {store.kb_version()}"))
        if settings.ingest.embed:
            waiting = count_chunks_without_vectors(store, settings.search.embedder)
            detail = (
                f"{waiting} chunks still waiting for {settings.search.embedder} vectors (an interrupted "
                "ingest): run `medcite ingest` on the same files to finish"
                if waiting
                else f"every chunk ingested for {settings.search.embedder} has its vector"
            )
            checks.append(Check("vectors", True, detail))
    except MedCiteError as exc:
        checks.append(Check("database", False, str(exc)))
    state_file = settings.index_dir / "embedded" / "state.json"
    if settings.search.backend == "embedded":
        if state_file.is_file():
            state = json.loads(state_file.read_text())
            current = store is not None and state.get("kb_version") == store.kb_version()
            detail = f"{state.get('chunks')} chunks, vectors: {state.get('has_vectors')}, " + (
                "up to date" if current else "stale (rebuilt on the next search)"
            )
            checks.append(Check("search index", True, detail))
        else:
            checks.append(Check("search index", True, "not built yet (built on the first search)"))
    else:
        checks.append(Check("search index", True, f"backend {settings.search.backend}"))
    if settings.ingest.embed:
        try:
            from medcite.search.embeddings import get_embedder

            started = time.perf_counter()
            embedder = get_embedder(settings.search.embedder)
            embedder.embed_query("doctor check")
            took = (time.perf_counter() - started) * 1000
            checks.append(
                Check("embedding model", True, f"{embedder.name} ({embedder.dim} dims), {took:.0f} ms")
            )
        except Exception as exc:  # report any loader failure instead of crashing the doctor
            checks.append(Check("embedding model", False, f"{exc.__class__.__name__}: {exc}"))
    for module, purpose in (("psycopg", "PostgreSQL store"), ("pgvector", "PostgreSQL vectors")):
        found = importlib.util.find_spec(module) is not None
        checks.append(Check(f"optional: {purpose}", True, "installed" if found else "not installed"))
    if store is not None:
        store.dispose()
    return checks
