from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.common.text import digits, fold, search_blob
from server.database import Base, StoreRecord, live_unique_index


class Customer(StoreRecord, Base):
    __tablename__ = "customers"
    __table_args__ = (
        # One live customer per document in a store; tombstones and customers without one don't count.
        live_unique_index(
            "uq_customers_store_document", "store_id", "document", where="deleted_at IS NULL AND document IS NOT NULL"
        ),
        Index("ix_customers_store_sort_name", "store_id", "sort_name", "id"),
        # Search anywhere in the text (LIKE '%…%') on PostgreSQL; a plain index elsewhere.
        Index(
            "ix_customers_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    document_type: Mapped[str | None] = mapped_column(String(4))  # cpf | cnpj
    document: Mapped[str | None] = mapped_column(String(14))  # digits only
    phones: Mapped[list[str]] = mapped_column(JSON, default=list)
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notes: Mapped[str | None] = mapped_column(Text)
    assistance_only: Mapped[bool] = mapped_column(default=False)
    # Derived for accent- and case-insensitive search and ordering on every database.
    sort_name: Mapped[str] = mapped_column(String(200))
    search_text: Mapped[str] = mapped_column(Text)

    def refresh_search(self) -> None:
        self.sort_name = fold(self.name)
        self.search_text = search_blob(self.name, self.document, *(self.phones or []), self.email, digits(self.email))

    def __repr__(self) -> str:
        return f"<Customer {self.id} {self.name!r}>"
