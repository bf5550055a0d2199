"""Catalogs (cadastros auxiliares) under /api/catalogs/<kind>: reading, admin CRUD, deactivation, versions."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from server.auth.models import Role
from server.catalogs.defaults import DEFAULTS
from server.catalogs.models import CatalogEntry, CatalogKind
from server.contracts.models import ContractItem
from server.extensions import db
from server.stores.models import Store
from tests.conftest import CPFS, login, make_contract, make_customer, make_store, make_user

PROBLEM = "application/problem+json"
KINDS = [kind.value for kind in CatalogKind]


def _entry(store: Store, kind: CatalogKind, name: str) -> CatalogEntry:
    entry = db.session.scalar(
        select(CatalogEntry).where(
            CatalogEntry.store_id == store.id, CatalogEntry.kind == kind.value, CatalogEntry.name == name
        )
    )
    assert entry is not None
    return entry


def _fresh(entry_id: int) -> CatalogEntry:
    db.session.expire_all()
    entry = db.session.get(CatalogEntry, entry_id)
    assert entry is not None
    return entry


def _store_version(store_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Store, store_id).version  # type: ignore[union-attr]


def _names(client, kind: str, query: str = "") -> list[str]:
    response = client.get(f"/api/catalogs/{kind}{query}")
    assert response.status_code == 200, response.json
    return [e["name"] for e in response.json]


# --- read ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["as_admin", "as_scheduler", "as_technician"])
@pytest.mark.parametrize("kind", KINDS)
def test_every_role_lists_every_catalog(request, caller, kind, store):
    """All logged-in roles read every catalog (the phone needs them offline), in their defined order."""
    client = request.getfixturevalue(caller)
    response = client.get(f"/api/catalogs/{kind}")
    assert response.status_code == 200
    entries = response.json
    assert [e["name"] for e in entries] == DEFAULTS[CatalogKind(kind)]
    assert all(e["kind"] == kind and e["store_id"] == store.id and e["active"] is True for e in entries)
    assert [e["position"] for e in entries] == sorted(e["position"] for e in entries)
    assert set(entries[0]) == {"id", "store_id", "kind", "name", "position", "active", "version"}


def test_unknown_kind_is_404_problem(as_admin):
    """A catalog that does not exist → 404 problem+json listing the valid kinds."""
    for response in (
        as_admin.get("/api/catalogs/cores"),
        as_admin.post("/api/catalogs/cores", json={"name": "Azul"}),
    ):
        assert response.status_code == 404
        assert response.mimetype == PROBLEM
        assert "occurrence_types" in response.json["detail"]


def test_anonymous_cannot_read_catalogs(client, store):
    response = client.get("/api/catalogs/rooms")
    assert response.status_code == 401
    assert response.mimetype == PROBLEM


def test_catalogs_of_another_store_are_invisible(as_admin, as_outsider, store, other_store):
    """Each user lists only their stores' entries, even when asking for the other store."""
    mine = as_admin.get("/api/catalogs/rooms").json
    theirs = as_outsider.get("/api/catalogs/rooms").json
    assert {e["store_id"] for e in mine} == {store.id}
    assert {e["store_id"] for e in theirs} == {other_store.id}
    assert as_admin.get(f"/api/catalogs/rooms?store_id={other_store.id}").json == []


def test_user_of_two_stores_filters_by_store(app, store, other_store):
    """With several stores the list holds each store's entries; `store_id` picks one."""
    user = make_user(Role.SCHEDULER, [store, other_store])
    client = login(app, user)
    all_rooms = client.get("/api/catalogs/rooms").json
    assert {e["store_id"] for e in all_rooms} == {store.id, other_store.id}
    assert len(all_rooms) == 2 * len(DEFAULTS[CatalogKind.ROOMS])
    only_other = client.get(f"/api/catalogs/rooms?store_id={other_store.id}").json
    assert {e["store_id"] for e in only_other} == {other_store.id}


# --- create ---------------------------------------------------------------------------------------


