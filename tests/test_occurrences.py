"""Occurrences (ocorrências) and their items, through the API."""

from __future__ import annotations

import uuid
from datetime import date, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from flask import Flask
from sqlalchemy import func, select

from server.catalogs.models import CatalogEntry
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from tests.conftest import login, make_case, make_store

SAO_PAULO = ZoneInfo("America/Sao_Paulo")


def entry(store_id: int, kind: str, index: int = 0) -> int:
    ids = db.session.scalars(
        select(CatalogEntry.id)
        .where(CatalogEntry.store_id == store_id, CatalogEntry.kind == kind)
        .order_by(CatalogEntry.position)
    ).all()
    return ids[index]


def body(store_id: int, **overrides: Any) -> dict[str, Any]:
    return {
        "occurrence_type_id": entry(store_id, "occurrence_types"),
        "payer": "factory",
        "room_id": entry(store_id, "rooms"),
        "status_id": entry(store_id, "occurrence_statuses"),
        "report": "Porta superior do aéreo empenada pela umidade.",
        "resolved": False,
        "unresolved_reason": "Precisa trocar a porta.",
        "items": [
            {
                "description": "Porta 40x70 branco TX",
                "code": "PT-4070",
                "quantity": "1",
                "action": "replace",
                "supplier": "Fábrica Sul",
                "unit_cost": "189.90",
            },
        ],
        **overrides,
    }


def count(model: Any) -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(model).where(model.deleted_at.is_(None)))


def test_technician_files_an_occurrence_with_items(as_technician: Any, case: Any, technician: Any) -> None:
    """The assigned technician files it; the author, labels, default fix date and items come back."""
    response = as_technician.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id))
    assert response.status_code == 201, response.json
    occurrence = response.json
    assert occurrence["author"]["id"] == technician.id
    assert occurrence["payer_label"] == "Paga pela Fábrica"
    assert occurrence["occurrence_type"]["name"] == "Defeito de fabricação"
    assert occurrence["expected_fix_date"] == case.due_at.astimezone(SAO_PAULO).date().isoformat()
    assert occurrence["warnings"] == []
    [item] = occurrence["items"]
    assert item["quantity"] == "1.000" and item["unit_cost"] == "189.90" and item["total"] == "189.90"
    assert item["unit"] == "un"


def test_a_retried_create_with_the_same_id_and_body_is_the_same_record(as_technician: Any, case: Any) -> None:
    payload = body(case.store_id, id=str(uuid.uuid4()))
    first = as_technician.post(f"/api/cases/{case.id}/occurrences", json=payload)
    again = as_technician.post(f"/api/cases/{case.id}/occurrences", json=payload)
    assert first.status_code == again.status_code == 201
    assert again.json["id"] == first.json["id"] == payload["id"]
    assert again.json["items"] == first.json["items"]
    assert count(Occurrence) == 1 and count(OccurrenceItem) == 1


def test_the_same_id_with_another_body_is_a_409(as_technician: Any, case: Any) -> None:
    payload = body(case.store_id, id=str(uuid.uuid4()))
    assert as_technician.post(f"/api/cases/{case.id}/occurrences", json=payload).status_code == 201
    changed = {**payload, "report": "Outro texto"}
    response = as_technician.post(f"/api/cases/{case.id}/occurrences", json=changed)
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert count(Occurrence) == 1


def test_not_resolved_needs_a_reason(as_technician: Any, case: Any) -> None:
    response = as_technician.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id, unresolved_reason=None))
    assert response.status_code == 422
    assert "unresolved_reason" in response.json["errors"]
    resolved = as_technician.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, resolved=True, unresolved_reason=None, items=[])
    )
    assert resolved.status_code == 201


