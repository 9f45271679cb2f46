"""The extractive composer: build the article only from selected source sentences.

MedCite's own words are limited to headings, short leads ("If this fails"), the Assessment
(read from the question) and warnings. Each clinical statement is a quoted sentence with the
number of the reference it came from. Sections are filled by role and ordered the way a clinician
reads a plan: assess, escalate, choose, dose, what if it fails, when to refer.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from medcite.answer.analyse import Analysis, named_age_group
from medcite.answer.bottom_line import (
    CHOOSE,
    ESCALATE,
    BottomLineContext,
    asks_to_stop,
    choose_bottom_line,
    drug_stems,
    stage_fits,
)
from medcite.answer.drugs import NON_DRUG_THERAPIES, find_drugs
from medcite.answer.implied import condition_from_labs
from medcite.answer.schema import (
    AnswerArticle,
    Assessment,
    Audience,
    Considerations,
    Intent,
    Passage,
    PrimarySource,
    Provenance,
    Reference,
    Role,
    Statement,
    Warning,
)
from medcite.answer.select import Candidate, Selection, _context_stems
from medcite.answer.wording import (
    DISCLAIMERS,
    IDENTIFIERS_REMOVED,
    INSUFFICIENT,
    LEADS,
    PENDING_REVIEW,
    assessment_lines,
    conflict_text,
    contraindication_text,
    title_for,
)
from medcite.text.markers import CITATION_MARKER
from medcite.text.tokens import tokenize

_EVALUATE = re.compile(
    r"\bconfirm\b|adherence|\bexclude\b|before escalating|\bassess\b|\bmeasure\b|treat to target", re.I
)
OTHER_AGE_GROUP = 3.0  # a source for children, for an adult patient, or the reverse
NO_ASKED_DRUG = 2.0  # a source that never names the drug asked about, when another does
OTHER_DIABETES_TYPE = 2.0  # a source on type 2 diabetes for a patient with type 1, or the reverse
# a source whose title names the condition the case implies ("Acute pyelonephritis" for dysuria, a
# temperature of 38.4 and loin pain), beside one on what the question's words are most like (cystitis)
IMPLIED_TITLE = 1.0
_DIABETES_TYPE = re.compile(
    r"\b(?:type\s?|T)([12])(?:\s?(?:DM|diabetes|diabetic)|\b(?!\s*respiratory))", re.I
)
ASKED_SOURCE_WEIGHT = 20.0  # a source's share of the known-question votes, against votes + cover (1-4)
_SCOPE_SECTION = re.compile(r"(?:scope|about this (?:summary|guideline)|purpose)\b", re.I)
_EXPLICIT_ESCALATION = re.compile(r"escalat|step[- ]up|intensif|treat to target|target is not", re.I)
_CONTINUE_STOP = re.compile(r"\bcontinue\b|\bstop\b|\btaper\b|discontinu|withdraw", re.I)
_RATIONALE = re.compile(
    r"irreversib|\bearly\b|\bdelay|matters|may not fully recover|time-critical|costs", re.I
)
_START = re.compile(r"\bstart|\bbegin|initial|starting", re.I)
_ADJUST = re.compile(r"renal|hepatic|egfr|kidney|liver|reduce the dose|maximum|adjust", re.I)
_GRADE = re.compile(
    r"\((?:grade|level)\s+[A-D1-4][A-C+-]?\)|\(?\b(?:strong|conditional|weak) recommendation\b\)?", re.I
)

SECTION_LIMITS = {
    "bottom_line": 2,
    "algorithm": 5,
    "specific": 6,
    "evidence": 3,
    "monitoring": 3,
    "alternatives": 3,
    "cautions": 4,
    "multidisciplinary": 2,
    "found": 4,
}
CHECKLISTS: dict[Intent, tuple[str, ...]] = {
    Intent.NEXT_STEP: (
        "recommended step",
        "dose",
        "monitoring",
        "contraindications",
        "alternatives if it fails",
        "when to refer",
    ),
    Intent.TREATMENT_CHOICE: (
        "recommended treatment",
        "dose",
        "monitoring",
        "contraindications",
        "alternatives if it fails",
        "when to refer",
    ),
    Intent.DOSING: ("dose", "dose adjustment", "monitoring", "cautions"),
    Intent.MONITORING: ("what to monitor", "how often", "cautions"),
    Intent.ADVERSE_EFFECTS: ("adverse effects", "contraindications", "monitoring"),
    Intent.DIAGNOSIS: ("diagnostic step", "when to refer"),
    Intent.COMPARISON: ("comparative evidence", "recommendation"),
    Intent.PROGNOSIS: ("outcome data",),
}


@dataclass
class SourceInfo:
    """Citation metadata for one source (from the store)."""

    source_id: int
    kind: str
    title: str
    authors: list[str] = field(default_factory=list)
    organisation: str | None = None
    journal: str | None = None
    publisher: str | None = None
    year: int | None = None
    pmid: str | None = None
    doi: str | None = None
    url: str | None = None
    evidence_grade: str | None = None
    primary_sources: dict[str, dict[str, Any]] = field(default_factory=dict)
    keywords: tuple[str, ...] = ()  # the editor's index terms ("melaena", "TLS") from front matter
    origin: str = ""  # where the source came from (a path, or "library:<path>")


def primary_sources_for(info: SourceInfo, passages: list[str]) -> list[PrimarySource]:
    """The references an editorial summary's cited passages point at with `[rN]` markers, in order."""
    markers: list[str] = []
    for text in passages:
        for group in CITATION_MARKER.findall(text):
            markers.extend(m.strip() for m in group.split(",") if m.strip() not in markers)
    out = []
    for marker in dict.fromkeys(markers):
        ref = info.primary_sources.get(marker)
        if ref is None:
            continue
        authors = ref.get("authors") or []
        out.append(
            PrimarySource(
                marker=marker,
                kind=_opt_str(ref.get("kind")),
                title=str(ref.get("title") or ""),
                authors=[str(a) for a in authors] if isinstance(authors, list) else [str(authors)],
                organisation=_opt_str(ref.get("organisation") or ref.get("organization")),
                journal=_opt_str(ref.get("journal")),
                publisher=_opt_str(ref.get("publisher")),
                year=int(ref["year"]) if str(ref.get("year") or "").isdigit() else None,
                pmid=_opt_str(ref.get("pmid")),
                doi=_opt_str(ref.get("doi")),
                url=_opt_str(ref.get("url")),
            )
        )
    return out


