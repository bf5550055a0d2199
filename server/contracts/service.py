"""Contracts: number unique per store, items pointing at the store's catalogs."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.orm import aliased, selectinload

from server.auth.access import get_visible, visible
from server.auth.models import User
from server.common.pagination import Page, cursor_bounds, paginate
from server.common.text import digits, like_pattern
from server.contracts.items import check_items, replace_items
from server.contracts.models import Contract, ContractItem
from server.customers.models import Customer
from server.customers.search import matching_ids, search_condition, search_is_broad
from server.database import is_referenced, soft_delete, utcnow, value_taken
from server.errors import Conflict, ValidationFailed
from server.extensions import db

RECENT_WINDOW = 1000  # the latest contracts a broad term is first looked for in
NUMBER_DIGITS = 5  # a term with this many digits names a contract's number (or a document): few match


def load(entity: Any) -> tuple[Any, ...]:
    """The customer and the items (with their room, product line and factory) of the contracts."""
    return (
        selectinload(entity.customer),
        selectinload(entity.items).selectinload(ContractItem.room),
        selectinload(entity.items).selectinload(ContractItem.product_line),
        selectinload(entity.items).selectinload(ContractItem.supplier),
    )


LOAD = load(Contract)


def get_contract(user: User, contract_id: int) -> Contract:
    return get_visible(Contract, contract_id, user, "Contrato não encontrado.")


def load_contract(user: User, contract_id: int) -> Contract:
    contract = db.session.scalar(visible(Contract, user).where(Contract.id == contract_id).options(*LOAD))
    if contract is None:
        return get_contract(user, contract_id)  # raises the 404
    return contract


def list_contracts(user: User, args: dict[str, Any]) -> Page[Contract]:
    """Newest first. A search first reads the latest contracts (a broad term), then, when they do
    not fill the page, gathers every match through the indexes."""
    stmt = visible(Contract, user)
    if args.get("customer_id") is not None:
        stmt = stmt.where(Contract.customer_id == args["customer_id"])
    if args.get("store_id") is not None:
        stmt = stmt.where(Contract.store_id == args["store_id"])
    if not args.get("q"):
        return _page(stmt.options(*LOAD), Contract, args)
    if search_is_broad(args["q"]) and len(digits(args["q"])) < NUMBER_DIGITS:
        page = _latest_matches(stmt, args)
        if page is not None:
            return page
    return _every_match(stmt, args, user.store_ids if args.get("store_id") is None else [args["store_id"]])


def _page(stmt: Select[Any], entity: Any, args: dict[str, Any], **more: Any) -> Page[Contract]:
    cursor, limit = args.get("cursor"), args.get("limit")
    return paginate(stmt, [entity.id], lambda c: (c.id,), cursor=cursor, limit=limit, descending=True, **more)


def _number(number: Any, term: str) -> Any:
    """The number contains the term, ignoring case (through ix_contracts_number_trgm)."""
    return func.lower(number).like(like_pattern(term.lower()), escape="\\")


def _matches(number: Any, customer_id: Any, term: str) -> Any:
    """The contract's number, or its customer read by primary key (one customer per contract
    read, never the set of every matching customer), matches the term."""
    customer = select(Customer.search_text).where(Customer.id == customer_id).scalar_subquery()
    return or_(_number(number, term), search_condition(customer, term))


def _latest_matches(stmt: Select[Any], args: dict[str, Any]) -> Page[Contract] | None:
    """The page, when the latest `RECENT_WINDOW` contracts (after the cursor) fill it; else None.

    A common word (a surname) matches contracts of every year: reading the latest and checking
    each stops after a page, whatever the history holds. A rare term (a CPF, an old contract's
    number) goes to the indexed search at once: in the window it would be found only if recent."""
    ordered = stmt.order_by(Contract.id.desc())
    if args.get("cursor"):
        ordered = ordered.where(Contract.id < cursor_bounds(args["cursor"], (Contract.id,))[0])
    window = aliased(Contract, ordered.limit(RECENT_WINDOW).subquery("window"))
    found = select(window).where(_matches(window.number, window.customer_id, args["q"])).options(*load(window))
    page = _page(found, window, args)
    if page.next_cursor is not None:
        return page
    beyond = db.session.scalar(ordered.with_only_columns(Contract.id).offset(RECENT_WINDOW).limit(1))
    return page if beyond is None else None


def _every_match(stmt: Select[Any], args: dict[str, Any], stores: list[int]) -> Page[Contract]:
    """Every match gathered, then ordered. On PostgreSQL the two sides are index reads (the
    numbers' and the customers' trigram indexes) joined by UNION and gathered apart
    (MATERIALIZED), so that the planner cannot walk the contracts from the newest instead."""
    term = args["q"]
    customers = matching_ids(term, stores)  # a CPF or phone typed whole: by equality (server.customers.search)
    if db.engine.dialect.name != "postgresql":
        found = stmt.where(or_(_number(Contract.number, term), Contract.customer_id.in_(customers)))
        return _page(found.options(*LOAD), Contract, args)
    keys = stmt.with_only_columns(Contract.id)
    matches = (
        union(
            keys.where(_number(Contract.number, term)),
            keys.where(Contract.customer_id.in_(customers)),
        )
        .cte("matches")
        .prefix_with("MATERIALIZED")
    )

    def contracts(paged: Select[Any]) -> list[Contract]:
        page = paged.subquery("page")
        whole = select(Contract).join(page, page.c.id == Contract.id).order_by(page.c.id.desc()).options(*LOAD)
        return list(db.session.scalars(whole))

    return _page(select(matches.c.id), matches.c, args, rows_of=contracts)


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
