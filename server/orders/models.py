from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.cases.models import ServiceCase
from server.database import Base, StoreRecord
from server.occurrences.models import PAYER_LABELS, OccurrenceItem, Payer
from server.stores.models import Store
from server.suppliers.models import Supplier


class OrderStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    RECEIVED = "received"
    CANCELLED = "cancelled"


ORDER_STATUS_LABELS = {
    OrderStatus.DRAFT: "Rascunho",
    OrderStatus.SENT: "Enviado",
    OrderStatus.RECEIVED: "Recebido",
    OrderStatus.CANCELLED: "Cancelado",
}
OPEN_ORDER = (OrderStatus.DRAFT.value, OrderStatus.SENT.value)
NO_SUPPLIER = "Fornecedor a definir"


class PartsOrder(StoreRecord, Base):
    """A pedido de peças: the items of one case for one supplier and one payer."""

    __tablename__ = "parts_orders"
    __table_args__ = (Index("uq_parts_orders_store_number", "store_id", "number", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    number: Mapped[str] = mapped_column(String(20))
    supplier: Mapped[str | None] = mapped_column(String(120))  # the supplier's name when ordered
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"), index=True)
    payer: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(10), default=OrderStatus.DRAFT.value)
    notes: Mapped[str | None] = mapped_column(String(1000))
    deliver_to_customer: Mapped[bool] = mapped_column(default=False)  # else to the store
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None]
    received_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    case: Mapped[ServiceCase] = relationship(lazy="raise")
    store: Mapped[Store] = relationship(lazy="raise")
    supplier_record: Mapped[Supplier | None] = relationship(lazy="raise")
    items: Mapped[list[OccurrenceItem]] = relationship(
        lazy="raise",
        primaryjoin="and_(PartsOrder.id == OccurrenceItem.order_id, OccurrenceItem.deleted_at.is_(None))",
        order_by="(OccurrenceItem.created_at, OccurrenceItem.id)",
        viewonly=True,
    )

    @property
    def status_label(self) -> str:
        return ORDER_STATUS_LABELS[OrderStatus(self.status)]

    @property
    def supplier_label(self) -> str:
        return self.supplier or NO_SUPPLIER

    @property
    def payer_label(self) -> str:
        return PAYER_LABELS[Payer(self.payer)]

    @property
    def total(self) -> Decimal:
        """The items' totals; items without a cost count in `items_without_cost` instead."""
        return sum((item.total for item in self.items if item.total is not None), Decimal("0.00"))

    @property
    def items_without_cost(self) -> int:
        return sum(1 for item in self.items if item.unit_cost is None)
