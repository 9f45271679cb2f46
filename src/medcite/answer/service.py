"""Answer a question end to end: analyse, retrieve, select, compose, verify.

`AnswerService.ask` is what the CLI, the API and the evaluation harness call. Each stage is timed
into the article's provenance. The same question against the same knowledge base gives the same
article (timings aside): nothing here is random and ties are broken by stable keys.
"""

from __future__ import annotations

import re
import time

import numpy as np
from sqlalchemy import select

from medcite.answer.analyse import Analysis, analyse_question
from medcite.answer.answerable import (
    AskedLike,
    AskedQuestion,
    asked_like,
    lines_for_origin,
)
from medcite.answer.compose_extractive import SourceInfo, compose_extractive, relevant_candidates
from medcite.answer.compose_llm import compose_llm
from medcite.answer.drugs import class_words
from medcite.answer.followups import suggest_follow_ups
from medcite.answer.patient import adapt_for_patient
from medcite.answer.query import asked_object, build_query, key_stems, key_terms, topic_terms
from medcite.answer.readability import flesch_kincaid
from medcite.answer.retrieve import probe, retrieve
from medcite.answer.schema import AnswerArticle, Audience, Provenance
from medcite.answer.select import Selection, select_evidence
from medcite.answer.topic_router import LEXICAL_MIN_SHARE, TopicRouter, routed_source
from medcite.answer.verify import verify_article
from medcite.answer.wording import EMPTY_KB
from medcite.config import Settings
from medcite.errors import InputError
from medcite.library import LIBRARY_VERSION
from medcite.models import SearchHit, SourceKind
from medcite.search.expansion import abbreviation_meanings, synonym_table
from medcite.search.service import SearchService
from medcite.store import Store
from medcite.store.sources import count_chunks, source_chunks
from medcite.store.tables import ChunkRow, KnowledgeBaseState, SourceRow
from medcite.text.tokens import tokenize

# Share of the question's key terms (condition, drugs, named scores) that the best retrieved
# passage, with its source title and section, must contain. Measured on the fixture question set
# (docs/answers.md): on-topic questions score 0.5-1.0, off-topic ones 0.0-0.33.
MIN_EVIDENCE_STRENGTH = 0.5
MAX_QUESTION_CHARS = 2000


def validate_question(question: str) -> None:
    """Refuse an empty or oversized question with a message that says what to do."""
    if not question.strip():
        raise InputError('The question is empty. Ask in plain words, e.g. medcite ask "first-line ..."')
    if len(question) > MAX_QUESTION_CHARS:
        raise InputError(
            f"The question is {len(question)} characters long; the limit is {MAX_QUESTION_CHARS}."
        )


