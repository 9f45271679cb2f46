"""Evaluation harnesses: retrieval quality on BEIR-format data sets (answer quality comes later)."""
