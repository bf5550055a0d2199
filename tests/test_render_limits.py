"""Bounded renders: a layout's work is counted across nesting, its text and output measured, and
the render runs in a process that is killed at the time or memory limit. The refusal names the
layout, in a preview, a download and an e-mail (which fails for good instead of retrying), and
push notifications go on in a queue of their own meanwhile."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.auth.models import User
from server.cases.models import ServiceCase
from server.documents import bounded
from server.documents.models import DocumentEmail, PrintLayout
from server.documents.pool import PoolSettings, pool
from server.extensions import db
from server.jobs import configure_jobs, huey, push_huey
from server.push.models import PushDelivery
from server.stores.models import Store
from tests.conftest import ApiClient
from tests.test_documents import build_case
from tests.test_push import Device, PushService, book, push_service, subscribe  # noqa: F401

NESTED = (
    "<p>{% for a in range(1000) %}{% for b in range(1000) %}{% for c in range(1000) %}"
    "{{ a }}{% endfor %}{% endfor %}{% endfor %}</p>"
)
REPEATS = '<p>{{ (("x" * 1000) * 1000) * 1000 }}</p>'
JOINS = '{% set ns = namespace(s="x") %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}'
RECURSION = "{% macro f(n) %}{% if n %}{{ f(n - 1) }}{{ f(n - 1) }}{% endif %}{% endmacro %}{{ f(40) }}"
RUNAWAY = {"nested loops": NESTED, "chained repeats": REPEATS, "chained joins": JOINS, "recursion": RECURSION}


@pytest.fixture(autouse=True)
def folders(app: Flask, tmp_path: Path) -> Any:
    app.config.update(
        UPLOAD_FOLDER=str(tmp_path / "uploads"),
        MAIL_FOLDER=str(tmp_path / "mail"),
        PUSH_ALLOW_LOOPBACK=True,
    )
    yield
    app.config["JOBS_IMMEDIATE"] = True
    configure_jobs(app)
    huey.flush()
    push_huey.flush()


@pytest.fixture
def world(store: Store, scheduler: User, technician: User) -> dict[str, Any]:
    return build_case(store, scheduler, technician)


def legacy_layout(store: Store, html: str, name: str = "Legado", kind: str = "service_request") -> int:
    """A layout saved before the limits existed: it never went through today's check."""
    layout = PrintLayout(store_id=store.id, kind=kind, name=name, html=html, css="", is_default=False)
    db.session.add(layout)
    db.session.commit()
    return layout.id


def refused(response: Any, name: str | None) -> str:
    assert response.status_code == 422, response.data[:300]
    assert response.content_type == "application/problem+json"
    body = response.json
    who = f"O modelo “{name}”" if name else "O modelo em edição"
    assert body["detail"].startswith(f"{who} excedeu o limite de"), body
    assert body["type"].endswith("/render-limit")
    detail: str = body["detail"]
    return detail


@pytest.mark.parametrize("html", RUNAWAY.values(), ids=RUNAWAY.keys())
def test_a_runaway_layout_is_refused_when_saved_and_in_a_draft_preview(
    as_admin: ApiClient, store: Store, html: str
) -> None:
    body = {"store_id": store.id, "kind": "service_request", "html": html}
    refused(as_admin.post("/api/layouts/preview.pdf", json=body), None)
    refused(as_admin.post("/api/layouts", json={**body, "name": "Laços"}), "Laços")
    assert db.session.scalar(select(PrintLayout.id).where(PrintLayout.name == "Laços")) is None


@pytest.mark.parametrize("html", RUNAWAY.values(), ids=RUNAWAY.keys())
def test_a_runaway_layout_is_refused_in_a_preview_a_download_and_an_email(
    as_admin: ApiClient, as_scheduler: ApiClient, store: Store, world: dict[str, Any], html: str
) -> None:
    layout_id = legacy_layout(store, html, "Legado pesado")
    refused(as_admin.get(f"/api/layouts/{layout_id}/preview.pdf"), "Legado pesado")
    url = f"/api/cases/{world['case']}/documents/service_request.pdf?layout={layout_id}"
    detail = refused(as_scheduler.get(url), "Legado pesado")

    response = as_scheduler.post(
        f"/api/cases/{world['case']}/documents/service_request/email", json={"layout": layout_id}
    )
    assert response.status_code == 202, response.json
    db.session.commit()
    email = db.session.get_one(DocumentEmail, uuid.UUID(response.json["id"]))
    assert (email.status, email.attempts) == ("failed", 1)  # refused for good: not retried
    assert email.last_error == detail