class AnswerService:
    def __init__(self, settings: Settings, store: Store, search: SearchService | None = None) -> None:
        self.settings = settings
        self.store = store
        self.search = search or SearchService(settings, store)
        self.router = TopicRouter(store, lambda: self.search.embedder)

    def ask(
        self,
        question: str,
        audience: Audience = Audience.CLINICIAN,
        k: int | None = None,
        verify_embeddings: bool = True,
        llm: bool | None = None,
    ) -> AnswerArticle:
        """Answer one question. `llm`: compose with the LLM server (default: settings.llm.enabled)."""
        k = k or self.settings.answer.k
        validate_question(question)
        timings: dict[str, float] = {}
        t0 = t = time.perf_counter()
        analysis = analyse_question(question)
        timings["analyse"] = _ms(t)

        t = time.perf_counter()
        query = build_query(analysis)
        # a condition the question implies ("status epilepticus" from a 6-minute seizure) belongs to
        # what it means, so the short query carries it too
        implied = unnamed_implied(analysis)
        dense_query = " ".join(" ".join((analysis.question, *implied)).split())
        self.search.backend.refresh()
        # embedded once: for dense retrieval, and to compare with the questions sources are known to answer
        query_vector = (
            self.search.embedder.embed_query(dense_query) if self.search.backend.has_vectors else None
        )
        retrieved = retrieve(self.search, query, dense_query, k, query_vector)
        terms = key_terms(analysis)
        hits = retrieved.hits
        hits = hits + probe(self.search, " ".join(terms), exclude={h.chunk_id for h in hits})
        routed = (
            routed_source(self._route(query_vector))
            if query_vector is not None
            else routed_source(self.router.lexical(analysis.question), LEXICAL_MIN_SHARE)
        )
        hits = hits + whole_lead_source(self.store, hits, routed)
        timings["retrieve"] = _ms(t)

        t = time.perf_counter()
        paediatric = analysis.age_group == "child"
        selection = select_evidence(
            hits,
            query,
            analysis.intent,
            terms,
            paediatric=paediatric,
            question=analysis.question,
            implied=tuple(implied),
        )
        # what the case implies is on topic too ("giant cell arteritis" from jaw claudication and an ESR)
        selection.key_stems = key_stems([*terms, *analysis.implied_conditions])
        sources = self._sources({h.source_id for h in hits})
        asked = self._asked_like(selection, sources, query_vector)
        selection.asked_like, selection.asked_sources = asked.lines, asked.sources
        keywords = {sid: info.keywords for sid, info in sources.items()}
        equivalents = term_equivalents(analysis)
        condition = analysis.facts.condition
        strength = evidence_strength(hits, topic_terms(analysis), keywords, equivalents, condition)
        wanted = asked_object(analysis.question)
        if wanted and 0 < strength < MIN_EVIDENCE_STRENGTH:
            # a source that holds what is asked for ("antiemetic") and part of the case (the carboplatin,
            # not the ovarian cancer it treats) answers it: the asked-for object counts as one more term
            strength = max(
                strength, evidence_strength(hits, [wanted, *topic_terms(analysis)], keywords, equivalents)
            )
        for other in (c for c in analysis.implied_conditions if c != condition):
            # "breast cancer, neutrophils 0.4, temp 38.4" is answerable as febrile neutropenia
            implied_terms = [other, *analysis.facts.drugs_mentioned]
            strength = max(strength, evidence_strength(hits, implied_terms, keywords, equivalents, other))
        timings["select"] = _ms(t)

        t = time.perf_counter()
        provenance = Provenance(
            kb_version=self.store.kb_version(),
            library_version=LIBRARY_VERSION if self.settings.library.enabled else None,
            composer="extractive",
            retrieval_query=query,
            passages_retrieved=len(hits),
            retrieved_chunks=[h.chunk_id for h in hits],
            evidence_strength=round(strength, 3),
            identifiers_removed=analysis.identifiers_removed,
        )
        article = compose_extractive(
            analysis,
            selection,
            sources,
            provenance,
            audience=audience,
            insufficient=strength < MIN_EVIDENCE_STRENGTH,
        )
        if self.settings.llm.enabled if llm is None else llm:
            embedder = self.search.embedder if verify_embeddings and self.search.backend.has_vectors else None
            article = compose_llm(article, analysis, selection, sources, self.settings.llm, embedder)
        if audience is Audience.PATIENT:
            adapt_for_patient(article)
        article.review.last_updated = self._kb_updated()
        if not hits and count_chunks(self.store) == 0:
            for warning in article.warnings:
                if warning.kind == "insufficient_evidence":
                    warning.text = EMPTY_KB
        timings["compose"] = _ms(t)

        t = time.perf_counter()
        embedder = self.search.embedder if verify_embeddings and self.search.backend.has_vectors else None
        verify_article(article, embedder)
        _renumber(article)
        timings["verify"] = _ms(t)

        t = time.perf_counter()
        if not article.insufficient_evidence:
            headings = self._headings([r.source_id for r in article.references])
            article.follow_ups = suggest_follow_ups(
                article, relevant_candidates(selection, sources), headings
            )
        article.provenance.readability = flesch_kincaid(article_text(article))
        timings["finish"] = _ms(t)
        timings["total"] = _ms(t0)
        article.provenance.timings_ms = timings
        return article

    def analyse(self, question: str) -> Analysis:
        return analyse_question(question)

    def _route(self, query_vector: np.ndarray | None) -> dict[int, float]:
        """Each source's share of the known questions' votes (`topic_router`); empty without vectors."""
        return self.router(query_vector) if query_vector is not None else {}

    def _asked_like(
        self, selection: Selection, sources: dict[int, SourceInfo], query_vector: np.ndarray | None
    ) -> AskedLike:
        """How close the question is to those each candidate's line is known to answer (`answerable`)."""
        lines = {sid: found for sid, info in sources.items() if (found := lines_for_origin(info.origin))}
        if not lines:
            return AskedLike({}, {})
        vectors = self.router.vectors if query_vector is not None else None
        aliases = {k: v for k, v in selection.aliases.items() if k not in selection.name_aliases}
        asked = AskedQuestion(selection.question_terms, aliases, query_vector, vectors)
        return asked_like(selection.candidates, lines, asked)

    def _sources(self, ids: set[int]) -> dict[int, SourceInfo]:
        if not ids:
            return {}
        with self.store.session() as s:
            rows = s.execute(select(SourceRow).where(SourceRow.id.in_(sorted(ids)))).scalars().all()
            return {
                r.id: SourceInfo(
                    source_id=r.id,
                    kind=SourceKind(r.kind).label,
                    title=r.title,
                    authors=list(r.authors or []),
                    organisation=r.organisation,
                    journal=r.journal,
                    publisher=r.publisher,
                    year=r.year,
                    pmid=r.pmid,
                    doi=r.doi,
                    url=r.url,
                    evidence_grade=(r.meta or {}).get("evidence_grade"),
                    primary_sources={
                        str(ref["id"]): ref
                        for ref in (r.meta or {}).get("references") or []
                        if isinstance(ref, dict) and ref.get("id")
                    },
                    keywords=tuple(str(k) for k in (r.meta or {}).get("keywords") or ()),
                    origin=r.origin,
                )
                for r in rows
            }

    def _headings(self, source_ids: list[int]) -> list[str]:
        """Section headings of the cited sources, in source and reading order."""
        if not source_ids:
            return []
        order = {sid: i for i, sid in enumerate(source_ids)}
        with self.store.session() as s:
            rows = s.execute(
                select(ChunkRow.source_id, ChunkRow.ordinal, ChunkRow.section_path).where(
                    ChunkRow.source_id.in_(source_ids)
                )
            ).all()
        out: list[str] = []
        for _, _, path in sorted(rows, key=lambda r: (order[r[0]], r[1])):
            if path and len(path) > 1 and path[-1] not in out:
                out.append(path[-1])
        return out

    def _kb_updated(self) -> str | None:
        with self.store.session() as s:
            value = s.scalar(select(KnowledgeBaseState.updated_at).where(KnowledgeBaseState.id == 1))
        return value.isoformat() if value else None


