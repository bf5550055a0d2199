"""A store's factory claims world, built through the real services: two factories, a contract
with items of each, two cases with factory-paid occurrences (one with a photo and the customer's
signature), and a store-paid occurrence."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from server.appointments.service import create_appointment
from server.attachments.service import link_signature_to_visit
from server.auth.models import User
from server.contracts.service import create_contract
from server.extensions import db
from server.occurrences.service import create_occurrence
from server.stores.models import Store
from server.suppliers.service import create_supplier
from tests.conftest import make_case, make_customer
from tests.test_documents import attach, first, image


def claim_world(store: Store, scheduler: User, technician: User, document: str, tag: str = "") -> dict[str, Any]:
    serra = create_supplier(
        store, {"kind": "factory", "name": f"Móveis Serra{tag}", "claim_emails": ["sac@serra.example.com"]}
    )
    vale = create_supplier(store, {"kind": "factory", "name": f"Vale Planejados{tag}"})
    customer = make_customer(store, document=document, email="cliente@example.com")
    contract = create_contract(
        scheduler,
        {
            "number": f"V-{document[:5]}",
            "customer_id": customer.id,
            "items": [
                {
                    "room_id": first(store.id, "rooms"),
                    "supplier_id": serra.id,
                    "code": "AER-80-BR",
                    "description": "Aéreo 80 cm 2 portas",
                    "finish": "Branco TX",
                    "dimensions": "800x700x350",
                    "quantity": "1",
                    "factory_order_number": "PF-7788",
                    "invoice_number": "NF554433",
                    "invoice_date": date(2030, 1, 10),
                    "delivery_date": date(2030, 1, 20),
                    "installation_date": date(2030, 1, 25),
                },
                {"supplier_id": vale.id, "code": "GAV-60", "description": "Gaveteiro 60 cm", "invoice_number": "NF1"},
            ],
        },
    )
    serra_item, vale_item = contract.items
    case = make_case(scheduler, customer, contract_id=contract.id, assignee_id=technician.id)
    second = make_case(scheduler, customer, contract_id=contract.id, reported_issue="Gaveta travando.")
    visit = create_appointment(
        case,
        {
            "appointment_type_id": first(store.id, "appointment_types"),
            "assignee_id": technician.id,
            "starts_at": datetime(2030, 3, 11, 14 if tag else 9),
            "ends_at": datetime(2030, 3, 11, 15 if tag else 10),
        },
        scheduler,
    )

    def occurrence(on: Any, payer: str, items: list[dict[str, Any]], **extra: Any) -> Any:
        body = {
            "occurrence_type_id": first(store.id, "occurrence_types"),
            "payer": payer,
            "resolved": False,
            "unresolved_reason": "Aguardando a fábrica.",
            "items": items,
            **extra,
        }
        created = create_occurrence(on, body, technician if on.id == case.id else scheduler)
        return created.id, str(created.items[0].id)

    door = occurrence(
        case,
        "factory",
        [{"contract_item_id": serra_item.id, "quantity": "1", "action": "replace", "unit_cost": "189.90"}],
        report="Laminado da porta descolando na borda inferior.",
        appointment_id=visit.id,
    )
    hinge = occurrence(
        second,
        "factory",
        [
            {
                "description": "Dobradiça 35 mm",
                "code": "DOB-35",
                "quantity": "4",
                "action": "replace",
                "supplier_id": serra.id,
                "unit_cost": "12.35",
            }
        ],
    )
    drawer = occurrence(
        second,
        "factory",
        [{"contract_item_id": vale_item.id, "quantity": "1", "action": "replace", "unit_cost": "80.00"}],
    )
    store_paid = occurrence(
        second,
        "store",
        [{"description": "Regulagem", "quantity": "1", "action": "adjust", "supplier_id": serra.id}],
    )
    photo = attach(technician, image("photo", "blue", (640, 480)), occurrence_id=door[0])
    signature = attach(technician, image("signature"), kind="signature")
    link_signature_to_visit(signature, visit.id, technician, "Maria da Silva")
    db.session.commit()
    return {
        "serra": serra.id,
        "vale": vale.id,
        "customer": customer.id,
        "contract": contract.id,
        "serra_item": serra_item.id,
        "vale_item": vale_item.id,
        "case": case.id,
        "second": second.id,
        "door_item": door[1],
        "hinge_item": hinge[1],
        "drawer_item": drawer[1],
        "store_paid_item": store_paid[1],
        "photo": photo,
        "signature": signature,
    }


def open_claim_body(world: dict[str, Any]) -> dict[str, Any]:
    return {
        "supplier_id": world["serra"],
        "items": [
            {"occurrence_item_id": world["door_item"], "outcome": "replacement_part"},
            {"occurrence_item_id": world["hinge_item"], "outcome": "credit"},
        ],
    }
