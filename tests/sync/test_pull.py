"""POST /api/sync/pull: a technician's scope, deltas since a cursor, deletes, rejections, snapshots and paging."""

from __future__ import annotations

import base64
import json
import threading
import uuid
from typing import Any

from flask import Flask
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from server.appointments.models import Appointment
from server.auth.models import Role
from server.cases.models import ServiceCase
from server.database import soft_delete
from server.extensions import db
from server.sync.models import Rejection, SyncClient
from tests.conftest import CPFS, counting, login, make_case, make_contract, make_customer, make_user
from tests.test_appointments import book_ok
from tests.test_occurrences import body as occurrence_body


def pull(client: Any, client_id: uuid.UUID, cursor: str | None = None, status: int = 200) -> dict[str, Any]:
    response = client.post(
        "/api/sync/pull", json={"protocol": 1, "schema_version": 1, "client_id": str(client_id), "cursor": cursor}
    )
    assert response.status_code == status, response.json
    return response.json  # type: ignore[no-any-return]


def versions(cursor: str) -> dict[str, int]:
    """The store versions inside an (opaque to the phone) cursor."""
    return json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))["v"]  # type: ignore[no-any-return]


def ids(answer: dict[str, Any], table: str, kind: str = "upsert") -> set[Any]:
    entry = answer["changes"].get(table, {"upsert": [], "delete": []})
    return {row["id"] for row in entry["upsert"]} if kind == "upsert" else set(entry["delete"])


def test_initial_pull_is_a_snapshot_of_the_technicians_scope_only(
    app: Flask, as_scheduler, scheduler, technician, other_technician, case, contract, other_store
):
    """A null cursor: reset, the technician's visit with its case, customer, contract, catalogs and own user."""
    db.session.execute(ServiceCase.__table__.update().where(ServiceCase.id == case.id).values(contract_id=contract.id))
    db.session.commit()
    mine = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    other_case = make_case(scheduler, make_customer(case.store, name="João", document=CPFS[1]))
    theirs = book_ok(as_scheduler, other_case, other_technician, "09:00", "10:00")
    elsewhere = make_user(Role.SCHEDULER, [other_store])
    foreign_case = make_case(elsewhere, make_customer(other_store, name="Fora", document=CPFS[2]))

    answer = pull(login(app, technician), uuid.uuid4())

    assert answer["reset"] is True and answer["more"] is False
    assert answer["last_mutation_id"] == 0 and answer["rejections"] == []
    assert ids(answer, "appointments") == {mine["id"]}
    assert theirs["id"] not in ids(answer, "appointments")
    assert ids(answer, "cases") == {case.id}
    assert other_case.id not in ids(answer, "cases") and foreign_case.id not in ids(answer, "cases")
    assert ids(answer, "customers") == {case.customer_id}
    assert ids(answer, "contracts") == {contract.id}
    assert ids(answer, "users") == {technician.id}
    catalogs = answer["changes"]["catalog_entries"]["upsert"]
    assert catalogs and {row["store_id"] for row in catalogs} == {case.store_id}


def test_a_delta_with_nothing_changed_is_empty_and_keeps_the_cursor(app: Flask, as_scheduler, technician, case):
    """Pulling again at once: no changes, the same cursor."""
    book_ok(as_scheduler, case, technician, "09:00", "10:00")
    phone = login(app, technician)
    client_id = uuid.uuid4()
    first = pull(phone, client_id)
    second = pull(phone, client_id, first["cursor"])
    assert second["reset"] is False
    assert second["changes"] == {}
    third = pull(phone, client_id, second["cursor"])
    assert third["changes"] == {}
    assert versions(third["cursor"]) == versions(second["cursor"]) == versions(first["cursor"])


def test_a_delta_with_nothing_changed_runs_at_most_six_statements(app: Flask, as_scheduler, technician, case):
    """The phone's most frequent request costs a handful of statements, none of them on the tables."""
    book_ok(as_scheduler, case, technician, "09:00", "10:00")
    phone = login(app, technician)
    client_id = uuid.uuid4()
    cursor = pull(phone, client_id)["cursor"]
    with counting() as statements:
        assert pull(phone, client_id, cursor)["changes"] == {}
    assert len(statements) <= 6, "\n".join(s[:120] for s in statements)
    assert not [s for s in statements if "FROM cases" in s or "FROM appointments" in s]


