"""What a clinical question asks (its intent) and what a passage is about (its role).

Many questions share a topic and differ only in what they ask: "symptoms of X", "treatment of
X", "is X inherited?". Topical retrieval finds every passage on X; matching the question's
intent to the passage's role picks the one that answers. Both sides use general clinical cue
words written for MedCite (no data-set labels), so the same classifier serves answer
composition ("which section should this sentence go in?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum


class Intent(StrEnum):
    DEFINITION = "definition"
    SYMPTOMS = "symptoms"
    CAUSES = "causes"
    GENETICS = "genetics"
    INHERITANCE = "inheritance"
    RISK = "risk"
    FREQUENCY = "frequency"
    DIAGNOSIS = "diagnosis"
    TREATMENT = "treatment"
    DOSING = "dosing"
    ADVERSE_EFFECTS = "adverse_effects"
    PREVENTION = "prevention"
    PROGNOSIS = "prognosis"
    COMPLICATIONS = "complications"
    RESEARCH = "research"


_I = re.IGNORECASE

# Question side: how people ask for each intent.
_QUESTION_CUES: dict[Intent, re.Pattern[str]] = {
    Intent.SYMPTOMS: re.compile(
        r"\b(symptoms?|signs?|presentations?|present(s|ing)? with|clinical features|manifestations?|"
        r"what does .{0,40} (look|feel) like)\b",
        _I,
    ),
    Intent.CAUSES: re.compile(
        r"\b(caus(e|es|ed|ing)|etiology|aetiology|why do(es)?|pathogenesis|triggers?)\b", _I
    ),
    Intent.GENETICS: re.compile(r"\b(genetic changes?|genes?|mutations?|variants?|genetic basis)\b", _I),
    Intent.INHERITANCE: re.compile(
        r"\b(inherit(ed|ance)?|hereditary|runs? in famil(y|ies)|passed down)\b", _I
    ),
    Intent.RISK: re.compile(
        r"\b(at risk|risk factors?|who gets|who is likely|susceptib\w*|predispos\w*)\b", _I
    ),
    Intent.FREQUENCY: re.compile(
        r"\b(how (many|common|rare|often)|prevalence|incidence|frequency|epidemiology)\b", _I
    ),
    Intent.DIAGNOSIS: re.compile(
        r"\b(diagnos\w*|tests?|testing|exams?|examinations?|screen(ing)?|work-?up|detect(ed)?|imaging)\b", _I
    ),
    Intent.TREATMENT: re.compile(
        r"\b(treat(ed|ment|ments|ing)?|therap(y|ies)|manag(e|ed|ement)|cure[sd]?|what to do|drugs? for|"
        r"medications? for|first[- ]line|second[- ]line|options?)\b",
        _I,
    ),
    Intent.DOSING: re.compile(r"\b(dos(e|es|ing|age)|how much|mg\b|titrat\w*|regimen)\b", _I),
    Intent.ADVERSE_EFFECTS: re.compile(
        r"\b(side[- ]effects?|adverse (effects?|events?|reactions?)|toxicit\w*|safe(ty)?|contraindicat\w*)\b",
        _I,
    ),
    Intent.PREVENTION: re.compile(
        r"\b(prevent(ed|ion|ing)?|avoid(ed)?|prophyla\w*|vaccin\w*|reduce the risk)\b", _I
    ),
    Intent.PROGNOSIS: re.compile(
        r"\b(outlook|prognosis|survival|life expectancy|recover(y)?|chances?|mortality|long[- ]term)\b", _I
    ),
    Intent.COMPLICATIONS: re.compile(r"\b(complications?|consequences?|lead to|long-term effects?)\b", _I),
    Intent.RESEARCH: re.compile(r"\b(research|clinical trials?|studies|being done|new treatments?)\b", _I),
}
_DEFINITION_QUESTION = re.compile(r"^\s*(what (is|are)|define|definition of|tell me about|explain)\b", _I)

# Passage side: the words a passage uses when it serves each role. Opening words count most.
_PASSAGE_CUES: dict[Intent, re.Pattern[str]] = {
    Intent.SYMPTOMS: re.compile(
        r"\b(symptoms?|signs?|present(s|ing)? with|characteri[sz]ed by|features? (include|of)|"
        r"may (include|experience|have)|complain|feel(ing)?|pain|fever|fatigue|phenotype)\b",
        _I,
    ),
    Intent.CAUSES: re.compile(
        r"\b(caused by|causes?|due to|results? (from|in)|leads? to|triggered|etiology|responsible for|"
        r"because of)\b",
        _I,
    ),
    Intent.GENETICS: re.compile(
        r"\b(mutations? in|genes?|provides instructions|protein|variants?|chromosome|deletions?|encod\w+)\b",
        _I,
    ),
    Intent.INHERITANCE: re.compile(
        r"\b(inherit\w*|autosomal|dominant|recessive|x-linked|y-linked|mitochondrial inheritance|"
        r"copy of the (altered )?gene|de novo|carriers?|parents?)\b",
        _I,
    ),
    Intent.RISK: re.compile(
        r"\b(at (higher |increased )?risk|risk factors?|more likely|increases? (the|your) risk|people who|"
        r"exposure|susceptib\w*)\b",
        _I,
    ),
    Intent.FREQUENCY: re.compile(
        r"\b(prevalence|incidence|affects? (about|approximately|an estimated|fewer|more)|estimated|"
        r"in (every|\d[\d,]*)|per \d[\d,]*|\d[\d,]* (people|individuals|newborns|births)|rare|common|"
        r"reported|worldwide)\b",
        _I,
    ),
    Intent.DIAGNOSIS: re.compile(
        r"\b(diagnos\w*|tests?|exams?|examination|biopsy|imaging|scans?|x-rays?|mri|ct|ultrasound|"
        r"blood tests?|screen\w*|laboratory|detect\w*|confirm\w*)\b",
        _I,
    ),
    Intent.TREATMENT: re.compile(
        r"\b(treat\w*|therap\w*|manage\w*|medications?|drugs?|surgery|surgical|transplant\w*|"
        r"rehabilitation|recommend\w*|first[- ]line|options?|specialists?|cure)\b",
        _I,
    ),
    Intent.DOSING: re.compile(
        r"\b(\d+(\.\d+)? ?(mg|mcg|g|ml|units?|iu)(/kg)?|dos(e|es|ing|age)|once daily|twice daily|"
        r"every \d+ hours|titrat\w*|maximum)\b",
        _I,
    ),
    Intent.ADVERSE_EFFECTS: re.compile(
        r"\b(side effects?|adverse|toxicit\w*|contraindicat\w*|warnings?|precautions?|hypersensitivity)\b", _I
    ),
    Intent.PREVENTION: re.compile(
        r"\b(prevent\w*|avoid\w*|vaccin\w*|prophyla\w*|reduce (the|your) risk|lower (the|your) risk|"
        r"protect\w*|hygiene|wash)\b",
        _I,
    ),
    Intent.PROGNOSIS: re.compile(
        r"\b(prognosis|outlook|survival|life expectancy|recover\w*|chance of recovery|mortality|"
        r"fatal|lifespan|long-term|depends on)\b",
        _I,
    ),
    Intent.COMPLICATIONS: re.compile(r"\b(complications?|lead to|result in|can cause|damage)\b", _I),
    Intent.RESEARCH: re.compile(
        r"\b(research\w*|clinical trials?|studies|study|investigat\w*|scientists|funded|nih|nci)\b", _I
    ),
}
# The same cues matched on lower-cased text without IGNORECASE: about 3x faster, and role cues are
# computed for every chunk when the search index is built.
_PASSAGE_CUES_LOWER = {intent: re.compile(p.pattern) for intent, p in _PASSAGE_CUES.items()}
_DEFINITION_PASSAGE = re.compile(
    r"^[^.]{0,160}\b(is|are) (a|an|the|one of|any of|group of|term|condition|disorder|disease|type|form|"
    r"rare|common|inherited|genetic|chronic|an? \w+ (disorder|condition|disease))\b",
    _I,
)
_HEADING_QUESTION = re.compile(r"^\s*[^.?!\n]{0,200}\?")


@dataclass(frozen=True)
class QuestionIntent:
    intents: tuple[Intent, ...]

    @property
    def primary(self) -> Intent | None:
        return self.intents[0] if self.intents else None


def classify_question(question: str) -> QuestionIntent:
    """Intents a question asks about, most specific first; 'definition' only when nothing else fits."""
    found = [intent for intent, pattern in _QUESTION_CUES.items() if pattern.search(question)]
    # "genetic changes" is about genes, not causes or tests; "side effects of treatment" is not treatment.
    if Intent.GENETICS in found and Intent.INHERITANCE in found and "inherit" in question.lower():
        found.remove(Intent.GENETICS)
    if Intent.ADVERSE_EFFECTS in found and Intent.TREATMENT in found:
        found.remove(Intent.TREATMENT)
    if Intent.RESEARCH in found and Intent.TREATMENT in found:
        found.remove(Intent.TREATMENT)
    if Intent.DOSING in found and Intent.TREATMENT in found:
        found.remove(Intent.TREATMENT)
    if not found and _DEFINITION_QUESTION.search(question):
        found.append(Intent.DEFINITION)
    return QuestionIntent(tuple(found))


_OPENING_CHARS = 240


ROLE_ORDER: tuple[Intent, ...] = tuple(Intent)  # column order of stored role cues


def passage_role_hits(text: str) -> list[int]:
    """Weighted cue counts per role, in ROLE_ORDER; for 'definition' 1 or 0.

    These integers are what the search index stores per chunk (they depend only on the text);
    `roles_from_hits` turns them into the scores `passage_roles` returns, exactly.
    """
    opening = text[:_OPENING_CHARS].lower()
    heading = _HEADING_QUESTION.match(text)
    body = text[:1500].lower()
    counts: dict[Intent, int] = {}
    for intent, pattern in _PASSAGE_CUES_LOWER.items():
        hits = len(pattern.findall(body)) + 2 * len(pattern.findall(opening))
        if heading is not None and _QUESTION_CUES[intent].search(heading.group(0)):
            hits += 6
        counts[intent] = hits
    if heading is not None:
        asked = classify_question(heading.group(0)).intents
        counts[Intent.DEFINITION] = 1 if asked == (Intent.DEFINITION,) else 0
    else:
        counts[Intent.DEFINITION] = 1 if _DEFINITION_PASSAGE.search(text[:400]) else 0
    return [counts[intent] for intent in ROLE_ORDER]


def roles_from_hits(hits: Sequence[int]) -> dict[Intent, float]:
    """Saturating scores in [0, 1]: long passages do not win by length."""
    roles: dict[Intent, float] = {}
    for intent, h in zip(ROLE_ORDER, hits, strict=True):
        if intent is Intent.DEFINITION:
            roles[intent] = 1.0 if h else 0.0
        else:
            roles[intent] = 1.0 - 0.5 ** (h / 2.0) if h else 0.0
    return roles


def passage_roles(text: str) -> dict[Intent, float]:
    """How strongly a passage serves each role, in [0, 1].

    A passage that opens with a question ("How is X diagnosed?") or cue words is about that role;
    cue words later in the text count less. Scores saturate so long passages do not win by length.
    """
    return roles_from_hits(passage_role_hits(text))


def intent_match(question: QuestionIntent, roles: dict[Intent, float], other_penalty: float = 0.5) -> float:
    """Positive when the passage serves what the question asks, negative when it serves another role."""
    if not question.intents:
        return 0.0
    wanted = max(roles.get(i, 0.0) for i in question.intents)
    others = [v for k, v in roles.items() if k not in question.intents and k is not Intent.DEFINITION]
    return wanted - other_penalty * (max(others) if others else 0.0)
