"""`flask sync prune`: what is older than the retention goes, what is newer or still used stays."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from flask import Flask
from sqlalchemy import func, select, update

from server.appointments.models import AppointmentExit
from server.catalogs.models import CatalogEntry
from server.customers.models import Customer
from server.database import utcnow
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.push.models import PushNotification
from server.sync.models import Rejection, SyncClient
from tests.conftest import CPFS, make_customer
from tests.test_appointments import book_ok
from tests.test_occurrences import body as occurrence_body


def age(model: Any, days: int, column: str = "deleted_at", **where: Any) -> None:
    """Move a timestamp `days` into the past (a Core update: no version bump, as time passing)."""
    conditions = [getattr(model, key) == value for key, value in where.items()]
    db.session.execute(update(model).where(*conditions).values({column: utcnow() - timedelta(days=days)}))
    db.session.commit()


def count(model: Any) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model)) or 0


def test_prune_removes_only_what_is_older_than_the_retention_and_unused(
    app: Flask,
    runner: Any,
    as_scheduler: Any,
    as_technician: Any,
    scheduler: Any,
    technician: Any,
    other_technician: Any,
    store: Any,
    case: Any,
) -> None:
    old, recent = (
        make_customer(store, name="Cliente Antigo", document=CPFS[1]),
        make_customer(store, name="Cliente Novo", document=CPFS[2]),
    )
    for customer in (old, recent):
        assert as_scheduler.delete(f"/api/customers/{customer.id}").status_code == 204
    old_id, recent_id = old.id, recent.id
    age(Customer, 91, id=old_id)
    age(Customer, 89, id=recent_id)

    occurrence = as_technician.post(f"/api/cases/{case.id}/occurrences", json=occurrence_body(case.store_id))
    assert occurrence.status_code == 201, occurrence.json
    assert as_scheduler.delete(f"/api/occurrences/{occurrence.json['id']}").status_code == 204
    age(Occurrence, 100, id=uuid.UUID(occurrence.json["id"]))
    age(OccurrenceItem, 100)

    # A retired catalog entry still named by a live occurrence is history: it stays.
    live = occurrence_body(case.store_id)
    assert as_technician.post(f"/api/cases/{case.id}/occurrences", json=live).status_code == 201
    room_id = live["room_id"]
    age(CatalogEntry, 200, id=room_id)

    visit = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    moved = as_scheduler.patch(f"/api/appointments/{visit['id']}", json={"assignee_id": other_technician.id})
    assert moved.status_code == 200, moved.json
    assert count(AppointmentExit) == 1
    age(AppointmentExit, 95, column="created_at")

    device = SyncClient(id=uuid.uuid4(), user_id=technician.id, last_mutation_id=2)
    db.session.add(device)
    db.session.flush()
    for mutation_id, days in ((1, 120), (2, 3)):
        db.session.add(
            Rejection(
                client_id=device.id,
                mutation_id=mutation_id,
                name="appointment.check_in.v1",
                args={},
                code="x",
                message="m",
            )
        )
        db.session.flush()
        age(Rejection, days, column="created_at", mutation_id=mutation_id)

    # Push notices about the visit above; the oldest ages out.
    notices = db.session.scalars(select(PushNotification.id).order_by(PushNotification.id)).all()
    assert len(notices) == 3  # booked, then reassigned: one to each technician
    age(PushNotification, 91, column="created_at", id=notices[0])

    result = runner.invoke(args=["sync", "prune"])
    assert result.exit_code == 0, result.output
    assert "customers: 1" in result.output and "occurrences: 1" in result.output
    assert "push_notifications: 1" in result.output

    db.session.expunge_all()
    assert db.session.get(Customer, old_id) is None
    assert db.session.get(Customer, recent_id) is not None
    assert db.session.get(Occurrence, uuid.UUID(occurrence.json["id"])) is None
    assert count(OccurrenceItem) == 1  # the live occurrence's item
    assert db.session.get(CatalogEntry, room_id) is not None
    assert count(AppointmentExit) == 0
    assert [r.mutation_id for r in db.session.scalars(select(Rejection))] == [2]
    assert db.session.scalars(select(PushNotification.id).order_by(PushNotification.id)).all() == notices[1:]

    again = runner.invoke(args=["sync", "prune"])
    assert "removed 0 rows" in again.output
