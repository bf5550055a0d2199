"""The agenda's rows, read in one shaped statement, are exactly what AppointmentOut shows, in a
constant number of statements whatever the page's length."""

from __future__ import annotations

from typing import Any

from flask import Flask
from sqlalchemy import select

from server.appointments.models import Appointment
from server.appointments.schemas import AppointmentOut
from server.appointments.service import LOAD
from server.extensions import db
from tests.conftest import counting, make_case, make_customer
from tests.test_appointments import DAY, book_ok, entry


def orm_dump(ids: list[int]) -> list[dict[str, Any]]:
    db.session.expire_all()
    rows = db.session.scalars(select(Appointment).where(Appointment.id.in_(ids)).options(*LOAD)).all()
    by_id = {row.id: row for row in rows}
    return [AppointmentOut().dump(by_id[i]) for i in ids]


def test_agenda_rows_equal_the_schema_dump(
    app: Flask, as_scheduler: Any, as_technician: Any, scheduler: Any, technician: Any, store: Any, case: Any
) -> None:
    """A visit with type and room, one checked in with a location and a note, one cancelled,
    one without type, room or address complement."""
    plain = book_ok(as_scheduler, case, technician, "08:00", "08:30")
    full = book_ok(
        as_scheduler,
        case,
        technician,
        "09:00",
        "10:00",
        room_id=entry(store.id, "rooms"),
        subject="Troca de dobradiça",
        notes="Portaria fecha às 18h",
    )
    url = f"/api/appointments/{full['id']}"
    assert as_scheduler.patch(url, json={"status": "confirmed"}).status_code == 200
    location = {"lat": -23.5613, "lng": -46.6565, "accuracy": 12.5}
    assert as_technician.post(f"{url}/check-in", json={"location": location}).status_code == 200
    other = make_case(scheduler, make_customer(store, name="Zé das Couves", phones=["11987654321"]))
    dropped = book_ok(as_scheduler, other, technician, "11:00", "12:00")
    cancel = as_scheduler.post(f"/api/appointments/{dropped['id']}/cancel", json={"reason": "Cliente viajou."})
    assert cancel.status_code == 200
    response = as_scheduler.get(f"/api/appointments?calendar_type=all&from={DAY}&to={DAY}")
    assert response.status_code == 200, response.json
    items = response.json["items"]
    ids = [item["id"] for item in items]
    assert set(ids) >= {plain["id"], full["id"], dropped["id"]}
    assert items == orm_dump(ids)
    assert any(item["check_in_location"] == location for item in items)
    assert response.json["next_cursor"] is None


def test_agenda_pages_cost_the_same_statements_for_2_and_20_visits(
    app: Flask, as_scheduler: Any, as_technician: Any, scheduler: Any, technician: Any, store: Any
) -> None:
    counts = []
    for start, stop in ((0, 2), (2, 20)):
        for i in range(start, stop):
            kase = make_case(scheduler, make_customer(store, name=f"Cliente {i}"))
            book_ok(as_scheduler, kase, technician, f"{7 + i % 12:02d}:00", f"{7 + i % 12:02d}:30", allow_overlap=True)
        with counting() as statements:
            page = as_technician.get(f"/api/appointments?assignee=me&from={DAY}&to={DAY}&limit=1")
        assert page.status_code == 200 and page.json["items"] and page.json["next_cursor"] is not None
        rest = as_technician.get(f"/api/appointments?assignee=me&from={DAY}&to={DAY}&cursor={page.json['next_cursor']}")
        assert rest.status_code == 200
        assert len(page.json["items"]) + len(rest.json["items"]) >= stop
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
