"""The claims board: per factory, what is open, how long the factory takes to answer, how much of
what was claimed it accepts, and how much of the accepted money came back.

Figures are over the claims sent (drafts are the store's own work in progress):
* open: sent and not closed; waiting: sent or in review (the factory owes an answer);
* mean days to answer: from sending to the first answer, over the claims answered;
* acceptance rate: accepted ÷ claimed amount over the claims answered;
* claimed / accepted / received, and outstanding = accepted − received (per claim, never below 0:
  a factory that paid one claim twice does not pay another);
* overdue: waiting longer than the factory's `claim_answer_days`.

The closed claims' part of each figure is kept per factory in `ClaimTotals` as claims close
(server.claims.totals); the open claims are read with their sums in one statement. So the board
costs the same whether the store has one month of claims or ten years.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Row, select

from server.auth.access import visible
from server.auth.models import User
from server.claims.models import ON_BOARD, WAITING, ZERO, Claim, ClaimTotals
from server.claims.totals import DAY, SUMS, claim_sums, part_of, seconds
from server.database import utcnow
from server.extensions import db
from server.stores.models import Store
from server.suppliers.models import Supplier


def _open_claims(user: User, store_id: int | None) -> list[Row[Any]]:
    claimed, accepted, received = claim_sums(Claim.id)
    stmt = (
        visible(Claim, user)
        .with_only_columns(
            Claim.id,
            Claim.number,
            Claim.supplier_id,
            Claim.status,
            Claim.sent_at,
            Claim.answered_at,
            claimed.label("claimed"),
            accepted.label("accepted"),
            received.label("received"),
        )
        .where(Claim.status.in_(ON_BOARD), Claim.sent_at.is_not(None))
        .order_by(Claim.id)
    )
    if store_id is not None:
        stmt = stmt.where(Claim.store_id == store_id)
    return list(db.session.execute(stmt))


def _closed_totals(user: User, store_id: int | None) -> list[ClaimTotals]:
    stmt = select(ClaimTotals).where(ClaimTotals.store_id.in_(user.store_ids), ClaimTotals.claims > 0)
    if store_id is not None:
        stmt = stmt.where(ClaimTotals.store_id == store_id)
    return list(db.session.scalars(stmt))


def board(user: User, store_id: int | None, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    open_by_factory: dict[int, list[Row[Any]]] = defaultdict(list)
    for claim in _open_claims(user, store_id):
        open_by_factory[claim.supplier_id].append(claim)
    closed = {row.supplier_id: row for row in _closed_totals(user, store_id)}
    factory_ids = set(open_by_factory) | set(closed)
    suppliers = list(db.session.scalars(select(Supplier).where(Supplier.id.in_(factory_ids)))) if factory_ids else []
    rows = [_row(supplier, closed.get(supplier.id), open_by_factory[supplier.id], now) for supplier in suppliers]
    rows.sort(key=lambda row: (-row["outstanding"], row["supplier"]["name"]))
    totals = {
        key: str(sum((row[key] for row in rows), ZERO)) for key in ("claimed", "accepted", "received", "outstanding")
    }
    return {"factories": rows, "totals": totals}


def _row(supplier: Supplier, closed: ClaimTotals | None, open_claims: list[Row[Any]], now: datetime) -> dict[str, Any]:
    tz = ZoneInfo(db.session.get_one(Store, supplier.store_id).timezone)
    figures = {key: getattr(closed, key) if closed is not None else Decimal(0) for key in SUMS}
    for claim in open_claims:
        part = part_of(claim.sent_at, claim.answered_at, claim.claimed, claim.accepted, claim.received)
        for key in SUMS:
            figures[key] += part[key]
    waiting = [c for c in open_claims if c.status in WAITING]
    oldest = min(waiting, key=lambda c: c.sent_at) if waiting else None
    answered, answered_claimed = int(figures["answered"]), figures["answered_claimed"]
    overdue = [
        {
            "id": c.id,
            "number": c.number,
            "sent_on": c.sent_at.astimezone(tz).date(),
            "days_waiting": int(seconds(c.sent_at, now) / DAY),
        }
        for c in waiting
        if seconds(c.sent_at, now) / DAY > supplier.claim_answer_days
    ]
    return {
        "supplier": {"id": supplier.id, "name": supplier.name},
        "claim_answer_days": supplier.claim_answer_days,
        "open_claims": len(open_claims),
        "oldest_waiting_since": oldest.sent_at.astimezone(tz).date() if oldest else None,
        "oldest_waiting_days": int(seconds(oldest.sent_at, now) / DAY) if oldest else None,
        "mean_days_to_answer": (
            (figures["answer_seconds"] / DAY / answered).quantize(Decimal("0.1")) if answered else None
        ),
        "acceptance_rate": (
            (figures["answered_accepted"] / answered_claimed).quantize(Decimal("0.001")) if answered_claimed else None
        ),
        "claimed": figures["claimed"],
        "accepted": figures["accepted"],
        "received": figures["received"],
        "outstanding": figures["outstanding"],
        "overdue": overdue,
    }
