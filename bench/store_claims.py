"""Contracts with items for a share of the customers, and factory claims over the whole history
(rows for bench.store_data's COPY).

Per 1× (a month): contracts for 60 % of the customers (1–4 items each, from four factories), and
a factory-paid occurrence on every tenth case whose first visit is past, claimed against its
factory. A claim lives as the service would move it: drafted 1–2 days after the visit, sent 0–2
days later, answered 2–16 days after sending (accepted, partially accepted or refused), credited
2–5 days after an acceptance, closed 0–2 days after the credit or the refusal. So at 100× (100
months) a store has years of claims, nearly all closed, while the claims still open are about as
many as at 1×.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from bench.common import ADDRESS

CONTRACT_SHARE = 0.6
CLAIM_EVERY = 10  # one case in ten has a factory-paid occurrence, claimed
PRODUCTS = [
    ("AER-80", "Aéreo 80 cm 2 portas"),
    ("BAL-120", "Balcão 120 cm"),
    ("GAV-60", "Gaveteiro 60 cm"),
    ("TAM-180", "Tampo 180 cm"),
    ("POR-40", "Porta 40 cm"),
    ("DOB-35", "Dobradiça 35 mm"),
]
FINISHES = ["Branco TX", "Carvalho", "Grafite", "Off-white"]
# The closed claims' part of the board, per factory, as server.claims.totals adds each claim.
CLAIM_TOTALS = """
INSERT INTO claim_totals (store_id, supplier_id, claims, claimed, accepted, received, outstanding, answered,
                          answer_seconds, answered_claimed, answered_accepted)
SELECT c.store_id, c.supplier_id, count(*), sum(i.claimed), sum(i.accepted), sum(coalesce(r.received, 0)),
       sum(greatest(i.accepted - coalesce(r.received, 0), 0)), count(c.answered_at),
       coalesce(sum(extract(epoch FROM c.answered_at - c.sent_at)), 0),
       coalesce(sum(i.claimed) FILTER (WHERE c.answered_at IS NOT NULL), 0),
       coalesce(sum(i.accepted) FILTER (WHERE c.answered_at IS NOT NULL), 0)
FROM claims c
JOIN (SELECT claim_id, sum(amount) AS claimed, coalesce(sum(accepted_amount), 0) AS accepted
      FROM claim_items WHERE deleted_at IS NULL GROUP BY claim_id) i ON i.claim_id = c.id
LEFT JOIN (SELECT claim_id, sum(amount) AS received
           FROM claim_credits WHERE deleted_at IS NULL GROUP BY claim_id) r ON r.claim_id = c.id
