"""Which visits a period holds: every visit that overlaps it, read through the start-time index.

A visit belongs to each period it shares time with: one from 22:00 to 01:00 is on both days'
calendars. "Ends after the period starts" alone would read every visit that started before the
period, the whole history. The store keeps the length of its longest visit ever
(`stores.longest_visit_minutes`, raised in the same flush as a longer visit, never lowered), and
a period's read starts that much earlier: bounded by the store's longest visit, not its age.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, column, event, inspect, select, table, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from server.appointments.models import Appointment
from server.extensions import db
from server.stores.models import Store

# Core, not the model: the bound is bookkeeping, not a change to the store's settings (no updated_at).
_stores = table("stores", column("id"), column("longest_visit_minutes"))


def overlapping(store: Store, start: datetime | None, stop: datetime | None) -> ColumnElement[bool]:
    """The store's visits sharing time with [start, stop) (either end may be open)."""
    bounds = [Appointment.store_id == store.id]
    if start is not None:
        bounds += [
            Appointment.starts_at >= start - timedelta(minutes=store.longest_visit_minutes),
            Appointment.ends_at > start,
        ]
    if stop is not None:
        bounds.append(Appointment.starts_at < stop)
    return and_(*bounds)


def longest_visit(store_id: int) -> int:
    """The store's bound as committed now (a booking reads it holding the store's lock, so a
    longer visit booked meanwhile is not missed by its overlap check)."""
    return int(db.session.scalar(select(Store.longest_visit_minutes).where(Store.id == store_id)) or 0)


def _minutes(visit: Appointment) -> int:
    return math.ceil((visit.ends_at - visit.starts_at).total_seconds() / 60)


@event.listens_for(Session, "before_flush")
def _raise_longest(session: Session, flush_context: Any, instances: Any) -> None:
    for obj in list(session.new) + list(session.dirty):
        if not isinstance(obj, Appointment) or obj.starts_at is None or obj.ends_at is None:
            continue
        if obj in session.dirty:
            state = inspect(obj)
            if not (state.attrs.starts_at.history.has_changes() or state.attrs.ends_at.history.has_changes()):
                continue
        minutes = _minutes(obj)
        session.connection().execute(
            update(_stores)
            .where(_stores.c.id == obj.store_id, _stores.c.longest_visit_minutes < minutes)
            .values(longest_visit_minutes=minutes)
        )
        loaded = session.identity_map.get(identity_key(Store, obj.store_id))
        if loaded is not None and loaded.longest_visit_minutes < minutes:
            set_committed_value(loaded, "longest_visit_minutes", minutes)
