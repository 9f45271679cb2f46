"""Users and their roles, kept in the database so the CLI and the API agree on who may do what."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from medcite.errors import InputError, NotFoundError, StoreError
from medcite.models import UserRole
from medcite.store import Store
from medcite.store.tables import UserRow

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: UserRole
    created_at: datetime


def _user(row: UserRow) -> User:
    return User(id=row.id, name=row.name, role=UserRole(row.role), created_at=row.created_at)


def add_user(store: Store, name: str, role: UserRole) -> User:
    """Create a user; InputError when the name is taken or not a plain handle."""
    if not _NAME.match(name) or name.lower() == "system":
        raise InputError(
            f"User name {name!r} is not allowed: use letters, digits, '.', '_', '-' or '@' "
            "(and not the reserved name 'system')."
        )
    try:
        with store.session() as s:
            row = UserRow(name=name, role=role.value, created_at=datetime.now(UTC))
            s.add(row)
            s.flush()
            return _user(row)
    except StoreError as exc:
        if isinstance(exc.__cause__, IntegrityError):
            raise InputError(f"A user named {name!r} already exists (see `medcite users list`).") from exc
        raise


def list_users(store: Store) -> list[User]:
    with store.session() as s:
        return [_user(r) for r in s.scalars(select(UserRow).order_by(UserRow.name))]


def user_in_session(session: Session, name: str) -> User:
    row = session.scalar(select(UserRow).where(UserRow.name == name))
    if row is None:
        raise NotFoundError(
            f"No user named {name!r}. Add one with `medcite users add {name} --role reviewer`."
        )
    return _user(row)


def get_user(store: Store, name: str) -> User:
    with store.session() as s:
        return user_in_session(s, name)
