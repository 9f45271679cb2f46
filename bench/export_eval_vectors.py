"""Hand the vectors of an ingested knowledge base to `medcite eval retrieval`'s vector cache.

The evaluation keys a passage vector by the exact text the model read (`embedding_text`, cut to
`--embed-chars`). A MedQuAD folder ingested with `medcite ingest` at the same number of
characters produces the same texts, so its vectors can be scored as they are instead of being
encoded a second time: the evaluation then measures the vectors that ingest produced.

    .venv/bin/python bench/export_eval_vectors.py DATA_DIR --embedder minilm-int8 --embed-chars 200
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from sqlalchemy import select

import _common as c
from medcite.config import load_settings
from medcite.eval.vector_cache import VectorCache, text_key
from medcite.ingest.embed_stage import passage_text
from medcite.store import Store
from medcite.store.tables import ChunkRow, SourceRow


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("data_dir", type=Path)
    parser.add_argument("--embedder", required=True)
    parser.add_argument("--embed-chars", type=int, required=True)
    parser.add_argument("--cache-dir", type=Path, default=c.CACHE)
    args = parser.parse_args()
    settings = load_settings(data_dir=args.data_dir)
    store = Store(settings.database_url)
    with store.session() as s:
        rows = s.execute(
            select(SourceRow.title, ChunkRow.section_path, ChunkRow.text, ChunkRow.embedding)
            .join(SourceRow, SourceRow.id == ChunkRow.source_id)
            .where(ChunkRow.embedding_model == args.embedder, ChunkRow.embedding.is_not(None))
        ).all()
    store.dispose()
    keys = [text_key(passage_text(t, tuple(p or ()), x)[: args.embed_chars]) for t, p, x, _ in rows]
    vectors = np.stack([np.frombuffer(r[3], dtype=np.float32) for r in rows])
    cache = VectorCache(args.cache_dir / "vectors" / args.embedder, vectors.shape[1])
    new = [i for i, k in enumerate(keys) if cache.get(k) is None]
    cache.put_many([keys[i] for i in new], vectors[new])
    print(f"{len(rows)} vectors read, {len(new)} added to {cache.folder}")


if __name__ == "__main__":
    main()
