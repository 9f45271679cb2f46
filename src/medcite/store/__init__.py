"""Relational store (SQLite by default, PostgreSQL for shared deployments)."""

from medcite.store.database import Store

__all__ = ["Store"]
