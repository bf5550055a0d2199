from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.catalogs.models import CatalogEntry
from server.customers.models import Customer
from server.database import Base, StoreRecord, live_unique_index


class Contract(StoreRecord, Base):
    """A sales contract (contrato de venda): what was sold, to whom, delivered where."""

    __tablename__ = "contracts"
    __table_args__ = (live_unique_index("uq_contracts_store_number", "store_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    delivery_address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    delivery_date: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(String(2000))

    customer: Mapped[Customer] = relationship(lazy="raise")
    # Part of the contract: written and versioned with it.
    items: Mapped[list[ContractItem]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="ContractItem.position"
    )

    def __repr__(self) -> str:
        return f"<Contract {self.id} {self.number!r}>"


class ContractItem(Base):
    """A room and product line sold in a contract (e.g. Cozinha — Cozinhas, 'armários e torre quente')."""

    __tablename__ = "contract_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id"), index=True)
    product_line_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id"), index=True)
    description: Mapped[str | None] = mapped_column(String(300))

    room: Mapped[CatalogEntry | None] = relationship(foreign_keys=[room_id], lazy="raise")
    product_line: Mapped[CatalogEntry | None] = relationship(foreign_keys=[product_line_id], lazy="raise")
