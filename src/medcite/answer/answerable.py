"""Questions a source's advice lines are known to answer, and how close the asked question is to them.

A guideline sentence and the question it answers often share few words: "Do not use low-dose dopamine
to prevent or treat AKI" answers "The SHO wants renal-dose dopamine. Worth trying?". Word overlap
and a sentence embedding both miss that the question proposes what the sentence forbids. So the
editors write, next to a topic, the questions each of its advice lines answers (the doc2query
technique, here written by people rather than generated): `<topic>.questions.yaml`, a list of

    - sentence: "Do not use low-dose dopamine"   # a verbatim phrase of exactly one prose line
      questions: ["Is renal-dose dopamine worth it in AKI?", ...]
    - row: "Ticagrelor"                           # or the first cell of one table row
      questions: ["Same ticagrelor dose after the first year?", ...]

The asked question is compared with every known question of the sources the answer draws on (the same
embedder as search, both sides encoded as queries, plus a little word overlap; word overlap alone when
search runs without vectors), and each known question votes for its line (`line_votes`). The votes
serve the bottom-line choice three ways: a line's share of its source's votes is a feature of
`bottom_line.fit`; a clearly asked line may lead from any section (`bottom_line.clearly_asked`); and a
source's share of all votes helps choose the lead topic (`compose_extractive._lead_source`). Any
Markdown source may have a sidecar: the starter library ships one per topic, and a hospital may add
them to its own protocols.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import yaml

from medcite.answer.select import ANSWERS_ASKED, Candidate
from medcite.library import ORIGIN_PREFIX, library_path
from medcite.search.embeddings import Embedder
from medcite.search.vector_cache import vector_key
from medcite.text.tokens import tokenize

SUFFIX = ".questions.yaml"
QUERY_KEY_PREFIX = "query: "  # pack keys of question vectors, apart from passage vectors of the same text
MIN_ANCHOR_WORDS = 5
MAX_QUESTIONS = 12
# libyaml's safe loader when PyYAML was built with it: sidecars are read on the first answer, 15x faster
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}")  # "|---|---|" under a table's header row
TEMPERATURE = 0.02  # e5 cosines between questions sit in 0.8-0.95: a 0.02 gap is a clear preference
LEXICAL = 0.05  # weight of word overlap added to the cosine
LEXICAL_ONLY_T = 0.1  # temperature when only word overlap is available (its gaps are wider)


@dataclass(frozen=True)
class AnswerableLine:
    """One advice line and the questions it answers."""

    anchor: str  # the phrase that locates the line
    line: str  # the whole body line, normalised
    questions: tuple[str, ...]

    @cached_property
    def stems(self) -> tuple[frozenset[str], ...]:
        """Each question's stems, for the word overlap (computed once per line, not per answer)."""
        return tuple(frozenset(tokenize(q)) for q in self.questions)

    @cached_property
    def stem_matrix(self) -> tuple[dict[str, int], np.ndarray]:
        """The questions' stems as a vocabulary and a question-by-stem matrix, so the word overlap of
        the asked question with every known question of the line is a few array operations."""
        vocabulary = {stem: i for i, stem in enumerate(sorted(set().union(*self.stems)))}
        matrix = np.zeros((len(self.stems), len(vocabulary)), dtype=bool)
        for row, stems in enumerate(self.stems):
            matrix[row, [vocabulary[stem] for stem in stems]] = True
        return vocabulary, matrix


def sidecar_path(document: Path) -> Path:
    return document.with_name(document.stem + SUFFIX)


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?^(?:---|\.\.\.)[ \t]*$\r?\n?", re.S | re.M)


def _body(markdown: str) -> list[str]:
    """The document's lines after its YAML front matter; the front matter itself is not parsed (the
    router reads every topic's known questions on the first answer, and only the body locates them)."""
    return _FRONT_MATTER.sub("", markdown, count=1).splitlines()


def _prose_lines(body: list[str]) -> list[str]:
    """The body's prose lines (headings, table rows and blank lines left out), normalised."""
    return [_norm(line) for line in body if line.strip() and not line.lstrip().startswith(("#", "|", "---"))]


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.strip().strip("|").split("|")]


def _table_rows(body: list[str]) -> list[tuple[str, str]]:
    """(first cell, row as answers show it) for each table data row, both normalised. A row reads
    "Drug: dose; route; ..." as `select.split_hit` shows it; header and separator rows are left out."""
    rows: list[tuple[str, str]] = []
    for i, line in enumerate(body):
        if not line.lstrip().startswith("|") or _SEPARATOR.match(line):
            continue
        if i + 1 < len(body) and _SEPARATOR.match(body[i + 1]):
            continue  # a header row
        cells = _cells(line)
        if len([c for c in cells if c]) >= 2:
            rows.append((_norm(cells[0]), _norm(f"{cells[0]}: " + "; ".join(c for c in cells[1:] if c))))
    return rows


