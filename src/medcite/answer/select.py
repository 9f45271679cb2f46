"""Select evidence: split retrieved passages into sentences, score them, give each a role.

A candidate keeps the exact source span it came from (chunk id and character offsets into the
source text), so the composer can cite it and the verifier can check it. Table rows become
one candidate each, shown as "cell: cell; cell" but cited as the exact row.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from medcite.answer.drugs import class_words, find_drugs
from medcite.answer.schema import Intent, Role
from medcite.answer.thresholds import conditions
from medcite.models import SearchHit
from medcite.search.expansion import abbreviation_meanings, synonym_table
from medcite.text.sentences import sentence_spans
from medcite.text.tokens import tokenize

_DOSE_NUMBER = re.compile(
    r"\b\d+(?:\.\d+)?(?:\s*(?:-|to)\s*\d+(?:\.\d+)?)?\s*(?:mg/kg|mcg/kg|g/kg|mg|mcg|micrograms?|g|units?|iu|ml)\b"
    r"(?!/(?:d?l|g|mmol|min)\b)",  # "200 mg/dL", "30 mg/g", "60 mL/min" are measurements, not doses
    re.I,
)
_ROLE_PATTERNS: list[tuple[Role, re.Pattern[str]]] = [
    (
        Role.STUDY_RESULT,
        re.compile(
            r"\btrials?\b|randomi[sz]ed|meta-analys|cohort|participants|placebo|hazard ratio|odds ratio|"
            r"relative risk|\bstudy\b|\bstudies\b|improved by a mean|reduced .{0,40} by (?:about )?\d|"
            # not "carboplatin at AUC 5", a dose
            r"\bAUC\b(?!\s*(?:of\s*)?\d)|\bCmax\b|plasma (?:levels|concentrations?)|"
            r"healthy (?:male )?volunteers|"
            r"pharmacokinetic|\bsubjects\b",
            re.I,
        ),
    ),
    (
        Role.CAUTION,
        re.compile(
            # "who do not have diabetes" describes people; "do not give" warns
            r"contraindicat|\bavoid\b|(?<!who )(?<!that )\bdo not\b|should not|must not|\bnever\b|caution|"
            r"warning|\brisk of\b|"
            r"toxicit|can cause|interact|not recommended|increase the risk|increases the risk|hypoglyc|"
            r"suppression|fatal|serious infection",
            re.I,
        ),
    ),
    (
        Role.MONITORING,
        re.compile(
            # ("injections every 2 months" is how a drug is given, not a check)
            r"\bmonitor|\bcheck\b|\bmeasure\b|\bscreen\b|\brepeat\b|(?<!injections )(?<!injection )every \d"
            r"|at every visit|\bassess\b",
            re.I,
        ),
    ),
    (
        Role.REFERRAL,
        re.compile(
            r"\brefer\b|referral|specialist|multidisciplinary|\bteam\b|nurs(?:e|ing)|physiotherapy|"
            r"occupational therapy|dietitian|"
            # where the patient is cared for: "Admit adults with ...", "can be managed as outpatients"
            r"\badmit\b|\bmanaged? (?:\w+ )?(?:at home|as (?:an )?outpatients?|in the community)\b",
            re.I,
        ),
    ),
    (
        Role.ALTERNATIVE,
        re.compile(
            r"alternative|\bfails?\b|not tolerated|\bswitch\b|\binstead\b|another (?:drug|agent|biologic)|"
            r"second-line|keeps falling|has not helped|clinical trial|"
            # the ACC/AHA wording of a weaker (class 2a or 2b) recommendation, an add-on option: "Ivabradine
            # can be useful in ...", "vericiguat may be considered"
            # (its main clause, not an aside in brackets: "(a JAK inhibitor may be considered after ...)")
            r"^[^(]{0,120}?\b(?:can be (?:useful|beneficial)|(?:may|might) be (?:considered|reasonable))\b",
            re.I,
        ),
    ),
    (
        Role.RECOMMENDATION,
        re.compile(
            r"recommend|\bshould\b|\boffer\b|\bstart\b|\bbegin\b|\badd\b|escalat|restart|\bcontinue\b|prescribe|"
            r"\bgive\b|\buse\b|\btreat\b|consider|preferred|\bprefer\b|first-line|\baim\b|\bconfirm\b|"
            r"is an option|"
            r"\bindicated\b|\bagree\b|can be (?:managed|treated|given|used|offered)|first[- ]choice|"
            r"\badvis(?:e|es|ed)\b|\bsuggest(?:s|ed)?\b|\bsets? a (?:\w+ )?target\b|"
            r"treatment of choice|"
            # "Limit the rise in serum sodium to 10 mmol/L ...": an imperative (not "upper limit of normal")
            r"(?:^|[,;:]\s*)(?:limit|restrict)\b|"
            r"(?:is|are) (?:a )?(?:suitable|reasonable|appropriate)|"
            # "High-risk patients need admission and intravenous empirical monotherapy with ..."
            r"\bneeds? (?:admission|treatment|therapy|(?:intravenous|oral|empirical|urgent) \w+)",
            re.I,
        ),
    ),
]
_SECTION_ROLES: list[tuple[Role, re.Pattern[str]]] = [
    (
        Role.STUDY_RESULT,
        re.compile(
            r"evidence|results?|methods|conclusions?|abstract|trial|pharmacokinetic|pharmacology|toxicology|"
            r"carcinogen|clinical studies",
            re.I,
        ),
    ),
    (
        Role.CAUTION,
        re.compile(r"caution|warning|precaution|contraindication|interaction|adverse|safety", re.I),
    ),
    (Role.MONITORING, re.compile(r"monitor", re.I)),
    (Role.REFERRAL, re.compile(r"referral|refer|multidisciplinary", re.I)),
    (Role.ALTERNATIVE, re.compile(r"fails|alternative|second-line|refractory", re.I)),
    (Role.DOSING, re.compile(r"dos(?:e|ing|age)|administration", re.I)),
]
_INTENT_ROLE_BONUS: dict[Intent, dict[Role, float]] = {
    Intent.NEXT_STEP: {Role.RECOMMENDATION: 1.0, Role.DOSING: 0.6, Role.ALTERNATIVE: 0.5},
    Intent.TREATMENT_CHOICE: {Role.RECOMMENDATION: 1.0, Role.DOSING: 0.5, Role.STUDY_RESULT: 0.3},
    Intent.DOSING: {Role.DOSING: 1.0, Role.RECOMMENDATION: 0.4, Role.CAUTION: 0.3},
    Intent.DIAGNOSIS: {Role.RECOMMENDATION: 0.8, Role.MONITORING: 0.6},
    Intent.MONITORING: {Role.MONITORING: 1.0, Role.CAUTION: 0.3},
    Intent.ADVERSE_EFFECTS: {Role.CAUTION: 1.0, Role.MONITORING: 0.4},
    Intent.COMPARISON: {Role.STUDY_RESULT: 0.8, Role.RECOMMENDATION: 0.8},
    Intent.PROGNOSIS: {Role.STUDY_RESULT: 0.8, Role.BACKGROUND: 0.5},
}
MAX_BULLET_CHARS = 280


@dataclass
class Candidate:
    """One sentence (or table row, or clause of a long sentence) from a retrieved passage."""

    hit: SearchHit
    hit_rank: int
    text: str  # what the article shows
    passage: str  # the exact source span cited
    start_in_chunk: int
    end_in_chunk: int
    role: Role
    roles: frozenset[Role]
    stems: frozenset[str]
    drugs: tuple[str, ...]
    score: float = 0.0
    order: int = 0  # position in the knowledge base: (source, offset) order, for reading order

    @property
    def char_start(self) -> int:
        return self.hit.char_start + self.start_in_chunk

    @property
    def char_end(self) -> int:
        return self.hit.char_start + self.end_in_chunk

    @property
    def key(self) -> tuple[int, int, int]:
        return (self.hit.chunk_id, self.start_in_chunk, self.end_in_chunk)

    @property
    def section(self) -> str:
        return " > ".join(self.hit.section_path)


@dataclass
class Selection:
    candidates: list[Candidate]
    query_stems: frozenset[str]
    key_stems: frozenset[str] = field(default_factory=frozenset)
    # IDF x focus weight of each of the question's own stems: what `cover` adds up
    question_terms: dict[str, float] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)  # synonym stem -> the question's own stem
    # of those, the generic names standing for a brand the question uses (`name_aliases`): they answer the
    # question's words, but the known questions that say "insulin" are not thereby more like "Actrapid"
    name_aliases: frozenset[str] = frozenset()
    focus: frozenset[str] = frozenset()  # stems of the asked part (a question with a stated case)
    # candidate key -> 0-1, closeness of the question to those the candidate's line answers (`answerable`)
    asked_like: dict[tuple[int, int, int], float] = field(default_factory=dict)
    # source id -> 0-1, its share of the votes of all sources with known questions (`answerable`)
    asked_sources: dict[int, float] = field(default_factory=dict)

    def answers_focus(self, c: Candidate, without: frozenset[str] = frozenset()) -> frozenset[str]:
        """The asked part's words this candidate holds, beyond `without`."""
        return (answering_stems(c.stems, self.aliases) & self.focus) - without

    def cover(self, c: Candidate, without: frozenset[str] = frozenset()) -> float:
        """The share of the question's weighted words this candidate holds, ignoring `without`."""
        total = sum(self.question_terms.values()) or 1.0
        stems = answering_stems(c.stems, self.aliases)
        return sum(w for s, w in self.question_terms.items() if s in stems and s not in without) / total


