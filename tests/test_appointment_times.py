"""Appointment times: stored in UTC, shown with the store's offset, naive input read in the store's
timezone, and `from`/`to` days that are the store's local days (São Paulo -03:00, Manaus -04:00)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.appointments.models import Appointment
from server.auth.models import Role
from server.cases.models import CaseEvent
from server.extensions import db
from tests.conftest import CPFS, login, make_case, make_customer, make_store, make_user
from tests.test_appointments import entry

ZONES = {"sao_paulo": ("America/Sao_Paulo", "-03:00", 3), "manaus": ("America/Manaus", "-04:00", 4)}


class Place:
    """A store in a timezone with its scheduler, technician and a case."""

    def __init__(self, app: Flask, key: str, index: int) -> None:
        zone, self.offset, self.hours_behind = ZONES[key]
        self.store = make_store(f"Loja {key}", timezone=zone, cnpj=None)
        self.scheduler = make_user(Role.SCHEDULER, [self.store], f"atendimento.{key}@assistec.test")
        self.technician = make_user(Role.TECHNICIAN, [self.store], f"tecnico.{key}@assistec.test")
        customer = make_customer(self.store, document=CPFS[index])
        self.case = make_case(self.scheduler, customer)
        self.client = login(app, self.scheduler)

    def book(self, starts_at: str, ends_at: str, **extra: Any) -> dict[str, Any]:
        body = {
            "appointment_type_id": entry(self.store.id, "appointment_types"),
            "assignee_id": self.technician.id,
            "starts_at": starts_at,
            "ends_at": ends_at,
            **extra,
        }
        response = self.client.post(f"/api/cases/{self.case.id}/appointments", json=body)
        assert response.status_code == 201, response.json
        return response.json  # type: ignore[no-any-return]

    def agenda(self, query: str, client: Any = None) -> list[int]:
        response = (client or self.client).get(f"/api/appointments?{query}")
        assert response.status_code == 200, response.json
        return [a["id"] for a in response.json["items"]]


@pytest.fixture(params=list(ZONES))
def place(app: Flask, request: pytest.FixtureRequest) -> Place:
    return Place(app, request.param, 0)


@pytest.fixture
def places(app: Flask) -> dict[str, Place]:
    return {key: Place(app, key, index) for index, key in enumerate(ZONES)}


def stored(appointment_id: int) -> Appointment:
    db.session.commit()
    return db.session.get_one(Appointment, appointment_id)


def test_a_naive_nine_oclock_is_nine_oclock_in_the_store(place: Place) -> None:
    """Sent without an offset, 09:00 is the store's 09:00: stored as UTC, returned with the offset."""
    body = place.book("2030-03-10T09:00:00", "2030-03-10T10:00:00")

    assert body["starts_at"] == f"2030-03-10T09:00:00{place.offset}"
    assert body["ends_at"] == f"2030-03-10T10:00:00{place.offset}"
    row = stored(body["id"])
    assert row.starts_at == datetime(2030, 3, 10, 9 + place.hours_behind, tzinfo=UTC)
    assert row.ends_at == datetime(2030, 3, 10, 10 + place.hours_behind, tzinfo=UTC)
    again = place.client.get(f"/api/appointments/{body['id']}").json
    assert again["starts_at"] == body["starts_at"]
    listed = place.client.get(f"/api/cases/{place.case.id}/appointments").json
    assert listed[0]["starts_at"] == body["starts_at"]


def test_a_time_with_an_offset_is_that_instant(place: Place) -> None:
    """12:00Z is 09:00 in São Paulo and 08:00 in Manaus."""
    body = place.book("2030-03-10T12:00:00Z", "2030-03-10T13:00:00+00:00")
    hour = 12 - place.hours_behind
    assert body["starts_at"] == f"2030-03-10T{hour:02d}:00:00{place.offset}"
    assert stored(body["id"]).starts_at == datetime(2030, 3, 10, 12, tzinfo=UTC)


def test_a_late_visit_is_on_its_local_day_though_utc_says_the_next(place: Place) -> None:
    """23:30 local on the 10th is the 11th in UTC, and belongs to the 10th; 00:15 on the 11th to the
    11th; a visit from 23:59 on the 9th to 00:30 on the 10th to both days it shares time with."""
    late = place.book("2030-03-10T23:30:00", "2030-03-10T23:59:00")["id"]
    early = place.book("2030-03-11T00:15:00", "2030-03-11T01:00:00")["id"]
    across = place.book("2030-03-09T23:59:00", "2030-03-10T00:30:00")["id"]  # starts the day before
    assert stored(late).starts_at.date().isoformat() == "2030-03-11"  # in UTC

    assert place.agenda("from=2030-03-10&to=2030-03-10") == [across, late]
    assert place.agenda("from=2030-03-11&to=2030-03-11") == [early]
    assert place.agenda("from=2030-03-10&to=2030-03-11") == [across, late, early]
    assert place.agenda("from=2030-03-10") == [across, late, early]
    assert place.agenda("from=2030-03-09&to=2030-03-09") == [across]
    assert place.agenda("to=2030-03-09") == [across]
    assert place.agenda("to=2030-03-10") == [across, late]


