from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text, delete, event, insert, inspect
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from server.common.text import digits, fold, search_blob
from server.database import Base, StoreRecord, live_unique_index

PHONE_TAIL = 8  # the last digits of a phone: the line within its area code, with or without the mobile's 9
PHONE_DIGITS_MAX = 20


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


class CustomerPhone(Base):
    """A live customer's phone as a search key, derived from `Customer.phones` (never synced).

    A phone typed in a search box is found by equality on its last digits (`tail`), whichever way
    it was typed; a LIKE inside the customers' search text would read more of the trigram index
    the more customers a store has. Written by `_write_phone_keys` in the flush that writes the
    customer's phones."""

    __tablename__ = "customer_phones"
    # The tail first: the search may or may not know the store (a user of several stores).
    __table_args__ = (Index("ix_customer_phones_tail_store", "tail", "store_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), index=True)
    digits: Mapped[str] = mapped_column(String(PHONE_DIGITS_MAX))  # as stored: area code (DDD) and number
    tail: Mapped[str] = mapped_column(String(PHONE_TAIL))


def phone_keys(phones: list[str] | None) -> list[str]:
    """The digits of each phone that can be a search key (at least a line's worth of digits)."""
    found = (digits(phone) for phone in phones or [])
    return sorted({number for number in found if PHONE_TAIL <= len(number) <= PHONE_DIGITS_MAX})


def changed_customers(session: Session, *attributes: str) -> list[Customer]:
    """The customers this flush wrote that are new or had one of `attributes` changed."""
    found = []
    for obj in [*session.new, *session.dirty]:
        if not isinstance(obj, Customer):
            continue
        attrs = inspect(obj).attrs
        if obj in session.new or any(attrs[name].history.has_changes() for name in attributes):
            found.append(obj)
    return found


def replace_rows(session: Session, model: Any, changed: list[Customer], rows: list[dict[str, Any]]) -> None:
    """Replace the rows of `model` (a table derived from customers, keyed by `customer_id`) that
    belong to the `changed` customers with `rows`, on the flush's connection."""
    connection = session.connection()
    existing = [customer.id for customer in changed if customer not in session.new]
    if existing:
        connection.execute(delete(model).where(model.customer_id.in_(existing)))
    if rows:
        connection.execute(insert(model), rows)


@event.listens_for(Session, "after_flush")
def _write_phone_keys(session: Session, flush_context: UOWTransaction) -> None:
    """Keep `customer_phones` equal to the live customers' phones, in the flush that wrote them.

    Here rather than in each service, so that every writer of `phones` (the customer's form, a
    case's inline customer, the contracts' import) keeps the keys without knowing of them, and a
    flush of many customers writes their keys in one statement."""
    changed = changed_customers(session, "phones", "deleted_at")
    if not changed:
        return
    rows = [
        {"store_id": customer.store_id, "customer_id": customer.id, "digits": number, "tail": number[-PHONE_TAIL:]}
        for customer in changed
        if customer.deleted_at is None
        for number in phone_keys(customer.phones)
    ]
    replace_rows(session, CustomerPhone, changed, rows)
