"""The claims board: per factory, what is open, how long the factory takes to answer, how much of
what was claimed it accepts, and how much of the accepted money came back.

Figures are over the claims sent (drafts are the store's own work in progress):
* open: sent and not closed; waiting: sent or in review (the factory owes an answer);
* mean days to answer: from sending to the first answer, over the claims answered;
* acceptance rate: accepted ÷ claimed amount over the claims answered;
* claimed / accepted / received, and outstanding = accepted − received (per claim, never below 0:
  a factory that paid one claim twice does not pay another);
* overdue: waiting longer than the factory's `claim_answer_days`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import selectinload

from server.auth.access import visible
from server.auth.models import User
from server.claims.models import WAITING, ZERO, Claim, ClaimStatus
from server.database import utcnow
from server.extensions import db
from server.stores.models import Store


def _days(start: datetime, end: datetime) -> Decimal:
    return Decimal((end - start).total_seconds()) / Decimal(86400)


def board(user: User, store_id: int | None, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    stmt = (
        visible(Claim, user)
        .where(Claim.status != ClaimStatus.DRAFT.value, Claim.sent_at.is_not(None))
        .options(selectinload(Claim.supplier), selectinload(Claim.items), selectinload(Claim.credits))
    )
    if store_id is not None:
        stmt = stmt.where(Claim.store_id == store_id)
    by_factory: dict[int, list[Claim]] = defaultdict(list)
    for claim in db.session.scalars(stmt.order_by(Claim.id)):
        by_factory[claim.supplier_id].append(claim)
    rows = [_row(claims, now) for claims in by_factory.values()]
    rows.sort(key=lambda row: (-row["outstanding"], row["supplier"]["name"]))
    totals = {
        key: str(sum((row[key] for row in rows), ZERO)) for key in ("claimed", "accepted", "received", "outstanding")
    }
    return {"factories": rows, "totals": totals}


def _row(claims: list[Claim], now: datetime) -> dict[str, Any]:
    supplier = claims[0].supplier
    tz = ZoneInfo(db.session.get_one(Store, supplier.store_id).timezone)
    waiting = [c for c in claims if c.status in WAITING]
    answered = [c for c in claims if c.answered_at is not None and c.sent_at is not None]
    oldest = min(waiting, key=lambda c: c.sent_at) if waiting else None  # type: ignore[arg-type,return-value]
    claimed_answered = sum((c.claimed for c in answered), ZERO)
    accepted_answered = sum((c.accepted for c in answered), ZERO)
    overdue = [
        {
            "id": c.id,
            "number": c.number,
            "sent_on": c.sent_at.astimezone(tz).date(),  # type: ignore[union-attr]
            "days_waiting": int(_days(c.sent_at, now)),  # type: ignore[arg-type]
        }
        for c in waiting
        if _days(c.sent_at, now) > supplier.claim_answer_days  # type: ignore[arg-type]
    ]
    return {
        "supplier": {"id": supplier.id, "name": supplier.name},
        "claim_answer_days": supplier.claim_answer_days,
        "open_claims": sum(1 for c in claims if c.status != ClaimStatus.CLOSED.value),
        "oldest_waiting_since": oldest.sent_at.astimezone(tz).date() if oldest and oldest.sent_at else None,
        "oldest_waiting_days": int(_days(oldest.sent_at, now)) if oldest and oldest.sent_at else None,
        "mean_days_to_answer": (
            (sum((_days(c.sent_at, c.answered_at) for c in answered), Decimal(0)) / len(answered)).quantize(  # type: ignore[arg-type]
                Decimal("0.1")
            )
            if answered
            else None
        ),
        "acceptance_rate": (accepted_answered / claimed_answered).quantize(Decimal("0.001"))
        if claimed_answered
        else None,
        "claimed": sum((c.claimed for c in claims), ZERO),
        "accepted": sum((c.accepted for c in claims), ZERO),
        "received": sum((c.received for c in claims), ZERO),
        "outstanding": sum((max(c.balance, ZERO) for c in claims), ZERO),
        "overdue": overdue,
    }
