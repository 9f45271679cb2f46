"""Shared helpers for the benchmark scripts: paths, shared data, corpora, timing and memory.

Every script measures MedCite's own code from this checkout (src/ is put first on sys.path),
reads third-party data from MEDCITE_SHARED_DATA (default ../shared/data beside the repository)
and caches what it builds under bench/.cache.
"""

from __future__ import annotations

import json
import os
import platform
import random
import resource
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

CACHE = ROOT / "bench" / ".cache"


def shared_data() -> Path:
    """The shared data folder, or exit with a message that says how to point at it."""
    path = Path(os.environ.get("MEDCITE_SHARED_DATA", ROOT.parent / "shared" / "data"))
    if not path.is_dir():
        sys.exit(
            f"Shared data not found at {path}. "
            "Set MEDCITE_SHARED_DATA to the folder with retrieval/, pubmedqa/ and mirage/."
        )
    return path


def require(path: Path) -> Path:
    if not path.exists():
        sys.exit(f"Benchmark data missing: {path} (set MEDCITE_SHARED_DATA to the shared data folder).")
    return path


@dataclass(frozen=True)
class Passage:
    """One corpus document before ingest: an id, a title and plain text."""

    doc_id: str
    title: str
    text: str
    source: str  # medquad | pubmedqa | mirage


def medquad_passages(limit: int | None = None) -> list[Passage]:
    path = require(shared_data() / "retrieval" / "medquad-ir" / "corpus.jsonl")
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            out.append(Passage(row["_id"], row["title"], row["text"], "medquad"))
            if limit is not None and len(out) >= limit:
                break
    return out


def pubmedqa_passages() -> list[Passage]:
    """PubMedQA abstracts (labelled context sections joined, plus the long answer)."""
    path = require(shared_data() / "pubmedqa" / "ori_pqal.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for pmid, row in data.items():
        body = "\n\n".join(
            f"## {label.title()}\n\n{ctx}" for label, ctx in zip(row["LABELS"], row["CONTEXTS"], strict=False)
        )
        out.append(
            Passage(
                f"pmid{pmid}",
                row["QUESTION"],
                f"{body}\n\n## Conclusions\n\n{row['LONG_ANSWER']}",
                "pubmedqa",
            )
        )
    return out


def mirage_passages() -> list[Passage]:
    """MIRAGE question texts with their options: short clinical vignettes and exam items."""
    folder = require(shared_data() / "mirage")
    out = []
    for name in ("medqa", "medmcqa", "mmlu", "pubmedqa", "bioasq"):
        path = folder / f"{name}.jsonl"
        if not path.exists():
            continue
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                options = "\n".join(f"- {k}. {v}" for k, v in (row.get("options") or {}).items())
                out.append(Passage(f"mirage-{name}-{row['id']}", f"{name} question {row['id']}",
                                   f"{row['question']}\n\n{options}", "mirage"))  # fmt: skip
    return out


def markdown_bytes(p: Passage) -> bytes:
    """A Markdown file with YAML front matter, the format a user's own notes would have."""
    title = p.title.replace('"', "'")
    return f'---\ntitle: "{title}"\ncorpus_id: "{p.doc_id}"\n---\n\n{p.text}\n'.encode()


def write_markdown_folder(passages: list[Passage], folder: Path) -> Path:
    """Write passages as .md files (reused when the folder already holds them)."""
    marker = folder / ".complete"
    if marker.exists() and marker.read_text() == str(len(passages)):
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    for p in passages:
        (folder / f"{p.doc_id}.md").write_bytes(markdown_bytes(p))
    marker.write_text(str(len(passages)))
    return folder


def benchmark_queries(n: int, seed: int = 7) -> list[str]:
    """A fixed sample of real questions: MedQuAD consumer questions and PubMedQA research questions."""
    base = shared_data() / "retrieval"
    queries = []
    for name in ("medquad-ir", "pubmedqa-ir"):
        with require(base / name / "queries.jsonl").open(encoding="utf-8") as fh:
            queries += [json.loads(line)["text"] for line in fh]
    rng = random.Random(seed)
    return rng.sample(queries, min(n, len(queries)))


# ---- measuring ---------------------------------------------------------------------------------
def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process, all threads: less sensitive to other load than wall time."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


class Timer:
    def __enter__(self) -> Timer:
        self.start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self.start


def folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in iter_files(path))


def iter_files(path: Path) -> Iterator[Path]:
    if path.is_file():
        yield path
    elif path.is_dir():
        for f in path.rglob("*"):
            if f.is_file():
                yield f


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def load_average() -> str:
    """Other processes on a 2-core machine change every timing: record the load with the figures."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def header(title: str) -> None:
    print(f"# {title}")
    print(f"date: {datetime.now(UTC).strftime('%Y-%m-%d %H:%M UTC')}")
    print(f"machine: {machine()}")
    print(f"load average (1, 5, 15 min): {load_average()}")
    print(f"command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    print()


def save_result(name: str, result: dict[str, object]) -> Path:
    """Keep the raw figures next to the cache so docs/benchmarks.md can be checked against them."""
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"{name}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    return path
