from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.common.text import fold
from server.database import Base, StoreRecord


class SupplierKind(StrEnum):
    FACTORY = "factory"
    DISTRIBUTOR = "distributor"
    CARRIER = "carrier"
    SERVICE = "service"


KIND_LABELS = {
    SupplierKind.FACTORY: "Fábrica",
    SupplierKind.DISTRIBUTOR: "Distribuidor",
    SupplierKind.CARRIER: "Transportadora",
    SupplierKind.SERVICE: "Prestador de serviço",
}
UNCLASSIFIED = "A classificar"


class Supplier(StoreRecord, Base):
    """A fornecedor of the store: who parts are ordered from, who carries, who is claimed against.

    `kind` is null only for rows made from the free-text names items had before suppliers
    existed (or that a phone typed): the office classifies them."""

    __tablename__ = "suppliers"
    __table_args__ = (Index("ix_suppliers_store_sort_name", "store_id", "sort_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str | None] = mapped_column(String(12))
    name: Mapped[str] = mapped_column(String(120))
    cnpj: Mapped[str | None] = mapped_column(String(14))
    order_emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    claim_emails: Mapped[list[str]] = mapped_column(JSON, default=list)
    phone: Mapped[str | None] = mapped_column(String(13))
    whatsapp: Mapped[str | None] = mapped_column(String(13))
    notes: Mapped[str | None] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(default=True)
    # Days the factory takes to answer a claim; a claim waiting longer is flagged on the board.
    claim_answer_days: Mapped[int] = mapped_column(default=15, server_default="15")
    sort_name: Mapped[str] = mapped_column(String(120))  # folded: one supplier however it is typed

    def set_name(self, name: str) -> None:
        self.name = " ".join(name.split())
        self.sort_name = fold(self.name)

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[SupplierKind(self.kind)] if self.kind else UNCLASSIFIED

    def __repr__(self) -> str:
        return f"<Supplier {self.id} {self.name!r}>"