def test_a_schedulers_address_edit_reaches_the_technician(app: Flask, as_scheduler, technician, case):
    """PATCH /api/cases/<id> by the office shows up in the phone's next pull: the case, and the
    visit that shows the case's address."""
    book_ok(as_scheduler, case, technician, "09:00", "10:00")
    phone = login(app, technician)
    client_id = uuid.uuid4()
    cursor = pull(phone, client_id)["cursor"]
    address = {**case.service_address, "number": "2000"}
    response = as_scheduler.patch(f"/api/cases/{case.id}", json={"service_address": address})
    assert response.status_code == 200, response.json

    answer = pull(phone, client_id, cursor)
    assert answer["reset"] is False
    assert [row["service_address"]["number"] for row in answer["changes"]["cases"]["upsert"]] == ["2000"]
    [visit] = answer["changes"]["appointments"]["upsert"]
    assert visit["case"]["service_address"]["number"] == "2000"
    assert pull(phone, client_id, answer["cursor"])["changes"] == {}


def test_reassigning_a_visit_deletes_it_for_a_and_brings_it_whole_to_b(
    app: Flask, as_scheduler, scheduler, technician, other_technician, store
):
    """A loses the visit and the case (no other visit or assignment); B gets visit, case and customer."""
    customer = make_customer(store, name="Clara", document=CPFS[3])
    contract = make_contract(scheduler, customer, number="C-2002")
    case = make_case(scheduler, customer, contract_id=contract.id)
    visit = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    phone_a, phone_b = login(app, technician), login(app, other_technician)
    id_a, id_b = uuid.uuid4(), uuid.uuid4()
    cursor_a = pull(phone_a, id_a)["cursor"]
    snapshot_b = pull(phone_b, id_b)
    assert case.id not in ids(snapshot_b, "cases")

    response = as_scheduler.patch(f"/api/appointments/{visit['id']}", json={"assignee_id": other_technician.id})
    assert response.status_code == 200, response.json

    answer_a = pull(phone_a, id_a, cursor_a)
    assert ids(answer_a, "appointments", "delete") == {visit["id"]}
    assert ids(answer_a, "cases", "delete") == {case.id}
    assert ids(answer_a, "appointments") == set() and ids(answer_a, "cases") == set()
    answer_b = pull(phone_b, id_b, snapshot_b["cursor"])
    assert ids(answer_b, "appointments") == {visit["id"]}
    assert ids(answer_b, "cases") == {case.id}
    assert ids(answer_b, "customers") == {customer.id}  # old version, but it entered B's scope
    assert ids(answer_b, "contracts") == {contract.id}
    assert ids(answer_b, "cases", "delete") == set()


def test_a_visit_reassigned_away_keeps_an_assigned_case(app: Flask, as_scheduler, technician, other_technician, case):
    """The case stays in A's scope through the assignment: only the visit is deleted."""
    visit = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    phone = login(app, technician)
    client_id = uuid.uuid4()
    cursor = pull(phone, client_id)["cursor"]
    as_scheduler.patch(f"/api/appointments/{visit['id']}", json={"assignee_id": other_technician.id})
    answer = pull(phone, client_id, cursor)
    assert ids(answer, "appointments", "delete") == {visit["id"]}
    assert ids(answer, "cases", "delete") == set()


def test_a_soft_deleted_record_arrives_as_a_delete(app: Flask, technician, case):
    """A tombstone written after the cursor is sent as a delete id."""
    phone = login(app, technician)
    client_id = uuid.uuid4()
    first = pull(phone, client_id)
    assert ids(first, "cases") == {case.id}
    soft_delete(db.session.get(ServiceCase, case.id))
    db.session.commit()
    answer = pull(phone, client_id, first["cursor"])
    assert ids(answer, "cases", "delete") == {case.id}
    assert ids(answer, "cases") == set()


WRITES = ("BEGIN IMMEDIATE", "INSERT", "UPDATE", "DELETE")


