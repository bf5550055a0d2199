"""The case search's condition, shaped for the database's indexes.

A term matches a case through the case's own search text (number, reported issue) or its
customer's (name, CPF/CNPJ, phones, e-mail). On PostgreSQL each side is a trigram-indexed LIKE
(pg_trgm GIN), and a CPF/CNPJ typed whole is looked up by equality on the customers' document:
the two sides are separate index reads joined by UNION, since an OR across the two tables would
leave the planner a scan of every case. SQLite keeps the plain LIKE of both sides.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select, union

from server.cases.models import ServiceCase
from server.common.text import digits
from server.customers.models import Customer
from server.customers.service import search_condition, search_is_broad
from server.extensions import db

DOCUMENT_LENGTHS = (11, 14)  # CPF, CNPJ
RECENT_WINDOW = 1000  # the latest cases a broad term is first looked for in
__all__ = ["RECENT_WINDOW", "case_search", "case_search_row", "search_is_broad"]


def case_search(term: str) -> ColumnElement[bool]:
    """Cases whose own text or whose customer's matches `term`."""
    customers: Any = select(Customer.id).where(search_condition(Customer.search_text, term))
    number = digits(term)
    if not any(c.isalpha() for c in term) and len(number) in DOCUMENT_LENGTHS:
        by_document = select(Customer.id).where(Customer.document == number, Customer.deleted_at.is_(None))
        customers = union(by_document, customers)
    if db.engine.dialect.name != "postgresql":
        either: ColumnElement[bool] = search_condition(ServiceCase.search_text, term) | ServiceCase.customer_id.in_(
            customers
        )
        return either
    own = select(ServiceCase.id).where(search_condition(ServiceCase.search_text, term))
    of_customers = select(ServiceCase.id).where(ServiceCase.customer_id.in_(customers))
    return ServiceCase.id.in_(union(own, of_customers))


def case_search_row(term: str) -> ColumnElement[bool]:
    """The same match, checked on each case read (its customer by primary key)."""
    # A scalar subquery, read per case by primary key: an EXISTS would be planned as the set of
    # every matching customer, which grows with the history.
    text = select(Customer.search_text).where(Customer.id == ServiceCase.customer_id).scalar_subquery()
    either: ColumnElement[bool] = search_condition(ServiceCase.search_text, term) | search_condition(text, term)
    return either
