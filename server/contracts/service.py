"""Contracts: number unique per store, items pointing at the store's catalogs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import selectinload

from server.auth.access import get_visible, visible
from server.auth.models import User
from server.common.pagination import Page, paginate
from server.common.text import like_pattern
from server.contracts.items import check_items, replace_items
from server.contracts.models import Contract, ContractItem
from server.customers.models import Customer
from server.customers.search import matching_ids
from server.database import is_referenced, soft_delete, utcnow, value_taken
from server.errors import Conflict, ValidationFailed
from server.extensions import db

LOAD = (
    selectinload(Contract.customer),
    selectinload(Contract.items).selectinload(ContractItem.room),
    selectinload(Contract.items).selectinload(ContractItem.product_line),
    selectinload(Contract.items).selectinload(ContractItem.supplier),
)


def get_contract(user: User, contract_id: int) -> Contract:
    return get_visible(Contract, contract_id, user, "Contrato não encontrado.")


def load_contract(user: User, contract_id: int) -> Contract:
    contract = db.session.scalar(visible(Contract, user).where(Contract.id == contract_id).options(*LOAD))
    if contract is None:
        return get_contract(user, contract_id)  # raises the 404
    return contract


def list_contracts(user: User, args: dict[str, Any]) -> Page[Contract]:
    stmt = visible(Contract, user).options(*LOAD)
    if args.get("q"):
        stores = user.store_ids if args.get("store_id") is None else [args["store_id"]]
        customers = matching_ids(args["q"], stores)
        stmt = stmt.where(
            or_(Contract.number.ilike(like_pattern(args["q"]), escape="\\"), Contract.customer_id.in_(customers))
        )
    if args.get("customer_id") is not None:
        stmt = stmt.where(Contract.customer_id == args["customer_id"])
    if args.get("store_id") is not None:
        stmt = stmt.where(Contract.store_id == args["store_id"])
    return paginate(
        stmt, [Contract.id], lambda c: (c.id,), cursor=args.get("cursor"), limit=args.get("limit"), descending=True
    )


def _customer(user: User, customer_id: int) -> Customer:
    customer = db.session.scalar(visible(Customer, user).where(Customer.id == customer_id))
    if customer is None:
        raise ValidationFailed({"customer_id": ["Cliente não encontrado."]})
    return customer


def _check_number_free(store_id: int, number: str, exclude_id: int | None = None) -> None:
    if value_taken(db.session, Contract, store_id, Contract.number, number, exclude_id):
        raise ValidationFailed({"number": ["Já existe um contrato com este número nesta loja."]})


def _items(store_id: int, items: list[dict[str, Any]]) -> list[ContractItem]:
    check_items(store_id, items)
    if any(item.get("id") is not None for item in items):
        raise ValidationFailed({"items": ["Um contrato novo não tem itens existentes: envie os itens sem id."]})
    return [ContractItem(position=i, **item) for i, item in enumerate(items)]


def create_contract(user: User, data: dict[str, Any]) -> Contract:
    data = dict(data)
    customer = _customer(user, data.pop("customer_id"))
    _check_number_free(customer.store_id, data["number"])
    items = _items(customer.store_id, data.pop("items", []))
    if data.get("delivery_address") is None:
        data["delivery_address"] = customer.address
    contract = Contract(store_id=customer.store_id, customer_id=customer.id, items=items, **data)
    db.session.add(contract)
    db.session.flush()
    return load_contract(user, contract.id)


def update_contract(user: User, contract: Contract, data: dict[str, Any]) -> Contract:
    """Update a contract loaded with `load_contract` (its items are replaced as a whole)."""
    data = dict(data)
    if "customer_id" in data:
        customer = _customer(user, data.pop("customer_id"))
        if customer.store_id != contract.store_id:
            raise ValidationFailed({"customer_id": ["Cliente não encontrado."]})
        contract.customer_id = customer.id
    if "number" in data and data["number"] != contract.number:
        _check_number_free(contract.store_id, data["number"], exclude_id=contract.id)
    if "items" in data:
        replace_items(contract, data.pop("items"))
        contract.updated_at = utcnow()  # the items live in the contract's version
    for key, value in data.items():
        setattr(contract, key, value)
    db.session.flush()
    return load_contract(user, contract.id)


def delete_contract(contract: Contract) -> None:
    if is_referenced(db.session, contract):
        raise Conflict("Este contrato tem assistências e não pode ser excluído.", slug="in-use")
    soft_delete(contract)
    db.session.flush()
