"""Appointments (Agenda): booking, double-booking, rescheduling, reassignment, cancelling,
check-in/check-out, the case status they move, sync bookkeeping and who may do what."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from server.appointments.models import Appointment, AppointmentExit
from server.appointments.service import create_appointment
from server.auth.models import Role
from server.cases.models import CaseEvent, ServiceCase
from server.cases.service import update_case
from server.catalogs.models import CatalogEntry
from server.extensions import db
from tests.conftest import CPFS, counting, login, make_case, make_customer, make_user, store_version

PROBLEM_JSON = "application/problem+json"
DAY = "2030-03-11"  # a Monday, far enough ahead for any clock


# --- helpers ------------------------------------------------------------------------------


def entry(store_id: int, kind: str, position: int = 0) -> int:
    ids = db.session.scalars(
        select(CatalogEntry.id)
        .where(CatalogEntry.store_id == store_id, CatalogEntry.kind == kind)
        .order_by(CatalogEntry.position, CatalogEntry.id)
    ).all()
    return ids[position]


def visit(case: Any, assignee: Any, start: str, end: str, day: str = DAY, **extra: Any) -> dict[str, Any]:
    """A booking body: naive local times `HH:MM` on `day`."""
    return {
        "appointment_type_id": entry(case.store_id, "appointment_types"),
        "assignee_id": assignee.id,
        "starts_at": f"{day}T{start}:00",
        "ends_at": f"{day}T{end}:00",
        **extra,
    }


def book(client: Any, case: Any, assignee: Any, start: str, end: str, **extra: Any) -> Any:
    return client.post(f"/api/cases/{case.id}/appointments", json=visit(case, assignee, start, end, **extra))


def book_ok(client: Any, case: Any, assignee: Any, start: str, end: str, **extra: Any) -> dict[str, Any]:
    response = book(client, case, assignee, start, end, **extra)
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def events(case_id: int, kind: str | None = None) -> list[CaseEvent]:
    db.session.commit()  # a fresh snapshot
    stmt = select(CaseEvent).where(CaseEvent.case_id == case_id).order_by(CaseEvent.id)
    if kind is not None:
        stmt = stmt.where(CaseEvent.kind == kind)
    return list(db.session.scalars(stmt))


def exits() -> list[tuple[int, int, str]]:
    db.session.commit()
    rows = db.session.execute(
        select(AppointmentExit.appointment_id, AppointmentExit.user_id, AppointmentExit.reason).order_by(
            AppointmentExit.id
        )
    )
    return [tuple(row) for row in rows]  # type: ignore[misc]


def case_status(case_id: int) -> str:
    db.session.commit()
    return db.session.get_one(ServiceCase, case_id).status


def problem(response: Any, status: int, slug: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.json
    assert response.content_type == PROBLEM_JSON
    if slug is not None:
        assert response.json["type"].endswith("/" + slug), response.json
    return response.json  # type: ignore[no-any-return]


@pytest.fixture
def other_case(scheduler: Any, store: Any) -> ServiceCase:
    return make_case(scheduler, make_customer(store, name="João Pereira", document=CPFS[1]))


# --- booking ------------------------------------------------------------------------------


def test_booking_a_visit_returns_it_and_schedules_the_open_case(as_scheduler, scheduler, technician, case, store):
    """A 201 with the visit in the store's offset; the open case becomes scheduled, both in the timeline."""
    room = entry(store.id, "rooms", 1)
    body = book_ok(as_scheduler, case, technician, "09:00", "10:30", subject="Regular portas", room_id=room)

    assert body["case_id"] == case.id
    assert body["case"]["number"] == case.number
    assert body["case"]["customer"]["name"] == "Maria da Silva"
    assert body["calendar_type"] == "technical_assistance"
    assert body["appointment_type"]["name"] == "Vistoria"
    assert body["room"]["id"] == room
    assert body["assignee"] == {"id": technician.id, "name": "Tiago Técnico"}
    assert body["starts_at"] == f"{DAY}T09:00:00-03:00"
    assert body["ends_at"] == f"{DAY}T10:30:00-03:00"
    assert body["status"] == "scheduled"
    assert body["status_label"] == "Agendado"
    assert body["allow_overlap"] is False
    assert body["subject"] == "Regular portas"
    assert case_status(case.id) == "scheduled"
    created = events(case.id, "appointment_created")
    assert len(created) == 1
    assert created[0].changes["appointment_id"] == body["id"]
    assert created[0].changes["assignee"] == {"id": technician.id, "name": "Tiago Técnico"}
    followed = events(case.id, "status_followed")
    assert [e.changes["status"] for e in followed] == [{"from": "open", "to": "scheduled"}]


