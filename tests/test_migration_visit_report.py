"""The data migration that adds the technician's note to stores' visit report layouts: only
copies still exactly as shipped change, each with a new store version."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType
from typing import Any

from alembic.operations import Operations
from alembic.runtime.migration import MigrationContext
from flask import Flask
from sqlalchemy import select

from server.documents.models import PrintLayout
from server.extensions import db
from tests.conftest import store_version

MIGRATION = next(Path("migrations/versions").glob("5b1e7c9d2a40_*.py"))


def migration() -> ModuleType:
    spec = importlib.util.spec_from_file_location("visit_report_migration", MIGRATION)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run(step: str) -> None:
    db.session.commit()
    with db.engine.begin() as conn, Operations.context(MigrationContext.configure(conn)):
        getattr(migration(), step)()


def layout(store_id: int) -> PrintLayout:
    db.session.expire_all()
    return db.session.scalars(
        select(PrintLayout).where(PrintLayout.store_id == store_id, PrintLayout.kind == "visit_report")
    ).one()


def test_only_layouts_as_shipped_get_the_technicians_note(app: Flask, store: Any, other_store: Any) -> None:
    module = migration()
    current = layout(store.id).html
    shipped = current.replace(module.TECHNICIAN_LINE, "")
    assert shipped != current and module._shipped(shipped)  # today's default is the shipped one plus the line
    layout(store.id).html = shipped
    layout(other_store.id).html = shipped.replace("<h2>Visita</h2>", "<h2>Nossa visita</h2>")  # edited by the store
    db.session.commit()
    edited_before = layout(other_store.id).html
    version_before, other_version = store_version(store.id), store_version(other_store.id)

    run("upgrade")
    assert layout(store.id).html == current
    assert layout(store.id).version == store_version(store.id) == version_before + 1
    assert layout(other_store.id).html == edited_before
    assert store_version(other_store.id) == other_version

    run("downgrade")
    assert layout(store.id).html == shipped
    assert layout(other_store.id).html == edited_before