WHERE c.status = 'closed' AND c.sent_at IS NOT NULL AND c.deleted_at IS NULL
GROUP BY c.store_id, c.supplier_id
"""
REFUSALS = ["Mau uso.", "Fora da garantia.", "Dano no transporte: acionar a transportadora."]


@dataclass
class Store:
    """What the rows of one store need from bench.store_data.seed."""

    store_id: int
    now: datetime
    office_id: int
    versioned: Callable[[datetime], dict[str, Any]]
    rooms: list[int]
    product_lines: list[int]
    occurrence_type: int
    factories: list[tuple[int, str]]
    rng: random.Random
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)

    def add(self, table: str, row: dict[str, Any]) -> dict[str, Any]:
        self.rows.setdefault(table, []).append(row)
        return row

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def money(self, low: int, high: int) -> Decimal:
        return Decimal(self.rng.randrange(low * 100, high * 100)) / 100


def contracts(s: Store, customers: list[dict[str, Any]], start: datetime, span: timedelta) -> dict[int, int]:
    """Contracts with items for a share of the customers; customer id -> contract id."""
    contract_of = {}
    item_id = 1
    chosen = [c for c in customers if s.rng.random() < CONTRACT_SHARE]
    for n, customer in enumerate(chosen, start=1):
        sold = start + span * (n / len(chosen))
        s.add(
            "contracts",
            {
                **s.versioned(sold),
                "id": n,
                "number": f"V-{n:07d}",
                "customer_id": customer["id"],
                "delivery_address": ADDRESS,
                "delivery_date": (sold + timedelta(days=30)).date(),
                "notes": None,
            },
        )
        contract_of[customer["id"]] = n
        for position in range(s.rng.randrange(1, 5)):
            code, description = PRODUCTS[s.rng.randrange(len(PRODUCTS))]
            s.add(
                "contract_items",
                {
                    "id": item_id,
                    "contract_id": n,
                    "position": position,
                    "room_id": s.rooms[s.rng.randrange(len(s.rooms))],
                    "product_line_id": s.product_lines[s.rng.randrange(len(s.product_lines))],
                    "description": description,
                    "supplier_id": s.factories[s.rng.randrange(len(s.factories))][0],
                    "code": f"{code}-{position}",
                    "finish": FINISHES[s.rng.randrange(len(FINISHES))],
                    "dimensions": None,
                    "quantity": Decimal(1 + s.rng.randrange(3)),
                    "factory_order_number": f"PF-{n:06d}",
                    "invoice_number": f"NF{n:07d}",
                    "invoice_date": (sold + timedelta(days=10)).date(),
                    "delivery_date": (sold + timedelta(days=30)).date(),
                    "installation_date": (sold + timedelta(days=32)).date(),
                },
            )
            item_id += 1
    return contract_of


def claims(s: Store, cases: list[dict[str, Any]], visits: list[dict[str, Any]]) -> None:
    """A factory-paid occurrence on every tenth case whose first visit is past, and its claim."""
    items_of: dict[int, list[dict[str, Any]]] = {}
    for item in s.rows.get("contract_items", []):
        items_of.setdefault(item["contract_id"], []).append(item)
    numbers: dict[int, int] = {}
    made = []
    for index, case in enumerate(cases):
        visit = visits[index * len(visits) // len(cases)]  # the case's first visit
        seen = visit["ends_at"]
        drafted = seen + timedelta(days=1 + s.rng.random())
        if index % CLAIM_EVERY != 3 or drafted > s.now:
            continue
        sold = items_of.get(case["contract_id"] or 0, [])
        factory_id = sold[0]["supplier_id"] if sold else s.factories[index % len(s.factories)][0]
        factory = dict(s.factories)[factory_id]
        linked = [item for item in sold if item["supplier_id"] == factory_id][:2]
        occurrence = _occurrence(s, case, visit, seen)
        parts = _parts(s, occurrence, factory_id, factory, linked, seen)
        made.append((drafted, case, parts, factory_id))
    made.sort(key=lambda entry: entry[0])
    for claim_id, (drafted, case, parts, factory_id) in enumerate(made, start=1):
        numbers[drafted.year] = numbers.get(drafted.year, 0) + 1
        _claim(s, claim_id, f"RF-{drafted.year}-{numbers[drafted.year]:05d}", drafted, case, parts, factory_id)


def _occurrence(s: Store, case: dict[str, Any], visit: dict[str, Any], seen: datetime) -> dict[str, Any]:
    occurrence_id = s.uuid()
    return s.add(
        "occurrences",
        {
            **s.versioned(seen),
            "id": occurrence_id,
            "case_id": case["id"],
            "appointment_id": visit["id"],
            "author_id": visit["assignee_id"],
            "responsible_id": None,
            "occurrence_type_id": s.occurrence_type,
            "status_id": None,
            "room_id": None,
            "product_line_id": None,
            "payer": "factory",
            "supplier_order_number": None,
            "carrier_id": None,
            "expected_fix_date": case["due_at"].date(),
            "report": "Peça com defeito de fabricação.",
            "resolved": False,
            "unresolved_reason": "Aguardando a fábrica.",
            "request_hash": hashlib.sha256(occurrence_id.bytes).hexdigest(),
        },
    )


def _parts(
    s: Store,
    occurrence: dict[str, Any],
    factory_id: int,
    factory: str,
    linked: list[dict[str, Any]],
    seen: datetime,
) -> list[dict[str, Any]]:
    sources: list[dict[str, Any] | None] = list(linked) or [None] * (1 + s.rng.randrange(2))
    parts = []
    for source in sources:
        code, description = PRODUCTS[s.rng.randrange(len(PRODUCTS))]
        parts.append(
            s.add(
                "occurrence_items",
                {
                    **s.versioned(seen),
                    "id": s.uuid(),
                    "occurrence_id": occurrence["id"],
                    "order_id": None,
                    "description": source["description"] if source else description,
                    "code": source["code"] if source else code,
                    "quantity": Decimal(1 + s.rng.randrange(2)),
                    "unit": "un",
                    "action": "replace",
                    "supplier": factory,
                    "supplier_id": factory_id,
                    "needs_part": False,
                    "unit_cost": s.money(20, 400),
                    "contract_item_id": source["id"] if source else None,
                },
            )
        )
    return parts


def _claim(
    s: Store,
    claim_id: int,
    number: str,
    drafted: datetime,
    case: dict[str, Any],
    parts: list[dict[str, Any]],
    factory_id: int,
) -> None:
    rng, now = s.rng, s.now
    sent = drafted + timedelta(days=2 * rng.random())
    answered = sent + timedelta(days=2 + 14 * rng.random())
    verdict = rng.choices(["accepted", "partially_accepted", "refused"], weights=[60, 25, 15])[0]
    credited = answered + timedelta(days=2 + 3 * rng.random()) if verdict != "refused" else None
    closed = (credited or answered) + timedelta(days=2 * rng.random())
    if sent > now:
        status, last = "draft", drafted
    elif answered > now:
        status, last = ("in_review" if now > sent + timedelta(days=2) else "sent"), sent
    elif (credited is not None and credited > now) or (credited is None and closed > now):
        status, last = verdict, answered
    elif closed > now:
        status, last = "credited", credited or answered
    else:
        status, last = "closed", closed
    stamp = s.versioned(min(last, now))
    answered_now = status not in ("draft", "sent", "in_review")
    accepted_total = Decimal("0.00")
    for n, part in enumerate(parts):
        amount = (part["quantity"] * part["unit_cost"]).quantize(Decimal("0.01"))
        refused = verdict == "refused" or (verdict == "partially_accepted" and n == 0 and len(parts) > 1)
        accepted = None
        if answered_now and not refused:
            accepted = (amount / 2).quantize(Decimal("0.01")) if verdict == "partially_accepted" else amount
            accepted_total += accepted
        s.add(
            "claim_items",
            {
                **s.versioned(min(last, now)),
                "claim_id": claim_id,
                "occurrence_item_id": part["id"],
                "occurrence_id": part["occurrence_id"],
                "case_id": case["id"],
                "outcome": "replacement_part" if n % 2 == 0 else "credit",
                "quantity": part["quantity"],
                "amount": amount,
                "answer": ("refused" if refused else "accepted") if answered_now else "pending",
                "accepted_quantity": part["quantity"] if accepted is not None else None,
                "accepted_amount": accepted,
                "refusal_reason": REFUSALS[n % len(REFUSALS)] if answered_now and refused else None,
                "shipped_at": None,
            },
        )
    s.add(
        "claims",
        {
            **stamp,
            "created_at": min(drafted, now),
            "id": claim_id,
            "number": number,
            "supplier_id": factory_id,
            "status": status,
            "factory_reference": f"PROT-{claim_id:06d}" if status != "draft" else None,
            "notes": None,
            "created_by_id": s.office_id,
            "sent_at": sent if status != "draft" else None,
            "answered_at": answered if answered_now else None,
            "closed_at": closed if status == "closed" else None,
            "email_ids": [],
        },
    )
    if credited is not None and credited <= now and accepted_total > 0:
        # One claim in ten: the factory paid less than it accepted, and the store let it go.
        paid = accepted_total if rng.random() > 0.1 else (accepted_total * Decimal("0.8")).quantize(Decimal("0.01"))
        s.add(
            "claim_credits",
            {
                **s.versioned(credited),
                "claim_id": claim_id,
                "received_on": credited.date(),
                "amount": paid,
                "form": "order_credit",
                "note": None,
                "created_by_id": s.office_id,
            },
        )
