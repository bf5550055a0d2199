"""A claim's part of its factory's board figures, and the closed claims' running totals.

A claim closes once and then stays as it is (only a credit removed by mistake changes it), so its
part is added to `ClaimTotals` when it closes, and the board reads that row instead of every
claim of the store's history.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select

from server.claims.models import ZERO, Claim, ClaimCredit, ClaimItem, ClaimTotals
from server.extensions import db

DAY = Decimal(86400)
SUMS = (
    "claims",
    "claimed",
    "accepted",
    "received",
    "outstanding",
    "answered",
    "answer_seconds",
    "answered_claimed",
    "answered_accepted",
)


def seconds(start: datetime, end: datetime) -> Decimal:
    """The time between two instants in seconds, exact to the microsecond."""
    span = end - start
    return Decimal(span.days * 86400 + span.seconds) + Decimal(span.microseconds) / Decimal(10**6)


def claim_sums(claim_id: Any) -> tuple[Any, Any, Any]:
    """Claimed, accepted and received of the claim `claim_id` (a column), as scalar subqueries
    read through the items' and credits' claim_id indexes."""
    items = (ClaimItem.claim_id == claim_id, ClaimItem.deleted_at.is_(None))
    credits = (ClaimCredit.claim_id == claim_id, ClaimCredit.deleted_at.is_(None))
    return (
        select(func.coalesce(func.sum(ClaimItem.amount), ZERO)).where(*items).scalar_subquery(),
        select(func.coalesce(func.sum(ClaimItem.accepted_amount), ZERO)).where(*items).scalar_subquery(),
        select(func.coalesce(func.sum(ClaimCredit.amount), ZERO)).where(*credits).scalar_subquery(),
    )


def part_of(
    sent_at: datetime | None, answered_at: datetime | None, claimed: Decimal, accepted: Decimal, received: Decimal
) -> dict[str, Decimal]:
    """One sent claim's part of each of the board's sums."""
    answered = sent_at is not None and answered_at is not None
    return {
        "claims": Decimal(1),
        "claimed": claimed,
        "accepted": accepted,
        "received": received,
        "outstanding": max(accepted - received, ZERO),
        "answered": Decimal(1 if answered else 0),
        "answer_seconds": seconds(sent_at, answered_at) if sent_at and answered_at else Decimal(0),
        "answered_claimed": claimed if answered else ZERO,
        "answered_accepted": accepted if answered else ZERO,
    }


COUNTS = ("claims", "answered")


def add_closed(claim: Claim, sign: int = 1, received: Decimal | None = None) -> None:
    """Add a closed claim's part to its factory's totals (sign -1: take it out), with `received`
    instead of its credits' sum when given. A claim never sent (a draft dropped) is not on the
    board. The caller holds the store's lock (it allocated the store's version)."""
    if claim.sent_at is None:
        return
    totals = db.session.scalar(select(ClaimTotals).where(ClaimTotals.supplier_id == claim.supplier_id))
    if totals is None:
        totals = ClaimTotals(store_id=claim.store_id, supplier_id=claim.supplier_id, **dict.fromkeys(SUMS, 0))
        db.session.add(totals)
    got = claim.received if received is None else received
    part = part_of(claim.sent_at, claim.answered_at, claim.claimed, claim.accepted, got)
    for key in SUMS:
        value = getattr(totals, key) + sign * part[key]
        setattr(totals, key, int(value) if key in COUNTS else value)
