"""The seed's office fields (issue 15, item 4): an occurrence's responsible user, an occurrence
filed undecided ("Resolvido?" not answered yet), and the case's technician taken from its visits
unless the office chose one."""

from __future__ import annotations

from typing import Any

from server.auth.models import Role
from server.cases.models import ServiceCase
from server.extensions import db
from tests.conftest import make_case, make_user
from tests.test_appointments import book, book_ok, entry
from tests.test_occurrences import body


def test_an_office_occurrence_may_be_filed_undecided_without_a_reason(as_scheduler: Any, case: Any) -> None:
    payload = body(case.store_id)
    del payload["resolved"], payload["unresolved_reason"]
    response = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=payload)
    assert response.status_code == 201, response.json
    assert response.json["resolved"] is None and response.json["unresolved_reason"] is None
    # Deciding "não resolvida" later still needs the reason.
    refused = as_scheduler.patch(f"/api/occurrences/{response.json['id']}", json={"resolved": False})
    assert refused.status_code == 422
    assert "unresolved_reason" in refused.json["errors"]
    decided = as_scheduler.patch(f"/api/occurrences/{response.json['id']}", json={"resolved": True})
    assert decided.status_code == 200 and decided.json["resolved"] is True


def test_not_resolved_still_needs_a_reason(as_scheduler: Any, case: Any) -> None:
    response = as_scheduler.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, resolved=False, unresolved_reason=None)
    )
    assert response.status_code == 422
    assert "unresolved_reason" in response.json["errors"]


def test_an_undecided_occurrence_keeps_the_case_pending(as_scheduler: Any, case: Any) -> None:
    payload = body(case.store_id, resolved=None, unresolved_reason=None)
    assert as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=payload).status_code == 201
    assert as_scheduler.get(f"/api/cases/{case.id}").json["status"] == "pending"


def test_the_responsible_is_a_user_of_the_store(
    as_scheduler: Any, as_technician: Any, case: Any, scheduler: Any, technician: Any, outsider: Any
) -> None:
    created = as_scheduler.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, responsible_id=scheduler.id)
    )
    assert created.status_code == 201, created.json
    assert created.json["responsible"] == {"id": scheduler.id, "name": scheduler.name}
    path = f"/api/occurrences/{created.json['id']}"
    # Someone of another store is not offered, nor taken.
    refused = as_scheduler.patch(path, json={"responsible_id": outsider.id})
    assert refused.status_code == 422 and "responsible_id" in refused.json["errors"]
    # The technician who filed nothing here cannot change it; the office hands it to the technician.
    assert as_technician.patch(path, json={"responsible_id": technician.id}).status_code == 403
    moved = as_scheduler.patch(path, json={"responsible_id": technician.id})
    assert moved.status_code == 200 and moved.json["responsible"]["id"] == technician.id
    cleared = as_scheduler.patch(path, json={"responsible_id": None})
    assert cleared.status_code == 200 and cleared.json["responsible"] is None


def test_an_inactive_user_cannot_be_responsible(as_scheduler: Any, case: Any, store: Any) -> None:
    gone = make_user(Role.SCHEDULER, [store], email="ex@example.com", active=False)
    response = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id, responsible_id=gone.id))
    assert response.status_code == 422 and "responsible_id" in response.json["errors"]


def assignee(case_id: int) -> int | None:
    db.session.commit()
    return db.session.get_one(ServiceCase, case_id).assignee_id


def test_the_case_technician_follows_its_visits_unless_chosen(
    as_scheduler: Any, scheduler: Any, customer: Any, technician: Any, other_technician: Any
) -> None:
    case = make_case(scheduler, customer)  # no technician chosen
    assert as_scheduler.get(f"/api/cases/{case.id}").json["assignee"] is None
    first = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    shown = as_scheduler.get(f"/api/cases/{case.id}").json
    assert shown["assignee"]["id"] == technician.id and shown["assignee_chosen"] is False
    # The latest visit's technician; a reassigned visit moves the case along.
    later = book_ok(as_scheduler, case, other_technician, "14:00", "15:00")
    assert assignee(case.id) == other_technician.id
    response = as_scheduler.patch(f"/api/appointments/{later['id']}", json={"assignee_id": technician.id})
    assert response.status_code == 200, response.json
    assert assignee(case.id) == technician.id
    # Cancelling every visit leaves the case with no technician.
    for visit in (first, later):
        cancelled = as_scheduler.post(f"/api/appointments/{visit['id']}/cancel", json={"reason": "Cliente viajou."})
        assert cancelled.status_code == 200, cancelled.json
    assert assignee(case.id) is None

    # Chosen by the office: the visits no longer move it, until "—" is chosen again.
    chosen = as_scheduler.patch(f"/api/cases/{case.id}", json={"assignee_id": other_technician.id})
    assert chosen.status_code == 200, chosen.json
    book_ok(as_scheduler, case, technician, "16:00", "17:00")
    assert assignee(case.id) == other_technician.id
    assert as_scheduler.patch(f"/api/cases/{case.id}", json={"assignee_id": None}).status_code == 200
    assert assignee(case.id) == technician.id