def split_hit(hit: SearchHit) -> list[tuple[int, int, str]]:
    """(start, end, display text) units of a chunk; offsets are into `hit.text`."""
    units: list[tuple[int, int, str]] = []
    text = hit.text
    lines = text.split("\n")
    if lines and all(line.lstrip().startswith("|") for line in lines if line.strip()):
        header = [c.strip() for c in lines[0].strip().strip("|").split("|")]
        offset = 0
        for i, line in enumerate(lines):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            start = offset + (len(line) - len(line.lstrip()))
            offset += len(line) + 1
            if i == 0 and any(h for h in header):
                continue
            if len([c for c in cells if c]) < 2:
                continue
            display = f"{cells[0]}: " + "; ".join(c for c in cells[1:] if c)
            units.append((start, start + len(line.strip()), display))
        return units
    for start, end in sentence_spans(text):
        marker = re.match(r"(?:[-*•]|\d{1,2}[.)])\s+", text[start:end])
        if marker:
            start += marker.end()
        for s, e in _clauses(text, start, end):
            units.append((s, e, text[s:e]))
    return units


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split an over-long sentence at semicolons so bullets stay short; offsets stay exact."""
    if end - start <= MAX_BULLET_CHARS or ";" not in text[start:end]:
        return [(start, end)]
    spans = []
    pos = start
    for m in re.finditer(r";\s+", text[start:end]):
        cut = start + m.start()
        inside = text[pos:cut]
        if inside.count("(") != inside.count(")") or inside.count("[") != inside.count("]"):
            continue  # never cut inside brackets: "(n=5006; 94.1% ...)" stays whole
        if cut - pos >= 40:
            spans.append((pos, cut))
            pos = start + m.end()
    spans.append((pos, end))
    return spans


IMPERATIVE = re.compile(
    r"(?:[A-Z](?:[^.;]|\.\d){0,200}?,\s+)?(?:start|begin|give|add|offer|use|prescribe|initiate|treat|switch|restart|"
    r"consider|continue|increase|titrate|aim|hold|withhold|reduce|stop|reverse|replace|correct|admit|"
    r"transfuse|lower|maintain|keep|repeat|observe|arrange|suggest|protect|advise|encourage|ensure|provide|"
    r"explain|teach|apply)\b",
    re.I,
)


def classify_role(text: str, section_path: tuple[str, ...]) -> tuple[Role, frozenset[Role]]:
    roles = {role for role, pattern in _ROLE_PATTERNS if pattern.search(text)}
    if _DOSE_NUMBER.search(text):
        roles.add(Role.DOSING)
    section = " ".join(section_path[1:] or section_path)
    for role, pattern in _SECTION_ROLES:
        if pattern.search(section) and (role is not Role.DOSING or Role.DOSING in roles):
            return role, frozenset(roles | {role})
    if IMPERATIVE.match(text) and not roles & {Role.STUDY_RESULT, Role.DOSING}:
        # "Start buprenorphine when ..., to avoid precipitated withdrawal" advises starting it
        return Role.RECOMMENDATION, frozenset(roles | {Role.RECOMMENDATION})
    for role in (
        Role.STUDY_RESULT,
        Role.DOSING,
        Role.CAUTION,
        Role.MONITORING,
        Role.REFERRAL,
        Role.ALTERNATIVE,
        Role.RECOMMENDATION,
    ):
        if role in roles:
            return role, frozenset(roles)
    return Role.BACKGROUND, frozenset(roles | {Role.BACKGROUND})


_SUBGROUP = re.compile(
    r"^(?:In|For|Among)\s+(?:adult\s+)?(?:patients|people|adults|subjects|those)\s+[^,]{3,160},"
)
_GENERAL_DOSE = re.compile(
    r"recommended (?:starting |initial |usual )?dose|usual (?:starting |maintenance )?dose|dosage range|"
    r"starting dose|is started at|\bbegin\b.{0,40}\bat \d|\bstart\b.{0,40}\bat \d",
    re.I,
)
_GENERAL_DOSE_SECTION = re.compile(r"initial dos|usual dos|recommended dos|dosage range|adult dos", re.I)
_GENERIC_CLAUSE_STEMS = frozenset(tokenize("patients people adults subjects those taking with receiving on"))
_PAEDIATRIC = re.compile(
    r"p(?:a)?ediatric|\bchild(?:ren)?\b|adolescen|neonat|infant|\b1[0-7] years of age", re.I
)


def select_evidence(
    hits: list[SearchHit],
    query: str,
    intent: Intent,
    key_terms: list[str],
    min_chars: int = 25,
    paediatric: bool = False,
    question: str = "",
    implied: tuple[str, ...] = (),
) -> Selection:
    """Score every sentence of every hit; drop fragments and near-duplicates; best first.

    `paediatric`: the question is about a child; otherwise paediatric-only passages rank lower.
    `implied`: conditions the case implies ("adrenal crisis"), counted as the question's words."""
    query_stems = frozenset(tokenize(query))
    key_stems = frozenset(s for term in key_terms for s in tokenize(term))
    raw: list[Candidate] = []
    for rank, hit in enumerate(hits):
        for start, end, display in split_hit(hit):
            if len(display) < min_chars:
                continue
            role, roles = classify_role(display, hit.section_path)
            raw.append(
                Candidate(
                    hit=hit,
                    hit_rank=rank,
                    text=display,
                    passage=hit.text[start:end],
                    start_in_chunk=start,
                    end_in_chunk=end,
                    role=role,
                    roles=roles,
                    stems=frozenset(tokenize(display)),
                    drugs=tuple(dict.fromkeys(d.name for d in find_drugs(display))),
                )
            )
    if not raw:
        return Selection([], query_stems, key_stems)
    df = Counter(s for c in raw for s in c.stems)
    n = len(raw)
    weights, aliases = question_weights(question, implied) if question else ({}, {})
    question_stems = frozenset(weights)
    idf = {s: math.log(1 + n / df[s]) if df[s] else math.log(1 + n) for s in query_stems | question_stems}
    total = sum(idf[s] for s in query_stems) or 1.0
    bonus = _INTENT_ROLE_BONUS.get(intent, {})
    for c in raw:
        subgroup = _SUBGROUP.match(c.text)
        off_subgroup = bool(subgroup) and not (
            (frozenset(tokenize(subgroup.group(0))) - _GENERIC_CLAUSE_STEMS) & query_stems
            if subgroup
            else False
        )
        coverage = sum(idf[s] for s in query_stems & c.stems) / total
        key_cover = len(key_stems & _context_stems(c)) / len(key_stems) if key_stems else 0.0
        c.score = round(
            0.5 * coverage
            + 0.2 * key_cover
            + 0.2 / (1 + c.hit_rank)
            + 0.25 * max((bonus.get(r, 0.0) for r in c.roles), default=0.0)
            - (0.15 if c.role is Role.BACKGROUND else 0.0)
            - (0.1 if off_subgroup else 0.0)
            + (0.15 if intent is Intent.DOSING and _general_dose(c) else 0.0)
            - (
                0.3 if not paediatric and _PAEDIATRIC.search(" ".join((*c.hit.section_path, c.text))) else 0.0
            ),
            6,
        )
    order = {key: i for i, key in enumerate(sorted({(c.hit.source_id, c.char_start) for c in raw}))}
    for c in raw:
        c.order = order[(c.hit.source_id, c.char_start)]
    ranked = sorted(raw, key=lambda c: (-c.score, c.order))
    kept: list[Candidate] = []
    for c in ranked:
        if any(_near_duplicate(c, k) for k in kept):
            continue
        kept.append(c)
    terms = {s: idf[s] * w for s, w in weights.items()}
    focus = frozenset(s for s, w in weights.items() if w >= FOCUS_WEIGHT)
    names = frozenset(name_aliases(question, weights)) if question else frozenset()
    return Selection(
        kept, query_stems, key_stems, question_terms=terms, aliases=aliases, focus=focus, name_aliases=names
    )


