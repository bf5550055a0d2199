from __future__ import annotations

import uuid
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import User
from server.cases.models import ServiceCase
from server.catalogs.models import CatalogEntry
from server.database import Base, StoreRecord
from server.stores.models import Store
from server.suppliers.models import Supplier

if TYPE_CHECKING:
    from server.attachments.models import Attachment
    from server.orders.models import PartsOrder


CENT = Decimal("0.01")


def line_total(quantity: Decimal, unit_cost: Decimal | None) -> Decimal | None:
    """quantity × unit cost to the cent, half up (1.5 × 33.33 = 49.995 → 50.00); None without a cost."""
    if unit_cost is None:
        return None
    return (Decimal(quantity) * Decimal(unit_cost)).quantize(CENT, rounding=ROUND_HALF_UP)


class Payer(StrEnum):
    """Modalidade: who bears the cost of fixing it."""

    STORE = "store"
    FACTORY = "factory"
    CUSTOMER = "customer"
    CARRIER = "carrier"


PAYER_LABELS = {
    Payer.STORE: "Paga pela Loja",
    Payer.FACTORY: "Paga pela Fábrica",
    Payer.CUSTOMER: "Paga pelo Cliente",
    Payer.CARRIER: "Paga pela Transportadora",
}


class ItemAction(StrEnum):
    REPLACE = "replace"
    REPAIR = "repair"
    ADJUST = "adjust"


ACTION_LABELS = {ItemAction.REPLACE: "Substituir", ItemAction.REPAIR: "Reparar", ItemAction.ADJUST: "Ajustar"}


class Occurrence(StoreRecord, Base):
    """An ocorrência: what a visit found, who pays, and what must be done or bought.

    Its id is a UUID a phone may generate, so that a retried create finds the same record;
    `request_hash` tells a retry (same body) from a different record under a reused id.
    """

    __tablename__ = "occurrences"
    # The month's occurrences (the painel's costs by payer) without reading the store's history.
    __table_args__ = (Index("ix_occurrences_store_created", "store_id", "created_at"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    appointment_id: Mapped[int | None] = mapped_column(ForeignKey("appointments.id"), index=True)  # the visit
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    responsible_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # Responsável
    occurrence_type_id: Mapped[int] = mapped_column(ForeignKey("catalog_entries.id"))
    status_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id"))
    product_line_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id"))
    payer: Mapped[str] = mapped_column(String(10))
    supplier_order_number: Mapped[str | None] = mapped_column(String(40))
    carrier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))  # when the carrier pays
    expected_fix_date: Mapped[date]
    report: Mapped[str | None] = mapped_column(Text)
    resolved: Mapped[bool | None] = mapped_column(default=None)  # None: not decided yet (no visit)
    unresolved_reason: Mapped[str | None] = mapped_column(String(500))
    request_hash: Mapped[str] = mapped_column(String(64))

    case: Mapped[ServiceCase] = relationship(lazy="raise")
    store: Mapped[Store] = relationship(lazy="raise")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id], lazy="raise")
    responsible: Mapped[User | None] = relationship(foreign_keys=[responsible_id], lazy="raise")
    occurrence_type: Mapped[CatalogEntry] = relationship(foreign_keys=[occurrence_type_id], lazy="raise")
    status: Mapped[CatalogEntry | None] = relationship(foreign_keys=[status_id], lazy="raise")
    room: Mapped[CatalogEntry | None] = relationship(foreign_keys=[room_id], lazy="raise")
    product_line: Mapped[CatalogEntry | None] = relationship(foreign_keys=[product_line_id], lazy="raise")
    carrier: Mapped[Supplier | None] = relationship(lazy="raise")
    attachments: Mapped[list[Attachment]] = relationship(
        lazy="raise",
        primaryjoin="and_(Occurrence.id == Attachment.occurrence_id, Attachment.deleted_at.is_(None))",
        order_by="(Attachment.created_at, Attachment.id)",
        viewonly=True,
    )
    items: Mapped[list[OccurrenceItem]] = relationship(
        lazy="raise",
        primaryjoin="and_(Occurrence.id == OccurrenceItem.occurrence_id, OccurrenceItem.deleted_at.is_(None))",
        order_by="(OccurrenceItem.created_at, OccurrenceItem.id)",
        viewonly=True,
    )

    @property
    def payer_label(self) -> str:
        return PAYER_LABELS[Payer(self.payer)]

    @property
    def deadline(self) -> date:
        """The case's legal deadline as a date in the store's timezone."""
        return self.case.due_at.astimezone(ZoneInfo(self.store.timezone)).date()

    @property
    def warnings(self) -> list[str]:
        if self.expected_fix_date > self.deadline:
            return [
                f"A previsão de correção ({self.expected_fix_date:%d/%m/%Y}) passa do prazo da assistência "
                f"({self.deadline:%d/%m/%Y}, CDC art. 18)."
            ]
        return []


class OccurrenceItem(StoreRecord, Base):
    """A part, module or hardware to replace, repair or adjust; parts are bought through a parts order."""

    __tablename__ = "occurrence_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    occurrence_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("occurrences.id"), index=True)
    order_id: Mapped[int | None] = mapped_column(ForeignKey("parts_orders.id"), index=True)
    description: Mapped[str] = mapped_column(String(300))
    code: Mapped[str | None] = mapped_column(String(60))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    unit: Mapped[str] = mapped_column(String(10), default="un")
    action: Mapped[str] = mapped_column(String(10))
    supplier: Mapped[str | None] = mapped_column(String(120))  # the supplier's name, as it was when named
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"), index=True)
    needs_part: Mapped[bool] = mapped_column(default=False)  # a repair or adjustment that still needs a part
    unit_cost: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    contract_item_id: Mapped[int | None] = mapped_column(ForeignKey("contract_items.id"), index=True)

    occurrence: Mapped[Occurrence] = relationship(lazy="raise")
    order: Mapped[PartsOrder | None] = relationship(lazy="raise")

    @property
    def action_label(self) -> str:
        return ACTION_LABELS[ItemAction(self.action)]

    @property
    def is_part(self) -> bool:
        """Whether it is bought: a replacement, or flagged as needing a part; labour never is."""
        return self.action == ItemAction.REPLACE.value or self.needs_part

    @property
    def total(self) -> Decimal | None:
        return line_total(self.quantity, self.unit_cost)
