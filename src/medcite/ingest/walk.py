"""Expand ingest arguments into files: folders recursively, symlink loops detected."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from medcite.ingest.loaders import supported_extensions


@dataclass(frozen=True)
class Candidate:
    path: Path
    explicit: bool  # named on the command line (so an odd extension is still tried)
    problem: str | None = None


def iter_candidates(paths: list[Path], follow_symlinks: bool = True) -> Iterator[Candidate]:
    """Files to ingest in a stable order; unreadable arguments come back with a problem."""
    extensions = set(supported_extensions())
    seen_dirs: set[tuple[int, int]] = set()
    seen_files: set[str] = set()
    for path in paths:
        if not os.path.lexists(path):
            yield Candidate(path, True, "path does not exist")
            continue
        if path.is_symlink() and not path.exists():
            yield Candidate(path, True, "broken symbolic link (or a symlink loop)")
            continue
        if path.is_dir():
            yield from _walk(path, extensions, seen_dirs, seen_files, follow_symlinks)
            continue
        real = os.path.realpath(path)
        if real not in seen_files:
            seen_files.add(real)
            yield Candidate(path, True, None if path.is_file() else "not a regular file")


def _walk(
    root: Path,
    extensions: set[str],
    seen_dirs: set[tuple[int, int]],
    seen_files: set[str],
    follow_symlinks: bool,
) -> Iterator[Candidate]:
    try:
        stat = root.stat()
    except OSError as exc:
        yield Candidate(root, True, f"cannot read folder: {exc.strerror}")
        return
    key = (stat.st_dev, stat.st_ino)
    if key in seen_dirs:
        yield Candidate(root, False, "symlink loop: folder already visited")
        return
    seen_dirs.add(key)
    try:
        entries = sorted(os.scandir(root), key=lambda e: e.name)
    except OSError as exc:
        yield Candidate(root, True, f"cannot list folder: {exc.strerror}")
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if entry.is_symlink() and not follow_symlinks:
            continue
        if entry.is_symlink() and not path.exists():
            yield Candidate(path, False, "broken symbolic link (or a symlink loop)")
            continue
        if entry.is_dir(follow_symlinks=follow_symlinks):
            yield from _walk(path, extensions, seen_dirs, seen_files, follow_symlinks)
        elif path.suffix.lower() in extensions and entry.is_file(follow_symlinks=follow_symlinks):
            real = os.path.realpath(path)
            if real not in seen_files:
                seen_files.add(real)
                yield Candidate(path, False)
