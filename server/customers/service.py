"""Customers: documents validated and unique per store, search without accents."""

from __future__ import annotations

from typing import Any

from server.auth.access import visible
from server.auth.models import User
from server.common import brazil
from server.common.pagination import Page, paginate
from server.customers.models import Customer
from server.customers.search import customer_matches
from server.database import is_referenced, soft_delete, value_taken
from server.errors import Conflict, ValidationFailed
from server.extensions import db
from server.stores.models import Store


def list_customers(user: User, args: dict[str, Any]) -> Page[Customer]:
    stmt = visible(Customer, user)
    stores = user.store_ids if args.get("store_id") is None else [args["store_id"]]
    if args.get("q"):
        stmt = stmt.where(customer_matches(args["q"], stores))
    if args.get("store_id") is not None:
        stmt = stmt.where(Customer.store_id == args["store_id"])
    if args.get("assistance_only") is not None:
        stmt = stmt.where(Customer.assistance_only.is_(args["assistance_only"]))
    return paginate(
        stmt,
        [Customer.sort_name, Customer.id],
        lambda c: (c.sort_name, c.id),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
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
