"""The demo's factory claims: two factories with claims in several states, so the board shows
real-looking figures (one claim overdue, answers, partial acceptance, credits, a refusal)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from server.auth.models import User
from server.cases.models import CaseStatus, ServiceCase
from server.cases.service import load_case
from server.catalogs.models import CatalogEntry, CatalogKind
from server.claims import service
from server.claims.models import Claim
from server.database import utcnow
from server.extensions import db
from server.occurrences.service import create_occurrence
from server.stores.models import Store
from server.suppliers.models import Supplier, SupplierKind
from server.suppliers.service import create_supplier

SECOND_FACTORY = "Móveis Serra Gaúcha"


@dataclass
class DemoClaim:
    factory: int  # 0: the demo's existing factory, 1: the second one
    items: list[tuple[str, str, str, str]]  # description, code, quantity, unit cost
    sent_days_ago: int | None  # None: a draft
    answer_after: int | None = None
    accepted: list[str | None] | None = None  # per item: accepted amount, None refused
    credits: list[tuple[int, str, str]] | None = None  # days ago, amount, form
    final: str | None = None  # a status after the answer (credited, closed)


CLAIMS = [
    DemoClaim(0, [("Corrediça telescópica 45 cm", "CT-45", "2", "129.90")], sent_days_ago=22),
    DemoClaim(
        0,
        [("Porta basculante aéreo 80 cm", "PB-80-BR", "1", "312.40"), ("Puxador cava 60 cm", "PC-60", "2", "38.75")],
        sent_days_ago=30,
        answer_after=6,
        accepted=["312.40", None],
        credits=[(12, "150.00", "order_credit")],
    ),
    DemoClaim(0, [("Lateral roupeiro 2,40 m", "LR-240", "1", "245.00")], sent_days_ago=None),
    DemoClaim(
        1,
        [("Frente de gaveta 60 cm carvalho", "FG-60-CV", "3", "96.30")],
        sent_days_ago=40,
        answer_after=9,
        accepted=["288.90"],
        credits=[(20, "188.90", "bonus"), (8, "100.00", "deposit")],
        final="credited",
    ),
    DemoClaim(
        1,
        [("Tampo ilha 180 cm", "TI-180", "1", "890.00")],
        sent_days_ago=25,
        answer_after=11,
        accepted=[None],
        final="closed",
    ),
    DemoClaim(1, [("Painel ripado 1,20 m", "PR-120", "1", "455.00")], sent_days_ago=6),
]


def _factories(store: Store) -> list[Supplier]:
    existing = db.session.scalar(
        select(Supplier)
        .where(
            Supplier.store_id == store.id, Supplier.kind == SupplierKind.FACTORY.value, Supplier.deleted_at.is_(None)
        )
        .order_by(Supplier.id)
        .limit(1)
    )
    second = create_supplier(
        store,
        {
            "kind": SupplierKind.FACTORY.value,
            "name": SECOND_FACTORY,
            "order_emails": ["pedidos@serragaucha.example.com"],
            "claim_emails": ["sac@serragaucha.example.com"],
            "claim_answer_days": 10,
            "notes": "Responde reclamações por e-mail; pede fotos e NF-e.",
        },
    )
    return [existing or second, second]


def seed_claims(store: Store, scheduler: User) -> int:
    """Factory-paid occurrences on the store's open cases and the claims made of them; how many."""
    factories = _factories(store)
    kind = db.session.scalar(
        select(CatalogEntry.id).where(
            CatalogEntry.store_id == store.id,
            CatalogEntry.kind == CatalogKind.OCCURRENCE_TYPES.value,
            CatalogEntry.name == "Defeito de fabricação",
        )
    ) or db.session.scalar(
        select(CatalogEntry.id).where(
            CatalogEntry.store_id == store.id, CatalogEntry.kind == CatalogKind.OCCURRENCE_TYPES.value
        )
    )
    # Cases in service: the store already fixed what the factory owes (resolved occurrences keep
    # the case where it is), and now claims its cost.
    cases = list(
        db.session.scalars(
            select(ServiceCase)
            .where(ServiceCase.store_id == store.id, ServiceCase.status == CaseStatus.IN_SERVICE.value)
            .order_by(ServiceCase.id)
        )
    )
    if not cases:
        return 0
    made = 0
    for index, plan in enumerate(CLAIMS):
        case = cases[index % len(cases)]
        factory = factories[plan.factory]
        occurrence = create_occurrence(
            load_case(scheduler, case.id),
            {
                "occurrence_type_id": kind,
                "payer": "factory",
                "report": "Defeito de fabricação constatado na vistoria; peça trocada pela loja.",
                "resolved": True,
                "items": [
                    {
                        "description": description,
                        "code": code,
                        "quantity": quantity,
                        "action": "replace",
                        "unit_cost": cost,
                        "supplier_id": factory.id,
                    }
                    for description, code, quantity, cost in plan.items
                ],
            },
            scheduler,
        )
        items = [{"occurrence_item_id": item.id, "outcome": "replacement_part"} for item in occurrence.items]
        claim = service.create_claim(scheduler, {"supplier_id": factory.id, "items": items})
        db.session.commit()
        _advance(scheduler, service.load_claim(scheduler, claim.id), plan)
        made += 1
    return made


def _advance(user: User, claim: Claim, plan: DemoClaim) -> None:
    if plan.sent_days_ago is None:
        return
    now = utcnow()
    service.move(user, claim, {"status": "sent", "factory_reference": f"SAC-{claim.id:04d}"})
    # Dated back as each step is taken: a claim's times count on the board when it closes.
    claim.sent_at = now - timedelta(days=plan.sent_days_ago)
    if plan.accepted is not None:
        answers: list[dict[str, Any]] = [
            {"id": item.id, "accepted": True, "accepted_amount": Decimal(amount)}
            if amount is not None
            else {"id": item.id, "accepted": False, "refusal_reason": "Fora das condições de garantia."}
            for item, amount in zip(claim.items, plan.accepted, strict=True)
        ]
        service.answer(user, claim, {"items": answers})
        verdict = service._verdict(claim)
        assert verdict is not None
        service.move(user, claim, {"status": verdict.value})
        if plan.answer_after is not None:
            claim.answered_at = claim.sent_at + timedelta(days=plan.answer_after)
        db.session.flush()
        for days_ago, amount, form in plan.credits or []:
            credit = {"received_on": date.today() - timedelta(days=days_ago), "amount": Decimal(amount), "form": form}
            service.add_credit(user, claim, credit)
        if plan.final:
            db.session.refresh(claim)
            service.move(user, service.load_claim(user, claim.id), {"status": plan.final})
    db.session.commit()