def test_a_pull_during_an_open_write_does_not_skip_it(app: Flask, technician, case):
    """A write open while a pull runs, committed after: the pull then (or the next one) has it."""
    phone = login(app, technician)
    client_id = uuid.uuid4()
    cursor = pull(phone, client_id)["cursor"]
    answers: list[dict[str, Any]] = []
    with Session(db.engine) as writer:
        row = writer.get(ServiceCase, case.id)
        assert row is not None
        row.reported_issue = "Gaveta travando."
        writer.flush()  # the store's version is taken, the row written, nothing committed
        thread = threading.Thread(target=lambda: answers.append(pull(phone, client_id, cursor)))
        queued = threading.Event()

        def first_write(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
            if threading.get_ident() == thread.ident and statement.upper().startswith(WRITES):
                queued.set()

        event.listen(db.engine, "before_cursor_execute", first_write)
        try:
            thread.start()
            if db.engine.dialect.name == "postgresql":
                thread.join(timeout=60)  # its reads never wait for a writer: the whole pull runs now
                assert not thread.is_alive()
            else:  # SQLite: the pull's write transaction queues behind this one for the write lock
                assert queued.wait(timeout=60)
            writer.commit()
        finally:
            event.remove(db.engine, "before_cursor_execute", first_write)
    thread.join(timeout=60)
    assert len(answers) == 1
    during = answers[0]
    after = pull(phone, client_id, during["cursor"])
    seen = [r["reported_issue"] for a in (during, after) for r in a["changes"].get("cases", {}).get("upsert", [])]
    assert "Gaveta travando." in seen
    if db.engine.dialect.name == "postgresql":  # the snapshot did not wait for the writer
        assert "cases" not in during["changes"]


def test_rejections_are_shown_once_even_when_an_answer_is_lost(app: Flask, technician):
    """A rejection comes in the next pull; again if that answer was lost (the phone pulls with its
    old cursor); never once the phone pulls with a cursor that came with it, even a stale one."""
    phone = login(app, technician)
    client_id = uuid.uuid4()
    cursor = pull(phone, client_id)["cursor"]
    db.session.add(
        Rejection(
            client_id=client_id,
            mutation_id=3,
            name="occurrence.create.v1",
            args={"report": "Porta solta"},
            code="visit_cancelled",
            message="A visita foi cancelada.",
            errors=None,
            retryable=False,
        )
    )
    db.session.commit()
    answer = pull(phone, client_id, cursor)
    assert answer["rejections"] == [
        {
            "mutation_id": 3,
            "name": "occurrence.create.v1",
            "args": {"report": "Porta solta"},
            "code": "visit_cancelled",
            "message": "A visita foi cancelada.",
            "errors": None,
            "retryable": False,
        }
    ]
    lost = pull(phone, client_id, cursor)
    assert [r["mutation_id"] for r in lost["rejections"]] == [3]
    assert pull(phone, client_id, answer["cursor"])["rejections"] == []
    assert pull(phone, client_id, lost["cursor"])["rejections"] == []
    db.session.commit()
    assert db.session.scalar(select(Rejection.delivered_at)) is not None
    assert pull(phone, client_id)["rejections"] == []  # a reset does not bring it back either


def test_the_client_is_registered_to_its_first_user(app: Flask, technician, other_technician):
    """First use binds the client_id to the user; another user's pull with it is 403."""
    client_id = uuid.uuid4()
    pull(login(app, technician), client_id)
    client = db.session.get(SyncClient, client_id)
    assert client is not None and client.user_id == technician.id
    pull(login(app, other_technician), client_id, status=403)


def test_anonymous_pull_is_401(client, app: Flask):
    """No session, no data."""
    pull(client, uuid.uuid4(), status=401)


def test_garbage_or_stale_cursor_resets(app: Flask, technician, case):
    """An unreadable cursor, or one older than the tombstone retention, answers a full snapshot."""
    phone = login(app, technician)
    client_id = uuid.uuid4()
    assert pull(phone, client_id, "não-é-um-cursor")["reset"] is True
    cursor = pull(phone, client_id)["cursor"]
    data = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    data["t"] -= (app.config["SYNC_TOMBSTONE_DAYS"] + 1) * 86400  # issued before the retention began
    stale = base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")
    answer = pull(phone, client_id, stale)
    assert answer["reset"] is True and ids(answer, "cases") == {case.id}


def test_a_large_snapshot_is_paged(app: Flask, scheduler, technician, store):
    """SYNC_PAGE_SIZE bounds each answer; following `more` collects every row exactly once."""
    cases = [make_case(scheduler, make_customer(store, name=f"C{i}"), assignee_id=technician.id) for i in range(5)]
    app.config["SYNC_PAGE_SIZE"] = 3
    phone = login(app, technician)
    client_id = uuid.uuid4()
    answer = pull(phone, client_id)
    pages = [answer]
    while answer["more"]:
        answer = pull(phone, client_id, answer["cursor"])
        pages.append(answer)
    assert len(pages) > 2
    assert pages[0]["reset"] is True and all(p["reset"] is False for p in pages[1:])
    for page in pages:
        assert sum(len(entry["upsert"]) for entry in page["changes"].values()) <= 3
    got = [row["id"] for page in pages for row in page["changes"].get("cases", {}).get("upsert", [])]
    assert sorted(got) == sorted(c.id for c in cases)
    assert pull(phone, client_id, pages[-1]["cursor"])["changes"] == {}


def test_a_delta_costs_the_same_queries_for_small_and_large_data(
    app: Flask, as_scheduler, scheduler, technician, store
):
    """No per-row queries: the count does not grow with the data in scope."""
    phone = login(app, technician)
    client_id = uuid.uuid4()

    def delta_count() -> int:
        """Queries of a delta in which every case and visit changed (so rows are loaded and shown)."""
        cursor = pull(phone, client_id)["cursor"]
        for row in db.session.scalars(select(ServiceCase)):
            row.reported_issue = f"{row.reported_issue} (revisto)"
        for visit in db.session.scalars(select(Appointment)):
            visit.notes = f"{visit.notes or ''} Levar dobradiças."
        db.session.commit()
        with counting() as statements:
            answer = pull(phone, client_id, cursor)
        assert len(answer["changes"]["cases"]["upsert"]) == len(answer["changes"]["appointments"]["upsert"]) > 0
        return len(statements)

    def grow(n: int, start: int) -> None:
        for i in range(start, start + n):
            case = make_case(scheduler, make_customer(store, name=f"Cliente {i}"), assignee_id=technician.id)
            book_ok(as_scheduler, case, technician, f"{8 + i % 10:02d}:00", f"{8 + i % 10:02d}:30", allow_overlap=True)

    grow(1, 0)
    small = delta_count()
    grow(12, 1)
    assert delta_count() == small


def test_occurrences_and_items_come_with_their_case_and_deletes_follow(
    app: Flask, as_technician, as_scheduler, technician, case
):
    """An occurrence filed on the case arrives in the next delta with its items; deleting it sends deletes."""
    phone = login(app, technician)
    client_id = uuid.uuid4()
    cursor = pull(phone, client_id)["cursor"]
    response = as_technician.post(f"/api/cases/{case.id}/occurrences", json=occurrence_body(case.store_id))
    assert response.status_code == 201, response.json
    occurrence = response.json
    [item] = occurrence["items"]

    answer = pull(phone, client_id, cursor)
    assert ids(answer, "occurrences") == {occurrence["id"]}
    assert ids(answer, "occurrence_items") == {item["id"]}
    assert answer["changes"]["occurrences"]["upsert"][0]["report"] == occurrence["report"]

    assert as_scheduler.delete(f"/api/occurrences/{occurrence['id']}").status_code == 204
    gone = pull(phone, client_id, answer["cursor"])
    assert ids(gone, "occurrences", "delete") == {occurrence["id"]}
    assert ids(gone, "occurrence_items", "delete") == {item["id"]}
    snapshot = pull(phone, client_id)
    assert "occurrences" not in snapshot["changes"] and "occurrence_items" not in snapshot["changes"]


def test_the_cases_access_notes_reach_the_phone_in_the_next_delta(app: Flask, as_scheduler, technician, case):
    """A field the office edits on a synced model needs nothing of the sync: the next delta has it."""
    book_ok(as_scheduler, case, technician, "09:00", "10:00")
    phone = login(app, technician)
    device = uuid.uuid4()
    first = pull(phone, device)
    assert as_scheduler.patch(f"/api/cases/{case.id}", json={"access_notes": "Vaga 12 no subsolo."}).status_code == 200
    delta = pull(phone, device, first["cursor"])
    [row] = delta["changes"]["cases"]["upsert"]
    assert (row["id"], row["access_notes"]) == (case.id, "Vaga 12 no subsolo.")
