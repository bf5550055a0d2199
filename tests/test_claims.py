"""Factory claims: built from factory-paid items of one factory, the status flow on the case
timelines, the factory's answers, credits and the balance to the centavo, shipped parts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.auth.models import User
from server.cases.models import CaseEvent
from server.extensions import db
from server.orders.models import PartsOrder
from server.orders.service import generate_orders
from server.stores.models import Store
from tests.claims_world import claim_world, open_claim_body
from tests.conftest import CPFS, ApiClient


@pytest.fixture(autouse=True)
def uploads(app: Flask, tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")


@pytest.fixture
def world(store: Store, scheduler: User, technician: User) -> dict[str, Any]:
    return claim_world(store, scheduler, technician, CPFS[0])


def open_claim(client: ApiClient, world: dict[str, Any]) -> dict[str, Any]:
    response = client.post("/api/claims", json=open_claim_body(world))
    assert response.status_code == 201, response.json
    return response.json


def events(case_id: int, kind: str) -> list[CaseEvent]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case_id, CaseEvent.kind == kind).order_by(CaseEvent.id)
        )
    )


def test_occurrence_item_linked_to_contract_item_inherits_code_description_and_factory(
    as_scheduler: ApiClient, world: dict[str, Any]
) -> None:
    occurrence = as_scheduler.get(f"/api/cases/{world['case']}/occurrences").json[0]
    [item] = occurrence["items"]
    assert item["contract_item_id"] == world["serra_item"]
    assert item["code"] == "AER-80-BR"
    assert item["description"] == "Aéreo 80 cm 2 portas"
    assert item["supplier_id"] == world["serra"]


def test_a_contract_item_of_another_contract_is_refused(
    as_scheduler: ApiClient, world: dict[str, Any], store: Store, scheduler: User, technician: User
) -> None:
    other = claim_world(store, scheduler, technician, CPFS[1], tag=" 2")
    occurrence = as_scheduler.get(f"/api/cases/{world['case']}/occurrences").json[0]
    response = as_scheduler.post(
        f"/api/occurrences/{occurrence['id']}/items",
        json={"contract_item_id": other["serra_item"], "quantity": "1", "action": "replace"},
    )
    assert response.status_code == 422
    assert response.json["errors"]["contract_item_id"] == ["Item não encontrado no contrato desta assistência."]


def test_contract_items_are_edited_in_place_and_a_linked_one_cannot_be_removed(
    as_scheduler: ApiClient, world: dict[str, Any]
) -> None:
    contract = as_scheduler.get(f"/api/contracts/{world['contract']}").json
    serra, vale = contract["items"]
    assert serra["supplier"]["name"] == "Móveis Serra"
    assert serra["invoice_number"] == "NF554433" and serra["invoice_date"] == "2030-01-10"
    changed = as_scheduler.patch(
        f"/api/contracts/{world['contract']}", json={"items": [{"id": serra["id"], "finish": "Carvalho"}]}
    )
    assert changed.status_code == 409  # the gaveteiro is linked to an occurrence
    kept = as_scheduler.patch(
        f"/api/contracts/{world['contract']}",
        json={"items": [{"id": serra["id"], "finish": "Carvalho"}, {"id": vale["id"]}, {"code": "NOVO-1"}]},
    )
    assert kept.status_code == 200, kept.json
    assert [i["id"] for i in kept.json["items"][:2]] == [serra["id"], vale["id"]]
    assert kept.json["items"][0]["finish"] == "Carvalho"
    assert kept.json["items"][0]["code"] == "AER-80-BR"  # not sent: kept
    assert kept.json["items"][2]["code"] == "NOVO-1"


def test_claim_from_two_cases_of_one_factory(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    claim = open_claim(as_scheduler, world)
    assert claim["number"].startswith("RF-") and claim["status"] == "draft"
    assert claim["supplier"]["name"] == "Móveis Serra"
    assert {i["case_id"] for i in claim["items"]} == {world["case"], world["second"]}
    assert [i["amount"] for i in claim["items"]] == ["189.90", "49.40"]  # the items' totals
    assert claim["claimed"] == "239.30" and claim["balance"] == "0.00"
    assert len(events(world["case"], "claim_created")) == 1
    assert len(events(world["second"], "claim_created")) == 1


def test_items_of_another_factory_or_payer_are_refused_with_clear_messages(
    as_scheduler: ApiClient, world: dict[str, Any]
) -> None:
    body = {
        "supplier_id": world["serra"],
        "items": [
            {"occurrence_item_id": world["door_item"], "outcome": "credit"},
            {"occurrence_item_id": world["drawer_item"], "outcome": "credit"},
            {"occurrence_item_id": world["store_paid_item"], "outcome": "credit"},
        ],
    }
    response = as_scheduler.post("/api/claims", json=body)
    assert response.status_code == 422
    errors = response.json["errors"]
    assert "items.0.occurrence_item_id" not in errors
    assert errors["items.1.occurrence_item_id"] == [
        "“GAV-60 — Gaveteiro 60 cm” é de outro fornecedor (Vale Planejados): esta reclamação é para Móveis Serra."
    ]
    assert errors["items.2.occurrence_item_id"] == [
        "“Regulagem” é de uma ocorrência “Paga pela Loja”: só itens pagos pela fábrica entram numa reclamação."
    ]
    assert as_scheduler.get("/api/claims").json["items"] == []  # nothing written


def test_an_item_already_under_an_open_claim_is_refused(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    first = open_claim(as_scheduler, world)
    again = as_scheduler.post("/api/claims", json=open_claim_body(world))
    assert again.status_code == 422
    assert again.json["errors"]["items.0.occurrence_item_id"] == [
        f"“AER-80-BR — Aéreo 80 cm 2 portas” já está na reclamação {first['number']}."
    ]


def move(client: ApiClient, claim: dict[str, Any], status: str, **extra: Any) -> Any:
    return client.post(f"/api/claims/{claim['id']}/moves", json={"status": status, **extra})


def test_every_status_move_is_on_the_timeline_with_who_and_the_factory_reference(
    as_scheduler: ApiClient, world: dict[str, Any], scheduler: User
) -> None:
    claim = open_claim(as_scheduler, world)
    assert claim["allowed_moves"] == ["sent", "closed"]
    assert move(as_scheduler, claim, "accepted").status_code == 409
    sent = move(as_scheduler, claim, "sent", factory_reference="SAC-2030-991")
    assert sent.status_code == 200 and sent.json["sent_at"]
    assert move(as_scheduler, claim, "in_review").status_code == 200
    early = move(as_scheduler, claim, "accepted")
    assert early.status_code == 409
    assert early.json["detail"] == "Registre a resposta da fábrica para cada item antes (2 aguardando)."
    door, hinge = sent.json["items"]
    answers = {
        "items": [
            {"id": door["id"], "accepted": True},
            {"id": hinge["id"], "accepted": False, "refusal_reason": "Fora da garantia."},
        ]
    }
    assert as_scheduler.post(f"/api/claims/{claim['id']}/answers", json=answers).status_code == 200
    wrong = move(as_scheduler, claim, "accepted")
    assert wrong.status_code == 409 and "Aceita parcialmente" in wrong.json["detail"]
    partial = move(as_scheduler, claim, "partially_accepted")
    assert partial.status_code == 200 and partial.json["answered_at"]
    assert move(as_scheduler, claim, "credited").json["detail"].startswith("Registre o crédito")
    moves = events(world["second"], "claim_status")
    assert [(e.changes["status"]["from"], e.changes["status"]["to"]) for e in moves] == [
        ("draft", "sent"),
        ("sent", "in_review"),
        ("in_review", "partially_accepted"),
    ]
    assert all(e.actor_id == scheduler.id and e.at is not None for e in moves)
    assert moves[0].changes["factory_reference"] == "SAC-2030-991"
    assert "Referência da fábrica: SAC-2030-991" in (moves[0].note or "")
    assert len(events(world["case"], "claim_status")) == 3
    assert len(events(world["case"], "claim_answer")) == 1


def answered(client: ApiClient, world: dict[str, Any]) -> dict[str, Any]:
    claim = open_claim(client, world)
    move(client, claim, "sent")
    door, hinge = claim["items"]
    answers = {
        "items": [
            {"id": door["id"], "accepted": True, "accepted_amount": "150.33"},
            {"id": hinge["id"], "accepted": True, "accepted_quantity": "2", "accepted_amount": "24.70"},
        ]
    }
    assert client.post(f"/api/claims/{claim['id']}/answers", json=answers).status_code == 200
    result = move(client, claim, "partially_accepted")
    assert result.status_code == 200, result.json
    return dict(result.json)


def test_partial_acceptance_and_two_credits_balance_to_the_centavo(
    as_scheduler: ApiClient, world: dict[str, Any]
) -> None:
    claim = answered(as_scheduler, world)
    assert claim["accepted"] == "175.03"
    first = {"received_on": "2030-04-02", "amount": "100.01", "form": "order_credit"}
    second = {"received_on": "2030-04-09", "amount": "50.01", "form": "deposit", "note": "TED"}
    assert as_scheduler.post(f"/api/claims/{claim['id']}/credits", json=first).status_code == 201
    result = as_scheduler.post(f"/api/claims/{claim['id']}/credits", json=second)
    assert result.status_code == 201
    body = result.json
    assert (body["claimed"], body["accepted"], body["received"], body["balance"]) == (
        "239.30",
        "175.03",
        "150.02",
        "25.01",
    )
    assert [c["form_label"] for c in body["credits"]] == ["Crédito em pedido", "Depósito"]
    too_precise = as_scheduler.post(f"/api/claims/{claim['id']}/credits", json={**first, "amount": "1.001"})
    assert too_precise.status_code == 422
    assert move(as_scheduler, claim, "credited").status_code == 200
    assert len(events(world["case"], "claim_credit")) == 2


def test_an_accepted_amount_above_the_claimed_one_is_refused(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    claim = open_claim(as_scheduler, world)
    move(as_scheduler, claim, "sent")
    door = claim["items"][0]
    response = as_scheduler.post(
        f"/api/claims/{claim['id']}/answers",
        json={"items": [{"id": door["id"], "accepted": True, "accepted_amount": "189.91"}]},
    )
    assert response.status_code == 422
    assert response.json["errors"]["items.0.accepted_amount"] == [
        "O valor aceito não pode passar do reclamado (R$ 189,90)."
    ]


def test_a_credit_before_acceptance_is_refused(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    claim = open_claim(as_scheduler, world)
    credit = {"received_on": "2030-04-02", "amount": "10.00", "form": "bonus"}
    response = as_scheduler.post(f"/api/claims/{claim['id']}/credits", json=credit)
    assert response.status_code == 409


def test_shipped_parts_mark_the_parts_order_and_offer_a_delivery_visit(
    as_scheduler: ApiClient, world: dict[str, Any], scheduler: User
) -> None:
    from server.cases.models import ServiceCase

    case = db.session.get_one(ServiceCase, world["case"])
    [order] = generate_orders(case, {}, scheduler)
    db.session.commit()
    claim = answered(as_scheduler, world)
    door = claim["items"][0]
    response = as_scheduler.post(
        f"/api/claims/{claim['id']}/shipments", json={"item_ids": [door["id"]], "factory_reference": "NF-R 9"}
    )
    assert response.status_code == 200, response.json
    body = response.json
    assert body["claim"]["status"] == "parts_shipped"
    assert body["claim"]["items"][0]["shipped_at"]
    assert body["orders_marked"] == [order.number]
    [suggestion] = body["visit_suggestions"]
    assert suggestion["case_id"] == world["case"]
    assert suggestion["subject"] == "Entrega/instalação de peças"
    assert suggestion["appointment_type_id"] is not None  # the store's "Entrega de peças"
    assert "AER-80-BR" in suggestion["notes"]
    db.session.expire_all()
    marked = db.session.get_one(PartsOrder, order.id)
    assert marked.status == "sent" and "reclamação" in (marked.notes or "")


def test_technician_sees_which_items_are_under_claim(
    as_scheduler: ApiClient, as_technician: ApiClient, world: dict[str, Any]
) -> None:
    claim = open_claim(as_scheduler, world)
    rows = as_technician.get(f"/api/cases/{world['case']}/claims").json
    assert [(r["claim_number"], r["occurrence_item_id"], r["claim_status_label"]) for r in rows] == [
        (claim["number"], world["door_item"], "Rascunho")
    ]
    assert as_technician.get(f"/api/claims/{claim['id']}").status_code == 403


def test_more_than_the_item_quantity_cannot_be_claimed(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    body = open_claim_body(world)
    body["items"][1]["quantity"] = "5"  # the occurrence item has 4
    response = as_scheduler.post("/api/claims", json=body)
    assert response.status_code == 422
    assert response.json["errors"] == {"items.1.quantity": ["A quantidade reclamada passa da do item (4)."]}