FOCUS_WEIGHT = 2.0
UNIT_STEMS = frozenset(
    tokenize("mg mcg g kg ml l dl mmol mol min h hr mmhg mm hg iu units unit year old day week month hour")
)
# Words a source answers with, and the word a question asks with ("aim for" answers "what target?").
ANSWERS_ASKED = {
    answer: asked
    for asked, answers in (
        ("target", "aim goal"),
        ("start", "begin initiate hold delay defer"),
        ("stop", "discontinue withdraw taper"),
        ("change", "switch"),
        ("switch", "change"),
        ("usual", "standard routine"),
        ("long", "duration month week day year"),
        ("keep", "continue"),
        ("often", "every interval frequency"),
        ("check", "measure monitor test"),
        ("dose", "dosage mg microgram unit"),
    )
    for asked in tokenize(asked)
    for answer in tokenize(answers)
}


# Words in almost every question that say nothing about what this one asks; they still count a little.
FILLER_STEMS = frozenset(
    tokenize(
        """
        patient patients treatment treat therapy management drug drugs medication medicine next step best
        choice option options recommend recommended man woman adult adults child score level week weeks
        month months year years old day days current currently previous previously known history new good
        better help use used taking take given give giving prescribe prescribed do does can could would
        need needed needs
        """
    )
)
GENERIC_WEIGHT = 0.25


