"""Stores (lojas): creation with seeded catalogs, validation, roles and tenant isolation."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from server.catalogs.defaults import DEFAULTS
from server.catalogs.models import CatalogEntry, CatalogKind
from server.extensions import db
from server.stores.models import Store
from tests.conftest import ADDRESS, CNPJ, make_store

PROBLEM = "application/problem+json"


def _new_store(**data: Any) -> dict[str, Any]:
    return {"name": "Loja Moema", "cnpj": "11.222.333/0001-81", "address": ADDRESS, **data}


def _store_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Store)) or 0


def _stored(store_id: int) -> Store:
    db.session.expire_all()
    store = db.session.get(Store, store_id)
    assert store is not None
    return store


# --- create -------------------------------------------------------------------------------------


def test_admin_creates_a_store_and_becomes_a_member(as_admin, store):
    """201 with the store; defaults: São Paulo time zone and the CDC's 30 days; the admin joins it."""
    response = as_admin.post("/api/stores", json=_new_store(phone="(11) 3333-4444", email="moema@loja.test"))
    assert response.status_code == 201, response.json
    body = response.json
    assert body["name"] == "Loja Moema"
    assert body["cnpj"] == CNPJ  # normalized to digits
    assert body["phone"] == "1133334444"
    assert body["timezone"] == "America/Sao_Paulo"
    assert body["repair_deadline_days"] == 30
    assert body["address"]["cep"] == "01310100"
    assert body["address"]["state"] == "SP"
    assert body["created_at"]

    listed = [s["id"] for s in as_admin.get("/api/stores").json]
    assert sorted(listed) == sorted([store.id, body["id"]])
    assert as_admin.get(f"/api/stores/{body['id']}").status_code == 200
    me = as_admin.get("/api/auth/me").json
    assert body["id"] in [s["id"] for s in me["stores"]]


def test_new_store_catalogs_are_seeded_with_pt_br_defaults(as_admin):
    """Every catalog of a new store starts with the Brazilian defaults, in order."""
    store_id = as_admin.post("/api/stores", json=_new_store()).json["id"]
    types = [e["name"] for e in as_admin.get(f"/api/catalogs/occurrence_types?store_id={store_id}").json]
    assert "Defeito de fabricação" in types
    assert "Umidade/empenamento" in types
    assert "Avaria no transporte" in types
    assert types == DEFAULTS[CatalogKind.OCCURRENCE_TYPES]
    for kind in CatalogKind:
        entries = as_admin.get(f"/api/catalogs/{kind.value}?store_id={store_id}").json
        assert [e["name"] for e in entries] == DEFAULTS[kind], kind
        assert all(e["store_id"] == store_id and e["active"] for e in entries)
    rooms = [e["name"] for e in as_admin.get(f"/api/catalogs/rooms?store_id={store_id}").json]
    assert "Cozinha" in rooms


def test_seeded_catalogs_belong_to_the_new_store_only(as_admin, store):
    """Seeding a store does not touch another store's catalogs."""
    before = db.session.scalar(select(func.count()).select_from(CatalogEntry).where(CatalogEntry.store_id == store.id))
    store_id = as_admin.post("/api/stores", json=_new_store()).json["id"]
    after = db.session.scalar(select(func.count()).select_from(CatalogEntry).where(CatalogEntry.store_id == store.id))
    assert after == before
    seeded = db.session.scalar(select(func.count()).select_from(CatalogEntry).where(CatalogEntry.store_id == store_id))
    assert seeded == sum(len(names) for names in DEFAULTS.values())


def test_create_accepts_store_without_cnpj_and_address(as_admin):
    """Only the name is required."""
    response = as_admin.post("/api/stores", json={"name": "Loja Sem Dados"})
    assert response.status_code == 201, response.json
    assert response.json["cnpj"] is None
    assert response.json["address"] is None


@pytest.mark.parametrize("days", [7, 180])
def test_repair_deadline_bounds_are_accepted(as_admin, days):
    """7 and 180 days are the inclusive limits."""
    response = as_admin.post("/api/stores", json=_new_store(repair_deadline_days=days))
    assert response.status_code == 201, response.json
    assert response.json["repair_deadline_days"] == days


@pytest.mark.parametrize("days", [6, 181, 0, -30])
def test_repair_deadline_outside_7_to_180_is_rejected(as_admin, days):
    """A deadline outside 7–180 days → 422 on `repair_deadline_days`; no store written."""
    before = _store_count()
    response = as_admin.post("/api/stores", json=_new_store(repair_deadline_days=days))
    assert response.status_code == 422
    assert response.mimetype == PROBLEM
    assert list(response.json["errors"]) == ["repair_deadline_days"]
    assert "180" in response.json["errors"]["repair_deadline_days"][0]
    assert _store_count() == before


@pytest.mark.parametrize("cnpj", ["11222333000180", "1122233300018", "00000000000000", "abc"])
def test_invalid_cnpj_is_rejected(as_admin, cnpj):
    """CNPJ check digits are validated."""
    before = _store_count()
    response = as_admin.post("/api/stores", json=_new_store(cnpj=cnpj))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["cnpj"]
    assert _store_count() == before


@pytest.mark.parametrize("timezone", ["America/Nowhere", "Sao_Paulo", "", "../../etc/passwd"])
def test_invalid_timezone_is_rejected(as_admin, timezone):
    response = as_admin.post("/api/stores", json=_new_store(timezone=timezone))
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["timezone"]


