"""Citation markers inside editorial summaries: "[r1]" or "[r1, r3]" point at the summary's reference list."""

from __future__ import annotations

import re

CITATION_MARKER = re.compile(r"\[(r\d+(?:\s*,\s*r\d+)*)\]")
_MARKERS_WITH_SPACE = re.compile(r"\s*(?:\[r\d+(?:\s*,\s*r\d+)*\])+")


def strip_markers(text: str) -> str:
    """Display form of a quoted sentence: the answer's own [n] citations replace the summary's [rN]."""
    return _MARKERS_WITH_SPACE.sub("", text).strip()