def answering_stems(stems: frozenset[str], aliases: dict[str, str] | None = None) -> frozenset[str]:
    """A sentence's stems plus the question's words its own words stand for: asking words
    ("aim" answers "target") and the question's synonyms ("pregnancy" for "pregnant")."""
    out = stems | {ANSWERS_ASKED[s] for s in stems if s in ANSWERS_ASKED}
    return out | {aliases[s] for s in stems if s in aliases} if aliases else out


SHORT_ASK_WORDS = 3
# "OK?", "Is that right?": says that something is asked, not what
_BARE_ASK = re.compile(
    r"^\W*(?:(?:is|would) (?:that|this|it) (?:be )?)?(?:ok|okay|fine|right|correct|alright|all right|"
    r"reasonable|appropriate|sensible|acceptable)\W*$",
    re.I,
)


def asked_part(question: str) -> str:
    """The question's last interrogative sentence when it also states a case, else "" (with the
    sentence before when it only asks "OK?", or when it is short and the drug it is about is named
    there). Splits at any full stop before a capital too: "CrCl 40 mL/min. Rivaroxaban dose?" is two
    sentences even though "min." can end an abbreviation."""
    parts = [p for p in re.split(r"(?<=[.!?])\s+(?=[A-Z])", question.strip()) if p]
    if len(parts) < 2:
        return ""
    asked = [i for i, p in enumerate(parts) if "?" in p]
    last = asked[-1] if asked else len(parts) - 1
    # "Cardiology want to continue ticagrelor. Same dose?": a short ask naming no drug is about the
    # drug named just before it
    drug_before = (
        last > 0
        and len(parts[last].split()) <= SHORT_ASK_WORDS
        and not find_drugs(parts[last])
        and bool(find_drugs(parts[last - 1]))
    )
    if last > 0 and (_BARE_ASK.match(parts[last]) or drug_before):
        # "... asks if she can just take that. OK?": the request is in the sentence before
        return " ".join(parts[last - 1 : last + 1])
    return parts[last]


