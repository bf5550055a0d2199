from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, LargeBinary, Numeric, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.catalogs.models import CatalogEntry
from server.customers.models import Customer
from server.database import Base, StoreRecord, live_unique_index
from server.suppliers.models import Supplier


class Contract(StoreRecord, Base):
    """A sales contract (contrato de venda): what was sold, to whom, delivered where."""

    __tablename__ = "contracts"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40))
    __table_args__ = (
        live_unique_index("uq_contracts_store_number", "store_id", "number"),
        # A number searched anywhere in it (lower(number) LIKE '%…%') on PostgreSQL, a plain index
        # elsewhere. On lower(number), not the column: PostgreSQL would take a trigram index on the
        # column for `number IN (…)` too (the import's look-up), and read it far slower than the
        # unique index.
        Index(
            "ix_contracts_number_trgm",
            func.lower(number).label("number_lower"),
            postgresql_using="gin",
            postgresql_ops={"number_lower": "gin_trgm_ops"},
        ),
    )
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
    """What was sold, line by line: a room and product line (e.g. Cozinha — Cozinhas), down to the
    factory's module or part code, with the order, invoice and dates a claim to the factory needs.

    Edited in place (ids kept): an occurrence item may point at one."""

    __tablename__ = "contract_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    contract_id: Mapped[int] = mapped_column(ForeignKey("contracts.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    room_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id"), index=True)
    product_line_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id"), index=True)
    description: Mapped[str | None] = mapped_column(String(300))
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"), index=True)  # the factory
    code: Mapped[str | None] = mapped_column(String(60))  # module / part code
    finish: Mapped[str | None] = mapped_column(String(80))  # acabamento / cor
    dimensions: Mapped[str | None] = mapped_column(String(80))
    quantity: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    factory_order_number: Mapped[str | None] = mapped_column(String(40))
    invoice_number: Mapped[str | None] = mapped_column(String(20))  # NF-e
    invoice_date: Mapped[date | None]
    delivery_date: Mapped[date | None]
    installation_date: Mapped[date | None]

    room: Mapped[CatalogEntry | None] = relationship(foreign_keys=[room_id], lazy="raise")
    product_line: Mapped[CatalogEntry | None] = relationship(foreign_keys=[product_line_id], lazy="raise")
    supplier: Mapped[Supplier | None] = relationship(lazy="raise")


class ImportStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ContractImport(StoreRecord, Base):
    """An import of customers, contracts and their items from a file: the file itself until it is
    written, and the progress the office polls."""

    __tablename__ = "contract_imports"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    filename: Mapped[str | None] = mapped_column(String(200))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)  # dropped once written
    status: Mapped[str] = mapped_column(String(10), default=ImportStatus.QUEUED)
    total_rows: Mapped[int] = mapped_column(default=0)
    processed_rows: Mapped[int] = mapped_column(default=0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    errors: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    finished_at: Mapped[datetime | None]