def test_a_render_past_the_time_limit_is_killed_and_its_process_replaced(
    app: Flask, as_scheduler: ApiClient, store: Store, world: dict[str, Any]
) -> None:
    # Within the work budget, but far more boxes than weasyprint lays out in a fraction of a second.
    slow = "{% for a in range(90) %}{% for b in range(1000) %}<p>{{ a }} {{ b }}</p>{% endfor %}{% endfor %}"
    layout_id = legacy_layout(store, slow, "Muito longo")
    app.config.update(RENDER_SECONDS=0.3, RENDER_WORKERS=1)
    with app.app_context():
        before = [child.process for child in pool(bounded.pool_settings())._children]
    url = f"/api/cases/{world['case']}/documents/service_request.pdf?layout={layout_id}"
    detail = refused(as_scheduler.get(url), "Muito longo")
    assert "limite de tempo" in detail
    [killed] = before
    assert not killed.is_alive() and killed.exitcode == -9  # SIGKILL
    with app.app_context():
        [child] = pool(bounded.pool_settings())._children
    assert child.process.is_alive() and child.process is not killed
    app.config["RENDER_SECONDS"] = 20
    assert as_scheduler.get(f"/api/cases/{world['case']}/documents/service_request.pdf").status_code == 200


def test_a_render_past_the_memory_limit_is_refused(
    app: Flask, as_scheduler: ApiClient, store: Store, world: dict[str, Any]
) -> None:
    layout_id = legacy_layout(store, REPEATS, "Gigante")
    app.config.update(RENDER_MAX_TEXT=10**10, RENDER_MAX_OUTPUT=10**10, RENDER_MEMORY_MB=400, RENDER_WORKERS=1)
    detail = refused(
        as_scheduler.get(f"/api/cases/{world['case']}/documents/service_request.pdf?layout={layout_id}"), "Gigante"
    )
    assert "limite de memória (400 MB)" in detail
    assert as_scheduler.get(f"/api/cases/{world['case']}/documents/service_request.pdf").status_code == 200


def test_limits_are_settings(app: Flask) -> None:
    app.config.update(RENDER_SECONDS="7", RENDER_MEMORY_MB=300, RENDER_WORKERS=3, RENDER_MAX_STEPS=50)
    with app.app_context():
        assert bounded.pool_settings() == PoolSettings(workers=3, seconds=7.0, memory_mb=300, queue_seconds=60.0)
        assert bounded.limits().steps == 50


def test_a_push_is_delivered_while_a_runaway_email_waits_in_its_own_queue(
    app: Flask,
    tmp_path: Path,
    push_service: PushService,  # noqa: F811
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    technician: User,
    store: Store,
    world: dict[str, Any],
) -> None:
    device = Device(push_service.endpoint("a"))
    subscribe(as_technician, device)
    layout_id = legacy_layout(store, NESTED, "Legado pesado")
    app.config.update(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=str(tmp_path / "huey.db"))
    configure_jobs(app)
    huey.flush()
    push_huey.flush()

    email = as_scheduler.post(f"/api/cases/{world['case']}/documents/service_request/email", json={"layout": layout_id})
    assert email.status_code == 202
    book(as_scheduler, db.session.get_one(ServiceCase, world["case"]), technician, "14:00", "15:00")
    assert (huey.pending_count(), push_huey.pending_count()) == (1, 1)

    push_huey.execute(push_huey.dequeue())  # the push consumer, which no e-mail can hold up
    assert device.decrypt(push_service.to("a")[0])["kind"] == "assigned"
    db.session.commit()
    assert [d.status for d in db.session.scalars(select(PushDelivery))] == ["sent"]
    assert db.session.get_one(DocumentEmail, uuid.UUID(email.json["id"])).status == "queued"

    huey.execute(huey.dequeue())  # the e-mail consumer gets to it: refused, for good
    db.session.commit()
    row = db.session.get_one(DocumentEmail, uuid.UUID(email.json["id"]))
    assert row.status == "failed" and row.last_error.startswith("O modelo “Legado pesado” excedeu o limite de")
    assert huey.pending_count() == 0  # no retry queued
