from typing import Any

from server.auth.access import me, require_member, roles
from server.auth.models import Role
from server.common.schemas import patch
from server.openapi import Blueprint
from server.stores import service
from server.stores.models import Store
from server.stores.schemas import StoreIn, StoreOut

blp = Blueprint("stores", __name__, url_prefix="/api/stores", description="Lojas")


@blp.get("")
@blp.response(200, StoreOut(many=True))
def list_stores() -> list[Store]:
    """The stores the user belongs to."""
    return service.stores_of(me())


@blp.post("")
@roles(Role.ADMIN)
@blp.arguments(StoreIn)
@blp.response(201, StoreOut)
def create_store(data: dict[str, Any]) -> Store:
    """Create a store; its catalogs start with the pt-BR defaults and the creator joins it."""
    return service.create_store(data, creator=me())


@blp.get("/<int:store_id>")
@blp.response(200, StoreOut)
def get_store(store_id: int) -> Store:
    return require_member(me(), store_id)


@blp.patch("/<int:store_id>")
@roles(Role.ADMIN)
@blp.arguments(patch(StoreIn))
@blp.response(200, StoreOut)
def update_store(data: dict[str, Any], store_id: int) -> Store:
    return service.update_store(require_member(me(), store_id), data)
