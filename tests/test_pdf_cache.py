"""The PDF cache: an unchanged document is served without rendering again; a change to anything
it shows (the case, an occurrence, a photo, the layout) renders it again. Renders are counted."""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.auth.models import User
from server.documents import bounded, cache
from server.documents.models import PrintLayout
from server.extensions import db
from server.stores.models import Store
from tests.conftest import ApiClient, login
from tests.test_documents import attach, build_case, image


@pytest.fixture(autouse=True)
def folders(app: Flask, tmp_path: Path) -> None:
    app.config.update(UPLOAD_FOLDER=str(tmp_path / "uploads"))


@pytest.fixture
def world(store: Store, scheduler: User, technician: User) -> dict[str, Any]:
    return build_case(store, scheduler, technician)


def visit_report(client: ApiClient, world: dict[str, Any]) -> bytes:
    response = client.get(f"/api/cases/{world['case']}/documents/visit_report.pdf?appointment_id={world['visit']}")
    assert response.status_code == 200, response.json
    assert response.content_type == "application/pdf"
    return response.data


def test_an_unchanged_document_is_served_from_the_cache(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    start = bounded.renders()
    first = visit_report(as_scheduler, world)
    assert bounded.renders() == start + 1
    assert visit_report(as_scheduler, world) == first
    assert visit_report(as_scheduler, world) == first
    assert bounded.renders() == start + 1


def change_case(app: Flask, world: dict[str, Any], **_: Any) -> None:
    client = login(app, world["scheduler"])
    case = client.get(f"/api/cases/{world['case']}").json
    body = {"reported_issue": "Gaveta sem trilho.", "service_address": case["service_address"]}
    response = client.patch(f"/api/cases/{world['case']}", json=body)
    assert response.status_code == 200, response.json


def change_occurrence(app: Flask, world: dict[str, Any], **_: Any) -> None:
    client = login(app, world["technician"])
    response = client.patch(f"/api/occurrences/{world['occurrence']}", json={"report": "Dobradiça trocada."})
    assert response.status_code == 200, response.json


def add_photo(app: Flask, world: dict[str, Any], **_: Any) -> None:
    attach(world["technician"], image("photo", "blue"), occurrence_id=world["occurrence"])
    db.session.commit()


def remove_photo(app: Flask, world: dict[str, Any], **_: Any) -> None:
    client = login(app, world["technician"])
    assert client.delete(f"/api/attachments/{world['photo']}").status_code == 204


def change_layout(app: Flask, world: dict[str, Any], store: Store) -> None:
    client = login(app, world["admin"])
    layout = db.session.scalar(
        select(PrintLayout).where(PrintLayout.store_id == store.id, PrintLayout.kind == "visit_report")
    )
    assert layout is not None
    response = client.patch(
        f"/api/layouts/{layout.id}", json={"html": layout.html.replace("</body>", "<p>.</p></body>")}
    )
    assert response.status_code == 200, response.json


CHANGES: dict[str, Callable[..., None]] = {
    "case": change_case,
    "occurrence": change_occurrence,
    "photo added": add_photo,
    "photo removed": remove_photo,
    "layout": change_layout,
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_change_renders_the_document_again(
    app: Flask,
    as_scheduler: ApiClient,
    world: dict[str, Any],
    store: Store,
    admin: User,
    scheduler: User,
    technician: User,
    change: Callable[..., None],
) -> None:
    world.update(admin=admin, scheduler=scheduler, technician=technician)
    before = visit_report(as_scheduler, world)
    start = bounded.renders()
    change(app, world, store=store)
    after = visit_report(as_scheduler, world)
    assert bounded.renders() == start + 1 and after != before
    assert visit_report(as_scheduler, world) == after
    assert bounded.renders() == start + 1


def test_the_cache_can_be_turned_off(app: Flask, as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    app.config["RENDER_CACHE"] = 0
    start = bounded.renders()
    visit_report(as_scheduler, world)
    visit_report(as_scheduler, world)
    assert bounded.renders() == start + 2


def test_the_local_folder_is_pruned_every_few_writes_to_the_newest(app: Flask, monkeypatch: pytest.MonkeyPatch) -> None:
    """Listing the folder costs with the files it holds, so it happens once per `PRUNE_EVERY`
    writes, and then keeps the newest `RENDER_CACHE_FILES`."""
    app.config["RENDER_CACHE_FILES"] = 5
    monkeypatch.setattr(cache, "_writes", itertools.count())
    looks = []
    prune = cache._prune
    monkeypatch.setattr(cache, "_prune", lambda folder, keep: (looks.append(keep), prune(folder, keep)))
    folder = Path(app.config["UPLOAD_FOLDER"]) / cache.PREFIX
    for i in range(2 * cache.PRUNE_EVERY + 20):
        cache.write(f"{i:064x}", b"%PDF-1.7 " + str(i).encode())
        os.utime(folder / f"{i:064x}"[:2] / f"{i:064x}.pdf", (1_000_000 + i, 1_000_000 + i))  # in order
    assert looks == [5, 5, 5]
    kept = sorted(int(path.stem, 16) for path in folder.glob("*/*.pdf"))
    newest_at_last_look = range(2 * cache.PRUNE_EVERY - 4, 2 * cache.PRUNE_EVERY + 1)
    assert kept == [*newest_at_last_look, *range(2 * cache.PRUNE_EVERY + 1, 2 * cache.PRUNE_EVERY + 20)]
