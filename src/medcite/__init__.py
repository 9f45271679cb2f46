"""MedCite: cited, structured answers to clinical questions from a knowledge base you control."""

from medcite.errors import MedCiteError

__version__ = "0.1.0"

__all__ = ["MedCiteError", "__version__"]