def test_a_visit_is_booked_confirmed_across_midnight_with_notes_and_room(
    as_scheduler: Any, case: Any, technician: Any
) -> None:
    visit = book_ok(
        as_scheduler,
        case,
        technician,
        "22:00",
        "23:00",
        status="confirmed",
        ends_at="2030-03-12T01:00:00",
        notes="Portaria fecha às 23h.",
        room_id=entry(case.store_id, "rooms"),
    )
    assert visit["status"] == "confirmed" and visit["status_label"] == "Confirmado"
    assert visit["starts_at"] == "2030-03-11T22:00:00-03:00"
    assert visit["ends_at"] == "2030-03-12T01:00:00-03:00"
    assert visit["notes"] == "Portaria fecha às 23h." and visit["room"] is not None
    done = book(as_scheduler, case, technician, "08:00", "09:00", status="done")
    assert done.status_code == 422 and "status" in done.json["errors"]


def test_the_calendar_shows_every_calendar_type_the_case_only_technical_assistance(
    as_scheduler: Any, as_technician: Any, scheduler: Any, customer: Any, technician: Any, other_technician: Any
) -> None:
    case = make_case(scheduler, customer)  # its technician follows its visits
    ours = book_ok(as_scheduler, case, technician, "09:00", "10:00")
    assembly = book_ok(as_scheduler, case, technician, "11:00", "12:00", calendar_type="assembly")
    theirs = book_ok(as_scheduler, case, other_technician, "13:00", "14:00", calendar_type="assembly")
    listed = as_scheduler.get(f"/api/cases/{case.id}/appointments").json
    assert [a["id"] for a in listed] == [ours["id"]]
    every = as_scheduler.get("/api/appointments?calendar_type=all").json["items"]
    assert [a["id"] for a in every] == [ours["id"], assembly["id"], theirs["id"]]
    # A technician's "all" is still only their own visits.
    own = as_technician.get("/api/appointments?calendar_type=all").json["items"]
    assert [a["id"] for a in own] == [ours["id"], assembly["id"]]
    # An assembly visit does not make its technician the case's.
    db.session.commit()
    assert db.session.get_one(ServiceCase, case.id).assignee_id == technician.id


def test_every_time_comes_in_the_stores_offset(as_scheduler: Any, case: Any, customer: Any, contract: Any) -> None:
    """Customers, contracts and occurrences (not only cases) answer with the store's offset."""
    occurrence = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    times = [
        as_scheduler.get(f"/api/customers/{customer.id}").json["created_at"],
        as_scheduler.get(f"/api/contracts/{contract.id}").json["created_at"],
        occurrence["created_at"],
        occurrence["updated_at"],
        as_scheduler.get(f"/api/cases/{case.id}").json["opened_at"],
    ]
    assert all(t.endswith("-03:00") for t in times), times


def test_the_timeline_says_which_occurrence_and_what_changed(as_scheduler: Any, case: Any) -> None:
    created = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    path = f"/api/occurrences/{created['id']}"
    assert as_scheduler.patch(path, json={"payer": "store", "report": "Porta trocada de lado."}).status_code == 200
    item = created["items"][0]
    assert as_scheduler.patch(f"{path}/items/{item['id']}", json={"quantity": "2"}).status_code == 200
    assert as_scheduler.delete(f"{path}/items/{item['id']}").status_code == 204
    assert as_scheduler.delete(path).status_code == 204
    notes = {
        e["kind"]: e["note"]
        for e in as_scheduler.get(f"/api/cases/{case.id}/timeline").json
        if e["kind"].startswith(("occurrence_", "item_"))
    }
    assert notes == {
        "occurrence_created": (
            "Defeito de fabricação (Paga pela Fábrica): 1 item(ns) (Porta 40x70 branco TX), 0 foto(s)."
        ),
        "occurrence_updated": "Defeito de fabricação (Paga pela Loja): modalidade, relato alterado(s).",
        "item_updated": "Defeito de fabricação (Paga pela Loja): item Porta 40x70 branco TX — quantidade alterado(s).",
        "item_removed": "Defeito de fabricação (Paga pela Loja): item Porta 40x70 branco TX removido.",
        "occurrence_deleted": "Defeito de fabricação (Paga pela Loja) excluída.",
    }
