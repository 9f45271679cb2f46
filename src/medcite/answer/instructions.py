"""Verbs that open an instruction in guideline prose ("Check ...", "Refer ..."), shared by the sentence cuts
(`plain.py`: a comma or "and" before one starts a new clause) and the list layout (`lists.py`: an item
that opens with one is a clause, not a list item)."""

from __future__ import annotations

import re

# Verbs that open an instruction in guideline prose: a comma or "and" before one starts a new clause.
INSTRUCTION = (
    "add|adjust|advise|arrange|ask|assess|avoid|begin|call|check|confirm|consider|continue|discuss|"
    "document|encourage|ensure|escalate|explain|give|increase|keep|measure|monitor|offer|prescribe|"
    "reduce|refer|repeat|reassess|recheck|restart|seek|start|stop|switch|take|taper|tell|treat|withhold|watch"
)
# More instruction verbs. The first group are also nouns ("use of", "test results"), so they start a new
# clause only after a comma and never before "of" or a verb; the second are verbs only.
NOUN_VERBS = "use|record|test|share|plan|hold|follow|manage|address|find|get|report|review|look|choose|change"
VERBS_ONLY = (
    "teach|educate|provide|involve|send|titrate|correct|identify|warn|inform|counsel|perform|obtain|decide|"
    "weigh|replace"
)
NOT_A_VERB = r"(?!\s+(?:of|is|are|was|were|has|have|results?|and|or)\b)"
INSTRUCTION_START = re.compile(
    rf"(?:do not |don't )?(?:(?:{INSTRUCTION}|{VERBS_ONLY})\b|(?:{NOUN_VERBS})\b{NOT_A_VERB})", re.I
)
# Two instructions joined by "and" ("Review X and change Y if Z"): a condition after them may belong to
# the second only, so it is never written as "This applies if Z" after both.
COORDINATED = re.compile(rf"\band\s+(?:{INSTRUCTION}|{VERBS_ONLY}|{NOUN_VERBS})\b", re.I)
