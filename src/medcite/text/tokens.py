"""Tokenisation for lexical search: lower case, alphanumeric runs, English Snowball stems.

Numbers and short clinical tokens ("5", "mg", "hba1c", "q12h") are kept: BM25 is where exact
doses and abbreviations are matched.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

import Stemmer

_TOKEN = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")

STOPWORDS = frozenset(
    """
    a about above after again against all am an and any are aren't as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have having
    he her here hers herself him himself his how i if in into is it its itself just me more most my myself
    no nor not of off on once only or other our ours ourselves out over own same she should so some such
    than that the their theirs them themselves then there these they this those through to too under until
    up very was we were what when where which while who whom why will with would you your yours yourself
    yourselves s t don shouldn now also may might must shall within without per via
    """.split()
)


@cache
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def raw_tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower().replace("'s", ""))


def tokenize(text: str, keep_stopwords: bool = False) -> list[str]:
    """Stemmed tokens; stop words dropped (except "no"/"not" style negations are also dropped)."""
    return list(_tokenize(text, keep_stopwords))


@lru_cache(maxsize=16384)
def _tokenize(text: str, keep_stopwords: bool) -> tuple[str, ...]:
    """Cached: an answer stems the same source sentences many times (once per candidate and rule)."""
    words = raw_tokens(text)
    if not keep_stopwords:
        words = [w for w in words if w not in STOPWORDS]
    return tuple(_stemmer().stemWords(words))


def tokenize_many(texts: list[str]) -> list[list[str]]:
    stemmer = _stemmer()
    out = []
    for text in texts:
        words = [w for w in raw_tokens(text) if w not in STOPWORDS]
        out.append(stemmer.stemWords(words))
    return out
