"""No silent overwrite (docs/sync.md, "Concurrent edits"): the technician's visit note merged
between phones, a repeated check-in or check-out applied as a no-op, rejections that say whether
a resend can help, and corrections of a synced occurrence that keep what the office changed."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from server.appointments.models import Appointment
from server.cases.models import CaseEvent
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.sync.models import Rejection
from tests.sync.test_push import book, entry, mutation, occurrence_batch, push_ok, statuses

SIGNATURE = re.compile(r"\n— Tiago Técnico, \d\d/\d\d/\d{4} \d\d:\d\d")


def visit(appointment_id: int) -> Appointment:
    return db.session.get_one(Appointment, appointment_id, populate_existing=True)


def note(n: int, appointment_id: int, notes: str | None, base: str | None) -> dict[str, Any]:
    return mutation(n, "appointment.technician_notes.v1", appointment_id=appointment_id, notes=notes, base=base)


# --- the visit's notes ---------------------------------------------------------------------


def test_two_phones_of_one_technician_keep_both_notes_each_signed(
    as_technician: Any, as_scheduler: Any, case: Any, technician: Any
) -> None:
    appointment_id = book(as_scheduler, case, technician)
    as_scheduler.patch(f"/api/appointments/{appointment_id}", json={"notes": "Levar dobradiças."})
    phone_a, phone_b = uuid.uuid4(), uuid.uuid4()
    assert statuses(push_ok(as_technician, phone_a, [note(1, appointment_id, "Porta da cozinha.", None)])) == [
        (1, "applied")
    ]
    # The second phone never saw the first one's text: both stay, each with who and when.
    assert statuses(push_ok(as_technician, phone_b, [note(1, appointment_id, "Cliente sai às 16h.", None)])) == [
        (1, "applied")
    ]
    merged = visit(appointment_id).technician_notes or ""
    assert merged.startswith("Porta da cozinha.\n— ")
    assert "\n\nCliente sai às 16h.\n— " in merged
    assert len(SIGNATURE.findall(merged)) == 2, merged
    assert visit(appointment_id).notes == "Levar dobradiças."  # the office's instructions, untouched

    # Editing from the merged text (its base) replaces it; a third concurrent text signs only once more.
    push_ok(as_technician, phone_a, [note(2, appointment_id, "Tudo combinado.", merged)])
    assert visit(appointment_id).technician_notes == "Tudo combinado."
    push_ok(as_technician, phone_b, [note(2, appointment_id, "Levar escada.", merged)])
    again = visit(appointment_id).technician_notes or ""
    assert again.startswith("Tudo combinado.\n— ") and "\n\nLevar escada.\n— " in again
    assert len(SIGNATURE.findall(again)) == 2, again

    shown = as_scheduler.get(f"/api/appointments/{appointment_id}").json
    assert shown["technician_notes"] == again and shown["notes"] == "Levar dobradiças."


def test_a_blank_note_never_erases_a_text_the_phone_did_not_see(
    as_technician: Any, as_scheduler: Any, case: Any, technician: Any
) -> None:
    appointment_id = book(as_scheduler, case, technician)
    push_ok(as_technician, uuid.uuid4(), [note(1, appointment_id, "Porta da cozinha.", None)])
    push_ok(as_technician, uuid.uuid4(), [note(1, appointment_id, None, "Texto antigo.")])
    assert visit(appointment_id).technician_notes == "Porta da cozinha."
    push_ok(as_technician, uuid.uuid4(), [note(1, appointment_id, None, "Porta da cozinha.")])  # seen: cleared
    assert visit(appointment_id).technician_notes is None


# --- check-in and check-out twice ---------------------------------------------------------


def test_a_second_phones_check_in_and_check_out_are_applied_without_changing_anything(
    as_technician: Any, as_scheduler: Any, case: Any, technician: Any
) -> None:
    appointment_id = book(as_scheduler, case, technician)
    phone_a, phone_b = uuid.uuid4(), uuid.uuid4()
    first, later = (datetime.now(UTC) - timedelta(minutes=m) for m in (30, 20))
    checkin = push_ok(
        as_technician,
        phone_a,
        [mutation(1, "appointment.check_in.v1", appointment_id=appointment_id, at=first.isoformat())],
    )
    assert statuses(checkin) == [(1, "applied")]
    checked_in = visit(appointment_id).checked_in_at
    version = visit(appointment_id).version
    body = push_ok(
        as_technician,
        phone_b,
        [mutation(1, "appointment.check_in.v1", appointment_id=appointment_id, at=later.isoformat())],
    )
    assert statuses(body) == [(1, "applied")]
    assert visit(appointment_id).checked_in_at == checked_in and visit(appointment_id).version == version

    push_ok(as_technician, phone_a, [mutation(2, "appointment.check_out.v1", appointment_id=appointment_id)])
    done = visit(appointment_id)
    assert done.status == "done"
    body = push_ok(as_technician, phone_b, [mutation(2, "appointment.check_out.v1", appointment_id=appointment_id)])
    assert statuses(body) == [(2, "applied")]
    assert visit(appointment_id).checked_out_at == done.checked_out_at

    # A check-in of a visit already done cannot succeed however often it is sent: information only.
    body = push_ok(as_technician, phone_b, [mutation(3, "appointment.check_in.v1", appointment_id=appointment_id)])
    (result,) = body["results"]
    assert result["status"] == "rejected" and result["retryable"] is False
    assert result["code"] == "invalid-transition"
    assert result["message"].startswith("A visita já foi concluída (check-out em ")


# --- retryable ----------------------------------------------------------------------------


def test_rejections_say_whether_a_resend_can_help(as_technician: Any, case: Any) -> None:
    client_id = uuid.uuid4()
    body = push_ok(
        as_technician,
        client_id,
        [
            mutation(1, "occurrence.create.v1", case_id=case.id, id=str(uuid.uuid4()), resolved=True),  # fields missing
            mutation(2, "appointment.check_in.v1", appointment_id=2**31 - 1),  # no such visit
            # The technician's own text on a record out of reach (a visit reassigned): kept resendable.
            mutation(3, "occurrence.update.v1", id=str(uuid.uuid4()), report="Nada."),
        ],
    )
    assert [(r["status"], r["retryable"]) for r in body["results"]] == [
        ("rejected", True),
        ("rejected", False),
        ("rejected", True),
    ]
    db.session.commit()
    stored = db.session.scalars(select(Rejection).where(Rejection.client_id == client_id).order_by(Rejection.id))
    assert [r.retryable for r in stored] == [True, False, True]


# --- correcting a synced occurrence -------------------------------------------------------


def synced_occurrence(as_technician: Any, case: Any) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    client_id, occurrence_id, item_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    push_ok(as_technician, client_id, occurrence_batch(case, occurrence_id, item_id))
    return client_id, occurrence_id, item_id


def test_a_correction_applies_what_the_office_left_alone_and_keeps_what_it_changed(
    as_technician: Any, as_scheduler: Any, case: Any
) -> None:
    client_id, occurrence_id, _ = synced_occurrence(as_technician, case)
    office = as_scheduler.patch(
        f"/api/occurrences/{occurrence_id}", json={"report": "Porta empenada; cliente ausente.", "payer": "store"}
    )
    assert office.status_code == 200, office.json
    body = push_ok(
        as_technician,
        client_id,
        [
            mutation(
                4,
                "occurrence.update.v1",
                id=str(occurrence_id),
                report="Porta empenada e riscada.",
                payer="customer",
                supplier_order_number="PF-77",
                base={"report": "Porta empenada.", "payer": "factory", "supplier_order_number": None},
            )
        ],
    )
    assert statuses(body) == [(4, "applied")]
    occurrence = db.session.get_one(Occurrence, occurrence_id, populate_existing=True)
    assert occurrence.supplier_order_number == "PF-77"  # the office did not touch it
    assert occurrence.payer == "store"  # the office's change is kept …
    report = occurrence.report or ""
    assert report.startswith("Porta empenada; cliente ausente.\n— ")  # … and both texts, signed
    assert "\n\nPorta empenada e riscada.\n— Tiago Técnico" in report
    notes = db.session.scalars(select(CaseEvent.note).where(CaseEvent.case_id == case.id, CaseEvent.note.is_not(None)))
    conflict = [n for n in notes if n and n.startswith("Alteração simultânea na ocorrência")]
    assert conflict and "Modalidade: escritório store; técnico customer" in conflict[0]


def test_an_item_correction_keeps_the_offices_quantity_and_applies_the_description(
    as_technician: Any, as_scheduler: Any, case: Any
) -> None:
    client_id, occurrence_id, item_id = synced_occurrence(as_technician, case)
    office = as_scheduler.patch(f"/api/occurrences/{occurrence_id}/items/{item_id}", json={"quantity": "3"})
    assert office.status_code == 200, office.json
    upsert = mutation(
        4,
        "occurrence_item.upsert.v1",
        occurrence_id=str(occurrence_id),
        id=str(item_id),
        description="Dobradiça 35mm com amortecedor",
        quantity="4",
        action="replace",
        base={"description": "Dobradiça 35mm", "quantity": "2"},
    )
    assert statuses(push_ok(as_technician, client_id, [upsert])) == [(4, "applied")]
    item = db.session.get_one(OccurrenceItem, item_id, populate_existing=True)
    assert item.description == "Dobradiça 35mm com amortecedor" and str(item.quantity) == "3.000"


def test_an_item_the_office_removed_is_not_brought_back_and_no_resend_is_offered(
    as_technician: Any, as_scheduler: Any, case: Any
) -> None:
    client_id, occurrence_id, item_id = synced_occurrence(as_technician, case)
    assert as_scheduler.delete(f"/api/occurrences/{occurrence_id}/items/{item_id}").status_code == 204
    upsert = mutation(
        4,
        "occurrence_item.upsert.v1",
        occurrence_id=str(occurrence_id),
        id=str(item_id),
        description="Dobradiça",
        quantity="1",
        action="replace",
        base={"quantity": "2"},
    )
    (result,) = push_ok(as_technician, client_id, [upsert])["results"]
    assert (result["status"], result["code"], result["retryable"]) == ("rejected", "item-removed", False)
    assert "Dobradiça 35mm" in result["message"]


def test_a_correction_with_only_the_changed_fields_leaves_the_rest_as_it_was(as_technician: Any, case: Any) -> None:
    """Fields left out get no default (`resolved` stays as it is)."""
    client_id, occurrence_id, _ = synced_occurrence(as_technician, case)
    push_ok(
        as_technician,
        client_id,
        [
            mutation(
                4, "occurrence.update.v1", id=str(occurrence_id), status_id=entry(case.store_id, "occurrence_statuses")
            )
        ],
    )
    occurrence = db.session.get_one(Occurrence, occurrence_id, populate_existing=True)
    assert occurrence.resolved is False and occurrence.unresolved_reason == "Precisa trocar a porta."
    assert occurrence.report == "Porta empenada."


def test_an_office_patch_of_one_field_leaves_resolved_as_it_was(
    as_technician: Any, as_scheduler: Any, case: Any
) -> None:
    _, occurrence_id, _ = synced_occurrence(as_technician, case)
    resolved = as_scheduler.patch(f"/api/occurrences/{occurrence_id}", json={"resolved": True})
    assert resolved.status_code == 200 and resolved.json["resolved"] is True
    payer = as_scheduler.patch(f"/api/occurrences/{occurrence_id}", json={"payer": "store"})
    assert payer.status_code == 200, payer.json
    assert payer.json["resolved"] is True and payer.json["payer"] == "store"


def test_the_rest_check_in_twice_by_the_assignee_answers_the_visit_as_it_is(
    as_technician: Any, as_scheduler: Any, case: Any, technician: Any
) -> None:
    appointment_id = book(as_scheduler, case, technician)
    first = as_technician.post(f"/api/appointments/{appointment_id}/check-in", json={})
    assert first.status_code == 200, first.json
    again = as_technician.post(f"/api/appointments/{appointment_id}/check-in", json={})
    assert again.status_code == 200, again.json
    assert again.json["checked_in_at"] == first.json["checked_in_at"] and again.json["version"] == first.json["version"]
    office = as_scheduler.post(f"/api/appointments/{appointment_id}/check-in", json={})
    assert office.status_code == 409  # not the assignee: the state conflict is still said
