"""Declarative base, column types and the database rules every domain shares.

Two rules live here so that no service can forget them:

* **Store versions** (docs/sync.md). Every transaction that writes a store's records increments
  that store's `version` counter once, under the row lock that the UPDATE takes, and stamps the
  new value on each row it writes. Concurrent writers of one store therefore queue on that row
  and never share a version; a phone's pull asks for rows with `version > cursor`.
* **Soft deletes**. A synced record is never removed: `soft_delete()` stamps `deleted_at` and the
  row stays as a tombstone, so a phone that pulls later learns of the delete.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from typing import Any

from flask import has_request_context, request
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    MetaData,
    and_,
    bindparam,
    column,
    event,
    exists,
    inspect,
    or_,
    select,
    table,
    text,
    update,
)
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    SessionTransaction,
    UOWTransaction,
    mapped_column,
    registry,
    scoped_session,
)
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


AnySession = Session | scoped_session[Any]


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """An aware UTC datetime on every database (SQLite keeps no offset of its own)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


class Timestamped:
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StoreRecord(Timestamped):
    """A record that belongs to one store, is versioned for sync and soft-deleted."""

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    version: Mapped[int] = mapped_column(BigInteger, default=0)  # indexed with store_id: see index_versions
    deleted_at: Mapped[datetime | None] = mapped_column(default=None)

    @property
    def deleted(self) -> bool:
        return self.deleted_at is not None


def index_versions() -> None:
    """Index (store_id, version) on every synced table, once all models are imported.

    A sync pull asks each table for "rows of store S with version > V": with this index that
    reads only the rows written since, however large the store's history is."""
    for synced in Base.metadata.tables.values():
        if "version" in synced.c and "store_id" in synced.c:
            name = f"ix_{synced.name}_store_version"
            if name not in {index.name for index in synced.indexes}:
                Index(name, synced.c.store_id, synced.c.version)


def soft_delete(record: StoreRecord) -> None:
    record.deleted_at = utcnow()


def live_unique_index(name: str, *columns: str, where: str = "deleted_at IS NULL") -> Index:
    """Unique among live rows: a tombstone does not keep its number or document taken."""
    condition = text(where)
    return Index(name, *columns, unique=True, sqlite_where=condition, postgresql_where=condition)


def value_taken(
    session: AnySession, model: type[StoreRecord], store_id: int, column: Any, value: Any, exclude_id: Any = None
) -> bool:
    """Whether a live record of the store already has `value` in `column` (a unique field).

    The store's row is locked first — the write that follows takes that lock anyway — so a
    concurrent request with the same value waits, then sees this one's row and gets a clear 422
    instead of passing the check too and failing on the unique index.
    """
    bump_store_version(session, store_id)
    primary_key = inspect(model).primary_key[0]
    stmt = select(primary_key).where(model.store_id == store_id, column == value, model.deleted_at.is_(None))
    if exclude_id is not None:
        stmt = stmt.where(primary_key != exclude_id)
    return session.scalar(stmt) is not None


def is_referenced(session: AnySession, record: Base) -> bool:
    """Whether a live row of any table points at `record` through a foreign key.

    Following the schema's foreign keys keeps this right when later features add tables.
    A key with ON DELETE CASCADE marks a part of the record (a contract's items), not a use.
    """
    target = record.__table__
    record_id = record.id  # type: ignore[attr-defined]
    checks = []
    for referencing in Base.metadata.tables.values():
        for fk in referencing.foreign_keys:
            if fk.column.table is not target or fk.ondelete == "CASCADE":
                continue
            condition = fk.parent == record_id
            if "deleted_at" in referencing.c:
                condition = and_(condition, referencing.c.deleted_at.is_(None))
            checks.append(exists().where(condition))
    return bool(checks) and bool(session.scalar(select(or_(*checks))))


# --- store versions -----------------------------------------------------------------------

_VERSIONS_KEY = "assistec.store_versions"
_stores = table("stores", column("id"), column("version"))


