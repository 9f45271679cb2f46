"""Emergency red flags in a question: these come first in the answer, before any guideline text.

A question that describes a possible emergency gets a plain instruction to act now, whatever the
knowledge base says. Patterns are deliberately broad (a false alarm costs a sentence; a miss can
cost a life) but a negation just before the finding ("no chest pain", "denies suicidal ideation")
suppresses it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class RedFlag:
    kind: str
    matched: str
    advice: str


_NEGATION = re.compile(
    r"\b(?:no|not|denies|denied|without|negative for|absence of|ruled out|free of)\b[^.;,]{0,25}$", re.I
)

# (kind, all-of patterns, advice). Every pattern in the tuple must match somewhere in the question.
_RULES: list[tuple[str, tuple[str, ...], str]] = [
    (
        "possible acute coronary syndrome",
        (
            r"chest (?:pain|tightness|pressure|discomfort)",
            r"sweat|diaphore|clammy|radiat|short(?:ness)? of breath|"
            r"breathless|nause|vomit|jaw|left arm|crushing",
        ),
        "Chest pain with these features may be an acute coronary syndrome: arrange emergency assessment now "
        "(call emergency services; ECG and troponin without delay).",
    ),
    (
        "possible stroke",
        (
            r"fac(?:e|ial) (?:droop|weakness|asymmetr)|slurred speech|sudden(?: onset)? (?:weakness|numbness|"
            r"confusion|aphasia|loss of (?:vision|speech)|vision loss|hemipare|difficulty speaking)|"
            r"hemiparesis|"
            r"one[- ]sided weakness|aphasia|signs of (?:a )?stroke|\bFAST\b positive",
        ),
        "These may be signs of a stroke: treat as an emergency now (call emergency services; note the time "
        "of onset, since reperfusion treatment is time-critical).",
    ),
    (
        "possible anaphylaxis",
        (
            r"anaphyla|(?:throat|tongue|lips?|face) (?:swelling|swollen|tightness)|swelling of the (?:throat|"
            r"tongue|lips?|face)|(?:stridor|wheez|difficulty breathing|hypotension|collapse).{0,60}"
            r"(?:after|following) (?:a |an |the )?(?:sting|injection|dose|eating|peanut|nut|food|antibiotic)",
        ),
        "This may be anaphylaxis: give intramuscular adrenaline (epinephrine) and call emergency services "
        "now; do not wait for this answer.",
    ),
    (
        "suicide risk",
        (
            r"suicid|kill (?:him|her|them|my)sel(?:f|ves)|end (?:his|her|their|my) (?:own )?life|"
            r"self[- ]harm|overdos(?:e|ed) (?:on )?(?:purpose|intentional)|wants? to die|plan to die",
        ),
        "A risk of suicide or self-harm needs same-day action: do not leave the person alone, remove means, "
        "and arrange urgent mental-health or emergency assessment (in the US call or text 988).",
    ),
    (
        "possible sepsis",
        (
            r"sepsis|septic|(?:fever|febrile|rigors|temperature (?:of )?(?:3[89]|4\d)).{0,80}(?:hypotensi|"
            r"confus|low blood pressure|mottl|tachycardi|altered mental|lactate)|"
            r"(?:hypotensi|confus|mottl).{0,80}"
            r"(?:fever|febrile|rigors)",
        ),
        "These features may be sepsis: assess urgently now (sepsis pathway: observations, lactate, cultures, "
        "and antibiotics within the hour if sepsis is likely).",
    ),
    (
        "possible meningitis or subarachnoid haemorrhage",
        (
            r"thunderclap|worst headache|(?:neck stiffness|stiff neck).{0,80}(?:fever|rash|photophobia)|"
            r"non[- ]blanching rash",
        ),
        "This may be meningitis or a subarachnoid haemorrhage: arrange emergency assessment now.",
    ),
    (
        "airway, breathing or circulation emergency",
        (
            # "found unresponsive" now; not "episodes of ... unresponsiveness" in a seizure history
            r"unresponsive\b|not breathing|no pulse|cardiac arrest|"
            r"severe (?:bleeding|haemorrhage|hemorrhage)|"
            r"vomiting blood|haematemesis|hematemesis|status epilepticus|"
            r"seizure (?:lasting|for) (?:more than )?"
            r"(?:5|five|ten|10)",
        ),
        "This is an emergency: call emergency services and start resuscitation or first aid now.",
    ),
]

_COMPILED = [(kind, tuple(re.compile(p, re.I) for p in pats), advice) for kind, pats, advice in _RULES]


# conditions read from the observations (`answer.implied`) that raise a flag when the words do not
_IMPLIED_KINDS = {"sepsis": ("possible sepsis", "the observations meet sepsis screening criteria")}


def detect_red_flags(text: str, implied: tuple[str, ...] = ()) -> list[RedFlag]:
    """Emergencies the question describes, in a fixed order, each at most once. `implied`: conditions
    read from its observations ("sepsis" from temp 38.2, HR 104 and new confusion), which raise their
    flag even when no phrase does."""
    flagged_by_observations = dict(_IMPLIED_KINDS[c] for c in implied if c in _IMPLIED_KINDS)
    flags: list[RedFlag] = []
    for kind, patterns, advice in _COMPILED:
        matched: list[str] = []
        for pattern in patterns:
            hit = _first_unnegated(pattern, text)
            if hit is None:
                break
            matched.append(hit)
        else:
            flags.append(RedFlag(kind=kind, matched="; ".join(matched), advice=advice))
            continue
        if kind in flagged_by_observations:
            flags.append(RedFlag(kind=kind, matched=flagged_by_observations[kind], advice=advice))
    return flags


def _first_unnegated(pattern: re.Pattern[str], text: str) -> str | None:
    for match in pattern.finditer(text):
        if not _NEGATION.search(text[max(0, match.start() - 40) : match.start()]):
            return match.group(0)
    return None