def test_second_visit_leaves_a_scheduled_case_alone(as_scheduler, technician, case):
    book_ok(as_scheduler, case, technician, "09:00", "10:00")
    book_ok(as_scheduler, case, technician, "14:00", "15:00")
    assert case_status(case.id) == "scheduled"
    assert len(events(case.id, "status_followed")) == 1
    assert len(events(case.id, "appointment_created")) == 2


@pytest.mark.parametrize(
    "change,field",
    [
        ({"ends_at": f"{DAY}T09:00:00"}, "ends_at"),  # ends when it starts
        ({"ends_at": f"{DAY}T08:00:00"}, "ends_at"),  # ends before it starts
        ({"appointment_type_id": "room"}, "appointment_type_id"),  # an entry of another catalog
        ({"room_id": "type"}, "room_id"),
        ({"assignee_id": "scheduler"}, "assignee_id"),  # not a technician
        ({"assignee_id": "stranger"}, "assignee_id"),  # a technician of another store
        ({"assignee_id": "retired"}, "assignee_id"),  # an inactive technician
        ({"assignee_id": 999999}, "assignee_id"),
        ({"starts_at": "amanhã"}, "starts_at"),
        ({"subject": "x" * 201}, "subject"),
        ({"color": "red"}, "color"),
    ],
)
def test_invalid_bookings_are_422_naming_the_field(
    app, as_scheduler, scheduler, technician, case, store, other_store, change, field
):
    stand_ins = {
        "room": entry(store.id, "rooms"),
        "type": entry(store.id, "appointment_types"),
        "scheduler": scheduler.id,
        "stranger": make_user(Role.TECHNICIAN, [other_store]).id,
        "retired": make_user(Role.TECHNICIAN, [store], active=False).id,
    }
    change = {key: stand_ins.get(value, value) if isinstance(value, str) else value for key, value in change.items()}
    body = {**visit(case, technician, "09:00", "10:00"), **change}

    response = as_scheduler.post(f"/api/cases/{case.id}/appointments", json=body)

    assert field in problem(response, 422)["errors"], response.json
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 0
    assert case_status(case.id) == "open"


def test_inactive_catalog_entries_are_refused(as_scheduler, technician, case, store):
    entry_id = entry(store.id, "appointment_types")
    db.session.get_one(CatalogEntry, entry_id).active = False
    db.session.commit()
    response = book(as_scheduler, case, technician, "09:00", "10:00")
    assert problem(response, 422)["errors"]["appointment_type_id"] == [
        "Tipo de compromisso: opção não encontrada ou inativa."
    ]


def test_a_finished_case_takes_no_visit(as_scheduler, scheduler, technician, case):
    update_case(case, {"status": "cancelled", "status_reason": "Cliente desistiu."}, scheduler)
    problem(book(as_scheduler, case, technician, "09:00", "10:00"), 409, "case-finished")


def test_other_calendar_types_stay_off_the_case_list_and_agenda_by_default(as_scheduler, technician, case):
    ours = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    other = book_ok(as_scheduler, case, technician, "11:00", "12:00", calendar_type="delivery")
    assert other["calendar_type"] == "delivery"

    listed = as_scheduler.get(f"/api/cases/{case.id}/appointments").json
    assert [a["id"] for a in listed] == [ours["id"]]
    assert [a["id"] for a in as_scheduler.get("/api/appointments").json["items"]] == [ours["id"]]
    asked = as_scheduler.get(f"/api/cases/{case.id}/appointments?calendar_type=delivery").json
    assert [a["id"] for a in asked] == [other["id"]]
    assert [a["id"] for a in as_scheduler.get("/api/appointments?calendar_type=delivery").json["items"]] == [
        other["id"]
    ]


# --- double-booking -----------------------------------------------------------------------


def test_an_overlapping_booking_is_409_listing_the_conflicts(as_scheduler, technician, case, other_case):
    first = book_ok(as_scheduler, case, technician, "09:00", "10:00", subject="Vistoria inicial")
    second = book_ok(as_scheduler, other_case, technician, "10:00", "11:00")

    response = book(as_scheduler, other_case, technician, "09:30", "10:30")

    body = problem(response, 409, "double-booking")
    assert body["conflicts"] == [
        {
            "id": first["id"],
            "starts_at": f"{DAY}T09:00:00-03:00",
            "ends_at": f"{DAY}T10:00:00-03:00",
            "case_number": case.number,
            "subject": "Vistoria inicial",
        },
        {
            "id": second["id"],
            "starts_at": f"{DAY}T10:00:00-03:00",
            "ends_at": f"{DAY}T11:00:00-03:00",
            "case_number": other_case.number,
            "subject": None,
        },
    ]
    assert "Tiago Técnico já tem compromisso neste horário" in body["detail"]
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 2