@pytest.mark.parametrize(
    "field,kind",
    [
        ("occurrence_type_id", "rooms"),
        ("room_id", "product_lines"),
        ("status_id", "occurrence_types"),
        ("product_line_id", "rooms"),
    ],
)
def test_catalog_entries_must_be_of_the_right_kind(as_scheduler: Any, case: Any, field: str, kind: str) -> None:
    response = as_scheduler.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, **{field: entry(case.store_id, kind)})
    )
    assert response.status_code == 422
    assert list(response.json["errors"]) == [field]
    assert count(Occurrence) == 0


def test_catalog_entries_of_another_store_or_inactive_are_refused(as_scheduler: Any, as_admin: Any, case: Any) -> None:
    other = make_store("Loja Norte")
    response = as_scheduler.post(
        f"/api/cases/{case.id}/occurrences",
        json=body(case.store_id, occurrence_type_id=entry(other.id, "occurrence_types")),
    )
    assert response.status_code == 422 and "occurrence_type_id" in response.json["errors"]
    room = entry(case.store_id, "rooms", 1)
    assert as_admin.patch(f"/api/catalogs/rooms/{room}", json={"active": False}).status_code == 200
    response = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id, room_id=room))
    assert response.status_code == 422 and "room_id" in response.json["errors"]


def test_a_fix_date_past_the_deadline_is_allowed_but_flagged(as_scheduler: Any, case: Any) -> None:
    late = case.due_at.astimezone(SAO_PAULO).date() + timedelta(days=10)
    response = as_scheduler.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, expected_fix_date=late.isoformat())
    )
    assert response.status_code == 201
    [warning] = response.json["warnings"]
    assert late.strftime("%d/%m/%Y") in warning and "CDC" in warning


@pytest.mark.parametrize(
    "item,field",
    [
        ({"quantity": "0"}, "items.0.quantity"),
        ({"quantity": "-1"}, "items.0.quantity"),
        ({"action": "burn"}, "items.0.action"),
        ({"unit_cost": "-0.01"}, "items.0.unit_cost"),
        ({"description": ""}, "items.0.description"),
        ({"color": "branco"}, "items.0.color"),
    ],
)
def test_bad_items_are_refused_by_field(as_scheduler: Any, case: Any, item: dict[str, Any], field: str) -> None:
    payload = body(case.store_id)
    payload["items"] = [{**payload["items"][0], **item}]
    response = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=payload)
    assert response.status_code == 422
    assert field in response.json["errors"]
    assert count(Occurrence) == 0


def test_items_are_added_edited_and_removed(as_technician: Any, case: Any) -> None:
    occurrence = as_technician.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id, items=[])).json
    url = f"/api/occurrences/{occurrence['id']}/items"
    added = as_technician.post(
        url, json={"description": "Dobradiça 35mm", "quantity": "4", "action": "replace", "unit_cost": "12.35"}
    )
    assert added.status_code == 201
    assert added.json["total"] == "49.40"
    edited = as_technician.patch(f"{url}/{added.json['id']}", json={"quantity": "2.5", "unit": "par"})
    assert edited.status_code == 200
    assert edited.json["quantity"] == "2.500" and edited.json["unit"] == "par" and edited.json["total"] == "30.88"
    assert as_technician.delete(f"{url}/{added.json['id']}").status_code == 204
    assert as_technician.get(f"/api/occurrences/{occurrence['id']}").json["items"] == []
    tombstone = db.session.get(OccurrenceItem, uuid.UUID(added.json["id"]))
    assert tombstone is not None and tombstone.deleted_at is not None


def test_an_item_keeps_the_unit_it_was_added_with(as_technician: Any, case: Any) -> None:
    """`unit` defaults to "un"; a metre or a pair given at creation is kept."""
    occurrence = as_technician.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id, items=[])).json
    url = f"/api/occurrences/{occurrence['id']}/items"
    metres = as_technician.post(
        url, json={"description": "Fita de borda", "quantity": "3", "unit": "m", "action": "replace"}
    )
    plain = as_technician.post(url, json={"description": "Puxador", "quantity": "1", "action": "replace"})
    assert (metres.status_code, plain.status_code) == (201, 201), (metres.json, plain.json)
    assert (metres.json["unit"], plain.json["unit"]) == ("m", "un")