def name_aliases(question: str, weights: dict[str, float]) -> dict[str, str]:
    """Generic-name stems -> the brand or short name the question uses ("buprenorphin" -> "subutex"): a
    source sentence naming buprenorphine answers the question's "Subutex"."""
    aliases: dict[str, str] = {}
    for drug in find_drugs(question):
        said = [s for s in tokenize(question[drug.start : drug.end]) if s in weights and len(s) > 2]
        for i, stem in enumerate(tokenize(drug.name) if said else ()):
            if stem not in weights and not stem.isdigit():
                aliases.setdefault(stem, said[min(i, len(said) - 1)])
    return aliases


def question_weights(question: str, implied: tuple[str, ...] = ()) -> tuple[dict[str, float], dict[str, str]]:
    """Stems of the question's own words, the words of what it asks weighing double, and the
    synonyms that stand for them.

    A clinician's question states the case, then asks ("Septic shock, MAP 58 after fluids. Which
    vasopressor and what MAP target?"): the asked part names what the answer must say. Abbreviations
    count with their meanings, since the sources spell them out ("mean arterial pressure"); a
    synonym ("pregnancy" for "pregnant") counts as the word it stands for, never twice.
    """
    focus = asked_part(question)
    weights: dict[str, float] = {}
    for part, weight in ((question, 1.0), (focus, FOCUS_WEIGHT), (" ".join(implied), 1.0)):
        if not part:
            continue
        meanings = [m for w in re.findall(r"\b[A-Z][A-Z0-9]{1,7}\b", part) for m in abbreviation_meanings(w)]
        for stem in tokenize(" ".join((part, *meanings))):
            if stem in UNIT_STEMS or stem[0].isdigit():
                continue  # the patient's values and their units say nothing about what is asked
            if stem in FILLER_STEMS:
                weight_here = weight * GENERIC_WEIGHT  # "prescribe", "patient": in every question
            else:
                weight_here = weight
            weights[stem] = max(weights.get(stem, 0.0), weight_here)
    aliases: dict[str, str] = dict(name_aliases(question, weights))
    for drug in find_drugs(question):
        own = tokenize(drug.name)
        said = [s for s in tokenize(question[drug.start : drug.end]) if s in weights and len(s) > 2]
        for word in class_words(drug.name) if len(own) == 1 else ():
            for stem in tokenize(word):
                if stem not in weights and not stem.isdigit():
                    aliases.setdefault(stem, (said or own)[0])
    lowered = question.lower()
    for phrase, synonyms in synonym_table().items():
        own = tokenize(phrase)
        if not own or not all(stem in weights for stem in own):
            continue
        if len(own) > 1 and not re.search(rf"\b{re.escape(phrase)}\b", lowered):
            continue
        for synonym in synonyms:
            # word by word: "ECG changes" stands for "peaked T waves" (ecg for peak, chang for wave)
            for i, stem in enumerate(tokenize(synonym)):
                if stem not in weights:
                    aliases.setdefault(stem, own[min(i, len(own) - 1)])
    return weights, aliases