def bump_store_version(session: AnySession, store_id: int) -> int:
    """The version of this transaction's writes to `store_id`, allocated once per transaction."""
    versions: dict[int, int] = session.info.setdefault(_VERSIONS_KEY, {})
    if store_id not in versions:
        stmt = (
            update(_stores)
            .where(_stores.c.id == store_id)
            .values(version=_stores.c.version + 1)
            .returning(_stores.c.version)
        )
        versions[store_id] = session.connection().execute(stmt).scalar_one()
    return versions[store_id]


@event.listens_for(Session, "before_flush")
def _stamp_versions(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    for obj in session.deleted:
        if isinstance(obj, StoreRecord):
            raise RuntimeError(f"{type(obj).__name__} is synced: use soft_delete(), not delete()")
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, StoreRecord):
            continue
        if obj in session.dirty and not session.is_modified(obj, include_collections=False):
            continue
        if obj.store_id is None:
            raise RuntimeError(f"{type(obj).__name__} written without a store_id")
        obj.version = bump_store_version(session, obj.store_id)


@event.listens_for(Session, "after_transaction_end")
def _forget_versions(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_VERSIONS_KEY, None)


def among(values_of: Any, values: Any) -> ColumnElement[bool]:
    """`column IN (…)` for a fixed set of statuses, the values written into the SQL.

    psycopg prepares a statement after its fifth run, and PostgreSQL may then plan it once for
    any parameters. With the statuses as parameters that plan cannot know how rare they are: for
    the open claims (24 of 9,986 at 100×) it walked every claim backwards by id, 2.6 ms instead of
    0.08 ms. (Planning every run for its values, `plan_cache_mode = force_custom_plan`, fixed it
    too, but cost the agenda 4–10 % of its requests a second: the session's lookup replanned.)"""
    return values_of.in_(bindparam(None, tuple(values), expanding=True, literal_execute=True))  # type: ignore[no-any-return]


# --- The database's transactions per kind of request ----------------------------------------

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def read_request() -> bool:
    """Whether this is a request that only reads (server.transaction refuses its writes)."""
    return has_request_context() and request.method in SAFE_METHODS


def configure_engine(engine: Engine, busy_timeout_ms: int) -> None:
    """PostgreSQL: read requests without a transaction (`_reads_without_transaction`). SQLite:
    WAL, a busy timeout, foreign keys, and BEGIN IMMEDIATE for write requests.

    pysqlite's own BEGIN is turned off so that we emit it: a transaction that begins DEFERRED,
    reads, and then needs the write lock fails at once with "database is locked" when another
    writer got there first, instead of waiting. So a request that may write (any method but
    GET/HEAD/OPTIONS) begins IMMEDIATE and queues on the busy timeout. Reads, and work outside
    a request (CLI commands, tests), begin DEFERRED and run alongside writers thanks to WAL.
    """
    if engine.dialect.name == "postgresql":
        _reads_without_transaction(engine)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, connection_record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = has_request_context() and not read_request()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _reads_without_transaction(engine: Engine) -> None:
    """PostgreSQL: a read request's statements run each in its own transaction (autocommit).

    In READ COMMITTED every statement of a transaction takes a new snapshot anyway, so a read sees
    what it would have seen inside one. What goes is the BEGIN and the ROLLBACK around it: two of
    the three round trips of an answer kept in this process (the agenda a phone asks again), which
    under load cost more than the rest of the request. A read request that writes is refused
    (server.transaction), so no write can be left half done by autocommit."""

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        # A transaction asked for by its isolation level (server.transaction.write_in_read) stays one.
        if read_request() and "isolation_level" not in connection.get_execution_options():
            connection.connection.driver_connection.autocommit = True  # psycopg sends no BEGIN

    @event.listens_for(engine, "reset")
    def _on_reset(dbapi_connection: Any, record: Any, reset_state: Any) -> None:
        if dbapi_connection.autocommit:  # (psycopg refuses the change inside a transaction)
            dbapi_connection.autocommit = False  # back in the pool: the next user begins a transaction