def test_a_retried_item_add_is_the_same_item(as_technician: Any, case: Any) -> None:
    occurrence = as_technician.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id, items=[])).json
    item = {"id": str(uuid.uuid4()), "description": "Puxador", "quantity": "1", "action": "replace"}
    url = f"/api/occurrences/{occurrence['id']}/items"
    assert as_technician.post(url, json=item).json["id"] == as_technician.post(url, json=item).json["id"]
    assert count(OccurrenceItem) == 1


def test_technician_scope(app: Flask, case: Any, scheduler: Any, other_technician: Any, customer: Any) -> None:
    """Another technician sees nothing of the case and cannot file on it; nor on a case of nobody."""
    stranger = login(app, other_technician)
    response = stranger.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id))
    assert response.status_code == 404
    mine = login(app, scheduler).post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    assert stranger.get(f"/api/occurrences/{mine['id']}").status_code == 404
    assert stranger.patch(f"/api/occurrences/{mine['id']}", json={"report": "x"}).status_code == 404
    unassigned = make_case(scheduler, customer)
    assert stranger.post(f"/api/cases/{unassigned.id}/occurrences", json=body(case.store_id)).status_code == 404


def test_a_technician_edits_only_their_own_occurrences(as_technician: Any, as_scheduler: Any, case: Any) -> None:
    by_office = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    assert as_technician.patch(f"/api/occurrences/{by_office['id']}", json={"report": "x"}).status_code == 403
    own = as_technician.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    response = as_technician.patch(f"/api/occurrences/{own['id']}", json={"resolved": True})
    assert response.status_code == 200
    assert response.json["resolved"] is True and response.json["unresolved_reason"] is None
    assert as_technician.delete(f"/api/occurrences/{own['id']}").status_code == 403


def test_another_store_cannot_see_or_file(as_outsider: Any, as_scheduler: Any, case: Any) -> None:
    occurrence = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    assert as_outsider.get(f"/api/cases/{case.id}/occurrences").status_code == 404
    assert as_outsider.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).status_code == 404
    assert as_outsider.get(f"/api/occurrences/{occurrence['id']}").status_code == 404
    assert as_outsider.delete(f"/api/occurrences/{occurrence['id']}").status_code == 404


def test_a_finished_case_takes_no_new_occurrences(as_scheduler: Any, case: Any) -> None:
    assert as_scheduler.post(f"/api/cases/{case.id}/cancel", json={"reason": "Cliente desistiu."}).status_code == 200
    response = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id))
    assert response.status_code == 409
    assert response.json["type"].endswith("/case-finished")


def test_filing_moves_the_case_and_lands_in_the_timeline(as_technician: Any, as_scheduler: Any, case: Any) -> None:
    """An unresolved occurrence makes the case pending; resolving it brings it back to in service."""
    occurrence = as_technician.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    assert as_scheduler.get(f"/api/cases/{case.id}").json["status"] == "pending"
    as_technician.patch(f"/api/occurrences/{occurrence['id']}", json={"resolved": True})
    assert as_scheduler.get(f"/api/cases/{case.id}").json["status"] == "in_service"
    kinds = [event["kind"] for event in as_scheduler.get(f"/api/cases/{case.id}/timeline").json]
    assert kinds.count("status_followed") == 2


def test_list_of_a_case_and_versions(as_scheduler: Any, case: Any) -> None:
    created = [as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json for _ in range(3)]
    listed = as_scheduler.get(f"/api/cases/{case.id}/occurrences").json
    assert [o["id"] for o in listed] == [o["id"] for o in created]
    versions = [o["version"] for o in created]
    assert versions == sorted(versions) and len(set(versions)) == 3
    assert all(o["items"][0]["version"] == o["version"] for o in created)


