"""The claims' and imports' rows of the authorization matrix (tests/test_authorization.py), and
the records they act on."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from server.auth.models import Role, User
from server.cases.models import ServiceCase
from server.catalogs.models import CatalogEntry
from server.claims import service as claims
from server.contracts.models import ContractImport, ImportStatus
from server.extensions import db
from server.occurrences.service import create_occurrence
from server.stores.models import Store
from server.suppliers.service import create_supplier

ADMIN, SCHEDULER, TECHNICIAN = Role.ADMIN.value, Role.SCHEDULER.value, Role.TECHNICIAN.value
ALL = {ADMIN, SCHEDULER, TECHNICIAN}
OFFICE = {ADMIN, SCHEDULER}


def claim_records(store: Store, scheduler: User, case_id: int) -> dict[str, Any]:
    """A factory, a factory-paid occurrence with two items, an accepted claim of the first with a
    credit (the second item stays free to claim), and a finished import."""
    factory = create_supplier(
        store, {"kind": "factory", "name": "Fábrica Matriz", "claim_emails": ["sac@matriz.example.com"]}
    )
    kind = db.session.scalar(
        select(CatalogEntry.id).where(CatalogEntry.store_id == store.id, CatalogEntry.kind == "occurrence_types")
    )
    case = db.session.get_one(ServiceCase, case_id)
    item = {"description": "Porta", "code": "P-1", "quantity": "1", "action": "replace", "supplier_id": factory.id}
    occurrence = create_occurrence(
        case,
        {
            "occurrence_type_id": kind,
            "payer": "factory",
            "resolved": False,
            "unresolved_reason": "Peça.",
            "items": [item, item],
        },
        scheduler,
    )
    claimed, free = (i.id for i in occurrence.items)
    claim = claims.create_claim(
        scheduler, {"supplier_id": factory.id, "items": [{"occurrence_item_id": claimed, "outcome": "credit"}]}
    )
    db.session.commit()
    claim = claims.load_claim(scheduler, claim.id)
    claims.move(scheduler, claim, {"status": "sent"})
    claims.answer(scheduler, claim, {"items": [{"id": claim.items[0].id, "accepted": True}]})
    claims.move(scheduler, claim, {"status": "accepted"})
    claims.add_credit(scheduler, claim, {"received_on": date(2030, 4, 1), "amount": Decimal("1.00"), "form": "bonus"})
    job = ContractImport(store_id=store.id, status=ImportStatus.DONE, summary={}, errors=[], id=uuid.uuid4())
    db.session.add(job)
    db.session.commit()
    claim = claims.load_claim(scheduler, claim.id)
    return {
        "claim_id": claim.id,
        "claim_item_id": claim.items[0].id,
        "credit_id": claim.credits[0].id,
        "claim_supplier_id": factory.id,
        "free_claim_item": str(free),
        "import_id": job.id,
    }


def _new_claim(ids: dict[str, Any]) -> dict[str, Any]:
    return {
        "supplier_id": ids["claim_supplier_id"],
        "items": [{"occurrence_item_id": ids["free_claim_item"], "outcome": "credit"}],
    }


def claim_endpoints(endpoint: Any) -> list[Any]:
    """The rows, made with the matrix's own Endpoint class."""
    E = endpoint
    return [
        E("GET", "/api/claims", OFFICE),
        E("POST", "/api/claims", OFFICE, _new_claim, once=True),
        E("GET", "/api/claims/board", OFFICE),
        E("GET", "/api/claims/<int:claim_id>", OFFICE),
        E("PATCH", "/api/claims/<int:claim_id>", OFFICE, {"notes": "Conferido."}),
        E("POST", "/api/claims/<int:claim_id>/moves", OFFICE, {"status": "closed"}),
        E(
            "POST",
            "/api/claims/<int:claim_id>/answers",
            OFFICE,
            lambda ids: {"items": [{"id": ids["claim_item_id"], "accepted": True}]},
        ),
        E(
            "POST",
            "/api/claims/<int:claim_id>/credits",
            OFFICE,
            {"received_on": "2030-04-02", "amount": "2.00", "form": "deposit"},
        ),
        E("DELETE", "/api/claims/<int:claim_id>/credits/<int:credit_id>", OFFICE),
        E("POST", "/api/claims/<int:claim_id>/shipments", OFFICE, lambda ids: {"item_ids": [ids["claim_item_id"]]}),
        E("GET", "/api/claims/<int:claim_id>/dossier.pdf", OFFICE),
        E("POST", "/api/claims/<int:claim_id>/dossier/email", OFFICE, {}),
        E("GET", "/api/cases/<int:case_id>/claims", ALL),
        # The file is the raw body: its own tests are in test_contract_import.py.
        E("POST", "/api/imports/preview", OFFICE),
        E("POST", "/api/imports", OFFICE),
        E("GET", "/api/imports/<uuid:import_id>", OFFICE),
    ]
