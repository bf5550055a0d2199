"""A contract's items: edited in place by id, checked against the store's catalogs and factories,
and the source an occurrence item may copy its code, description and factory from."""

from __future__ import annotations

from typing import Any

from sqlalchemy import exists, select

from server.cases.models import ServiceCase
from server.catalogs.models import CatalogKind
from server.catalogs.service import check_entries
from server.contracts.models import Contract, ContractItem
from server.errors import Conflict, ValidationFailed
from server.extensions import db
from server.occurrences.models import OccurrenceItem
from server.suppliers.models import Supplier


def check_suppliers(store_id: int, refs: dict[str, int | None]) -> None:
    """Each named factory (field path -> supplier id) is an active supplier of the store."""
    ids = {supplier_id for supplier_id in refs.values() if supplier_id is not None}
    found = (
        set(
            db.session.scalars(
                select(Supplier.id).where(
                    Supplier.id.in_(ids),
                    Supplier.store_id == store_id,
                    Supplier.deleted_at.is_(None),
                    Supplier.active.is_(True),
                )
            )
        )
        if ids
        else set()
    )
    errors = {
        field: ["Fornecedor não encontrado ou inativo."]
        for field, supplier_id in refs.items()
        if supplier_id is not None and supplier_id not in found
    }
    if errors:
        raise ValidationFailed(errors)


def check_items(store_id: int, items: list[dict[str, Any]]) -> None:
    refs = {}
    for index, item in enumerate(items):
        refs[f"items.{index}.room_id"] = (CatalogKind.ROOMS, item.get("room_id"))
        refs[f"items.{index}.product_line_id"] = (CatalogKind.PRODUCT_LINES, item.get("product_line_id"))
    check_entries(store_id, refs)
    check_suppliers(store_id, {f"items.{i}.supplier_id": item.get("supplier_id") for i, item in enumerate(items)})


def in_use(item_ids: list[int]) -> set[int]:
    """Those of the contract items an occurrence item points at."""
    if not item_ids:
        return set()
    return set(
        db.session.scalars(
            select(OccurrenceItem.contract_item_id).where(
                OccurrenceItem.contract_item_id.in_(item_ids), OccurrenceItem.deleted_at.is_(None)
            )
        )
    )


def replace_items(contract: Contract, items: list[dict[str, Any]]) -> None:
    """Make the contract's items these: an item with an id is edited in place, one without is added,
    an item left out is removed — unless an occurrence points at it (409)."""
    check_items(contract.store_id, items)
    current = {item.id: item for item in contract.items}
    errors = {
        f"items.{i}.id": ["Item não encontrado neste contrato."]
        for i, item in enumerate(items)
        if item.get("id") is not None and item["id"] not in current
    }
    if errors:
        raise ValidationFailed(errors)
    kept = {item["id"] for item in items if item.get("id") is not None}
    dropped = [item for item_id, item in current.items() if item_id not in kept]
    used = in_use([item.id for item in dropped])
    if used:
        names = ", ".join(current[i].code or current[i].description or f"#{i}" for i in sorted(used))
        raise Conflict(f"Há ocorrências apontando para itens deste contrato ({names}): eles não podem ser removidos.")
    result = []
    for position, data in enumerate(items):
        data = dict(data)
        item = current[data.pop("id")] if data.get("id") is not None else ContractItem()
        data.pop("id", None)
        for key, value in data.items():
            setattr(item, key, value)
        item.position = position
        result.append(item)
    contract.items = result


def contract_item_for(case_id: int, contract_item_id: int) -> ContractItem | None:
    """The contract item if it belongs to the contract of this case."""
    return db.session.scalar(
        select(ContractItem).where(
            ContractItem.id == contract_item_id,
            exists().where(
                ServiceCase.id == case_id,
                ServiceCase.contract_id == ContractItem.contract_id,
            ),
        )
    )


def fill_from_contract_item(case_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """An occurrence item pointing at a contract item takes its code, description and factory
    where the request leaves them out; a contract item of another contract is refused."""
    contract_item_id = data.get("contract_item_id")
    if contract_item_id is None:
        return data
    item = contract_item_for(case_id, contract_item_id)
    if item is None:
        raise ValidationFailed({"contract_item_id": ["Item não encontrado no contrato desta assistência."]})
    filled = dict(data)
    if not filled.get("code") and item.code:
        filled["code"] = item.code
    if not filled.get("description"):
        filled["description"] = item.description or item.code or "Item do contrato"
    if filled.get("supplier_id") is None and not filled.get("supplier") and item.supplier_id is not None:
        filled["supplier_id"] = item.supplier_id
    return filled