def test_from_and_to_take_times_too(place: Place) -> None:
    """A naive time is the store's clock, an offset is an instant; `to` is exclusive, and a visit
    is in a period it shares any time with."""
    late = place.book("2030-03-10T23:30:00", "2030-03-10T23:59:00")["id"]
    assert place.agenda("from=2030-03-10T23:30:00&to=2030-03-10T23:31:00") == [late]
    assert place.agenda("from=2030-03-10T23:31:00") == [late]  # still under way then
    assert place.agenda("from=2030-03-10T23:59:00") == []  # ended as the period starts
    assert place.agenda("to=2030-03-10T23:30:00") == []
    utc = f"2030-03-11T{place.hours_behind - 1:02d}:30:00Z"  # the same instant, written in UTC
    assert place.agenda(f"from={utc}").count(late) == 1
    assert place.agenda(f"to={utc}") == []
    assert place.agenda("from=2030-03-11T00:00:00-03:00&to=2030-03-12") == ([late] if place.hours_behind == 4 else [])


@pytest.mark.parametrize("value", ["10/03/2030", "2030-13-01", "amanhã", "2030-03-10T25:00"])
def test_bad_from_or_to_is_422(place: Place, value: str) -> None:
    for name in ("from", "to"):
        response = place.client.get(f"/api/appointments?{name}={value}")
        assert response.status_code == 422, response.json
        assert list(response.json["errors"]) == [name]


def test_each_store_keeps_its_own_days(app: Flask, places: dict[str, Place]) -> None:
    """A user of both stores asking for the 10th gets each store's late visit of its own 10th."""
    sp, manaus = places["sao_paulo"], places["manaus"]
    sp_late = sp.book("2030-03-10T23:30:00", "2030-03-10T23:45:00")["id"]
    manaus_late = manaus.book("2030-03-10T23:30:00", "2030-03-10T23:45:00")["id"]
    # 23:30 in Manaus is 00:30 of the 11th in São Paulo: the same instant, another day there.
    sp_next = sp.book("2030-03-11T00:30:00", "2030-03-11T00:45:00")["id"]
    both = make_user(Role.ADMIN, [sp.store, manaus.store], "duas.lojas@assistec.test")
    client = login(app, both)

    assert sp.agenda("from=2030-03-10&to=2030-03-10", client) == [sp_late, manaus_late]
    assert sp.agenda("from=2030-03-11&to=2030-03-11", client) == [sp_next]
    assert sp.agenda(f"from=2030-03-10&to=2030-03-10&store_id={manaus.store.id}", client) == [manaus_late]
    # Each store's scheduler sees only their own store.
    assert sp.agenda("from=2030-03-10&to=2030-03-11") == [sp_late, sp_next]
    assert manaus.agenda("from=2030-03-10&to=2030-03-11") == [manaus_late]
    body = client.get(f"/api/appointments/{manaus_late}").json
    assert body["starts_at"] == "2030-03-10T23:30:00-04:00"
    assert client.get(f"/api/appointments/{sp_next}").json["starts_at"] == "2030-03-11T00:30:00-03:00"


def test_overlaps_compare_instants_not_wall_clocks(app: Flask, places: dict[str, Place]) -> None:
    """A booking sent with São Paulo's offset to the Manaus store conflicts at the same instant."""
    manaus = places["manaus"]
    first = manaus.book("2030-03-10T09:00:00", "2030-03-10T10:00:00")
    response = manaus.client.post(
        f"/api/cases/{manaus.case.id}/appointments",
        json={
            "appointment_type_id": entry(manaus.store.id, "appointment_types"),
            "assignee_id": manaus.technician.id,
            "starts_at": "2030-03-10T10:30:00-03:00",  # 09:30 in Manaus
            "ends_at": "2030-03-10T11:30:00-03:00",
        },
    )
    assert response.status_code == 409, response.json
    assert response.json["conflicts"][0]["id"] == first["id"]
    assert response.json["conflicts"][0]["starts_at"] == "2030-03-10T09:00:00-04:00"
    manaus.book("2030-03-10T11:00:00-03:00", "2030-03-10T12:00:00-03:00")  # 10:00 in Manaus: touching


def test_check_in_times_and_the_timeline_use_the_store_clock(place: Place) -> None:
    booked = place.book("2030-03-10T09:00:00", "2030-03-10T10:00:00")
    url = f"/api/appointments/{booked['id']}"
    moved = place.client.patch(url, json={"starts_at": "2030-03-10T15:00:00", "ends_at": "2030-03-10T16:00:00"})
    assert moved.json["starts_at"] == f"2030-03-10T15:00:00{place.offset}"
    started = place.client.post(f"{url}/check-in", json={"at": "2025-05-05T15:05:00"})
    assert started.status_code == 200, started.json
    assert started.json["checked_in_at"] == f"2025-05-05T15:05:00{place.offset}"
    assert stored(booked["id"]).checked_in_at == datetime(2025, 5, 5, 15 + place.hours_behind, 5, tzinfo=UTC)

    event = db.session.scalar(select(CaseEvent).where(CaseEvent.kind == "appointment_rescheduled"))
    assert event is not None
    assert event.changes["starts_at"] == {
        "from": f"2030-03-10T09:00:00{place.offset}",
        "to": f"2030-03-10T15:00:00{place.offset}",
    }
    timeline = place.client.get(f"/api/cases/{place.case.id}/timeline").json
    assert timeline[-2]["kind"] == "appointment_checked_in"
    assert timeline[-2]["changes"]["at"] == f"2025-05-05T15:05:00{place.offset}"
