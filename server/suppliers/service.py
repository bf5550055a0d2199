"""Fornecedores: per-store suppliers that items, orders and carrier-paid occurrences name.

Items typed with a free-text supplier (phones, older clients) are matched to the store's
supplier of the same folded name, or a new unclassified one is made, so every named supplier
is a row the office can complete with e-mails."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from server.auth.access import visible
from server.auth.models import User
from server.common.text import fold
from server.database import is_referenced, soft_delete
from server.errors import ValidationFailed
from server.extensions import db
from server.stores.models import Store
from server.suppliers.models import Supplier


def list_suppliers(user: User, args: dict[str, Any]) -> list[Supplier]:
    stmt = visible(Supplier, user)
    if args.get("store_id") is not None:
        stmt = stmt.where(Supplier.store_id == args["store_id"])
    if args.get("kind"):
        stmt = stmt.where(Supplier.kind == args["kind"])
    if not args.get("include_inactive"):
        stmt = stmt.where(Supplier.active.is_(True))
    return list(db.session.scalars(stmt.order_by(Supplier.store_id, Supplier.sort_name, Supplier.id)))


def _by_name(store_id: int, name: str) -> Supplier | None:
    return db.session.scalar(
        select(Supplier)
        .where(Supplier.store_id == store_id, Supplier.sort_name == fold(name), Supplier.deleted_at.is_(None))
        .order_by(Supplier.id)
        .limit(1)
    )


def _check_unique_name(store_id: int, name: str, exclude_id: int | None = None) -> None:
    found = _by_name(store_id, name)
    if found is not None and found.id != exclude_id:
        raise ValidationFailed({"name": ["Já existe um fornecedor com este nome."]})


def _apply(supplier: Supplier, data: dict[str, Any]) -> None:
    for key, value in data.items():
        if key == "name":
            supplier.set_name(value)
        else:
            setattr(supplier, key, value)


def create_supplier(store: Store, data: dict[str, Any]) -> Supplier:
    _check_unique_name(store.id, data["name"])
    supplier = Supplier(store_id=store.id, order_emails=[], claim_emails=[])
    _apply(supplier, data)
    db.session.add(supplier)
    db.session.flush()
    return supplier


def update_supplier(supplier: Supplier, data: dict[str, Any]) -> Supplier:
    if "name" in data:
        _check_unique_name(supplier.store_id, data["name"], exclude_id=supplier.id)
    _apply(supplier, data)
    db.session.flush()
    return supplier


def remove_supplier(supplier: Supplier) -> None:
    """Deactivate a supplier in use (its items and orders keep it); delete one nothing names."""
    if is_referenced(db.session, supplier):
        supplier.active = False
    else:
        soft_delete(supplier)
    db.session.flush()


def supplier_of(store_id: int, supplier_id: int, field: str) -> Supplier:
    """The store's active supplier with this id, or a 422 on `field`."""
    supplier = db.session.scalar(
        select(Supplier).where(
            Supplier.id == supplier_id,
            Supplier.store_id == store_id,
            Supplier.deleted_at.is_(None),
            Supplier.active.is_(True),
        )
    )
    if supplier is None:
        raise ValidationFailed({field: ["Fornecedor não encontrado ou inativo."]})
    return supplier


def supplier_named(store_id: int, name: str) -> Supplier:
    """The store's supplier of this name however typed; a new unclassified one if none."""
    supplier = _by_name(store_id, name)
    if supplier is None:
        supplier = Supplier(store_id=store_id, order_emails=[], claim_emails=[])
        supplier.set_name(name)
        db.session.add(supplier)
        db.session.flush()
    return supplier
