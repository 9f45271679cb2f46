"""The shipped vector pack: embeddings of the starter library's passages and of its topics' known
questions, so that first use and the bottom-line choice need not encode them on the user's machine.

Passage vectors are stored as float16 (they become the knowledge base's vectors). Known-question vectors,
four times as many, are stored as int8 with one scale per vector: the rounding moves a cosine by about
0.0005, far below the 0.02 gaps the matching reads (`answer.answerable.TEMPERATURE`), and keeps the
package small."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from medcite.library import library_path

VECTOR_PACK = "vectors.npz"


def vector_pack_path(root: Path | None = None) -> Path:
    return (root or library_path()).parent / VECTOR_PACK


def load_vector_pack(path: Path, model: str) -> dict[str, np.ndarray]:
    """Vectors shipped for library text, keyed by `vector_key(model, text)`; empty when absent or
    built with another model."""
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as pack:
        if str(pack["model"]) != model:
            return {}
        out = {str(k): v.astype(np.float32) for k, v in zip(pack["keys"], pack["vectors"], strict=True)}
        if "question_keys" in pack.files:
            scaled = pack["question_vectors"].astype(np.float32) * pack["question_scales"][:, None]
            scaled /= np.maximum(np.linalg.norm(scaled, axis=1, keepdims=True), 1e-12)  # unit again
            out.update(zip((str(k) for k in pack["question_keys"]), scaled, strict=True))
        return out


def load_topic_question_keys(path: Path, model: str) -> dict[str, tuple[str, ...]]:
    """Each library topic's known questions as pack keys, by origin ("library:<path>"), so the topic
    router can gather them without reading every topic's sidecar; empty for a pack without them."""
    if not path.is_file():
        return {}
    with np.load(path, allow_pickle=False) as pack:
        if str(pack["model"]) != model or "topic_origins" not in pack.files:
            return {}
        keys, rows = pack["question_keys"], pack["topic_rows"]
        origins, offsets = pack["topic_origins"], pack["topic_offsets"]
        return {
            str(origin): tuple(str(keys[r]) for r in rows[offsets[i] : offsets[i + 1]])
            for i, origin in enumerate(origins)
        }


def save_vector_pack(
    path: Path,
    model: str,
    passages: dict[str, np.ndarray],
    questions: dict[str, np.ndarray],
    dim: int,
    topics: dict[str, list[str]] | None = None,
) -> None:
    """Write the pack: passages as float16, questions as int8 with a scale per vector, and `topics`
    (origin -> the keys of its known questions, in order; stored as rows of the question arrays) for the
    topic router."""
    keys = sorted(passages)
    question_keys = sorted(questions)
    vectors = np.stack([passages[k] for k in keys]).astype(np.float16) if keys else np.zeros((0, dim))
    raw = np.stack([questions[k] for k in question_keys]) if question_keys else np.zeros((0, dim))
    scales = np.abs(raw).max(axis=1) / 127 if question_keys else np.zeros(0)
    scales = np.where(scales > 0, scales, 1.0).astype(np.float32)
    origins = sorted(topics or {})
    offsets = np.cumsum([0, *(len((topics or {})[o]) for o in origins)])
    row_of = {k: i for i, k in enumerate(question_keys)}
    np.savez_compressed(
        path,
        model=np.array(model),
        topic_origins=np.array(origins, dtype=str),
        topic_rows=np.array([row_of[k] for o in origins for k in (topics or {})[o]], dtype=np.int32),
        topic_offsets=offsets.astype(np.int64),
        keys=np.array(keys),
        vectors=vectors,
        question_keys=np.array(question_keys),
        question_vectors=np.round(raw / scales[:, None]).astype(np.int8),
        question_scales=scales,
    )
