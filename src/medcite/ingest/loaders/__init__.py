"""One loader per document format, chosen by extension and content sniffing."""

from medcite.ingest.loaders.registry import detect_format, load_document, supported_extensions

__all__ = ["detect_format", "load_document", "supported_extensions"]
