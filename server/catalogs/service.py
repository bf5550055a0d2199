"""Catalogs (cadastros auxiliares): per-store lists that forms pick from.

An entry that some record points to is deactivated instead of deleted, so old records keep
their labels.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from server.auth.access import visible
from server.auth.models import User
from server.catalogs.defaults import DEFAULTS
from server.catalogs.models import CatalogEntry, CatalogKind
from server.database import is_referenced, soft_delete
from server.errors import ValidationFailed
from server.extensions import db
from server.stores.models import Store

KIND_LABELS = {
    CatalogKind.OCCURRENCE_TYPES: "Tipo de ocorrência",
    CatalogKind.OCCURRENCE_STATUSES: "Situação da ocorrência",
    CatalogKind.APPOINTMENT_TYPES: "Tipo de compromisso",
    CatalogKind.ROOMS: "Ambiente",
    CatalogKind.PRODUCT_LINES: "Linha de produto",
}


def check_entries(store_id: int, refs: dict[str, tuple[CatalogKind, int | None]]) -> None:
    """Each referenced entry (field path -> kind, id) is an active entry of that kind in the store.

    One query for all of them; ValidationFailed names every bad field.
    """
    ids = {entry_id for _, entry_id in refs.values() if entry_id is not None}
    found = (
        {
            entry.id: entry.kind
            for entry in db.session.scalars(
                select(CatalogEntry).where(
                    CatalogEntry.id.in_(ids),
                    CatalogEntry.store_id == store_id,
                    CatalogEntry.deleted_at.is_(None),
                    CatalogEntry.active.is_(True),
                )
            )
        }
        if ids
        else {}
    )
    errors = {
        field: [f"{KIND_LABELS[kind]}: opção não encontrada ou inativa."]
        for field, (kind, entry_id) in refs.items()
        if entry_id is not None and found.get(entry_id) != kind.value
    }
    if errors:
        raise ValidationFailed(errors)


def seed_catalogs(store: Store) -> None:
    for kind, names in DEFAULTS.items():
        for position, name in enumerate(names, start=1):
            db.session.add(CatalogEntry(store_id=store.id, kind=kind.value, name=name, position=position))


def list_entries(user: User, kind: CatalogKind, store_id: int | None, include_inactive: bool) -> list[CatalogEntry]:
    stmt = visible(CatalogEntry, user).where(CatalogEntry.kind == kind.value)
    if store_id is not None:
        stmt = stmt.where(CatalogEntry.store_id == store_id)
    if not include_inactive:
        stmt = stmt.where(CatalogEntry.active.is_(True))
    stmt = stmt.order_by(CatalogEntry.store_id, CatalogEntry.position, CatalogEntry.id)
    return list(db.session.scalars(stmt))


def _check_unique_name(store_id: int, kind: str, name: str, exclude_id: int | None = None) -> None:
    # Compared in Python: SQLite's lower() folds ASCII only ("Área" vs "área"), and a catalog is short.
    stmt = select(CatalogEntry.name).where(
        CatalogEntry.store_id == store_id,
        CatalogEntry.kind == kind,
        CatalogEntry.deleted_at.is_(None),
    )
    if exclude_id is not None:
        stmt = stmt.where(CatalogEntry.id != exclude_id)
    if any(existing.casefold() == name.casefold() for existing in db.session.scalars(stmt)):
        raise ValidationFailed({"name": ["Já existe um item com este nome."]})


def create_entry(kind: CatalogKind, store: Store, data: dict[str, Any]) -> CatalogEntry:
    _check_unique_name(store.id, kind.value, data["name"])
    if data.get("position") is None:
        last = db.session.scalar(
            select(func.max(CatalogEntry.position)).where(
                CatalogEntry.store_id == store.id, CatalogEntry.kind == kind.value
            )
        )
        data = {**data, "position": (last or 0) + 1}
    entry = CatalogEntry(store_id=store.id, kind=kind.value, **data)
    db.session.add(entry)
    db.session.flush()
    return entry


def update_entry(entry: CatalogEntry, data: dict[str, Any]) -> CatalogEntry:
    if "name" in data:
        _check_unique_name(entry.store_id, entry.kind, data["name"], exclude_id=entry.id)
    for key, value in data.items():
        setattr(entry, key, value)
    db.session.flush()
    return entry


def remove_entry(entry: CatalogEntry) -> None:
    """Deactivate an entry in use; tombstone one that nothing points to."""
    if is_referenced(db.session, entry):
        entry.active = False
    else:
        soft_delete(entry)
    db.session.flush()