@pytest.mark.parametrize(
    "start,end",
    [("08:00", "11:00"), ("09:15", "09:45"), ("08:30", "09:01"), ("09:59", "10:30"), ("09:00", "10:00")],
)
def test_every_kind_of_overlap_conflicts(as_scheduler, technician, case, start, end):
    """Around, inside, across the start, across the end, the same slot."""
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    body = problem(book(as_scheduler, case, technician, start, end), 409, "double-booking")
    assert [c["id"] for c in body["conflicts"]] == [booked["id"]]


def test_touching_visits_do_not_overlap(as_scheduler, technician, case):
    """One visit ending as the other starts (on either side) is no conflict."""
    book_ok(as_scheduler, case, technician, "09:00", "10:00")
    book_ok(as_scheduler, case, technician, "10:00", "11:00")
    book_ok(as_scheduler, case, technician, "08:00", "09:00")
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 3


def test_another_technician_may_take_the_same_slot(as_scheduler, technician, other_technician, case):
    book_ok(as_scheduler, case, technician, "09:00", "10:00")
    book_ok(as_scheduler, case, other_technician, "09:00", "10:00")


def test_cancelled_and_done_visits_do_not_conflict(as_scheduler, as_admin, technician, case):
    cancelled = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    assert (
        as_scheduler.post(f"/api/appointments/{cancelled['id']}/cancel", json={"reason": "Chuva."}).status_code == 200
    )
    done = book_ok(as_scheduler, case, technician, "13:00", "14:00")
    assert as_admin.post(f"/api/appointments/{done['id']}/check-in", json={}).status_code == 200
    problem(book(as_scheduler, case, technician, "13:30", "14:30"), 409, "double-booking")  # in progress holds time
    assert as_admin.post(f"/api/appointments/{done['id']}/check-out", json={}).status_code == 200

    book_ok(as_scheduler, case, technician, "09:00", "10:00")
    book_ok(as_scheduler, case, technician, "13:30", "14:30")


def test_allow_overlap_books_anyway_and_is_recorded(as_scheduler, technician, case):
    book_ok(as_scheduler, case, technician, "09:00", "10:00")

    body = book_ok(as_scheduler, case, technician, "09:30", "10:30", allow_overlap=True)

    assert body["allow_overlap"] is True
    db.session.commit()
    assert db.session.get_one(Appointment, body["id"]).allow_overlap is True
    [created] = [e for e in events(case.id, "appointment_created") if e.changes["appointment_id"] == body["id"]]
    assert created.changes["allow_overlap"] is True
    # The overlap stays visible to the next booking: a third one conflicts with both.
    conflicts = problem(book(as_scheduler, case, technician, "09:45", "09:50"), 409)["conflicts"]
    assert len(conflicts) == 2


def test_moving_into_a_conflict_is_409_and_changes_nothing(as_scheduler, technician, other_technician, case):
    busy = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    moving = book_ok(as_scheduler, case, technician, "14:00", "15:00")
    elsewhere = book_ok(as_scheduler, case, other_technician, "09:30", "10:30")
    before = store_version(case.store_id)

    response = as_scheduler.patch(
        f"/api/appointments/{moving['id']}", json={"starts_at": f"{DAY}T09:30:00", "ends_at": f"{DAY}T10:30:00"}
    )
    body = problem(response, 409, "double-booking")
    assert [c["id"] for c in body["conflicts"]] == [busy["id"]]
    # Reassigning into someone else's busy slot conflicts too.
    response = as_scheduler.patch(
        f"/api/appointments/{elsewhere['id']}", json={"assignee_id": technician.id, "subject": "Troca"}
    )
    assert [c["id"] for c in problem(response, 409, "double-booking")["conflicts"]] == [busy["id"]]

    assert store_version(case.store_id) == before
    unchanged = as_scheduler.get(f"/api/appointments/{moving['id']}").json
    assert (unchanged["starts_at"], unchanged["status"]) == (f"{DAY}T14:00:00-03:00", "scheduled")
    assert as_scheduler.get(f"/api/appointments/{elsewhere['id']}").json["assignee"]["id"] == other_technician.id
    assert events(case.id, "appointment_rescheduled") == []
    assert exits() == []


