from typing import Any

from server.auth.access import OFFICE, get_visible, me, pick_store, roles
from server.common.schemas import patch
from server.openapi import Blueprint
from server.suppliers import service
from server.suppliers.models import Supplier
from server.suppliers.schemas import SupplierIn, SupplierListArgs, SupplierOut

blp = Blueprint("suppliers", __name__, url_prefix="/api/suppliers", description="Fornecedores")


def _supplier(supplier_id: int) -> Supplier:
    return get_visible(Supplier, supplier_id, me(), "Fornecedor não encontrado.")


@blp.get("")
@blp.arguments(SupplierListArgs, location="query")
@blp.response(200, SupplierOut(many=True))
def list_suppliers(args: dict[str, Any]) -> list[Supplier]:
    """The stores' suppliers by name (active ones unless include_inactive)."""
    return service.list_suppliers(me(), args)


@blp.post("")
@roles(*OFFICE)
@blp.arguments(SupplierIn)
@blp.response(201, SupplierOut)
def create_supplier(data: dict[str, Any]) -> Supplier:
    store = pick_store(me(), data.pop("store_id", None))
    return service.create_supplier(store, data)


@blp.get("/<int:supplier_id>")
@blp.response(200, SupplierOut)
def get_supplier(supplier_id: int) -> Supplier:
    return _supplier(supplier_id)


@blp.patch("/<int:supplier_id>")
@roles(*OFFICE)
@blp.arguments(patch(SupplierIn, exclude=("store_id",)))
@blp.response(200, SupplierOut)
def update_supplier(data: dict[str, Any], supplier_id: int) -> Supplier:
    return service.update_supplier(_supplier(supplier_id), data)


@blp.delete("/<int:supplier_id>")
@roles(*OFFICE)
@blp.response(204)
def delete_supplier(supplier_id: int) -> None:
    """Remove a supplier: deactivated if an item or order names it, otherwise deleted."""
    service.remove_supplier(_supplier(supplier_id))