def test_expected_fix_date_is_a_date(as_scheduler: Any, case: Any) -> None:
    response = as_scheduler.post(
        f"/api/cases/{case.id}/occurrences", json=body(case.store_id, expected_fix_date="31/12/2026")
    )
    assert response.status_code == 422
    assert response.json["errors"]["expected_fix_date"] == ["Data inválida."]
    assert date.fromisoformat("2026-12-31")


def test_an_ordered_item_keeps_its_quantity_supplier_and_payer(as_scheduler: Any, case: Any) -> None:
    """Once on a parts order, the item's quantity and supplier and its occurrence's payer are fixed."""
    occurrence = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    item = occurrence["items"][0]
    assert as_scheduler.post(f"/api/cases/{case.id}/orders", json={}).status_code == 201
    url = f"/api/occurrences/{occurrence['id']}"
    assert as_scheduler.patch(f"{url}/items/{item['id']}", json={"supplier": "Outro"}).status_code == 409
    assert as_scheduler.patch(f"{url}/items/{item['id']}", json={"quantity": "2"}).status_code == 409
    assert as_scheduler.patch(f"{url}/items/{item['id']}", json={"code": "PT-4070B"}).status_code == 200
    assert as_scheduler.patch(url, json={"payer": "store"}).status_code == 409
    assert as_scheduler.patch(url, json={"report": "Texto revisado."}).status_code == 200


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"unit": "   "}, "unit", "Informe a unidade (un, m, m², par…)."),
        ({"description": " "}, "description", "Campo obrigatório."),
    ],
)
def test_an_item_change_that_would_empty_a_required_field_is_refused(
    as_scheduler: Any, case: Any, change: dict[str, Any], field: str, message: str
) -> None:
    """Blank counts as missing, and these two cannot be missing: a 422 naming the field, and the
    item as it was (a database error, 409 with no field, before)."""
    occurrence = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    item = occurrence["items"][0]
    url = f"/api/occurrences/{occurrence['id']}/items/{item['id']}"
    response = as_scheduler.patch(url, json=change)
    assert response.status_code == 422, response.json
    assert response.json["errors"] == {field: [message]}
    kept = as_scheduler.get(f"/api/occurrences/{occurrence['id']}").json["items"][0]
    assert kept[field] == item[field] and kept[field]


def test_item_totals_round_half_up_to_the_cent(as_scheduler: Any, case: Any) -> None:
    items = [{"description": "Cola", "quantity": "0.5", "action": "repair", "unit_cost": "0.25"}]
    response = as_scheduler.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id, items=items))
    assert response.json["items"][0]["total"] == "0.13"


def test_every_change_lands_in_the_case_timeline(as_technician: Any, as_scheduler: Any, case: Any) -> None:
    occurrence = as_technician.post(f"/api/cases/{case.id}/occurrences", json=body(case.store_id)).json
    url = f"/api/occurrences/{occurrence['id']}"
    as_technician.patch(url, json={"report": "Porta trocada na próxima visita."})
    as_technician.patch(url, json={"report": "Porta trocada na próxima visita."})  # no change, no event
    item = as_technician.post(f"{url}/items", json={"description": "Puxador", "quantity": "1", "action": "replace"})
    as_technician.patch(f"{url}/items/{item.json['id']}", json={"quantity": "2"})
    as_technician.delete(f"{url}/items/{item.json['id']}")
    events = as_scheduler.get(f"/api/cases/{case.id}/timeline").json
    kinds = [e["kind"] for e in events if e["kind"].startswith(("occurrence", "item"))]
    assert kinds == ["occurrence_created", "occurrence_updated", "item_added", "item_updated", "item_removed"]
    updated = next(e for e in events if e["kind"] == "occurrence_updated")
    assert updated["changes"]["report"]["to"] == "Porta trocada na próxima visita."
    assert updated["changes"]["occurrence_id"] == occurrence["id"]
    quantity = next(e for e in events if e["kind"] == "item_updated")["changes"]["quantity"]
    assert quantity == {"from": "1.000", "to": "2.000"}
