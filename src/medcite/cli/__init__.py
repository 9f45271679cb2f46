"""`medcite` command line: thin adapters over the package's service functions."""

from medcite.cli.main import app, main

__all__ = ["app", "main"]