def test_other_brazilian_timezone_is_accepted(as_admin):
    """Stores outside São Paulo time keep their own zone."""
    response = as_admin.post("/api/stores", json=_new_store(timezone="America/Manaus"))
    assert response.status_code == 201, response.json
    assert response.json["timezone"] == "America/Manaus"


def test_invalid_fields_are_named_together(as_admin):
    """Missing name, bad address, bad e-mail and unknown fields all appear in `errors`."""
    response = as_admin.post(
        "/api/stores",
        json={"cnpj": CNPJ, "address": {**ADDRESS, "state": "XX", "cep": "123"}, "email": "x", "version": 99},
    )
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"name", "address.state", "address.cep", "email", "version"}


@pytest.mark.parametrize("caller", ["as_scheduler", "as_technician"])
def test_only_admins_create_stores(request, caller):
    """Scheduler and technician → 403; nothing written."""
    client = request.getfixturevalue(caller)
    before = _store_count()
    response = client.post("/api/stores", json=_new_store())
    assert response.status_code == 403
    assert response.mimetype == PROBLEM
    assert _store_count() == before


def test_anonymous_cannot_use_stores(client, store):
    assert client.get("/api/stores").status_code == 401
    assert client.post("/api/stores", json=_new_store()).status_code == 401
    assert client.get(f"/api/stores/{store.id}").status_code == 401


# --- update -------------------------------------------------------------------------------------


def test_admin_updates_a_store(as_admin, store):
    """PATCH changes the fields sent and nothing else."""
    response = as_admin.patch(f"/api/stores/{store.id}", json={"repair_deadline_days": 45, "name": "Loja Centro SP"})
    assert response.status_code == 200, response.json
    assert response.json["repair_deadline_days"] == 45
    assert response.json["name"] == "Loja Centro SP"
    assert response.json["cnpj"] == CNPJ
    stored = _stored(store.id)
    assert stored.repair_deadline_days == 45
    assert stored.name == "Loja Centro SP"


def test_patch_with_a_bad_deadline_changes_nothing(as_admin, store):
    """A rejected PATCH leaves every field as it was, even the valid ones sent with it."""
    response = as_admin.patch(f"/api/stores/{store.id}", json={"repair_deadline_days": 200, "name": "Outro Nome"})
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["repair_deadline_days"]
    stored = _stored(store.id)
    assert stored.repair_deadline_days == 30
    assert stored.name == "Loja Centro"


def test_patch_can_clear_the_cnpj(as_admin, store):
    response = as_admin.patch(f"/api/stores/{store.id}", json={"cnpj": None})
    assert response.status_code == 200, response.json
    assert response.json["cnpj"] is None


def test_patch_cannot_touch_internal_counters(as_admin, store):
    """version and case sequence are not API fields."""
    response = as_admin.patch(f"/api/stores/{store.id}", json={"version": 0, "case_number_last": 0})
    assert response.status_code == 422
    assert set(response.json["errors"]) == {"version", "case_number_last"}


@pytest.mark.parametrize("caller", ["as_scheduler", "as_technician"])
def test_only_admins_patch_stores(request, caller, store):
    client = request.getfixturevalue(caller)
    response = client.patch(f"/api/stores/{store.id}", json={"repair_deadline_days": 60})
    assert response.status_code == 403
    assert _stored(store.id).repair_deadline_days == 30


# --- isolation ------------------------------------------------------------------------------------


def test_another_store_is_404(as_admin, as_scheduler, other_store):
    """Reading or editing a store I do not belong to → 404 problem+json, store unchanged."""
    for client in (as_admin, as_scheduler):
        response = client.get(f"/api/stores/{other_store.id}")
        assert response.status_code == 404
        assert response.mimetype == PROBLEM
    response = as_admin.patch(f"/api/stores/{other_store.id}", json={"name": "Invadida"})
    assert response.status_code == 404
    assert _stored(other_store.id).name == "Loja Outra"


def test_nonexistent_store_is_404(as_admin):
    assert as_admin.get("/api/stores/999999").status_code == 404


def test_list_shows_only_member_stores(as_admin, as_outsider, as_technician, store, other_store):
    """Each user lists exactly the stores they belong to."""
    third = make_store("Loja Terceira", cnpj=None)
    assert [s["id"] for s in as_admin.get("/api/stores").json] == [store.id]
    assert [s["id"] for s in as_technician.get("/api/stores").json] == [store.id]
    assert [s["id"] for s in as_outsider.get("/api/stores").json] == [other_store.id]
    assert third.id not in [s["id"] for s in as_admin.get("/api/stores").json]


def test_member_of_any_role_reads_their_store(as_technician, store):
    """Technicians need their store's settings (time zone) on the phone."""
    response = as_technician.get(f"/api/stores/{store.id}")
    assert response.status_code == 200
    assert response.json["timezone"] == "America/Sao_Paulo"


def test_patch_with_half_an_address_is_refused(as_admin, store):
    """The store's address is replaced only by a whole one."""
    response = as_admin.patch(f"/api/stores/{store.id}", json={"address": {"city": "Campinas"}})
    assert response.status_code == 422
    assert "address.cep" in response.json["errors"]
    assert as_admin.get(f"/api/stores/{store.id}").json["address"]["city"] == "São Paulo"