# A source this short (a topic summary, a protocol) is read whole when it leads the ranking: the
# sentence that answers the question may sit in a chunk the ranking cut.
WHOLE_SOURCES = 2  # leading sources read whole (`whole_lead_source`)
MAX_WHOLE_SOURCE_CHUNKS = 40


def whole_lead_source(store: Store, hits: list[SearchHit], routed: int | None = None) -> list[SearchHit]:
    """The unretrieved chunks of the two sources that lead the ranking, and of the source the known
    questions point to (`topic_router`), each if it is short: the topic the answer is composed from
    may be the runner-up ("uncomplicated UTI" retrieves the pyelonephritis topic first, while the
    cystitis topic answers) or missing from the ranking, and its first-line advice may sit in a chunk
    the search did not return."""
    votes: dict[int, float] = {}
    for rank, hit in enumerate(hits):
        votes[hit.source_id] = votes.get(hit.source_id, 0.0) + 1 / (1 + rank)
    if not votes and routed is None:
        return []
    seen = {h.chunk_id for h in hits}
    out: list[SearchHit] = []
    leads = sorted(votes, key=lambda sid: (-votes[sid], sid))[:WHOLE_SOURCES]
    if routed is not None and routed not in leads:
        leads.append(routed)
    for lead in leads:
        chunks = source_chunks(store, lead, limit=MAX_WHOLE_SOURCE_CHUNKS + 1)
        if len(chunks) <= MAX_WHOLE_SOURCE_CHUNKS:
            out += [c for c in chunks if c.chunk_id not in seen]
    return out


def unnamed_implied(analysis: Analysis) -> list[str]:
    """The implied conditions the question does not name, in words or by an abbreviation ("Is this AKI?"
    names acute kidney injury): only those add to what the query means."""
    abbreviations = re.findall(r"\b[A-Z][A-Za-z0-9]{1,7}\b", analysis.question)
    named = " ".join(
        (analysis.question, *(m for w in abbreviations for m in abbreviation_meanings(w)))
    ).lower()
    return [c for c in analysis.implied_conditions if c.lower() not in named]


