"""A period's visits are those that share time with it (server.appointments.span): a visit from
22:00 to 01:00 is on both days, read through the start-time index as far back as the store's
longest visit, which bookings and moves keep up to date."""

from __future__ import annotations

from typing import Any

from server.extensions import db
from server.stores.models import Store
from tests.test_appointments import DAY, book, book_ok, visit

NEXT_DAY = "2030-03-12"
DAY_AFTER = "2030-03-13"


def ids_on(client: Any, day: str) -> list[int]:
    response = client.get(f"/api/appointments?calendar_type=all&from={day}&to={day}")
    assert response.status_code == 200, response.json
    return [item["id"] for item in response.json["items"]]


def longest(store: Store) -> int:
    db.session.commit()  # a fresh snapshot
    return db.session.get_one(Store, store.id, populate_existing=True).longest_visit_minutes


def test_a_visit_across_midnight_is_on_both_days(
    as_scheduler: Any, as_technician: Any, case: Any, technician: Any
) -> None:
    night = as_scheduler.post(
        f"/api/cases/{case.id}/appointments",
        json={**visit(case, technician, "22:00", "23:59"), "ends_at": f"{NEXT_DAY}T01:00:00"},
    )
    assert night.status_code == 201, night.json
    morning = book_ok(as_scheduler, case, technician, "08:00", "09:00")
    assert ids_on(as_scheduler, DAY) == [morning["id"], night.json["id"]]
    assert ids_on(as_scheduler, NEXT_DAY) == [night.json["id"]]
    assert ids_on(as_technician, NEXT_DAY) == [night.json["id"]]  # the phone's agenda too
    assert ids_on(as_scheduler, DAY_AFTER) == []


def test_a_visit_that_ends_as_the_period_starts_is_not_in_it(as_scheduler: Any, case: Any, technician: Any) -> None:
    body = {**visit(case, technician, "22:00", "23:59"), "ends_at": f"{NEXT_DAY}T00:00:00"}
    assert as_scheduler.post(f"/api/cases/{case.id}/appointments", json=body).status_code == 201
    assert ids_on(as_scheduler, NEXT_DAY) == []


def test_the_longest_visit_grows_with_bookings_and_moves_and_never_shrinks(
    as_scheduler: Any, case: Any, store: Store, technician: Any
) -> None:
    before = longest(store)
    long = book_ok(as_scheduler, case, technician, "07:00", "10:30")
    assert longest(store) == max(before, 210)
    stretched = as_scheduler.patch(f"/api/appointments/{long['id']}", json={"ends_at": f"{DAY}T19:00:00"})
    assert stretched.status_code == 200, stretched.json
    assert longest(store) == 720
    shortened = as_scheduler.patch(f"/api/appointments/{long['id']}", json={"ends_at": f"{DAY}T08:00:00"})
    assert shortened.status_code == 200, shortened.json
    assert longest(store) == 720


def test_a_long_visit_started_earlier_still_blocks_an_overlapping_booking(
    as_scheduler: Any, case: Any, technician: Any
) -> None:
    """The overlap check reads back as far as the longest visit: a 10-hour visit from 08:00
    conflicts with a booking at 17:00."""
    book_ok(as_scheduler, case, technician, "08:00", "18:00")
    clash = book(as_scheduler, case, technician, "17:00", "17:30")
    assert clash.status_code == 409, clash.json
    assert book(as_scheduler, case, technician, "18:00", "18:30").status_code == 201  # touching is not overlapping
