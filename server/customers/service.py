"""Customers: documents validated and unique per store, search without accents."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select, tuple_
from sqlalchemy.orm import aliased

from server.auth.access import visible
from server.auth.models import User
from server.common import brazil
from server.common.pagination import Page, cursor_bounds, paginate
from server.customers.models import Customer
from server.customers.search import customer_matches, search_condition, search_is_broad
from server.customers.words import page_by_word, single_word
from server.database import is_referenced, soft_delete, value_taken
from server.errors import Conflict, ValidationFailed
from server.extensions import db
from server.stores.models import Store

NAME_WINDOW = 1000  # the customers a broad term is first looked for in, in name order


def list_customers(user: User, args: dict[str, Any]) -> Page[Customer]:
    """A page in name order. A word of letters is read from its lists in that order
    (`server.customers.words`); another search first reads the next customers in that order (a
    broad term), then, when they do not fill the page, gathers every match through the search index."""
    stmt = visible(Customer, user)
    if args.get("store_id") is not None:
        stmt = stmt.where(Customer.store_id == args["store_id"])
    if args.get("assistance_only") is not None:
        stmt = stmt.where(Customer.assistance_only.is_(args["assistance_only"]))
    if not args.get("q"):
        return _page(stmt, args)
    stores = [s for s in user.store_ids if args.get("store_id") in (None, s)]
    word = single_word(args["q"])
    if word is not None and args.get("assistance_only") is None:  # the word lists hold every live customer
        page = page_by_word(stmt, word, stores, args)
        if page is not None:
            return page
    if search_is_broad(args["q"]):
        page = _next_in_name_order(stmt, args)
        if page is not None:
            return page
    return _every_match(stmt, args, stores)


def _page(stmt: Select[Any], args: dict[str, Any], order: tuple[Any, Any] | None = None) -> Page[Customer]:
    return paginate(
        stmt,
        list(order or (Customer.sort_name, Customer.id)),
        lambda c: (c.sort_name, c.id),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
    )


def _next_in_name_order(stmt: Select[Any], args: dict[str, Any]) -> Page[Customer] | None:
    """The page, when the next `NAME_WINDOW` customers in name order (after the cursor) fill it;
    else None.

    A surname matches customers all along the alphabet: reading them in order and checking each
    stops after a page, whatever the history holds. A first name matches one block somewhere in
    the order, which that reading would reach only after every name before it: left, with the
    rare terms, to the indexed search."""
    ordered = stmt.order_by(Customer.sort_name, Customer.id)
    if args.get("cursor"):
        bound = cursor_bounds(args["cursor"], (Customer.sort_name, Customer.id))
        ordered = ordered.where(tuple_(Customer.sort_name, Customer.id) > tuple_(*bound))
    window = aliased(Customer, ordered.limit(NAME_WINDOW).subquery("window"))
    found = select(window).where(search_condition(window.search_text, args["q"]))
    page = _page(found, args, (window.sort_name, window.id))
    if page.next_cursor is not None:
        return page
    beyond = db.session.scalar(ordered.with_only_columns(Customer.id).offset(NAME_WINDOW).limit(1))
    return page if beyond is None else None


def _every_match(stmt: Select[Any], args: dict[str, Any], stores: list[int]) -> Page[Customer]:
    """Every match gathered, then ordered. On PostgreSQL the matches' keys are gathered apart
    (MATERIALIZED, through the trigram index), so that the planner cannot walk the name order
    instead, and only the page's customers are read whole."""
    found = stmt.where(customer_matches(args["q"], stores))
    if db.engine.dialect.name != "postgresql":
        return _page(found, args)
    matches = found.with_only_columns(Customer.id, Customer.sort_name).cte("matches").prefix_with("MATERIALIZED")

    def customers(paged: Select[Any]) -> list[Customer]:
        keys = paged.subquery("page")
        whole = select(Customer).join(keys, keys.c.id == Customer.id).order_by(keys.c.sort_name, keys.c.id)
        return list(db.session.scalars(whole))

    return paginate(
        select(matches.c.id, matches.c.sort_name),
        [matches.c.sort_name, matches.c.id],
        lambda c: (c.sort_name, c.id),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
        rows_of=customers,
    )


def _check_document_free(store_id: int, document: str, exclude_id: int | None = None) -> None:
    if value_taken(db.session, Customer, store_id, Customer.document, document, exclude_id):
        raise ValidationFailed({"document": ["Já existe um cliente com este CPF/CNPJ nesta loja."]})


def _apply(customer: Customer, data: dict[str, Any]) -> None:
    for key, value in data.items():
        setattr(customer, key, value)
    if "document" in data:
        customer.document_type = brazil.normalize_document(data["document"])[0] if data["document"] else None
    customer.refresh_search()


def build_customer(store: Store, data: dict[str, Any]) -> Customer:
    """A new customer added to the session, not yet committed (cases create one inline)."""
    if data.get("document"):
        _check_document_free(store.id, data["document"])
    customer = Customer(store_id=store.id, phones=[])
    _apply(customer, data)
    db.session.add(customer)
    return customer


def create_customer(store: Store, data: dict[str, Any]) -> Customer:
    customer = build_customer(store, data)
    db.session.flush()
    return customer


def update_customer(customer: Customer, data: dict[str, Any]) -> Customer:
    if data.get("document") and data["document"] != customer.document:
        _check_document_free(customer.store_id, data["document"], exclude_id=customer.id)
    _apply(customer, data)
    db.session.flush()
    return customer


def delete_customer(customer: Customer) -> None:
    if is_referenced(db.session, customer):
        raise Conflict("Este cliente tem contratos ou assistências e não pode ser excluído.", slug="in-use")
    soft_delete(customer)
    db.session.flush()