def term_equivalents(analysis: Analysis) -> dict[str, tuple[str, ...]]:
    """What else a source may call a topic term: a drug's class ("co-codamol" is an opioid), a
    condition's head word ("metastatic lung cancer" is answered by a topic on cancer) or synonym."""
    out: dict[str, tuple[str, ...]] = {}
    for drug in analysis.facts.drugs_mentioned:
        if class_words(drug):
            out[drug] = class_words(drug)
    condition = analysis.facts.condition
    if condition and len(condition.split()) > 1:
        head = condition.split()[-1]
        if key_stems([head]) and len(head) > 4:
            out[condition] = (head,)
    if condition and synonym_table().get(condition.lower()):
        # "urosepsis" is answered by a topic on sepsis
        out[condition] = (*out.get(condition, ()), *synonym_table()[condition.lower()])
    return out


def evidence_strength(
    hits: list[SearchHit],
    terms: list[str],
    keywords: dict[int, tuple[str, ...]] | None = None,
    equivalents: dict[str, tuple[str, ...]] | None = None,
    condition: str | None = None,
) -> float:
    """Best share of the question's topic terms (condition, drugs) that one source's retrieved
    passages, with its title, sections and index keywords, cover together; a term counts when half
    of its specific word stems are there. Per source, not per passage: a topic that names the drug
    in one passage and the condition in the next still answers the question. Keywords count because
    an editor listed them as what the source is about ("melaena" for upper GI bleeding)."""
    if not hits:
        return 0.0
    equivalents = equivalents or {}
    # each term: its own stems and those of each equivalent; covered when one of them is
    by_term = {
        t: [s for s in (key_stems([t]), *(key_stems([e]) for e in equivalents.get(t, ()))) if s]
        for t in terms
    }
    stem_sets = [alternatives for alternatives in by_term.values() if alternatives]
    if not stem_sets:
        return 1.0
    anchor = by_term.get(condition) if condition else None
    contexts: dict[int, set[str]] = {}
    for hit in hits:
        context = contexts.setdefault(hit.source_id, set())
        if not context and keywords:
            context.update(tokenize(" ".join(keywords.get(hit.source_id, ()))))
        context.update(tokenize(" ".join((hit.source_title, *hit.section_path, hit.text))))
    best = 0.0
    for context in contexts.values():
        covered = sum(1 for alternatives in stem_sets if _covers(alternatives, context))
        share = covered / len(stem_sets)
        if anchor and _covers(anchor, context):
            # the source is about the patient's condition: the drugs named may be history (the
            # chemotherapy before a febrile neutropenia), so it is enough to answer from
            share = max(share, MIN_EVIDENCE_STRENGTH)
        best = max(best, share)
    return best


def _covers(alternatives: list[frozenset[str]], context: set[str]) -> bool:
    return any(len(stems & context) * 2 >= len(stems) for stems in alternatives)


def _renumber(article: AnswerArticle) -> None:
    """After verification, keep only references still cited and number them 1..n in order."""
    cited: list[int] = []
    for _, statement in article.statements():
        for n in statement.citations:
            if n not in cited:
                cited.append(n)
    for w in article.warnings:
        w.citations = [n for n in w.citations if n in cited]
    mapping = {old: new for new, old in enumerate(cited, start=1)}
    refs = {r.number: r for r in article.references}
    article.references = [refs[old].model_copy(update={"number": mapping[old]}) for old in cited]
    for _, statement in article.statements():
        statement.citations = [mapping[n] for n in statement.citations]
    for w in article.warnings:
        w.citations = [mapping[n] for n in w.citations]
    article.evidence_level = [
        f"[{r.number}] {r.evidence_level}" for r in article.references if r.evidence_level
    ]


def article_text(article: AnswerArticle) -> str:
    """The prose a reader sees (assessment, leads and statements as shown: a patient's plain
    renderings), for readability scoring."""
    parts = list(article.assessment.summary)
    for _, s in article.statements():
        parts.append(f"{s.lead}: {s.shown}" if s.lead else s.shown)
    return "\n\n".join(p if p.rstrip().endswith((".", "?", "!")) else p + "." for p in parts)


def _ms(start: float) -> float:
    return round((time.perf_counter() - start) * 1000, 2)
