"""One exception tree for the whole package.

Every error a user can cause carries a message that says what went wrong and, where
possible, what to do about it. The CLI maps these to exit codes in one place
(`medcite.cli.errors`), the API will map them to HTTP statuses the same way.
"""

from __future__ import annotations


class MedCiteError(Exception):
    """Base class: a problem MedCite can explain to the user without a traceback."""

    exit_code = 1


class ConfigError(MedCiteError):
    """Settings are invalid or a required setting is missing."""

    exit_code = 2


class InputError(MedCiteError):
    """A document or argument cannot be used as given."""

    exit_code = 3


class UnsupportedFormatError(InputError):
    """No loader understands this file."""


class EmptyDocumentError(InputError):
    """The file holds no text worth indexing."""


class MalformedDocumentError(InputError):
    """The file is corrupt, truncated, encrypted or not what its name says."""


class DocumentTooLargeError(InputError):
    """The file is bigger than the configured ingest limit."""


class UnsafeDocumentError(InputError):
    """The file tries something hostile (entity expansion, external entities)."""


class NotFoundError(MedCiteError):
    """A source, chunk or other record does not exist."""

    exit_code = 4


class StoreError(MedCiteError):
    """The database cannot be opened, migrated or written."""

    exit_code = 5


class SearchError(MedCiteError):
    """The search index cannot be built or queried."""

    exit_code = 6


class MissingDependencyError(MedCiteError):
    """An optional component is not installed; the message names the pip extra."""

    exit_code = 2


class EditorialError(MedCiteError):
    """A review action is not allowed as asked (wrong role, wrong status, unverifiable edit)."""

    exit_code = 7


class PermissionDeniedError(EditorialError):
    """The acting user's role does not allow this action; the message names the roles that do."""


class InvalidTransitionError(EditorialError):
    """The article's status does not allow this action; the message names the actions that are allowed."""


class VerificationError(EditorialError):
    """An edit would break a citation (unsupported text, a number not in the passage, a missing reference)."""


class ConflictError(MedCiteError):
    """Someone else changed the record since it was read (optimistic locking); reload and retry."""

    exit_code = 8


class LLMError(MedCiteError):
    """The LLM server failed, timed out or returned output MedCite cannot use."""

    exit_code = 9
