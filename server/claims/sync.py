"""Claims on the phone: the claim items of the occurrences a user holds, read-only, so that a
technician sees offline which of their occurrences are under claim and how the claim stands."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema
from sqlalchemy import ColumnElement, Select, or_, select
from sqlalchemy.orm import selectinload

from server.claims.models import Claim, ClaimItem
from server.claims.schemas import PhoneClaimItemOut

ITEM = PhoneClaimItemOut()  # built once, as the pull's other schemas (server.sync.scope)


def claim_items_rows(
    changed: ColumnElement[bool], in_scope_occurrences: Select[Any], sent_occurrences: Select[Any]
) -> tuple[Select[Any], Schema]:
    """The pull's query for table `claim_items` (changed, or of an occurrence being sent)."""
    return (
        select(ClaimItem)
        .where(
            ClaimItem.occurrence_id.in_(in_scope_occurrences),
            ClaimItem.deleted_at.is_(None),
            or_(changed, ClaimItem.occurrence_id.in_(sent_occurrences)),
        )
        .options(selectinload(ClaimItem.claim).selectinload(Claim.supplier)),
        ITEM,
    )
