"""The sync pull (docs/sync.md): what changed in the user's scope since a cursor, from one snapshot.

The cursor is `server.sync.cursor`, the scope `server.sync.scope`.

**The day first.** A snapshot's first page starts with the days ahead, whole: the visits from
midnight today (the clock of the user's first store) for `SYNC_PRIORITY_DAYS` days and those in
progress (the first `SYNC_PAGE_SIZE` of them by start), their cases, customers, contracts,
occurrences, items and attachments, the catalogs and the user, so the agenda and the visit screen
work once that page is applied. When the scope has other visits too, that page holds the days
ahead alone (it arrives quickly); paging then goes on from the visits table, and sends those rows
again in their turn (an upsert is idempotent; within one page a row comes once).

**Paging.** A full snapshot sends at most `SYNC_PAGE_SIZE` rows per response (the first page: plus
the days ahead beyond its budget), table after table
in `TABLES` order, each ordered by primary key (keyset, so a row deleted meanwhile shifts
nothing). `more: true` says: pull again with the returned cursor. Every page's cursor keeps the
store versions of the *first* page, so the delta after the last page re-sends whatever changed
while paging. Delta pulls are not paged. Each page says how far the snapshot is, in visits:
`progress: {visits_sent, visits_total}` (the scope's visits the phone holds once it applied the
page: the days ahead, then those up to the last visit sent; null on a delta).

Queries: when no store of the user has a new version, the answer comes from the versions alone
(five statements in all, none on the synced tables). When a technician's stores changed but
nothing written since the cursor touches their scope (`server.sync.relevance`: the rows written
since, then their keys, at most two statements), the answer is empty and the cursor moves on.
Otherwise a fixed number whatever the data size: the scope's visit and case ids (read once), one
per table (plus the loader queries of rows actually sent), one for every delete, one for
rejections. A snapshot page adds one statement for its progress, and the first page, when
visits are close, the days ahead's visit and case ids and one statement per table for them.

Answers are compressed when the phone accepts it (server.common.compress).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    case,
    exists,
    func,
    literal,
    or_,
    select,
    text,
    update,
)

from server.appointments.models import Appointment
from server.auth.models import User
from server.auth.schemas import UserOut
from server.catalogs.models import CatalogEntry
from server.database import utcnow
from server.extensions import db
from server.sync.cursor import Cursor, acknowledged_rejections, decode_cursor
from server.sync.models import Rejection, SyncClient
from server.sync.push import register_client
from server.sync.relevance import scope_touched
from server.sync.scope import TABLES, UUID_TABLES, Scope, soon_visits, today_start
from server.transaction import keeping_loaded

USER = UserOut()  # built once, as the tables' schemas (server.sync.scope)

# --- the pull -----------------------------------------------------------------------------


@dataclass
class PullResult:
    next: Cursor
    reset: bool
    more: bool
    changes: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    last_mutation_id: int = 0
    rejections: list[dict[str, Any]] = field(default_factory=list)
    progress: dict[str, int] | None = None  # a snapshot's: visits the phone holds, of the scope's

    @property
    def cursor(self) -> str:
        return self.next.encode()


def _begin_snapshot() -> None:
    """Open one snapshot for everything the pull reads next.

    SQLite: the request's transaction began with BEGIN IMMEDIATE, so it already is one. PostgreSQL:
    end the request's READ COMMITTED transaction (the login, the client's row) and start a
    REPEATABLE READ one."""
    if db.engine.dialect.name == "postgresql":
        # The user and their stores stay as loaded: the versions were read from them already, and
        # expiring them would read both again inside the snapshot (two more round trips a pull).
        with keeping_loaded():
            db.session.commit()
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _user_stamp(user: User) -> str:
    return user.updated_at.isoformat()


def _as_id(table: str, raw: str) -> Any:
    return str(uuid.UUID(raw)) if table in UUID_TABLES else int(raw)


def _rejections(client_id: uuid.UUID, acknowledged: int) -> list[Rejection]:
    """The device's rejections it has not confirmed; those up to `acknowledged` are marked delivered.

    An answer can be lost on the way: a rejection is sent again until a later pull's cursor shows
    the phone applied an answer that carried it, so the technician sees it once and never loses it.
    """
    rows: Sequence[Rejection] = db.session.scalars(
        select(Rejection)
        .where(Rejection.client_id == client_id, Rejection.delivered_at.is_(None))
        .order_by(Rejection.mutation_id)
    ).all()
    seen = [row.id for row in rows if row.mutation_id <= acknowledged]
    if seen:
        db.session.execute(update(Rejection).where(Rejection.id.in_(seen)).values(delivered_at=utcnow()))
    return [row for row in rows if row.mutation_id > acknowledged]


def _touch_client(user: User, client_id: uuid.UUID, schema_version: int) -> int:
    """Mark the device as seen, registering it on first use; its `last_mutation_id`."""
    if db.engine.dialect.name == "postgresql":
        # A last-seen time may be lost in a crash; not worth a wait for the disk on every pull. (A
        # later commit that does wait, a push's, writes it to disk too: none is lost out of order.)
        db.session.execute(text("SET LOCAL synchronous_commit TO OFF"))
    stmt = (
        update(SyncClient)
        .where(SyncClient.id == client_id, SyncClient.user_id == user.id)
        .values(last_seen_at=utcnow(), schema_version=schema_version)
        .returning(SyncClient.last_mutation_id)
        .execution_options(synchronize_session=False)
    )
    last = db.session.scalar(stmt)
    if last is None:  # a new device, or another user's (403)
        last = register_client(user, client_id, schema_version, None).last_mutation_id
    return last


def pull(user: User, client_id: uuid.UUID, schema_version: int, raw_cursor: str | None) -> PullResult:
    """Answer a pull; commits (the client's last-seen time and delivered rejections).

    `last_mutation_id` and the stores' versions are read before the snapshot opens (PostgreSQL),
    which is safe: whatever they count committed earlier, so the snapshot holds it; whatever
    commits in between is sent now and again next time (an upsert is idempotent)."""
    last_mutation_id = _touch_client(user, client_id, schema_version)
    versions = {store.id: store.version for store in user.stores}  # loaded with the user
    stamp = _user_stamp(user)
    cursor = decode_cursor(raw_cursor, schema_version)
    if cursor is not None and set(cursor.versions) != set(versions):
        cursor = None  # the user joined or left a store: start over rather than patch the difference
    _begin_snapshot()
    if cursor is not None and cursor.page is None:
        result = _delta(user, cursor, versions, stamp)
    else:
        result = _snapshot(user, cursor, versions, stamp)
    result.last_mutation_id = last_mutation_id
    acknowledged = acknowledged_rejections(raw_cursor)
    fresh = _rejections(client_id, acknowledged)
    result.rejections = [
        {key: getattr(row, key) for key in ("mutation_id", "name", "args", "code", "message", "errors", "retryable")}
        for row in fresh
    ]
    result.next.rejected = max([acknowledged, *(row.mutation_id for row in fresh)])
    db.session.commit()
    return result


def _delta(user: User, cursor: Cursor, versions: dict[int, int], stamp: str) -> PullResult:
    if versions == cursor.versions and stamp == cursor.user_stamp:
        # Nothing was written in the user's stores since the cursor: no table can have changed.
        return PullResult(Cursor(versions, int(time.time()), stamp), reset=False, more=False)
    scope = Scope(user, list(versions), cursor.versions)
    if (
        stamp == cursor.user_stamp
        and scope.technician
        and not scope_touched(user, cursor.versions, scope.window_start())
    ):
        # Written since the cursor, but nothing this technician holds or would be sent.
        return PullResult(Cursor(versions, int(time.time()), stamp), reset=False, more=False)
    # Rows embed catalog names and the user's own name: when those change, re-send the scope.
    scope.everything = stamp != cursor.user_stamp or bool(
        db.session.scalar(select(exists().where(CatalogEntry.store_id.in_(versions), scope.changed(CatalogEntry))))
    )
    changes: dict[str, dict[str, list[Any]]] = {}
    for table, (stmt, schema) in scope.upserts().items():
        rows = db.session.scalars(stmt).all()
        if rows:
            changes[table] = {"upsert": schema.dump(rows, many=True), "delete": []}
    if stamp != cursor.user_stamp:
        changes["users"] = {"upsert": [USER.dump(user)], "delete": []}
    upserted = {table: {str(row["id"]) for row in entry["upsert"]} for table, entry in changes.items()}
    for table, raw in db.session.execute(scope.deletes()).all():
        record_id = _as_id(table, raw)
        if str(record_id) in upserted.get(table, set()):
            continue
        entry = changes.setdefault(table, {"upsert": [], "delete": []})
        if record_id not in entry["delete"]:
            entry["delete"].append(record_id)
    return PullResult(Cursor(versions, int(time.time()), stamp), reset=False, more=False, changes=changes)


def _snapshot(user: User, cursor: Cursor | None, versions: dict[int, int], stamp: str) -> PullResult:
    """A full snapshot, or its next page when `cursor` carries a page position."""
    if cursor is not None and cursor.page is not None:
        base, (start, after), reset, issued = cursor.versions, cursor.page, False, cursor.issued_at
        soon_start = datetime.fromtimestamp(cursor.soon, UTC) if cursor.soon is not None else today_start(user)
    else:
        base, start, after, reset, issued = versions, 0, None, True, int(time.time())
        soon_start = today_start(user)
    budget = current_app.config["SYNC_PAGE_SIZE"]
    changes: dict[str, dict[str, list[Any]]] = {table: {"upsert": [], "delete": []} for table in TABLES}
    scope = Scope(user, list(versions), None)
    if reset:
        soon = Scope(user, list(versions), None, soon=(soon_start, budget))
        sent = _send_soon(soon, changes)
        if sent:
            start = TABLES.index("appointments")  # the user and the catalogs came with the days ahead
            budget -= sent
            everyone, ahead = scope.appointments, soon.appointments
            if not isinstance(everyone, list) or not isinstance(ahead, list) or len(everyone) > len(ahead):
                budget = 0  # the day alone, quickly: the history follows in the next pages
    queries = scope.upserts()
    page = Cursor(base, issued, stamp, soon=int(soon_start.timestamp()))
    for index in range(start, len(TABLES)):
        table = TABLES[index]
        if table == "users":
            changes[table]["upsert"] = [USER.dump(user)]
            budget -= 1
            after = None
            continue
        if budget <= 0:
            page.page = (index, None)
            break
        stmt, schema = queries[table]
        key = stmt.selected_columns[0].table.c.id
        if after is not None:
            stmt = stmt.where(key > (uuid.UUID(after) if table in UUID_TABLES else int(after)))
        rows = db.session.scalars(stmt.order_by(key).limit(budget + 1)).all()
        after = None
        if len(rows) > budget:
            rows = rows[:budget]
            last = rows[-1].id
            page.page = (index, str(last) if table in UUID_TABLES else last)
        changes[table]["upsert"] = _merge(changes[table]["upsert"], schema.dump(rows, many=True))
        if page.page is not None:
            break
        budget -= len(rows)
    return PullResult(
        page,
        reset=reset,
        more=page.page is not None,
        changes=_compact(changes),
        progress=_progress(scope, soon_start, page.page),
    )


def _send_soon(soon: Scope, changes: dict[str, dict[str, list[Any]]]) -> int:
    """Put the days ahead, whole, into a snapshot's first page (with the user and the catalogs,
    all the agenda and the visit screen need); how many rows. Nothing when no visit is that close."""
    if not soon.appointments:
        return 0
    changes["users"]["upsert"] = [USER.dump(soon.user)]
    sent = 1
    for table, (stmt, schema) in soon.upserts().items():
        rows = db.session.scalars(stmt).all()
        changes[table]["upsert"] = schema.dump(rows, many=True)
        sent += len(rows)
    return sent


def _merge(earlier: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page sends a row once, even when the days ahead already brought it."""
    if not earlier:
        return rows
    again = {row["id"] for row in rows}
    return [row for row in earlier if row["id"] not in again] + rows


def _progress(scope: Scope, soon_start: datetime, page: tuple[int, Any] | None) -> dict[str, int]:
    """How many of the scope's visits the phone holds once it applied this page (`page`: where
    the next one starts; None: the snapshot is complete)."""
    visits = TABLES.index("appointments")
    if page is None or page[0] > visits:
        sent: ColumnElement[bool] = literal(True)
    elif page[0] == visits and page[1] is not None:
        sent = or_(soon_visits(soon_start), Appointment.id <= page[1])
    else:
        sent = soon_visits(soon_start)
    total, done = db.session.execute(
        select(func.count(Appointment.id), func.coalesce(func.sum(case((sent, 1), else_=0)), 0)).where(
            *scope.visit_terms()
        )
    ).one()
    return {"visits_sent": min(int(done), int(total)), "visits_total": int(total)}


def _compact(changes: dict[str, dict[str, list[Any]]]) -> dict[str, dict[str, list[Any]]]:
    return {table: entry for table, entry in changes.items() if entry["upsert"] or entry["delete"]}
