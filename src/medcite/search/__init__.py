"""Hybrid search over the knowledge base: BM25, dense vectors, fusion and clinical rerank."""
