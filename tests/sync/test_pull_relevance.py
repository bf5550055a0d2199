"""A technician's delta pull skips what other technicians changed, in a constant handful of
statements, and still brings everything that reaches into their own scope."""

from __future__ import annotations

import uuid
from typing import Any

from flask import Flask

from server.auth.models import Role
from tests.conftest import counting, login, make_case, make_customer, make_user
from tests.sync.test_pull import ids, pull, versions
from tests.test_appointments import book_ok


def grow(as_scheduler: Any, scheduler: Any, store: Any, technicians: list[Any], start: int, stop: int) -> None:
    """Cases with a visit each, shared among the technicians."""
    for i in range(start, stop):
        person = technicians[i % len(technicians)]
        case = make_case(scheduler, make_customer(store, name=f"Cliente {i}"), assignee_id=person.id)
        book_ok(as_scheduler, case, person, f"{8 + i % 10:02d}:00", f"{8 + i % 10:02d}:30", allow_overlap=True)


def edit_visit(as_scheduler: Any, visit_id: int, note: str) -> None:
    response = as_scheduler.patch(f"/api/appointments/{visit_id}", json={"notes": note})
    assert response.status_code == 200, response.json


def test_pull_statements_stay_few_and_constant_as_the_store_grows(
    app: Flask, as_scheduler, scheduler, store, technician, other_technician, case
):
    """Unchanged: at most 5 statements; after another technician's edit: at most 8, nothing sent;
    the same counts with 4 and with 40 cases in the store."""
    theirs_case = make_case(scheduler, make_customer(store, name="Outro"), assignee_id=other_technician.id)
    theirs = book_ok(as_scheduler, theirs_case, other_technician, "09:00", "10:00")
    book_ok(as_scheduler, case, technician, "09:00", "10:00")
    phone = login(app, technician)
    client_id = uuid.uuid4()
    counts: list[tuple[int, int]] = []
    for start, stop in ((0, 2), (2, 40)):
        grow(as_scheduler, scheduler, store, [technician, other_technician], start, stop)
        cursor = pull(phone, client_id)["cursor"]
        with counting() as unchanged:
            assert pull(phone, client_id, cursor)["changes"] == {}
        edit_visit(as_scheduler, theirs["id"], f"nota {stop}")
        with counting() as other:
            answer = pull(phone, client_id, cursor)
        assert answer["changes"] == {}
        assert versions(answer["cursor"]) != versions(cursor)  # moved past the other technician's edit
        counts.append((len(unchanged), len(other)))
    assert counts[0] == counts[1], counts
    assert counts[0][0] <= 5 and counts[0][1] <= 8, counts


def test_edits_that_reach_into_the_scope_are_still_sent(
    app: Flask, as_scheduler, scheduler, store, technician, other_technician, case
):
    """The skip never hides: the customer of one's case, a case assigned to one, another's visit
    moved to one, a tombstone, a catalog entry."""
    mine = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    assigned = make_case(scheduler, make_customer(store, name="Sem visita"), assignee_id=technician.id)
    theirs_case = make_case(scheduler, make_customer(store, name="Outro"), assignee_id=other_technician.id)
    theirs = book_ok(as_scheduler, theirs_case, other_technician, "11:00", "12:00")
    phone = login(app, technician)
    client_id = uuid.uuid4()
    cursor = pull(phone, client_id)["cursor"]

    response = as_scheduler.patch(f"/api/customers/{case.customer_id}", json={"name": "Maria Renomeada"})
    assert response.status_code == 200, response.json
    answer = pull(phone, client_id, cursor)
    assert ids(answer, "customers") == {case.customer_id} and case.id in ids(answer, "cases")
    cursor = answer["cursor"]

    response = as_scheduler.patch(f"/api/cases/{assigned.id}", json={"reported_issue": "Porta caiu."})
    assert response.status_code == 200, response.json
    answer = pull(phone, client_id, cursor)
    assert ids(answer, "cases") == {assigned.id}
    cursor = answer["cursor"]

    response = as_scheduler.patch(f"/api/appointments/{theirs['id']}", json={"assignee_id": technician.id})
    assert response.status_code == 200, response.json
    answer = pull(phone, client_id, cursor)
    assert theirs["id"] in ids(answer, "appointments") and theirs_case.id in ids(answer, "cases")
    cursor = answer["cursor"]

    response = as_scheduler.post(f"/api/appointments/{mine['id']}/cancel", json={"reason": "Cliente viajou."})
    assert response.status_code == 200, response.json
    answer = pull(phone, client_id, cursor)
    assert mine["id"] in ids(answer, "appointments", "delete") | ids(answer, "appointments")
    cursor = answer["cursor"]

    admin = make_user(Role.ADMIN, [store], "chefe@assistec.test")
    as_admin = login(app, admin)
    response = as_admin.post("/api/catalogs/rooms", json={"name": "Edícula dos fundos"})
    assert response.status_code == 201, response.json
    answer = pull(phone, client_id, cursor)
    assert "Edícula dos fundos" in {row["name"] for row in answer["changes"]["catalog_entries"]["upsert"]}
