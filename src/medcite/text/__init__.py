"""Text utilities shared by ingest, search and answers: sentences, normalisation, tokens."""