def test_admin_creates_an_entry_at_the_end(as_admin, store):
    """POST → 201; without a position the entry goes last; it appears in the list."""
    response = as_admin.post("/api/catalogs/rooms", json={"name": "  Edícula  "})
    assert response.status_code == 201, response.json
    body = response.json
    assert body["name"] == "Edícula"  # trimmed
    assert body["kind"] == "rooms"
    assert body["store_id"] == store.id
    assert body["active"] is True
    assert body["position"] == len(DEFAULTS[CatalogKind.ROOMS]) + 1
    assert _names(as_admin, "rooms")[-1] == "Edícula"


def test_create_validates_the_body(as_admin):
    """Blank name, over-long name, negative position and unknown fields → 422 per field."""
    response = as_admin.post("/api/catalogs/rooms", json={"name": "   ", "position": -1, "color": "azul"})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"name", "position", "color"}
    response = as_admin.post("/api/catalogs/rooms", json={"name": "x" * 81})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["name"]


def test_duplicate_name_is_rejected_case_insensitively(as_admin, store):
    """ "cozinha" duplicates the default "Cozinha" → 422 on `name`; nothing written."""
    before = _names(as_admin, "rooms", "?include_inactive=true")
    response = as_admin.post("/api/catalogs/rooms", json={"name": "COZINHA"})
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert list(response.json["errors"]) == ["name"]
    assert _names(as_admin, "rooms", "?include_inactive=true") == before


def test_duplicate_of_an_inactive_entry_is_also_rejected(as_admin, store):
    """A deactivated entry still holds its name (it can be reactivated)."""
    entry = _entry(store, CatalogKind.ROOMS, "Lavabo")
    assert as_admin.patch(f"/api/catalogs/rooms/{entry.id}", json={"active": False}).status_code == 200
    response = as_admin.post("/api/catalogs/rooms", json={"name": "lavabo"})
    assert response.status_code == 422


def test_same_name_in_another_kind_is_allowed(as_admin, store):
    """Uniqueness is per kind: "Closet" (a room) can also be a product line."""
    response = as_admin.post("/api/catalogs/product_lines", json={"name": "Closet"})
    assert response.status_code == 201, response.json
    assert "Closet" in _names(as_admin, "rooms")


def test_same_name_in_another_store_is_allowed(app, as_admin, other_store):
    other_admin = make_user(Role.ADMIN, [other_store])
    assert as_admin.post("/api/catalogs/rooms", json={"name": "Edícula"}).status_code == 201
    response = login(app, other_admin).post("/api/catalogs/rooms", json={"name": "EDÍCULA"})
    assert response.status_code == 201, response.json
    assert response.json["store_id"] == other_store.id


def test_admin_cannot_create_in_another_store(as_admin, other_store):
    """`store_id` of a foreign store → 422 on `store_id`; the other store's catalog is untouched."""
    response = as_admin.post("/api/catalogs/rooms", json={"name": "Edícula", "store_id": other_store.id})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["store_id"]
    rooms = db.session.scalars(
        select(CatalogEntry.name).where(CatalogEntry.store_id == other_store.id, CatalogEntry.kind == "rooms")
    ).all()
    assert "Edícula" not in rooms