def _entry_line(entry: dict[str, object], prose: list[str], rows: list[tuple[str, str]]) -> tuple[str, str]:
    """(anchor, line) an entry stands for, or raises ValueError with the reason."""
    if "row" in entry:
        cell = _norm(str(entry["row"]))
        found = [line for first, line in rows if first == cell]
        if len(found) != 1:  # a drug in two rows: a phrase of the one meant
            found = [line for _, line in rows if cell in line]
        if len(found) != 1:
            raise ValueError(f"{len(found)} table rows start with or hold {cell!r}, must be exactly 1")
        return found[0], found[0]
    anchor = _norm(str(entry["sentence"]))
    if len(anchor.split()) < MIN_ANCHOR_WORDS:
        raise ValueError(f"the sentence phrase needs {MIN_ANCHOR_WORDS} words or more")
    found = [line for line in prose if anchor in line]
    if len(found) != 1:
        raise ValueError(f"the phrase is in {len(found)} lines of the topic, must be in exactly 1")
    return anchor, found[0]


def read_sidecar(document: Path) -> tuple[list[AnswerableLine], list[str]]:
    """The sidecar's entries that resolve to one line of the document, and a reason for each that does not.

    An entry names its line by `sentence` (a verbatim phrase of one prose line) or by `row` (the first
    cell of one table row, such as a drug name)."""
    path = sidecar_path(document)
    if not path.is_file():
        return [], []
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        return [], [f"{path.name}: not valid YAML ({str(exc).splitlines()[0]})"]
    if not isinstance(data, list):
        return [], [f"{path.name}: must be a list of entries with 'sentence' (or 'row') and 'questions'"]
    try:
        body = _body(document.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{document.name}: cannot read the topic the questions belong to ({type(exc).__name__})"]
    prose, rows = _prose_lines(body), _table_rows(body)
    entries: list[AnswerableLine] = []
    problems: list[str] = []
    seen: set[str] = set()
    for n, entry in enumerate(data, start=1):
        where = f"{path.name} entry {n}"
        if not isinstance(entry, dict) or set(entry) not in ({"sentence", "questions"}, {"row", "questions"}):
            problems.append(f"{where}: needs exactly the keys 'sentence' (or 'row') and 'questions'")
            continue
        try:
            anchor, line = _entry_line(entry, prose, rows)
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if line in seen:
            problems.append(f"{where}: a second entry for the same line")
            continue
        questions = entry["questions"]
        if (
            not isinstance(questions, list)
            or not 1 <= len(questions) <= MAX_QUESTIONS
            or not all(isinstance(q, str) and q.strip().endswith("?") for q in questions)
        ):
            problems.append(f"{where}: 'questions' must be 1-{MAX_QUESTIONS} strings, each ending with '?'")
            continue
        seen.add(line)
        entries.append(AnswerableLine(anchor, line, tuple(" ".join(q.split()) for q in questions)))
    return entries, problems


@lru_cache(maxsize=1024)
def _cached_sidecar(document: Path, mtimes: tuple[float, float]) -> tuple[AnswerableLine, ...]:
    return tuple(read_sidecar(document)[0])


def answerable_lines(document: Path) -> tuple[AnswerableLine, ...]:
    """The resolvable entries of a document's sidecar (cached until the sidecar or the document changes)."""
    side = sidecar_path(document)
    if not side.is_file() or not document.is_file():
        return ()
    return _cached_sidecar(document, (side.stat().st_mtime, document.stat().st_mtime))


def lines_for_origin(origin: str) -> tuple[AnswerableLine, ...]:
    """The sidecar entries of a stored source, found from its origin (a library topic or a local file)."""
    if origin.startswith(ORIGIN_PREFIX):
        path = library_path() / origin.removeprefix(ORIGIN_PREFIX)
    elif Path(origin).is_absolute():
        path = Path(origin)
    else:
        return ()
    return answerable_lines(path) if path.suffix.lower() in (".md", ".markdown") else ()


def line_for(candidate: Candidate, lines: Sequence[AnswerableLine]) -> AnswerableLine | None:
    """The entry whose line holds this candidate (a clause of a long line counts as the line)."""
    text = _norm(candidate.text)
    for entry in lines:
        if entry.anchor in text or text in entry.line:
            return entry
    return None


class QuestionVectors:
    """Vectors of known questions: from the library's pack, else encoded once and kept."""

    def __init__(self, embedder: Embedder, pack: Mapping[str, np.ndarray]) -> None:
        self.embedder = embedder
        self.pack = pack
        self._encoded: dict[str, np.ndarray] = {}
        self._stacked: dict[tuple[str, ...], np.ndarray] = {}

    @property
    def encoded_here(self) -> int:
        """How many questions were not in the pack and had to be encoded on this machine."""
        return len(self._encoded)

    def get(self, questions: tuple[str, ...]) -> np.ndarray:
        """The questions' vectors as one matrix (kept, since a source's lines recur from ask to ask)."""
        if questions not in self._stacked:
            self._stacked[questions] = self._stack(questions)
        return self._stacked[questions]

    def _stack(self, questions: Sequence[str]) -> np.ndarray:
        keys = [vector_key(self.embedder.name, QUERY_KEY_PREFIX + q) for q in questions]
        missing = [
            q for q, k in zip(questions, keys, strict=True) if k not in self.pack and q not in self._encoded
        ]
        if missing:
            self._encoded.update(zip(missing, self.embedder.embed_queries(missing), strict=True))
        return np.stack(
            [
                self.pack[k] if k in self.pack else self._encoded[q]
                for q, k in zip(questions, keys, strict=True)
            ]
        )


@dataclass(frozen=True)
class AskedQuestion:
    """The asked question as the matching needs it: its weighted stems and synonyms (`select`), and its
    embedding with the known questions' vectors when search has vectors."""

    terms: Mapping[str, float]
    aliases: Mapping[str, str]
    vector: np.ndarray | None = None
    vectors: QuestionVectors | None = None


def _standing_for(aliases: Mapping[str, str]) -> dict[str, set[str]]:
    """For each asked word, the known questions' words that count as it (`select.answering_stems`)."""
    out: dict[str, set[str]] = {}
    for table in (ANSWERS_ASKED, aliases):
        for word, stands_for in table.items():
            out.setdefault(stands_for, set()).add(word)
    return out


def line_overlaps(
    entry: AnswerableLine, terms: Mapping[str, float], standing_for: Mapping[str, set[str]]
) -> np.ndarray:
    """Share of the asked question's weighted words that each of the line's known questions holds (a
    word counts when a known question has it or a word standing for it), for all of them at once."""
    vocabulary, matrix = entry.stem_matrix
    out = np.zeros(len(entry.questions))
    for term, weight in terms.items():
        columns = [vocabulary[w] for w in (term, *standing_for.get(term, ())) if w in vocabulary]
        if columns:
            out += weight * matrix[:, columns].any(axis=1)
    return out / (sum(terms.values()) or 1.0)


def line_votes(lines: Sequence[AnswerableLine], asked: AskedQuestion) -> list[float]:
    """Each line's votes: every known question votes for its line with exp((similarity - 1) / T).

    A line several of whose questions are close outvotes one with a single lucky match. Similarity is
    the embedding cosine plus a little word overlap (`LEXICAL`), or word overlap alone without vectors
    (`LEXICAL_ONLY_T`)."""
    votes = []
    standing_for = _standing_for(asked.aliases)
    for entry in lines:
        overlap = line_overlaps(entry, asked.terms, standing_for)
        if asked.vector is not None and asked.vectors is not None:
            similarity = asked.vectors.get(entry.questions) @ asked.vector + LEXICAL * overlap
            votes.append(float(np.exp((similarity - 1.0) / TEMPERATURE).sum()))
        else:
            votes.append(float(np.exp((overlap - 1.0) / LEXICAL_ONLY_T).sum()))
    return votes


def line_shares(lines: Sequence[AnswerableLine], asked: AskedQuestion) -> list[float]:
    """How likely each line is to be the one the asked question is about (the shares sum to 1): a
    clear winner takes most of the share while an unclear case spreads it, so a feature built on it
    is strong only when it is sure."""
    return _shares(line_votes(lines, asked))


def _shares(votes: Sequence[float]) -> list[float]:
    total = sum(votes)
    return [v / total if total > 0 else 1.0 / len(votes) for v in votes]


@dataclass
class AskedLike:
    """How close the asked question is to the questions sources are known to answer."""

    lines: dict[tuple[int, int, int], float]  # candidate key -> its line's share within its source
    sources: dict[int, float]  # source id -> its share of all votes, over the sources with known questions


def asked_like(
    candidates: Sequence[Candidate],
    lines_by_source: Mapping[int, Sequence[AnswerableLine]],
    asked: AskedQuestion,
) -> AskedLike:
    """Each candidate of a source with known questions gets the share of its line (`line_shares`); a
    candidate outside those lines (a table row) gets an even share, the prior: no evidence either way.
    Each such source gets its share of all the votes: which source's questions are most like this one."""
    with_candidates = {c.hit.source_id for c in candidates}
    votes = {
        sid: line_votes(lines, asked)
        for sid, lines in lines_by_source.items()
        if lines and sid in with_candidates
    }
    shares = {
        sid: dict(zip((e.line for e in lines_by_source[sid]), _shares(v), strict=True))
        for sid, v in votes.items()
    }
    out: dict[tuple[int, int, int], float] = {}
    for c in candidates:
        if c.hit.source_id not in shares:
            continue
        entry = line_for(c, lines_by_source[c.hit.source_id])
        by_line = shares[c.hit.source_id]
        out[c.key] = by_line[entry.line] if entry is not None else 1.0 / len(by_line)
    sources = dict(zip(votes, _shares([sum(v) for v in votes.values()]), strict=True)) if votes else {}
    return AskedLike(out, sources)
