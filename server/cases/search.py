"""The case search's condition, shaped for the database's indexes.

A term matches a case through the case's own search text (number, reported issue) or its
customer's (name, CPF/CNPJ, phones, e-mail; `server.customers.search`). On PostgreSQL each side
is a trigram-indexed LIKE (pg_trgm GIN), and a CPF/CNPJ or a phone typed whole is also looked up
by equality on its own index: the sides are separate index reads joined by UNION, since an OR
across the two tables would leave the planner a scan of every case. SQLite keeps the plain LIKE
of the case's side.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, select, union

from server.cases.models import ServiceCase
from server.customers.models import Customer
from server.customers.search import matching_ids, search_condition
from server.extensions import db

RECENT_WINDOW = 1000  # the latest cases a broad term is first looked for in


def case_search(term: str, store_ids: list[int] | None = None) -> ColumnElement[bool]:
    """Cases whose own text or whose customer's matches `term` (`store_ids`: the stores searched,
    which the customers' equality lookups need to read their indexes by key)."""
    customers = matching_ids(term, store_ids)
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