def test_a_visit_does_not_conflict_with_itself_and_allow_overlap_lets_a_move_through(as_scheduler, technician, case):
    busy = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    moving = book_ok(as_scheduler, case, technician, "10:00", "11:00")
    url = f"/api/appointments/{moving['id']}"

    widened = as_scheduler.patch(url, json={"ends_at": f"{DAY}T11:30:00"})  # overlaps only its old self
    assert widened.status_code == 200, widened.json
    assert widened.json["allow_overlap"] is False

    moved = as_scheduler.patch(url, json={"starts_at": f"{DAY}T09:30:00", "allow_overlap": True})
    assert moved.status_code == 200, moved.json
    assert moved.json["allow_overlap"] is True
    assert moved.json["starts_at"] == f"{DAY}T09:30:00-03:00"
    assert busy["id"] != moving["id"]


def test_two_bookings_of_one_slot_at_once_give_one_201_and_one_409(app: Flask, scheduler, technician, case):
    """Two schedulers book the technician's 09:00 at the same moment: the store lock lets one through."""
    clients = [login(app, scheduler) for _ in range(2)]  # logged in beforehand: only the bookings race
    case_id = case.id
    bodies = [visit(case, technician, "09:00", "10:00"), visit(case, technician, "09:30", "10:30")]
    barrier = threading.Barrier(len(clients))
    results: list[Any] = [None, None]
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = clients[i].post(f"/api/cases/{case_id}/appointments", json=bodies[i])
        except BaseException as error:  # reported below, in the main thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert sorted(r.status_code for r in results) == [201, 409], [r.json for r in results]
    winner = next(r for r in results if r.status_code == 201).json
    loser = next(r for r in results if r.status_code == 409).json
    assert [c["id"] for c in loser["conflicts"]] == [winner["id"]]
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Appointment)) == 1
    assert case_status(case_id) == "scheduled"
    assert len(events(case_id, "status_followed")) == 1


# --- status flow --------------------------------------------------------------------------


def test_the_visit_flow_confirm_check_in_check_out(as_scheduler, as_technician, technician, case):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    url = f"/api/appointments/{booked['id']}"

    confirmed = as_scheduler.patch(url, json={"status": "confirmed"})
    assert confirmed.status_code == 200, confirmed.json
    assert (confirmed.json["status"], confirmed.json["status_label"]) == ("confirmed", "Confirmado")
    again = as_scheduler.patch(url, json={"status": "confirmed"})  # already there: nothing to do
    assert again.status_code == 200
    assert again.json["version"] == confirmed.json["version"]

    location = {"lat": -23.5613, "lng": -46.6565, "accuracy": 12.5}
    started = as_technician.post(f"{url}/check-in", json={"location": location})
    assert started.status_code == 200, started.json
    assert started.json["status"] == "in_progress"
    assert started.json["checked_in_at"] is not None
    assert started.json["checked_in_at"].endswith("-03:00")
    assert started.json["check_in_location"] == location
    assert case_status(case.id) == "in_service"

    finished = as_technician.post(f"{url}/check-out", json={"location": {"lat": -23.5, "lng": -46.6}})
    assert finished.status_code == 200, finished.json
    assert finished.json["status"] == "done"
    assert finished.json["checked_out_at"] >= finished.json["checked_in_at"]
    assert finished.json["check_out_location"] == {"lat": -23.5, "lng": -46.6}
    kinds = [e.kind for e in events(case.id)]
    assert kinds[-3:] == ["appointment_checked_in", "status_followed", "appointment_checked_out"]
    [followed] = [e for e in events(case.id, "status_followed") if e.changes["status"]["to"] == "in_service"]
    assert followed.changes["status"] == {"from": "scheduled", "to": "in_service"}


@pytest.mark.parametrize(
    "setup,request_,slug,status",
    [
        ([], ("check-out", {}), "invalid-transition", 409),  # check-out needs a check-in
        (["check-in"], ("check-in", {}), "invalid-transition", 409),  # twice
        (["check-in", "check-out"], ("check-out", {}), "invalid-transition", 409),
        (["check-in", "check-out"], ("cancel", {"reason": "Tarde demais."}), "invalid-transition", 409),
        (["check-in", "check-out"], ("check-in", {}), "invalid-transition", 409),
        (["cancel"], ("check-in", {}), "invalid-transition", 409),
        (["cancel"], ("cancel", {"reason": "De novo."}), "invalid-transition", 409),
        (["check-in"], ("patch", {"status": "confirmed"}), "invalid-transition", 409),
        (["check-in", "check-out"], ("patch", {"status": "confirmed"}), "invalid-transition", 409),
        (["check-in"], ("patch", {"starts_at": f"{DAY}T09:30:00"}), "not-movable", 409),
        (["cancel"], ("patch", {"starts_at": f"{DAY}T08:00:00"}), "not-movable", 409),
        (["check-in", "check-out"], ("patch", {"assignee_id": "other"}), "not-movable", 409),
        ([], ("patch", {"status": "done"}), "validation", 422),  # done comes from the check-out
        ([], ("patch", {"status": "cancelled"}), "validation", 422),
        ([], ("cancel", {}), "validation", 422),  # a reason is required
        ([], ("cancel", {"reason": "   "}), "validation", 422),
    ],
)
def test_invalid_moves_are_refused(as_scheduler, technician, other_technician, case, setup, request_, slug, status):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    url = f"/api/appointments/{booked['id']}"
    for step in setup:
        body = {"reason": "Cliente viajou."} if step == "cancel" else {}
        assert as_scheduler.post(f"{url}/{step}", json=body).status_code == 200
    before = as_scheduler.get(url).json
    action, body = request_
    body = {k: other_technician.id if v == "other" else v for k, v in body.items()}

    if action == "patch":
        response = as_scheduler.patch(url, json=body)
    else:
        response = as_scheduler.post(f"{url}/{action}", json=body)

    problem(response, status, slug)
    if status == 409:
        assert "compromisso" in response.json["detail"] or "check-in" in response.json["detail"]
    after = as_scheduler.get(url).json
    assert (after["status"], after["version"]) == (before["status"], before["version"])


