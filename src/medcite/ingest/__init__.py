"""Turn files into sources and chunks in the store."""
