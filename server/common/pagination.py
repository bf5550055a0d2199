"""Cursor (keyset) pagination: stable under inserts, one query per page whatever its depth."""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, TypeVar

from flask import current_app
from sqlalchemy import ColumnElement, Select, literal, tuple_
from sqlalchemy.orm import QueryableAttribute

from server.database import UTCDateTime
from server.errors import ValidationFailed
from server.extensions import db

T = TypeVar("T")


@dataclass
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None


def encode_cursor(values: Sequence[Any]) -> str:
    plain = [v.isoformat() if isinstance(v, datetime) else v for v in values]
    return base64.urlsafe_b64encode(json.dumps(plain).encode()).decode().rstrip("=")


INVALID_CURSOR = "Cursor inválido: recomece a listagem."


def _bound(column: QueryableAttribute[Any] | ColumnElement[Any], value: Any) -> Any:
    """A cursor value as a parameter of the column's type (datetimes travel as ISO strings). A
    value of another type (a cursor made by hand) is refused here: the database would fail on it."""
    if isinstance(column.type, UTCDateTime):
        try:
            value = datetime.fromisoformat(value)
        except (TypeError, ValueError):
            raise ValidationFailed({"cursor": [INVALID_CURSOR]}) from None
    else:
        try:
            expected = column.type.python_type
        except NotImplementedError:
            expected = object
        if expected in (int, str) and (type(value) is not expected):
            raise ValidationFailed({"cursor": [INVALID_CURSOR]})
    return literal(value, type_=column.type)


def decode_cursor(cursor: str, size: int) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != size:
        raise ValidationFailed({"cursor": [INVALID_CURSOR]})
    return values


def cursor_bounds(cursor: str, columns: Sequence[QueryableAttribute[Any] | ColumnElement[Any]]) -> list[Any]:
    """The cursor's values, one per column, each as a parameter of its column's type."""
    return [_bound(column, value) for column, value in zip(columns, decode_cursor(cursor, len(columns)), strict=True)]


def page_size(limit: int | None, max_limit: int | None = None) -> int:
    """The rows a page holds: the limit asked for, within the configured bounds."""
    return min(limit or current_app.config["PAGE_LIMIT_DEFAULT"], max_limit or current_app.config["PAGE_LIMIT_MAX"])


def paginate(
    stmt: Select[Any],
    order: Sequence[QueryableAttribute[Any] | ColumnElement[Any]],
    key: Callable[[Any], Sequence[Any]],
    *,
    cursor: str | None,
    limit: int | None,
    descending: bool = False,
    max_limit: int | None = None,
    rows_of: Callable[[Select[Any]], Sequence[Any]] | None = None,
) -> Page[Any]:
    """Order `stmt` by the `order` columns (the last must be unique) and cut one page.

    `key(row)` gives the row's values of the `order` columns, which become the next cursor.
    `rows_of` reads the statement (default: its first column as objects, `scalars`).
    """
    size = page_size(limit, max_limit)
    if cursor:
        bound = tuple_(*cursor_bounds(cursor, order))
        columns = tuple_(*order)
        stmt = stmt.where(columns < bound if descending else columns > bound)
    ordering = [col.desc() if descending else col.asc() for col in order]
    # The limit written into the SQL (see server.database.among): as a parameter, a prepared
    # statement's plan made for any limit expected to stop early, and walked every older claim.
    page = stmt.order_by(*ordering).limit(literal(size + 1, literal_execute=True))
    rows = list(rows_of(page) if rows_of is not None else db.session.scalars(page))
    has_more = len(rows) > size
    rows = rows[:size]
    return Page(rows, encode_cursor(key(rows[-1])) if has_more else None)