def test_check_out_before_check_in_time_and_future_times_are_422(as_scheduler, technician, case):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    url = f"/api/appointments/{booked['id']}"
    problem(as_scheduler.post(f"{url}/check-in", json={"at": "2099-01-01T09:00:00"}), 422)
    started = as_scheduler.post(f"{url}/check-in", json={"at": "2025-01-10T09:05:00"})
    assert started.json["checked_in_at"] == "2025-01-10T09:05:00-03:00"
    errors = problem(as_scheduler.post(f"{url}/check-out", json={"at": "2025-01-10T09:00:00"}), 422)["errors"]
    assert errors["at"] == ["O check-out não pode ser antes do check-in (10/01/2025 09:05)."]
    done = as_scheduler.post(f"{url}/check-out", json={"at": "2025-01-10T10:15:00-03:00"})
    assert done.status_code == 200
    assert done.json["checked_out_at"] == "2025-01-10T10:15:00-03:00"


@pytest.mark.parametrize(
    "location",
    [{"lat": 91, "lng": 0}, {"lat": 0, "lng": -181}, {"lat": 0}, {"lat": 0, "lng": 0, "accuracy": -1}, {"x": 1}],
)
def test_check_in_location_is_validated(as_scheduler, technician, case, location):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    response = as_scheduler.post(f"/api/appointments/{booked['id']}/check-in", json={"location": location})
    assert any(path.startswith("location.") for path in problem(response, 422)["errors"])
    assert as_scheduler.get(f"/api/appointments/{booked['id']}").json["status"] == "scheduled"


def test_who_may_check_in(app, as_scheduler, scheduler, admin, technician, other_technician, case):
    """The assignee and the office may; another technician does not even see the visit."""
    visits = [book_ok(as_scheduler, case, technician, f"{h:02d}:00", f"{h:02d}:30")["id"] for h in (8, 9, 10)]
    as_other = login(app, other_technician)
    for path in ("check-in", "check-out"):
        problem(as_other.post(f"/api/appointments/{visits[0]}/{path}", json={}), 404)
    assert as_scheduler.get(f"/api/appointments/{visits[0]}").json["status"] == "scheduled"

    for visit_id, user in zip(visits, (technician, scheduler, admin), strict=True):
        client = login(app, user)
        response = client.post(f"/api/appointments/{visit_id}/check-in", json={})
        assert response.status_code == 200, (user.role, response.json)
        assert response.json["status"] == "in_progress"
        response = client.post(f"/api/appointments/{visit_id}/check-out", json={})
        assert response.status_code == 200, (user.role, response.json)
        assert response.json["status"] == "done"
    actors = [e.actor_id for e in events(case.id, "appointment_checked_in")]
    assert actors == [technician.id, scheduler.id, admin.id]


def test_a_check_in_moves_an_open_case_to_in_service(as_scheduler, scheduler, technician, case):
    """A case moved back to open by hand still follows the visit that starts."""
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    update_case(case, {"status": "open", "status_reason": "Revisão."}, scheduler)
    assert case_status(case.id) == "open"
    assert as_scheduler.post(f"/api/appointments/{booked['id']}/check-in", json={}).status_code == 200
    assert case_status(case.id) == "in_service"


def test_a_check_in_leaves_a_pending_case_pending(as_scheduler, scheduler, technician, case):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    update_case(case, {"status": "pending", "status_reason": "Peças."}, scheduler)
    assert as_scheduler.post(f"/api/appointments/{booked['id']}/check-in", json={}).status_code == 200
    assert case_status(case.id) == "pending"


