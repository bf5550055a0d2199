"""One transaction per unit of work: a request, a sync mutation, a job.

Services only `flush()`: whoever starts the unit of work ends it, once. A request that answers
below 400 commits here, after its view; any other answer, or an exception, rolls back — so a
service that fails after its first write leaves nothing behind, and several services called by
one request share its transaction. The sync push (`server.sync.push`) and each job commit at
their own boundary with `commit()` too.

A unit of work that changed no row rolls back instead: it gives back the store version it took
to lock the store (see `server.database.bump_store_version`), so phones are not sent an empty
version. Work that must follow the commit (a job that reads what was written) is registered
with `after_commit()`: it runs once the transaction commits, never if it rolls back.

A read request (GET, HEAD, OPTIONS) writes nothing: on PostgreSQL it runs without a transaction
(server.database), so a write there could not be undone with the rest, and one is refused before
it is sent; it ends by closing its session. The writes a read makes on purpose (the session's
sliding expiry, an old store's default layouts) go through `write_in_read()`, in a transaction of
their own.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any

from flask import Flask, Response
from sqlalchemy import event, inspect
from sqlalchemy.orm import (
    MANYTOONE,
    ONETOMANY,
    Mapper,
    ORMExecuteState,
    RelationshipProperty,
    Session,
    SessionTransaction,
    UOWTransaction,
)
from sqlalchemy.orm.util import identity_key

from server.database import read_request
from server.extensions import db

_WROTE = "assistec.wrote"
_PENDING = "assistec.after_commit"
_READY = "assistec.after_commit_ready"
_READ_MAY_WRITE = "assistec.read_may_write"


def commit() -> None:
    """End the unit of work: commit what it wrote, or roll back when it wrote nothing."""
    session = db.session
    session.flush()
    if session.info.get(_WROTE):
        session.commit()
    else:
        session.rollback()


def wrote() -> bool:
    """Whether the current transaction has written a row (flushed) yet."""
    return bool(db.session.info.get(_WROTE))


def after_commit(callback: Callable[[], Any]) -> None:
    """Run `callback` once the current transaction commits; it is dropped if it rolls back."""
    db.session.info.setdefault(_PENDING, []).append(callback)


@contextmanager
def keeping_loaded() -> Iterator[None]:
    """Commits inside the block leave what the unit of work loaded as it is, rather than expiring
    it: it would otherwise be read again at its next use."""
    session = db.session()
    expire, session.expire_on_commit = session.expire_on_commit, False
    try:
        yield
    finally:
        session.expire_on_commit = expire


@contextmanager
def write_in_read() -> Iterator[None]:
    """Writes a read request may make (a session's sliding expiry, the default layouts of a store
    made before they existed): in a transaction of their own, committed when the block ends. In
    any other request the block is part of its unit of work, as every write."""
    if not read_request():
        yield
        return
    session = db.session()
    with keeping_loaded():  # what the request loaded stays
        session.commit()  # what the read held (on PostgreSQL, no transaction)
        if session.get_bind().dialect.name == "postgresql":
            session.connection(execution_options={"isolation_level": "READ COMMITTED"})
        session.info[_READ_MAY_WRITE] = True
        try:
            yield
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.info.pop(_READ_MAY_WRITE, None)


def _refuse_in_read(session: Session) -> None:
    if read_request() and not session.info.get(_READ_MAY_WRITE):
        raise RuntimeError("a read request (GET, HEAD, OPTIONS) must not write")


def register_unit_of_work(app: Flask) -> None:
    """Commit each request that succeeded, once, after its view (register it after the other
    after-request hooks: Flask runs them last-registered first, so the commit comes before
    headers and compression, and an error at commit still gets them)."""

    @app.after_request
    def end_request(response: Response) -> Response:
        if read_request():
            # Nothing to commit (writes were refused); closing, rather than rolling back, leaves
            # what was loaded readable to the hooks that follow instead of expiring it.
            db.session.close()
            return response
        if response.status_code >= 400:
            db.session.rollback()
            return response
        try:
            commit()
        except Exception as error:  # a constraint or the database failing at commit: the error handlers answer
            db.session.rollback()
            return app.make_response(app.handle_user_exception(error))
        return response


@event.listens_for(Session, "before_flush")
def _refuse_flush_in_read(session: Session, flush_context: UOWTransaction, instances: Any) -> None:
    if session.new or session.deleted or any(session.is_modified(obj) for obj in session.dirty):
        _refuse_in_read(session)


@event.listens_for(Session, "after_flush")
def _mark_written(session: Session, flush_context: UOWTransaction) -> None:
    if session.new or session.dirty or session.deleted:
        session.info[_WROTE] = True


@event.listens_for(Session, "after_flush")
def _expire_stale_references(session: Session, flush_context: UOWTransaction) -> None:
    """A service that sets a foreign key (`visit.assignee_id = 7`, `item.order_id = None`) leaves
    what was loaded through it stale: the row's own reference (`visit.assignee`) and the parents'
    collections (`order.items`). A commit used to expire everything; expire just these, so the
    read after the write (with its eager loads) fetches them again."""
    for obj in [*session.new, *session.dirty]:
        state = inspect(obj)
        for relationship in state.mapper.relationships:
            loaded = relationship.direction is MANYTOONE and relationship.key not in state.unloaded
            loaded = loaded and len(relationship.local_columns) == 1
            if loaded and _stale(state, relationship):
                session.expire(obj, [relationship.key])
        for relationship in _collections_of(state.mapper):
            [(_, remote)] = relationship.local_remote_pairs
            for key in [state.mapper.get_property_by_column(remote).key]:
                history = state.attrs[key].history
                for parent_id in [*history.added, *history.deleted]:
                    if parent_id is None:
                        continue
                    parent = session.identity_map.get(identity_key(relationship.parent.class_, parent_id))
                    if parent is not None and relationship.key not in inspect(parent).unloaded:
                        session.expire(parent, [relationship.key])


def _stale(state: Any, relationship: RelationshipProperty[Any]) -> bool:
    loaded = state.attrs[relationship.key].loaded_value
    [column] = relationship.local_columns
    new = getattr(state.obj(), state.mapper.get_property_by_column(column).key)
    old = inspect(loaded).identity[0] if loaded is not None else None
    return bool(new != old)


@cache
def _collections_of(mapper: Mapper[Any]) -> list[RelationshipProperty[Any]]:
    """The one-to-many relationships (of any class) whose rows are `mapper`'s, keyed by one column."""
    return [
        relationship
        for other in mapper.registry.mappers
        for relationship in other.relationships
        if relationship.direction is ONETOMANY
        and relationship.mapper is mapper
        and len(relationship.local_remote_pairs) == 1
        and relationship.local_remote_pairs[0][1].table is mapper.local_table
    ]


@event.listens_for(Session, "do_orm_execute")
def _mark_bulk_written(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        _refuse_in_read(state.session)
        state.session.info[_WROTE] = True


@event.listens_for(Session, "after_commit")
def _commit_ready(session: Session) -> None:
    session.info[_READY] = session.info.pop(_PENDING, [])


@event.listens_for(Session, "after_transaction_end")
def _end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_WROTE, None)
    session.info.pop(_PENDING, None)
    for callback in session.info.pop(_READY, []):
        callback()