def _opt_str(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


class _Builder:
    """Tracks which candidates are used and numbers references in order of first citation."""

    def __init__(self, sources: dict[int, SourceInfo]) -> None:
        self.sources = sources
        self.used: set[tuple[int, int, int]] = set()
        self.ref_numbers: dict[int, int] = {}
        self.passages: dict[int, dict[tuple[int, int, int], Candidate]] = defaultdict(dict)

    def statement(self, c: Candidate, lead: str | None = None) -> Statement:
        self.used.add(c.key)
        number = self.ref_numbers.setdefault(c.hit.source_id, len(self.ref_numbers) + 1)
        self.passages[c.hit.source_id][c.key] = c
        return Statement(text=c.text, citations=[number], lead=lead, role=c.role)

    def cite(
        self, cands: list[Candidate], text: str, lead: str | None = None, role: Role | None = None
    ) -> Statement:
        """A statement in someone else's words (the LLM's) citing the sources of these passages."""
        numbers = []
        for c in cands:
            self.used.add(c.key)
            number = self.ref_numbers.setdefault(c.hit.source_id, len(self.ref_numbers) + 1)
            self.passages[c.hit.source_id][c.key] = c
            if number not in numbers:
                numbers.append(number)
        return Statement(text=text, citations=sorted(numbers), lead=lead, role=role)

    def references(self) -> list[Reference]:
        refs = []
        for source_id, number in sorted(self.ref_numbers.items(), key=lambda item: item[1]):
            info = self.sources[source_id]
            cands = sorted(self.passages[source_id].values(), key=lambda c: c.char_start)
            grades = [m.group(0).strip("() ") for c in cands for m in [_GRADE.search(c.passage)] if m]
            refs.append(
                Reference(
                    number=number,
                    source_id=source_id,
                    kind=info.kind,
                    title=info.title,
                    authors=info.authors,
                    organisation=info.organisation,
                    journal=info.journal,
                    publisher=info.publisher,
                    year=info.year,
                    pmid=info.pmid,
                    doi=info.doi,
                    url=info.url,
                    evidence_level=info.evidence_grade or (grades[0] if grades else None),
                    passages=[
                        Passage(
                            chunk_id=c.hit.chunk_id,
                            section_path=list(c.hit.section_path),
                            char_start=c.char_start,
                            char_end=c.char_end,
                            page=c.hit.page,
                            text=c.passage,
                        )
                        for c in cands
                    ],
                    primary_sources=primary_sources_for(info, [c.passage for c in cands]),
                )
            )
        return refs


def _advises_use(c: Candidate) -> bool:
    """The sentence recommends giving a drug (a dose row, or an instruction that is no caution)."""
    return Role.DOSING in c.roles or (c.role is not Role.CAUTION and bool(CHOOSE.search(c.text)))


def relevant_candidates(
    selection: Selection, sources: dict[int, SourceInfo] | None = None
) -> list[Candidate]:
    """Candidates about the question's topic: they, their section or their source (title, or the
    editor's index keywords when `sources` is given) name a key term."""
    if not selection.key_stems:
        return list(selection.candidates)
    on_topic_sources = {
        c.hit.source_id for c in selection.candidates if selection.key_stems & _context_stems(c)
    }
    for source_id, info in (sources or {}).items():
        if selection.key_stems & set(tokenize(" ".join(info.keywords))):
            on_topic_sources.add(source_id)
    return [
        c
        for c in selection.candidates
        if selection.key_stems & _context_stems(c) or c.hit.source_id in on_topic_sources
    ]


def new_article(
    analysis: Analysis, provenance: Provenance, audience: Audience
) -> tuple[AnswerArticle, list[Warning]]:
    """The parts every composer shares: title, assessment, disclaimer, red-flag warnings first."""
    warnings = [Warning(kind="red_flag", text=f.advice) for f in analysis.red_flags]
    if analysis.identifiers_removed:
        warnings.append(Warning(kind="identifiers_removed", text=IDENTIFIERS_REMOVED))
    article = AnswerArticle(
        question=analysis.question,
        intent=analysis.intent,
        audience=audience,
        title=title_for(analysis.intent, analysis.facts, analysis.question),
        assessment=Assessment(summary=assessment_lines(analysis.facts, audience), facts=analysis.facts),
        glossary=analysis.glossary if audience is not Audience.CLINICIAN else {},
        disclaimer=DISCLAIMERS[audience],
        provenance=provenance,
    )
    return article, warnings


def insufficient_article(
    article: AnswerArticle, warnings: list[Warning], selection: Selection, b: _Builder
) -> AnswerArticle:
    """Say plainly that the evidence is insufficient, show what was found, recommend nothing."""
    warnings.append(Warning(kind="insufficient_evidence", text=INSUFFICIENT))
    article.insufficient_evidence = True
    article.found_but_not_recommended = [
        b.statement(c) for c in selection.candidates[: SECTION_LIMITS["found"]]
    ]
    article.warnings = [*warnings, Warning(kind="pending_review", text=PENDING_REVIEW)]
    article.references = b.references()
    article.provenance.completeness_gaps = list(CHECKLISTS[article.intent])
    return article


def finish_article(article: AnswerArticle, warnings: list[Warning], b: _Builder) -> AnswerArticle:
    """References, evidence levels, the review warning and the completeness checklist."""
    article.references = b.references()
    article.evidence_level = [
        f"[{r.number}] {r.evidence_level}" for r in article.references if r.evidence_level
    ]
    article.warnings = [*warnings, Warning(kind="pending_review", text=PENDING_REVIEW)]
    covered, gaps = completeness(article)
    article.provenance.completeness_covered = covered
    article.provenance.completeness_gaps = gaps
    return article


def compose_extractive(
    analysis: Analysis,
    selection: Selection,
    sources: dict[int, SourceInfo],
    provenance: Provenance,
    audience: Audience = Audience.CLINICIAN,
    insufficient: bool = False,
) -> AnswerArticle:
    leads = LEADS[audience]
    b = _Builder(sources)
    facts = analysis.facts
    intent = analysis.intent
    # a source's description of itself ("Adults and adolescents aged 12 and over with ...") is no advice
    pool = [c for c in relevant_candidates(selection, sources) if not _SCOPE_SECTION.match(c.section)]
    article, warnings = new_article(analysis, provenance, audience)
    if insufficient or not pool:
        return insufficient_article(article, warnings, selection, b)

    def take(
        pred: object, limit: int, lead: str | None = None, pool_: list[Candidate] | None = None
    ) -> list[Statement]:
        out: list[Statement] = []
        for c in pool_ if pool_ is not None else pool:
            if len(out) >= limit:
                break
            if c.key in b.used or not pred(c):  # type: ignore[operator]
                continue
            out.append(b.statement(c, lead))
        return out

    # Bottom line: what answers the question, from the source most about it (see bottom_line.py).
    escalating = intent is Intent.NEXT_STEP and (facts.inadequate_response or bool(facts.current_treatments))
    # the condition the analysis derived ("status epilepticus" from a 6-minute seizure, "febrile
    # neutropenia" from the labs) counts as something the question says
    derived = [c for c in analysis.implied_conditions if c not in analysis.question]
    lead_source = _lead_source(
        selection.candidates,
        " ".join((analysis.question, *analysis.expansions, *derived)),
        selection.asked_sources,
        analysis.age_group,
        # the drugs asked about, not those taken for something else ("on metformin, now a UTI"), unless
        # the question asks about going on with what is taken ("on Priadel ... can she just stop?")
        # (nor for a dose question about the only drug named, taken or not: "prescribed the usual Champix
        # titration ... should it be changed?")
        _asked_drugs(analysis, asks_to_stop(analysis.question)),
        dose_question=intent is Intent.DOSING,
        # (not a state, "pregnancy", nor what one lab value names, "hyponatraemia" from Na 128 in a woman
        # vomiting in pregnancy: often a finding beside what is asked about)
        derived=tuple(c for c in derived if c not in ("pregnancy", condition_from_labs(facts.labs))),
    )
    pool_keys = {c.key for c in pool}
    bottom_pool = pool + [
        c for c in selection.candidates if c.hit.source_id == lead_source and c.key not in pool_keys
    ]
    context = BottomLineContext(
        question=analysis.question,
        intent=intent,
        failing=facts.therapy_failing,  # therapy named alone may be for something else
        escalating=escalating,
        current_treatments=frozenset(facts.current_treatments),
        asked_drugs=frozenset(d.lower() for d in facts.drugs_mentioned)
        - {d.lower() for d in facts.current_treatments},
        tried_drugs=frozenset(facts.drugs_mentioned)
        - {t.name for t in facts.treatments if t.response == "responded"},
        lead_source=lead_source,
        selection=selection,
        age_group=analysis.age_group,
        implied=analysis.implied_conditions,
        previous_treatments=frozenset(
            t.name for t in facts.treatments if t.status == "previous" and t.response != "responded"
        ),
    )
    chosen = choose_bottom_line(bottom_pool, context)
    bottom_candidates = chosen.sentences
    bottom = [b.statement(c) for c in bottom_candidates]
    if chosen.rules_out:
        # the case has a contraindication to the drug asked about: say so first, and keep the plan
        # and the doses from recommending it
        asked = sorted(context.focus_drugs or context.asked_drugs)
        warnings.append(
            Warning(kind="contraindication", text=contraindication_text(asked), citations=bottom[0].citations)
        )
        ruled_stems = drug_stems(frozenset(asked))
        pool = [c for c in pool if c.key in b.used or not (c.stems & ruled_stems and _advises_use(c))]
    # The algorithm is one source's plan: it reads only the sources the bottom line rests on (when
    # they have candidates); the considerations read them first.
    plan_sources = {lead_source} | {c.hit.source_id for c in bottom_candidates}
    plan_pool = [c for c in pool if c.hit.source_id in plan_sources] or pool
    article.bottom_line = bottom
    bottom_drugs = {d for c in pool if c.key in b.used for d in c.drugs} | set(facts.drugs_mentioned)

    strong_rationale = re.compile(r"matters|irreversib|may not fully recover|time-critical|costs", re.I)
    rationale = take(lambda c: bool(strong_rationale.search(c.text)) and c.role is not Role.STUDY_RESULT, 1)
    treatment_like = intent in (
        Intent.NEXT_STEP,
        Intent.TREATMENT_CHOICE,
        Intent.COMPARISON,
        Intent.DIAGNOSIS,
    )
    if treatment_like:
        steps: list[Statement] = []
        steps += take(
            lambda c: bool(_EVALUATE.search(c.text)) and c.role in (Role.RECOMMENDATION, Role.MONITORING),
            1,
            leads["assess"],
            pool_=plan_pool,
        )

        def is_refer(c: Candidate) -> bool:
            return c.role is Role.REFERRAL and bool(re.search(r"same day|urgent|within", c.text))

        def passed(c: Candidate) -> bool:
            """After a stated failure, first-line advice ("start methotrexate as the first DMARD")
            is a step the patient has already taken."""
            return context.failing and stage_fits(c, False) and not stage_fits(c, True)

        def is_fails(c: Candidate) -> bool:
            return c.role is Role.ALTERNATIVE and not passed(c)

        # Keep room for "If this fails" and "Refer" when the sources have them: never take a step
        # that the five-step limit would then cut (a cut step would be lost from the whole article).
        reserved = sum(any(c.key not in b.used and p(c) for c in pool) for p in (is_refer, is_fails))
        limit = SECTION_LIMITS["algorithm"]
        steps += take(
            lambda c: c.role is Role.RECOMMENDATION and bool(ESCALATE.search(c.text)),
            max(0, min(2, limit - len(steps) - reserved - 1)),
            leads["escalate"],
            # a sentence that says to escalate before one that only mentions a switch or an add-on
            pool_=sorted(plan_pool, key=lambda c: not _EXPLICIT_ESCALATION.search(c.text)),
        )
        current = set(facts.current_treatments)
        steps += take(
            lambda c: (
                c.role in (Role.RECOMMENDATION, Role.ALTERNATIVE)
                and bool(set(c.drugs) - current)
                and bool(CHOOSE.search(c.text))
                and not passed(c)
            ),
            1 if len(steps) + reserved < limit else 0,
            leads["choose"],
            pool_=plan_pool,
        )
        if len(steps) < 2:
            # a second step when the sources have one: a recommendation, never a caution, and
            # "Escalate" only when therapy is failing
            steps += take(
                lambda c: c.role is Role.RECOMMENDATION and not passed(c),
                2 - len(steps),
                leads["escalate"] if facts.therapy_failing else leads["choose"],
                pool_=plan_pool,
            )
        # "if this fails" after a stated failure: the source's refractory-stage advice first
        later_first = sorted(plan_pool, key=lambda c: not (context.failing and stage_fits(c, True)))
        steps += take(is_fails, 1 if len(steps) < limit else 0, leads["fails"], pool_=later_first)
        steps += take(is_refer, 1 if len(steps) < limit else 0, leads["refer"], pool_=plan_pool)
        article.treatment_algorithm = steps
        bottom_drugs |= {d for c in pool if c.key in b.used for d in c.drugs}

    # Specific recommendation: dosing lines together (by drug, then reading order), then continue/stop.
    dosing = [
        c
        for c in pool
        if Role.DOSING in c.roles and c.key not in b.used and c.role in (Role.DOSING, Role.RECOMMENDATION)
    ]
    if bottom_drugs:
        preferred = [c for c in dosing if set(c.drugs) & bottom_drugs]
        dosing = preferred or dosing
    dosing = dosing[: SECTION_LIMITS["specific"] - 1]
    dosing.sort(key=lambda c: (c.drugs[0] if c.drugs else "~", c.order))
    specific = [b.statement(c, _dose_lead(c, leads)) for c in dosing]
    specific += take(
        lambda c: bool(_CONTINUE_STOP.search(c.text)) and c.role in (Role.RECOMMENDATION, Role.DOSING), 1
    )
    article.specific_recommendation = specific
    conflicts = _dose_conflicts([c for c in pool if c.key in b.used and Role.DOSING in c.roles], b)

    # Evidence supporting: study results, labelled with the source's design.
    named = set(facts.drugs_mentioned) | {d for c in pool if c.key in b.used for d in c.drugs}
    studies = [
        c
        for c in pool
        if c.key not in b.used
        and c.role is Role.STUDY_RESULT
        and (not named or bool(named & set(c.drugs)) or (not c.drugs and treatment_like))
    ]
    studies = studies[: SECTION_LIMITS["evidence"]]
    evidence = []
    for c in sorted(studies, key=lambda c: c.order):
        info = sources[c.hit.source_id]
        evidence.append(b.statement(c, f"{info.kind}{f', {info.year}' if info.year else ''}"))
    article.evidence_supporting = evidence

    # Considerations come from the sources the bottom line rests on when they cover the item: a
    # neighbouring topic's monitoring line (croup's stridor check in a bronchiolitis answer) only
    # when those sources say nothing on it.

    def consider(pred: object, limit: int, pool_: list[Candidate]) -> list[Statement]:
        own = [c for c in pool_ if c.hit.source_id in plan_sources]
        return take(pred, limit, pool_=own) or take(pred, limit, pool_=pool_)

    article.important_considerations = Considerations(
        monitoring=consider(lambda c: c.role is Role.MONITORING, SECTION_LIMITS["monitoring"], pool),
        alternatives=consider(lambda c: c.role is Role.ALTERNATIVE, SECTION_LIMITS["alternatives"], pool),
        cautions=consider(
            lambda c: c.role is Role.CAUTION, SECTION_LIMITS["cautions"], _cautions_first(pool, analysis)
        ),
        multidisciplinary=consider(
            lambda c: c.role is Role.REFERRAL, SECTION_LIMITS["multidisciplinary"], pool
        ),
    )
    if not rationale:
        rationale = take(
            lambda c: bool(_RATIONALE.search(c.text)) and c.role in (Role.BACKGROUND, Role.RECOMMENDATION), 1
        )
    article.closing_rationale = rationale[0] if rationale else None

    return finish_article(article, warnings + conflicts, b)


def _asked_drugs(analysis: Analysis, stopping: bool) -> frozenset[str]:
    """The drugs a question asks about, for the lead source: those named and not taken, unless it asks
    about stopping what is taken, or asks a dose and names no other drug."""
    facts = analysis.facts
    named = frozenset(d.lower() for d in facts.drugs_mentioned) - NON_DRUG_THERAPIES
    other = named - {d.lower() for d in facts.current_treatments}
    if stopping or (analysis.intent is Intent.DOSING and not other):
        return named
    return other


def _lead_source(
    candidates: list[Candidate],
    question: str,
    asked: dict[int, float] | None = None,
    age_group: str | None = None,
    asked_drugs: frozenset[str] = frozenset(),
    dose_question: bool = False,
    derived: tuple[str, ...] = (),
) -> int:
    """The source most about the question: its passages rank high and its sentences, section
    headings and title together cover most of the question's own words (rare words weigh most).

    When that source has known questions (`answerable`), the sources with known questions compete
    again with their share of the question-to-question votes added: they say which topic's questions
    this one is like, which words and passages miss ("pregnant and injecting heroin, detox?" is about
    opioid use, not about pregnancy). A source without known questions that leads (a hospital's own
    protocol) keeps the lead, so adding known questions to the library never outranks local text.

    A source whose title is for the other age group ("... in infants and children" for a woman of 31)
    competes with a handicap (`OTHER_AGE_GROUP`), and so does one that never names a drug the question
    asks about when another source does ("varenicline, CrCl 24: dose?" is not about anticoagulants,
    however alike its renal-dosing words are: `NO_ASKED_DRUG`). For a dose question (`dose_question`) only
    the sources naming the drug asked about compete, when any does: no other source can give its dose.
    A source whose title names a condition the case implies without naming it (`derived`: "pyelonephritis"
    from dysuria, a temperature of 38.4 and loin pain) competes with a bonus (`IMPLIED_TITLE`), unless its
    title is for the other age group."""
    votes: dict[int, float] = defaultdict(float)
    seen: set[int] = set()
    stems: dict[int, set[str]] = defaultdict(set)
    for c in candidates:
        sid = c.hit.source_id
        if c.hit.chunk_id not in seen:
            seen.add(c.hit.chunk_id)
            votes[sid] += 1 / (1 + c.hit_rank)
        stems[sid] |= _context_stems(c)
    asked_stems = set(tokenize(question))
    df = {s: sum(1 for sid in stems if s in stems[sid]) for s in asked_stems}
    idf = {s: math.log(1 + len(stems) / df[s]) for s in asked_stems if df[s]}
    total = sum(idf.values()) or 1.0
    cover = {sid: sum(w for s, w in idf.items() if s in stems[sid]) / total for sid in stems}
    titles = {c.hit.source_id: c.hit.source_title for c in candidates}
    for sid in votes:
        if named_age_group(titles[sid]) not in (None, age_group) and age_group is not None:
            cover[sid] -= OTHER_AGE_GROUP
    drugs_by_source: dict[int, set[str]] = defaultdict(set)
    for c in candidates:
        drugs_by_source[c.hit.source_id] |= {d.lower() for d in c.drugs}
        # "insulin glargine" is insulin to a source that names only "insulin"
        drugs_by_source[c.hit.source_id] |= {d.lower().split()[0] for d in c.drugs if " " in d}
    asked_drugs = asked_drugs | {d.split()[0] for d in asked_drugs if " " in d}
    if asked_drugs and any(asked_drugs & drugs_by_source[sid] for sid in votes):
        for sid in votes:
            if not asked_drugs & drugs_by_source[sid]:
                cover[sid] -= NO_ASKED_DRUG
    stated_type = _DIABETES_TYPE.search(question)
    for sid in votes:
        title_type = _DIABETES_TYPE.search(titles[sid])
        if stated_type and title_type and title_type.group(1) != stated_type.group(1):
            cover[sid] -= OTHER_DIABETES_TYPE  # "Type 2 diabetes - ..." for a man with type 1
    for sid in votes:
        title_stems = set(tokenize(titles[sid]))
        other_age = age_group is not None and named_age_group(titles[sid]) not in (None, age_group)
        if not other_age and any(set(tokenize(condition)) <= title_stems for condition in derived):
            cover[sid] += IMPLIED_TITLE
    question_drugs = {d.name.lower() for d in find_drugs(question)}
    for sid in votes:
        if _cause_unstated(titles[sid], asked_stems, question_drugs & drugs_by_source[sid]):
            cover[sid] -= NO_ASKED_DRUG
    if dose_question and asked_drugs and any(asked_drugs & drugs_by_source[sid] for sid in votes):
        # "Champix, CrCl 24: what dose?": only a source that names the drug can give its dose
        votes = defaultdict(float, {sid: v for sid, v in votes.items() if asked_drugs & drugs_by_source[sid]})
    lead = max(votes, key=lambda sid: (votes[sid] + cover[sid], -sid))
    if not asked or lead not in asked:
        return lead
    return max(
        (sid for sid in votes if sid in asked),
        key=lambda sid: (votes[sid] + cover[sid] + ASKED_SOURCE_WEIGHT * asked[sid], -sid),
    )


_INDUCED = re.compile(r"\b([A-Za-z]+)-induced\b", re.I)


def _cause_unstated(title: str, question_stems: set[str], shared_drugs: set[str]) -> bool:
    """A topic on what a drug causes ("Heparin-induced thrombocytopenia") for a question that names
    neither that drug nor any drug the topic names: a platelet count of 14 with no heparin is another
    disorder's question."""
    cause = _INDUCED.search(title)
    if cause is None or shared_drugs - NON_DRUG_THERAPIES:  # "bloods from (the GP) surgery" names no drug
        return False
    return not set(tokenize(cause.group(1))) <= question_stems


def _dose_lead(c: Candidate, leads: dict[str, str]) -> str:
    """ "Start", "Adjust" or "Dose", with the section heading when it names a population or use."""
    lead = (
        leads["adjust"]
        if _ADJUST.search(c.text)
        else leads["start"]
        if _START.search(c.text)
        else leads["dose"]
    )
    heading = c.hit.section_path[-1] if c.hit.section_path else ""
    heading = re.sub(r"^\s*\d+(?:\.\d+)*\s*", "", heading).strip()
    if heading and not re.fullmatch(r"(?i)dos(?:e|ing|age)(?: and administration)?|recommendations?|"
                                    r"first-line treatment|rheumatoid arthritis|", heading):  # fmt: skip
        lead = f"{lead} ({heading})"
    return lead


def _cautions_first(pool: list[Candidate], analysis: Analysis) -> list[Candidate]:
    """Cautions that match the patient (pregnancy, kidneys, the drugs named) come first."""
    facts = analysis.facts
    patterns = [re.escape(d) for d in facts.drugs_mentioned]
    if facts.pregnant or facts.sex == "female":
        patterns.append(r"pregnan|conception|fetal")
    if any(lab.name.lower() in ("egfr", "creatinine") for lab in facts.labs):
        patterns.append(r"renal|kidney|egfr")
    if not patterns:
        return pool
    match = re.compile("|".join(patterns), re.I)
    return sorted(pool, key=lambda c: (not match.search(c.text), -c.score, c.order))


def _dose_conflicts(dosing: list[Candidate], b: _Builder) -> list[Warning]:
    """Two sources that give different starting doses for the same drug."""
    by_drug: dict[str, list[Candidate]] = defaultdict(list)
    for c in dosing:
        if _START.search(c.text) or re.search(r"recommended (?:starting )?dose", c.text, re.I):
            for d in c.drugs:
                by_drug[d].append(c)
    warnings = []
    for drug, cands in sorted(by_drug.items()):
        doses = {c.hit.source_id: _dose_values(c.text) for c in cands}
        sources = sorted(doses)
        if len(sources) < 2:
            continue
        distinct = {frozenset(v) for v in doses.values() if v}
        if len(distinct) > 1 and not frozenset.intersection(*distinct):
            numbers = sorted(b.ref_numbers[s] for s in sources)
            warnings.append(Warning(kind="conflict", text=conflict_text(drug, numbers), citations=numbers))
    return warnings


def _dose_values(text: str) -> set[str]:
    return {m.group(1) for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(?:mg|mcg|g|units?)\b", text, re.I)}


def completeness(article: AnswerArticle) -> tuple[list[str], list[str]]:
    """Checklist items for the intent the article covers, and those the sources did not cover."""
    statements = [s for _, s in article.statements() if _ != "found_but_not_recommended"]
    roles = {s.role for s in statements}
    dosing = [s for s in statements if s.role is Role.DOSING]
    monitoring = [s for s in statements if s.role is Role.MONITORING]
    checks = {
        "recommended step": bool(article.bottom_line),
        "recommended treatment": bool(article.bottom_line),
        "dose": Role.DOSING in roles,
        "dose adjustment": any(
            _ADJUST.search(s.text) for s in dosing + statements if s.role is not Role.BACKGROUND
        ),
        "monitoring": Role.MONITORING in roles,
        "contraindications": Role.CAUTION in roles,
        "cautions": Role.CAUTION in roles,
        "alternatives if it fails": Role.ALTERNATIVE in roles,
        "when to refer": Role.REFERRAL in roles,
        "what to monitor": Role.MONITORING in roles,
        "how often": any(
            re.search(r"every|within|weekly|monthly|annual|once a year|\d+ (?:weeks|months)", s.text)
            for s in monitoring
        ),
        "adverse effects": Role.CAUTION in roles,
        "diagnostic step": bool(article.bottom_line),
        "comparative evidence": Role.STUDY_RESULT in roles,
        "recommendation": bool(article.bottom_line),
        "outcome data": Role.STUDY_RESULT in roles or bool(article.bottom_line),
    }
    items = CHECKLISTS[article.intent]
    return [i for i in items if checks[i]], [i for i in items if not checks[i]]
