"""Customers found by a word, a page at a time in name order, whatever the store's size.

A word such as a first name matches one block of customers somewhere in the name order. The
trigram index finds every one of them, but a page then means sorting them all: at 100× a
"Gabriela" is four thousand customers sorted to show 25. Here each word of the customers'
search text keeps its own list in name order (`customer_words`), and the store's words are
listed once each (`customer_vocabulary`). A term is looked up in the vocabulary (few rows,
a trigram index on PostgreSQL), then each matching word's list is read from the page's start,
one page deep: the work is the page times the matching words, not the matching customers.

A word here is a run of letters of the folded search text, so a term made of letters alone is
found exactly where the plain LIKE on the search text finds it: inside one of those runs. Other
terms (digits, punctuation, two words, under three letters) and a term that matches too many
words take `server.customers.search`.

Both tables are derived from `Customer.search_text` and written in the flush that writes it,
as `customer_phones` is; a word no customer uses any more stays in the vocabulary and finds an
empty list.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ForeignKey, Index, Select, String, event, literal, select, tuple_
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Mapped, Session, UOWTransaction, mapped_column

from server.common.pagination import Page, cursor_bounds, page_size, paginate
from server.common.text import fold, like_pattern
from server.customers.models import Customer, changed_customers, replace_rows
from server.database import Base
from server.extensions import db

LETTERS = re.compile(r"[^\W\d_]+")  # letters of any alphabet: not digits, not "_", not punctuation
WORD_MIN = 3  # shorter terms match too many words, and a trigram needs three
WORD_LISTS_MAX = 40  # the lists one page may read; a term matching more takes the other path
WORD_MAX = 254  # as long as the longest field in the search text (an e-mail)


class CustomerVocabulary(Base):
    """Each word of a store's customers, once."""

    __tablename__ = "customer_vocabulary"
    __table_args__ = (
        Index(
            "ix_customer_vocabulary_word_trgm",
            "word",
            postgresql_using="gin",
            postgresql_ops={"word": "gin_trgm_ops"},
        ),
    )

    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), primary_key=True)
    word: Mapped[str] = mapped_column(String(WORD_MAX), primary_key=True)


class CustomerWord(Base):
    """A live customer under one of its words, with its name order (never synced)."""

    __tablename__ = "customer_words"
    __table_args__ = (Index("ix_customer_words_list", "store_id", "word", "sort_name", "customer_id"),)

    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    word: Mapped[str] = mapped_column(String(WORD_MAX), primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"))
    sort_name: Mapped[str] = mapped_column(String(200))


def letter_words(search_text: str) -> list[str]:
    """The words a customer is listed under, sorted (the order every writer inserts them in)."""
    return sorted({word[:WORD_MAX] for word in LETTERS.findall(search_text)})


def single_word(term: str) -> str | None:
    """The term as one word of letters the lists can answer, else None."""
    word = fold(term)
    return word if len(word) >= WORD_MIN and LETTERS.fullmatch(word) else None


def word_rows(customer: Customer) -> list[dict[str, Any]]:
    return [
        {"customer_id": customer.id, "word": word, "store_id": customer.store_id, "sort_name": customer.sort_name}
        for word in letter_words(customer.search_text)
    ]


def add_to_vocabulary(connection: Connection, pairs: list[dict[str, Any]]) -> None:
    """Insert the (store, word) pairs the vocabulary lacks. Sorted, so that two transactions
    adding the same words wait for each other in one order and never deadlock."""
    if not pairs:
        return
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    rows = sorted({(pair["store_id"], pair["word"]) for pair in pairs})
    stmt = dialect.insert(CustomerVocabulary).on_conflict_do_nothing()
    connection.execute(stmt, [{"store_id": store_id, "word": word} for store_id, word in rows])


@event.listens_for(Session, "after_flush")
def _write_words(session: Session, flush_context: UOWTransaction) -> None:
    """Keep each customer's lists equal to its search text, in the flush that wrote it (every
    writer of a customer — the form, a case's inline customer, the contracts' import — keeps
    them without knowing of them)."""
    changed = changed_customers(session, "search_text", "sort_name", "deleted_at")
    if not changed:
        return
    rows = [row for customer in changed if customer.deleted_at is None for row in word_rows(customer)]
    add_to_vocabulary(session.connection(), rows)
    replace_rows(session, CustomerWord, changed, rows)


def page_by_word(stmt: Select[Any], word: str, stores: list[int], args: dict[str, Any]) -> Page[Customer] | None:
    """The page of `stmt`'s customers (visible ones) having a word that contains `word`, in name
    order after the cursor; None when the word matches more than `WORD_LISTS_MAX` lists."""
    columns = (CustomerWord.sort_name, CustomerWord.customer_id)
    after = cursor_bounds(args["cursor"], columns) if args.get("cursor") else None
    found = select(CustomerVocabulary.store_id, CustomerVocabulary.word).where(
        CustomerVocabulary.store_id.in_(stores), CustomerVocabulary.word.like(like_pattern(word), escape="\\")
    )
    lists = db.session.execute(found.limit(WORD_LISTS_MAX + 1)).all()
    if len(lists) > WORD_LISTS_MAX:
        return None
    if not lists:
        return Page([], None)
    deep = literal(page_size(args.get("limit")) + 1, literal_execute=True)
    heads = []
    for store_id, listed in lists:
        head = select(CustomerWord.customer_id, CustomerWord.sort_name).where(
            CustomerWord.store_id == store_id, CustomerWord.word == listed
        )
        if after is not None:
            head = head.where(tuple_(*columns) > tuple_(*after))
        # Each list's first rows, as a subquery: SQLite takes no ORDER BY inside a UNION's parts.
        first = head.order_by(*columns).limit(deep).subquery()
        heads.append(select(first.c.customer_id, first.c.sort_name))
    merged = heads[0].union(*heads[1:]).subquery() if len(heads) > 1 else heads[0].subquery()

    def customers(paged: Select[Any]) -> list[Customer]:
        keys = paged.subquery("page")
        whole = stmt.join(keys, keys.c.customer_id == Customer.id).order_by(keys.c.sort_name, keys.c.customer_id)
        return list(db.session.scalars(whole))

    return paginate(
        select(merged.c.customer_id, merged.c.sort_name),
        [merged.c.sort_name, merged.c.customer_id],
        lambda c: (c.sort_name, c.id),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
        rows_of=customers,
    )
