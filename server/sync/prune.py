"""`flask sync prune`: forget what no phone can still need (docs/sync.md, housekeeping). Run daily.

A cursor older than `SYNC_TOMBSTONE_DAYS` is answered with a reset, so a tombstone deleted
before that many days ago has already reached every phone that can still ask for a delta: it
can go. So can a visit's exit rows (they only exist to send deletes), stored rejections and
push notices (with their deliveries) of that age. A tombstone that some row still points at (a
retired catalog entry on a live contract item) stays: the database keeps its foreign keys, and so
does the history.

Rows are removed with plain DELETE statements, on purpose: the ORM refuses to delete a synced
record (`server.database`), because everywhere else a delete must be soft. An attachment's
files went when it was soft-deleted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import ColumnElement, Table, delete, exists, not_, text

from server.database import Base, utcnow
from server.extensions import db
from server.push.models import PushNotification
from server.sync.models import Rejection

# Tables whose rows are never soft-deleted but age out by creation time.
AGED_BY_CREATION = {"appointment_exits"}


def _unreferenced(target: Table) -> list[ColumnElement[bool]]:
    """Conditions: no row of any table points at the target's row (cascading parts excepted)."""
    conditions: list[ColumnElement[bool]] = []
    for referencing in Base.metadata.tables.values():
        for fk in referencing.foreign_keys:
            if fk.column.table is target and fk.ondelete != "CASCADE":
                conditions.append(not_(exists().where(fk.parent == fk.column)))
    return conditions


def prune(now: datetime | None = None) -> dict[str, int]:
    """Remove tombstones, exits, rejections and push notices older than the retention; rows removed
    per table."""
    cutoff = (now or utcnow()) - timedelta(days=current_app.config["SYNC_TOMBSTONE_DAYS"])
    removed: dict[str, int] = {}
    # Push notices matter around their visit only; their deliveries go with them (ON DELETE
    # CASCADE). First, so that a visit's tombstone they pointed at can go in this run too.
    count = (
        db.session.connection().execute(delete(PushNotification).where(PushNotification.created_at < cutoff)).rowcount
    )
    if count:
        removed[PushNotification.__tablename__] = count
    # Referencing tables first, so that an old tombstone pointing at another frees it in this run.
    for table in reversed(Base.metadata.sorted_tables):
        if "deleted_at" not in table.c:
            continue
        age = table.c.created_at if table.name in AGED_BY_CREATION else table.c.deleted_at
        where = [age < cutoff, *_unreferenced(table)]
        count = db.session.connection().execute(delete(table).where(*where)).rowcount
        if count:
            removed[table.name] = count
    count = db.session.connection().execute(delete(Rejection).where(Rejection.created_at < cutoff)).rowcount
    if count:
        removed[Rejection.__tablename__] = count
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        # SQLite has no autovacuum to keep planner statistics: without them it reads a store's
        # whole table for a technician's scope instead of their few rows.
        db.session.execute(text("ANALYZE"))
        db.session.commit()
    return removed