# --- history: reschedule, reassign, cancel ------------------------------------------------


def test_rescheduling_sets_the_status_and_keeps_both_times_in_the_timeline(as_scheduler, scheduler, technician, case):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    url = f"/api/appointments/{booked['id']}"
    assert as_scheduler.patch(url, json={"status": "confirmed"}).json["status"] == "confirmed"

    response = as_scheduler.patch(url, json={"starts_at": "2030-03-12T14:00:00", "ends_at": "2030-03-12T15:30:00"})

    assert response.status_code == 200, response.json
    assert response.json["status"] == "rescheduled"
    assert response.json["status_label"] == "Reagendado"
    assert response.json["starts_at"] == "2030-03-12T14:00:00-03:00"
    [event] = events(case.id, "appointment_rescheduled")
    assert event.actor_id == scheduler.id
    assert event.changes == {
        "appointment_id": booked["id"],
        "starts_at": {"from": f"{DAY}T09:00:00-03:00", "to": "2030-03-12T14:00:00-03:00"},
        "ends_at": {"from": f"{DAY}T10:00:00-03:00", "to": "2030-03-12T15:30:00-03:00"},
    }
    assert event.note == "Visita reagendada de 11/03/2030 09:00 para 12/03/2030 14:00."
    timeline = as_scheduler.get(f"/api/cases/{case.id}/timeline").json
    assert timeline[-1]["kind"] == "appointment_rescheduled"

    # Rescheduled again, then confirmed in the same request.
    again = as_scheduler.patch(url, json={"starts_at": "2030-03-12T16:00:00", "ends_at": "2030-03-12T17:00:00"})
    assert again.json["status"] == "rescheduled"
    both = as_scheduler.patch(url, json={"ends_at": "2030-03-12T17:30:00", "status": "confirmed"})
    assert both.json["status"] == "confirmed"
    assert len(events(case.id, "appointment_rescheduled")) == 3


def test_a_patch_with_the_same_times_is_no_reschedule(as_scheduler, technician, case, store):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    before = store_version(store.id)
    response = as_scheduler.patch(
        f"/api/appointments/{booked['id']}",
        json={"starts_at": f"{DAY}T12:00:00Z", "ends_at": f"{DAY}T10:00:00-03:00"},  # 12:00Z is 09:00 local
    )
    assert response.status_code == 200
    assert response.json["status"] == "scheduled"
    assert store_version(store.id) == before
    assert events(case.id, "appointment_rescheduled") == []


def test_reassigning_records_both_technicians_and_an_exit(
    app, as_scheduler, scheduler, technician, other_technician, case
):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    url = f"/api/appointments/{booked['id']}"

    response = as_scheduler.patch(url, json={"assignee_id": other_technician.id})

    assert response.status_code == 200, response.json
    assert response.json["assignee"] == {"id": other_technician.id, "name": "Otávio Técnico"}
    assert response.json["status"] == "scheduled"
    [event] = events(case.id, "appointment_reassigned")
    assert event.changes == {
        "appointment_id": booked["id"],
        "assignee": {
            "from": {"id": technician.id, "name": "Tiago Técnico"},
            "to": {"id": other_technician.id, "name": "Otávio Técnico"},
        },
    }
    assert exits() == [(booked["id"], technician.id, "reassigned")]
    # The visit left the first technician's agenda and joined the second's.
    assert login(app, technician).get(url).status_code == 404
    assert login(app, other_technician).get(url).status_code == 200
    # Reassigning to the same technician changes nothing.
    assert as_scheduler.patch(url, json={"assignee_id": other_technician.id}).status_code == 200
    assert len(exits()) == 1


def test_cancelling_needs_a_reason_records_an_exit_and_reopens_the_case(as_scheduler, technician, case):
    first = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    second = book_ok(as_scheduler, case, technician, "14:00", "15:00")

    response = as_scheduler.post(f"/api/appointments/{first['id']}/cancel", json={"reason": "Cliente viajou."})

    assert response.status_code == 200, response.json
    assert (response.json["status"], response.json["cancel_reason"]) == ("cancelled", "Cliente viajou.")
    assert case_status(case.id) == "scheduled"  # the second visit still holds it
    [event] = events(case.id, "appointment_cancelled")
    assert event.changes["appointment_id"] == first["id"]
    assert event.changes["reason"] == "Cliente viajou."
    assert event.note == "Visita de 11/03/2030 09:00 cancelada: Cliente viajou."

    assert (
        as_scheduler.post(f"/api/appointments/{second['id']}/cancel", json={"reason": "Resolvido."}).status_code == 200
    )
    assert case_status(case.id) == "open"
    assert [e.changes["status"] for e in events(case.id, "status_followed")][-1] == {"from": "scheduled", "to": "open"}
    assert exits() == [(first["id"], technician.id, "cancelled"), (second["id"], technician.id, "cancelled")]


