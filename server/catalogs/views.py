from typing import Any

from server.auth.access import get_visible, me, pick_store, roles
from server.auth.models import Role
from server.catalogs import service
from server.catalogs.models import CatalogEntry, CatalogKind
from server.catalogs.schemas import CatalogEntryIn, CatalogEntryOut, CatalogListArgs
from server.common.schemas import patch
from server.errors import NotFound
from server.openapi import Blueprint

blp = Blueprint("catalogs", __name__, url_prefix="/api/catalogs", description="Cadastros auxiliares")

KINDS = "|".join(kind.value for kind in CatalogKind)


def _kind(kind: str) -> CatalogKind:
    try:
        return CatalogKind(kind)
    except ValueError:
        raise NotFound(f"Cadastro desconhecido. Use um de: {KINDS.replace('|', ', ')}.") from None


def _entry(kind: str, entry_id: int) -> CatalogEntry:
    entry = get_visible(CatalogEntry, entry_id, me())
    if entry.kind != _kind(kind).value:
        raise NotFound()
    return entry


@blp.get("/<kind>")
@blp.arguments(CatalogListArgs, location="query")
@blp.response(200, CatalogEntryOut(many=True))
def list_entries(args: dict[str, Any], kind: str) -> list[CatalogEntry]:
    """Entries of one catalog (kind: occurrence_types, occurrence_statuses, appointment_types, rooms, product_lines)."""
    return service.list_entries(me(), _kind(kind), args.get("store_id"), args["include_inactive"])


@blp.post("/<kind>")
@roles(Role.ADMIN)
@blp.arguments(CatalogEntryIn)
@blp.response(201, CatalogEntryOut)
def create_entry(data: dict[str, Any], kind: str) -> CatalogEntry:
    catalog = _kind(kind)
    store = pick_store(me(), data.pop("store_id", None))
    return service.create_entry(catalog, store, data)


@blp.patch("/<kind>/<int:entry_id>")
@roles(Role.ADMIN)
@blp.arguments(patch(CatalogEntryIn, exclude=("store_id",)))
@blp.response(200, CatalogEntryOut)
def update_entry(data: dict[str, Any], kind: str, entry_id: int) -> CatalogEntry:
    return service.update_entry(_entry(kind, entry_id), data)


@blp.delete("/<kind>/<int:entry_id>")
@roles(Role.ADMIN)
@blp.response(204)
def delete_entry(kind: str, entry_id: int) -> None:
    """Remove an entry: deactivated if some record uses it, otherwise deleted."""
    service.remove_entry(_entry(kind, entry_id))
