"""Which MedCite composed an answer: the package version plus a fingerprint of the composing code.

A stored article is only as current as the rules that composed it. `medcite.__version__` alone is not
enough (it changes at releases, while composition rules change between them), and a constant bumped by
hand is forgotten; so the fingerprint is a hash of the source files that decide what an answer says:
the answer package (analysis, retrieval, selection, composition, verification, plain renderings and
their data files), the search package (which passages are found), the text and safety helpers, and
the starter library's known questions (`*.questions.yaml`, which steer the bottom line).
Presentation-only modules (`answer/render.py`, `answer/evaluate.py`) are left out: a change to how an
article is printed does not make a stored article out of date. The hash is computed once per process.
"""

from __future__ import annotations

import hashlib
from functools import cache
from importlib import resources
from importlib.abc import Traversable

from medcite import __version__
from medcite.answer.answerable import SUFFIX as KNOWN_QUESTIONS

PACKAGES = ("answer", "search", "text", "safety")
PRESENTATION_ONLY = frozenset({"answer/render.py", "answer/evaluate.py"})
_SUFFIXES = (".py", ".tsv", ".yaml", ".json", ".txt")


def _files(folder: Traversable, prefix: str) -> list[tuple[str, Traversable]]:
    out: list[tuple[str, Traversable]] = []
    for entry in folder.iterdir():
        path = f"{prefix}/{entry.name}"
        if entry.is_dir():
            if entry.name != "__pycache__":
                out += _files(entry, path)
        elif entry.name.endswith(_SUFFIXES) and path not in PRESENTATION_ONLY:
            out.append((path, entry))
    return out


@cache
def composer_fingerprint() -> str:
    """Twelve hex digits of a SHA-256 over the composing files' paths and bytes, in path order."""
    root = resources.files("medcite")
    digest = hashlib.sha256()
    files = [f for package in PACKAGES for f in _files(root / package, package)]
    files += [
        f for f in _files(root / "library" / "topics", "library/topics") if f[0].endswith(KNOWN_QUESTIONS)
    ]
    for path, entry in sorted(files):
        digest.update(path.encode() + b"\0" + entry.read_bytes() + b"\0")
    return digest.hexdigest()[:12]


def composer_version() -> str:
    """ "0.1.0+3f2a9c01b7de": what is stored with every article MedCite composes."""
    return f"{__version__}+{composer_fingerprint()}"