def test_each_write_bumps_the_store_version_once(as_scheduler, technician, other_technician, case, store):
    """Every write (with its timeline events, exits and case status) shares one new version."""
    version = store_version(store.id)
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    url = f"/api/appointments/{booked['id']}"
    steps: list[Callable[[], Any]] = [
        lambda: as_scheduler.patch(url, json={"notes": "Levar dobradiças."}),
        lambda: as_scheduler.patch(url, json={"starts_at": f"{DAY}T09:30:00", "assignee_id": other_technician.id}),
        lambda: as_scheduler.post(f"{url}/check-in", json={}),
        lambda: as_scheduler.post(f"{url}/check-out", json={}),
    ]
    assert store_version(store.id) == version + 1 == booked["version"]
    version += 1
    for step in steps:
        response = step()
        assert response.status_code == 200, response.json
        assert store_version(store.id) == version + 1 == response.json["version"]
        version += 1
    rows = [e.version for e in events(case.id)]
    assert max(rows) == version
    assert {x.version for x in db.session.scalars(select(AppointmentExit))} == {version - 2}

    cancelled = book_ok(as_scheduler, case, technician, "15:00", "16:00")
    assert as_scheduler.post(f"/api/appointments/{cancelled['id']}/cancel", json={"reason": "X"}).status_code == 200
    assert store_version(store.id) == version + 2
    # Refused writes leave it alone.
    problem(book(as_scheduler, case, technician, "09:00", "09:00"), 422)
    problem(as_scheduler.post(f"/api/appointments/{cancelled['id']}/cancel", json={"reason": "X"}), 409)
    assert store_version(store.id) == version + 2


# --- who sees what ------------------------------------------------------------------------


def test_anonymous_callers_get_401(client, as_scheduler, technician, case):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    for method, url in [
        ("GET", "/api/appointments"),
        ("GET", f"/api/appointments/{booked['id']}"),
        ("GET", f"/api/cases/{case.id}/appointments"),
        ("POST", f"/api/cases/{case.id}/appointments"),
        ("PATCH", f"/api/appointments/{booked['id']}"),
        ("POST", f"/api/appointments/{booked['id']}/check-in"),
    ]:
        response = client.open(url, method=method, json={} if method != "GET" else None)
        problem(response, 401)


def test_technicians_may_not_book_edit_or_cancel(as_scheduler, as_technician, technician, case):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    url = f"/api/appointments/{booked['id']}"
    problem(book(as_technician, case, technician, "11:00", "12:00"), 403)
    problem(as_technician.patch(url, json={"starts_at": f"{DAY}T11:00:00"}), 403)
    problem(as_technician.patch(url, json={"assignee_id": technician.id}), 403)
    problem(as_technician.post(f"{url}/cancel", json={"reason": "Não posso."}), 403)
    after = as_scheduler.get(url).json
    assert (after["starts_at"], after["status"]) == (booked["starts_at"], "scheduled")


def test_another_stores_visits_are_404(app, as_scheduler, as_outsider, technician, case):
    booked = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    url = f"/api/appointments/{booked['id']}"
    problem(as_outsider.get(url), 404)
    problem(as_outsider.patch(url, json={"notes": "x"}), 404)
    problem(as_outsider.post(f"{url}/cancel", json={"reason": "x"}), 404)
    problem(as_outsider.post(f"{url}/check-in", json={}), 404)
    problem(as_outsider.get(f"/api/cases/{case.id}/appointments"), 404)
    problem(book(as_outsider, case, technician, "11:00", "12:00"), 404)
    assert as_outsider.get("/api/appointments").json["items"] == []
    assert as_outsider.get(f"/api/appointments?assignee={technician.id}").json["items"] == []