def _general_dose(c: Candidate) -> bool:
    """The usual dose for the usual patient, not a subgroup's or a study's."""
    path = " ".join(c.hit.section_path)
    return bool(_GENERAL_DOSE.search(c.text) or _GENERAL_DOSE_SECTION.search(path)) and Role.DOSING in c.roles


def _context_stems(c: Candidate) -> frozenset[str]:
    """A sentence inherits its source title and section: "Start at 15 mg" is about the title's drug."""
    context = " ".join((c.hit.source_title, *c.hit.section_path))
    return c.stems | frozenset(tokenize(context))


def _near_duplicate(a: Candidate, b: Candidate, threshold: float = 0.75) -> bool:
    """Nearly the same words; a dosing-table row and the sentence that says the same in prose are both
    kept (the sentence reads better as a bottom line, the row belongs to the dosing section)."""
    if not a.stems or not b.stems or is_table_row(a) != is_table_row(b):
        return False
    if _branches(a.text) != _branches(b.text):
        # "with a platelet count below 30, treat" and "of 30 or more, observe": two branches, few words apart
        return False
    return word_overlap(a, b) >= threshold


def word_overlap(a: Candidate, b: Candidate) -> float:
    """Share of the two sentences' word stems that both have (Jaccard)."""
    return len(a.stems & b.stems) / max(1, len(a.stems | b.stems))


def is_table_row(c: Candidate) -> bool:
    """The candidate comes from a Markdown table (a dosing row), not from prose."""
    return c.hit.text.lstrip().startswith("|")


@lru_cache(maxsize=4096)
def _branches(text: str) -> frozenset[tuple[float | None, float | None]]:
    """The value ranges a sentence's conditions cover (cached: near-duplicate checks compare pairs)."""
    return frozenset((c.low, c.high) for c in conditions(text))