def test_admin_of_two_stores_must_say_which(app, store, other_store):
    """With several stores the target store is required, then honoured."""
    admin = make_user(Role.ADMIN, [store, other_store])
    client = login(app, admin)
    response = client.post("/api/catalogs/rooms", json={"name": "Edícula"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["store_id"]
    response = client.post("/api/catalogs/rooms", json={"name": "Edícula", "store_id": other_store.id})
    assert response.status_code == 201
    assert response.json["store_id"] == other_store.id


# --- roles ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("caller", ["as_scheduler", "as_technician"])
def test_only_admins_write_catalogs(request, caller, store):
    """POST, PATCH and DELETE → 403 for scheduler and technician; nothing changes."""
    client = request.getfixturevalue(caller)
    entry = _entry(store, CatalogKind.OCCURRENCE_TYPES, "Mau uso")
    assert client.post("/api/catalogs/occurrence_types", json={"name": "Cupim"}).status_code == 403
    assert client.patch(f"/api/catalogs/occurrence_types/{entry.id}", json={"name": "Uso indevido"}).status_code == 403
    assert client.delete(f"/api/catalogs/occurrence_types/{entry.id}").status_code == 403
    fresh = _fresh(entry.id)
    assert fresh.name == "Mau uso"
    assert fresh.deleted_at is None and fresh.active is True
    assert "Cupim" not in _names(client, "occurrence_types")


# --- update -------------------------------------------------------------------------------------------


def test_admin_renames_reorders_and_deactivates(as_admin, store):
    """PATCH changes the fields sent; an inactive entry leaves the default list."""
    entry = _entry(store, CatalogKind.APPOINTMENT_TYPES, "Retorno")
    response = as_admin.patch(
        f"/api/catalogs/appointment_types/{entry.id}", json={"name": "Retorno técnico", "position": 0}
    )
    assert response.status_code == 200, response.json
    assert response.json["name"] == "Retorno técnico"
    assert response.json["position"] == 0
    assert _names(as_admin, "appointment_types")[0] == "Retorno técnico"

    response = as_admin.patch(f"/api/catalogs/appointment_types/{entry.id}", json={"active": False})
    assert response.status_code == 200
    assert response.json["active"] is False
    assert "Retorno técnico" not in _names(as_admin, "appointment_types")
    assert "Retorno técnico" in _names(as_admin, "appointment_types", "?include_inactive=true")


def test_rename_to_an_existing_name_is_rejected(as_admin, store):
    entry = _entry(store, CatalogKind.ROOMS, "Lavabo")
    response = as_admin.patch(f"/api/catalogs/rooms/{entry.id}", json={"name": "banheiro"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["name"]
    assert _fresh(entry.id).name == "Lavabo"


def test_rename_changing_only_case_is_allowed(as_admin, store):
    """An entry does not collide with itself."""
    entry = _entry(store, CatalogKind.ROOMS, "Lavabo")
    response = as_admin.patch(f"/api/catalogs/rooms/{entry.id}", json={"name": "LAVABO"})
    assert response.status_code == 200, response.json
    assert response.json["name"] == "LAVABO"


def test_patch_cannot_move_an_entry_to_another_store(as_admin, store, other_store):
    """store_id is not editable."""
    entry = _entry(store, CatalogKind.ROOMS, "Lavabo")
    response = as_admin.patch(f"/api/catalogs/rooms/{entry.id}", json={"store_id": other_store.id})
    assert response.status_code == 422
    assert _fresh(entry.id).store_id == store.id


def test_entry_must_be_addressed_under_its_own_kind(as_admin, store):
    """A room's id under /occurrence_types → 404 and no change."""
    entry = _entry(store, CatalogKind.ROOMS, "Lavabo")
    assert as_admin.patch(f"/api/catalogs/occurrence_types/{entry.id}", json={"name": "X"}).status_code == 404
    assert as_admin.delete(f"/api/catalogs/occurrence_types/{entry.id}").status_code == 404
    fresh = _fresh(entry.id)
    assert fresh.name == "Lavabo" and fresh.deleted_at is None


def test_another_stores_entry_is_404(as_admin, other_store):
    """PATCH or DELETE of another store's entry → 404 problem+json; the entry is untouched."""
    foreign = _entry(other_store, CatalogKind.ROOMS, "Cozinha")
    response = as_admin.patch(f"/api/catalogs/rooms/{foreign.id}", json={"name": "Minha"})
    assert response.status_code == 404
    assert response.mimetype == PROBLEM
    assert as_admin.delete(f"/api/catalogs/rooms/{foreign.id}").status_code == 404
    fresh = _fresh(foreign.id)
    assert fresh.name == "Cozinha" and fresh.deleted_at is None and fresh.active is True


def test_nonexistent_entry_is_404(as_admin):
    assert as_admin.patch("/api/catalogs/rooms/999999", json={"name": "X"}).status_code == 404
    assert as_admin.delete("/api/catalogs/rooms/999999").status_code == 404


# --- delete -------------------------------------------------------------------------------------------


def test_delete_of_an_unused_entry_tombstones_it(as_admin, store):
    """204; the entry leaves every list, but its row stays with deleted_at for the phones' sync."""
    entry = _entry(store, CatalogKind.OCCURRENCE_TYPES, "Produto divergente")
    response = as_admin.delete(f"/api/catalogs/occurrence_types/{entry.id}")
    assert response.status_code == 204
    assert response.data == b""
    assert "Produto divergente" not in _names(as_admin, "occurrence_types")
    assert "Produto divergente" not in _names(as_admin, "occurrence_types", "?include_inactive=true")
    fresh = _fresh(entry.id)
    assert fresh.deleted_at is not None
    # A deleted entry is gone for the API: no second delete, no edit.
    assert as_admin.delete(f"/api/catalogs/occurrence_types/{entry.id}").status_code == 404
    assert as_admin.patch(f"/api/catalogs/occurrence_types/{entry.id}", json={"active": True}).status_code == 404


def test_name_of_a_deleted_entry_can_be_reused(as_admin, store):
    """A tombstone does not hold its name."""
    entry = _entry(store, CatalogKind.ROOMS, "Varanda gourmet")
    assert as_admin.delete(f"/api/catalogs/rooms/{entry.id}").status_code == 204
    response = as_admin.post("/api/catalogs/rooms", json={"name": "Varanda Gourmet"})
    assert response.status_code == 201, response.json
    assert response.json["id"] != entry.id


def _contract_using(room: CatalogEntry, store: Store, scheduler) -> int:
    customer = make_customer(store, document=CPFS[1])
    contract = make_contract(scheduler, customer, items=[{"room_id": room.id, "description": "Armários"}])
    return contract.id


def test_delete_of_an_entry_in_use_only_deactivates_it(as_admin, store, scheduler):
    """An entry a contract item points to → 204 but stays, inactive, linked to the contract."""
    room = _entry(store, CatalogKind.ROOMS, "Cozinha")
    contract_id = _contract_using(room, store, scheduler)

    response = as_admin.delete(f"/api/catalogs/rooms/{room.id}")
    assert response.status_code == 204

    fresh = _fresh(room.id)
    assert fresh.deleted_at is None
    assert fresh.active is False
    assert "Cozinha" not in _names(as_admin, "rooms")
    inactive = [e for e in as_admin.get("/api/catalogs/rooms?include_inactive=true").json if e["id"] == room.id]
    assert len(inactive) == 1 and inactive[0]["active"] is False
    item_rooms = db.session.scalars(select(ContractItem.room_id).where(ContractItem.contract_id == contract_id)).all()
    assert item_rooms == [room.id]

    contract = as_admin.get(f"/api/contracts/{contract_id}")
    assert contract.status_code == 200, contract.json
    assert [item["room"] for item in contract.json["items"]] == [{"id": room.id, "name": "Cozinha"}]


def test_entry_used_by_a_deleted_contract_still_is_only_deactivated(as_admin, store, scheduler):
    """A tombstoned contract keeps its items, so the entry they name must survive too."""
    room = _entry(store, CatalogKind.ROOMS, "Closet")
    contract_id = _contract_using(room, store, scheduler)
    assert as_admin.delete(f"/api/contracts/{contract_id}").status_code == 204
    assert as_admin.delete(f"/api/catalogs/rooms/{room.id}").status_code == 204
    fresh = _fresh(room.id)
    assert fresh.deleted_at is None and fresh.active is False


def test_entry_used_only_in_another_store_is_not_considered(as_admin, store, other_store):
    """References are per entry id: an unused entry of mine is deleted even if a namesake elsewhere is used."""
    outsider_scheduler = make_user(Role.SCHEDULER, [other_store])
    _contract_using(_entry(other_store, CatalogKind.ROOMS, "Cozinha"), other_store, outsider_scheduler)
    mine = _entry(store, CatalogKind.ROOMS, "Cozinha")
    assert as_admin.delete(f"/api/catalogs/rooms/{mine.id}").status_code == 204
    assert _fresh(mine.id).deleted_at is not None


# --- versions -------------------------------------------------------------------------------------------


def test_each_write_bumps_the_entry_version(as_admin, store):
    """Create, update and delete each give the entry a new, higher store version (phones pull by it)."""
    created = as_admin.post("/api/catalogs/product_lines", json={"name": "Lavanderia"})
    assert created.status_code == 201
    v1 = created.json["version"]
    assert v1 > 0
    assert _store_version(store.id) == v1

    renamed = as_admin.patch(f"/api/catalogs/product_lines/{created.json['id']}", json={"name": "Lavanderias"})
    v2 = renamed.json["version"]
    assert v2 > v1
    assert _store_version(store.id) == v2

    deactivated = as_admin.patch(f"/api/catalogs/product_lines/{created.json['id']}", json={"active": False})
    v3 = deactivated.json["version"]
    assert v3 > v2

    assert as_admin.delete(f"/api/catalogs/product_lines/{created.json['id']}").status_code == 204
    tombstone = _fresh(created.json["id"])
    assert tombstone.deleted_at is not None
    assert tombstone.version > v3
    assert _store_version(store.id) == tombstone.version


def test_one_write_bumps_the_store_version_once(as_admin, store):
    """A single request is one transaction: the store counter moves by exactly one."""
    before = _store_version(store.id)
    response = as_admin.post("/api/catalogs/rooms", json={"name": "Edícula"})
    assert response.json["version"] == before + 1
    assert _store_version(store.id) == before + 1


def test_deactivating_an_entry_in_use_bumps_its_version(as_admin, store, scheduler):
    """The phones must learn that an entry was deactivated."""
    room = _entry(store, CatalogKind.ROOMS, "Home office")
    _contract_using(room, store, scheduler)
    before = _fresh(room.id).version
    assert as_admin.delete(f"/api/catalogs/rooms/{room.id}").status_code == 204
    assert _fresh(room.id).version > before


def test_rejected_write_does_not_bump_versions(as_admin, store):
    """A 422 leaves the store counter where it was."""
    before = _store_version(store.id)
    assert as_admin.post("/api/catalogs/rooms", json={"name": "Cozinha"}).status_code == 422
    assert _store_version(store.id) == before


def test_writes_to_one_store_do_not_bump_another(as_admin, store, other_store):
    before = _store_version(other_store.id)
    assert as_admin.post("/api/catalogs/rooms", json={"name": "Edícula"}).status_code == 201
    assert _store_version(other_store.id) == before


def test_new_store_entries_carry_its_first_version(app):
    """Seeded entries are written with the store's version, so a first pull gets them all."""
    new = make_store("Loja Nova", cnpj=None)
    entries = db.session.scalars(select(CatalogEntry).where(CatalogEntry.store_id == new.id)).all()
    assert entries
    assert {e.version for e in entries} == {_store_version(new.id)}
    assert _store_version(new.id) >= 1


def test_duplicate_check_folds_accented_capitals(as_admin, store):
    """ "área de serviço" duplicates "Área de serviço" on every database (SQLite's lower() is ASCII-only)."""
    response = as_admin.post("/api/catalogs/rooms", json={"name": "ÁREA DE SERVIÇO"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["name"]
    response = as_admin.post("/api/catalogs/rooms", json={"name": "área de serviço"})
    assert response.status_code == 422
    entry = _entry(store, CatalogKind.ROOMS, "Dormitório casal")
    response = as_admin.patch(f"/api/catalogs/rooms/{entry.id}", json={"name": "área de SERVIÇO"})
    assert response.status_code == 422
    assert _fresh(entry.id).name == "Dormitório casal"