def test_a_technician_sees_only_their_own_visits(app, as_scheduler, technician, other_technician, case, other_case):
    """Not in the agenda, not by asking for the other's id, not on a shared case, not by id."""
    mine = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    theirs = book_ok(as_scheduler, case, other_technician, "09:00", "10:00")
    elsewhere = book_ok(as_scheduler, other_case, other_technician, "11:00", "12:00")
    as_tech = login(app, technician)

    def ids(response: Any) -> list[int]:
        assert response.status_code == 200, response.json
        body = response.json
        return [a["id"] for a in (body["items"] if isinstance(body, dict) else body)]

    assert ids(as_tech.get("/api/appointments")) == [mine["id"]]
    assert ids(as_tech.get("/api/appointments?assignee=me")) == [mine["id"]]
    assert ids(as_tech.get(f"/api/appointments?assignee={other_technician.id}")) == []
    assert ids(as_tech.get(f"/api/appointments?assignee={other_technician.id}&status=scheduled&from={DAY}")) == []
    assert ids(as_tech.get(f"/api/cases/{case.id}/appointments")) == [mine["id"]]
    problem(as_tech.get(f"/api/appointments/{theirs['id']}"), 404)
    problem(as_tech.get(f"/api/cases/{other_case.id}/appointments"), 404)  # not their case either
    # The office sees all of them, and may filter by technician.
    assert set(ids(as_scheduler.get("/api/appointments"))) == {mine["id"], theirs["id"], elsewhere["id"]}
    assert ids(as_scheduler.get(f"/api/appointments?assignee={other_technician.id}")) == [theirs["id"], elsewhere["id"]]
    assert ids(as_scheduler.get("/api/appointments?assignee=me")) == []


def test_the_agenda_filters_by_status_and_store(as_scheduler, technician, case, store):
    first = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    second = book_ok(as_scheduler, case, technician, "11:00", "12:00")
    as_scheduler.post(f"/api/appointments/{second['id']}/cancel", json={"reason": "X"})

    def ids(query: str) -> list[int]:
        response = as_scheduler.get(f"/api/appointments?{query}")
        assert response.status_code == 200, response.json
        return [a["id"] for a in response.json["items"]]

    assert ids("status=scheduled") == [first["id"]]
    assert ids("status=cancelled,scheduled") == [first["id"], second["id"]]
    assert ids(f"store_id={store.id}") == [first["id"], second["id"]]
    assert ids(f"store_id={store.id + 1000}") == []
    problem(as_scheduler.get("/api/appointments?status=lost"), 422)
    problem(as_scheduler.get("/api/appointments?assignee=someone"), 422)


# --- cost ---------------------------------------------------------------------------------


def test_the_agenda_costs_a_constant_number_of_queries(app, store, scheduler, technician, other_technician):
    """10 and 100 visits (over several cases, types, rooms and technicians) cost the same."""
    client = login(app, scheduler)
    as_tech = login(app, technician)
    types, rooms = entry(store.id, "appointment_types"), entry(store.id, "rooms")
    counts: dict[str, list[int]] = {"office": [], "technician": [], "case": []}
    lengths = []
    cases: list[ServiceCase] = []
    made = 0
    for total in (10, 100):
        while made < total:
            if made % 10 == 0:
                customer = make_customer(store, name=f"Cliente {made}")
                cases.append(make_case(scheduler, customer))
            assignee = technician if made % 2 == 0 else other_technician
            day = f"2030-04-{1 + made // 20:02d}"
            hour = 8 + (made % 20) // 2
            data = {
                "appointment_type_id": types,
                "assignee_id": assignee.id,
                "starts_at": datetime.fromisoformat(f"{day}T{hour:02d}:00:00"),
                "ends_at": datetime.fromisoformat(f"{day}T{hour:02d}:45:00"),
                "room_id": rooms if made % 3 else None,
                "subject": f"Visita {made}",
            }
            create_appointment(cases[-1], data, scheduler)
            made += 1
        for name, active, url in [
            ("office", client, "/api/appointments?limit=200&from=2030-04-01&to=2030-04-30"),
            ("technician", as_tech, "/api/appointments?assignee=me&limit=200"),
            ("case", client, f"/api/cases/{cases[0].id}/appointments"),
        ]:
            with counting() as statements:
                response = active.get(url)
            assert response.status_code == 200, response.json
            counts[name].append(len(statements))
            if name == "office":
                lengths.append(len(response.json["items"]))
    assert lengths == [10, 100]
    for name, (small, large) in counts.items():
        assert small == large, f"{name}: {small} queries for 10 visits, {large} for 100"


def test_the_agenda_pages_by_start_time(as_scheduler, technician, other_technician, case):
    booked = [
        book_ok(as_scheduler, case, person, start, end)["id"]
        for person, start, end in [
            (technician, "11:00", "12:00"),
            (other_technician, "09:00", "10:00"),
            (technician, "09:00", "10:00"),
            (other_technician, "11:00", "12:00"),
            (technician, "07:00", "08:00"),
        ]
    ]
    seen: list[int] = []
    cursor = None
    while True:
        query = "limit=2" + (f"&cursor={cursor}" if cursor else "")
        page = as_scheduler.get(f"/api/appointments?{query}").json
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    expected = [booked[4], min(booked[1], booked[2]), max(booked[1], booked[2]), booked[0], booked[3]]
    assert seen == expected
