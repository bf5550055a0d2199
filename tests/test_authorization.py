"""Every API endpoint against every kind of caller: anonymous, wrong role, other store, no CSRF.

The table below must name every `/api` route the app has (a test checks it), so a new endpoint
cannot ship without its authorization cases.
"""

from __future__ import annotations

import hashlib
import io
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pytest
from flask import Flask
from PIL import Image

from server.auth.models import Role
from tests.claims_authorization import claim_endpoints, claim_records
from tests.conftest import CPFS, PASSWORD, login, make_case, make_contract, make_customer, make_user

ADMIN, SCHEDULER, TECHNICIAN = Role.ADMIN.value, Role.SCHEDULER.value, Role.TECHNICIAN.value
ALL = {ADMIN, SCHEDULER, TECHNICIAN}
OFFICE = {ADMIN, SCHEDULER}


@dataclass(frozen=True)
class Endpoint:
    method: str
    rule: str  # as in app.url_map
    roles: set[str]
    # A valid body (or a function of the ids giving one), so that only authorization can fail.
    body: dict[str, Any] | Callable[[dict[str, Any]], dict[str, Any]] | None = None
    once: bool = False  # the first success uses the record up (generating orders takes the free items)
    query: Callable[[dict[str, Any]], dict[str, Any]] | None = None  # query string, from the ids

    @property
    def consumes(self) -> bool:
        return self.once or self.method == "DELETE"

    @property
    def writes(self) -> bool:
        return self.method not in ("GET", "HEAD")

    def url(self, ids: dict[str, Any]) -> str:
        url = self.rule
        for name, value in ids.items():
            for placeholder in (f"<int:{name}>", f"<uuid:{name}>", f"<{name}>"):
                url = url.replace(placeholder, str(value))
        return url

    def payload(self, ids: dict[str, Any]) -> dict[str, Any] | None:
        if not self.writes:
            return None
        return self.body(ids) if callable(self.body) else self.body


def occurrence_body(ids: dict[str, Any]) -> dict[str, Any]:
    return {"occurrence_type_id": ids["occurrence_type_id"], "payer": "store", "resolved": True}


ITEM = {"description": "Dobradiça", "quantity": "2", "action": "replace", "supplier": "Ferragens Sul"}


def layout_body(ids: dict[str, Any], name: bool = True) -> dict[str, Any]:
    body = {"store_id": ids["store_id"], "kind": "service_request", "html": "<p>{{ case.number }}</p>"}
    return {**body, "name": "Layout"} if name else body


def sync_body() -> dict[str, Any]:
    return {"protocol": 1, "schema_version": 1, "client_id": str(uuid.uuid4())}


def push_subscription_body() -> dict[str, Any]:
    keys = {"p256dh": "B" + "A" * 86, "auth": "A" * 22}  # 65 and 16 bytes in base64url
    return {"endpoint": "https://fcm.googleapis.com/fcm/send/x", "keys": keys}


def appointment_body(ids: dict[str, Any]) -> dict[str, Any]:
    return {
        "appointment_type_id": ids["appointment_type_id"],
        "assignee_id": ids["technician_id"],
        "starts_at": "2030-03-11T14:00:00",
        "ends_at": "2030-03-11T15:00:00",
    }


ENDPOINTS = [
    Endpoint("POST", "/api/auth/logout", ALL),
    Endpoint("POST", "/api/auth/logout-all", ALL),
    Endpoint("POST", "/api/auth/password", ALL, {"current_password": PASSWORD, "new_password": "outra-senha-boa-9"}),
    Endpoint("GET", "/api/auth/me", ALL),
    Endpoint("GET", "/api/users", OFFICE),
    Endpoint("POST", "/api/users", {ADMIN}),
    Endpoint("GET", "/api/users/<int:user_id>", OFFICE),
    Endpoint("PATCH", "/api/users/<int:user_id>", {ADMIN}, {}),
    Endpoint("GET", "/api/stores", ALL),
    Endpoint("POST", "/api/stores", {ADMIN}),
    Endpoint("GET", "/api/stores/<int:store_id>", ALL),
    Endpoint("PATCH", "/api/stores/<int:store_id>", {ADMIN}, {}),
    Endpoint("GET", "/api/catalogs/<kind>", ALL),
    Endpoint("POST", "/api/catalogs/<kind>", {ADMIN}),
    Endpoint("PATCH", "/api/catalogs/<kind>/<int:entry_id>", {ADMIN}, {}),
    Endpoint("DELETE", "/api/catalogs/<kind>/<int:entry_id>", {ADMIN}),
    Endpoint("GET", "/api/suppliers", ALL),
    Endpoint("POST", "/api/suppliers", OFFICE),
    Endpoint("GET", "/api/suppliers/<int:supplier_id>", ALL),
    Endpoint("PATCH", "/api/suppliers/<int:supplier_id>", OFFICE, {}),
    Endpoint("DELETE", "/api/suppliers/<int:supplier_id>", OFFICE),
    Endpoint("GET", "/api/customers", OFFICE),
    Endpoint("POST", "/api/customers", OFFICE),
    Endpoint("GET", "/api/customers/<int:customer_id>", OFFICE),
    Endpoint("PATCH", "/api/customers/<int:customer_id>", OFFICE, {}),
    Endpoint("DELETE", "/api/customers/<int:customer_id>", OFFICE),
    Endpoint("GET", "/api/contracts", OFFICE),
    Endpoint("POST", "/api/contracts", OFFICE),
    Endpoint("GET", "/api/contracts/<int:contract_id>", OFFICE),
    Endpoint("PATCH", "/api/contracts/<int:contract_id>", OFFICE, {}),
    Endpoint("DELETE", "/api/contracts/<int:contract_id>", OFFICE),
    Endpoint("GET", "/api/cases", ALL),
    Endpoint("POST", "/api/cases", OFFICE),
    Endpoint("GET", "/api/cases/<int:case_id>", ALL),
    Endpoint("PATCH", "/api/cases/<int:case_id>", OFFICE, {}),
    Endpoint("POST", "/api/cases/<int:case_id>/cancel", OFFICE, {"reason": "Cliente desistiu."}),
    Endpoint("GET", "/api/cases/<int:case_id>/timeline", ALL),
    Endpoint("GET", "/api/cases/<int:case_id>/occurrences", ALL),
    Endpoint("POST", "/api/cases/<int:case_id>/occurrences", ALL, occurrence_body),
    Endpoint("GET", "/api/occurrences/<uuid:occurrence_id>", ALL),
    Endpoint("PATCH", "/api/occurrences/<uuid:occurrence_id>", ALL, {"report": "Revisado."}),
    Endpoint("DELETE", "/api/occurrences/<uuid:occurrence_id>", OFFICE),
    Endpoint("POST", "/api/occurrences/<uuid:occurrence_id>/items", ALL, ITEM),
    Endpoint("PATCH", "/api/occurrences/<uuid:occurrence_id>/items/<uuid:item_id>", ALL, {"quantity": "3"}),
    Endpoint("DELETE", "/api/occurrences/<uuid:occurrence_id>/items/<uuid:item_id>", ALL),
    Endpoint("GET", "/api/cases/<int:case_id>/orders", ALL),
    Endpoint("POST", "/api/cases/<int:case_id>/orders", OFFICE, {}, once=True),
    Endpoint("GET", "/api/cases/<int:case_id>/costs", ALL),
    Endpoint("GET", "/api/orders/<int:order_id>", ALL),
    Endpoint("PATCH", "/api/orders/<int:order_id>", OFFICE, {"notes": "Conferido."}),
    Endpoint("POST", "/api/orders/<int:order_id>/cancel", OFFICE, {"reason": "Pedido em duplicidade."}),
    # The upload (raw body + X-Content-SHA256) has its own authorization tests in test_attachments.py.
    Endpoint("PUT", "/api/attachments/<uuid:attachment_id>", ALL),
    Endpoint("GET", "/api/attachments/<uuid:attachment_id>", ALL),
    Endpoint("GET", "/api/attachments/<uuid:attachment_id>/thumbnail", ALL),
    Endpoint("GET", "/api/attachments/<uuid:attachment_id>/meta", ALL),
    Endpoint(
        "POST",
        "/api/attachments/<uuid:attachment_id>/link",
        ALL,
        lambda ids: {"occurrence_id": str(ids["occurrence_id"])},
    ),
    Endpoint("DELETE", "/api/attachments/<uuid:attachment_id>", ALL),
    Endpoint("GET", "/api/cases/<int:case_id>/appointments", ALL),
    Endpoint("POST", "/api/cases/<int:case_id>/appointments", OFFICE, appointment_body),
    Endpoint("GET", "/api/appointments", ALL),
    Endpoint("GET", "/api/appointments/<int:appointment_id>", ALL),
    Endpoint("PATCH", "/api/appointments/<int:appointment_id>", OFFICE, {"notes": "Levar dobradiças."}),
    Endpoint("POST", "/api/appointments/<int:appointment_id>/cancel", OFFICE, {"reason": "Cliente viajou."}),
    Endpoint("POST", "/api/appointments/<int:appointment_id>/check-in", ALL, {}),
    Endpoint("POST", "/api/appointments/<int:appointment_id>/check-out", ALL, {}),
    # A fresh device per call: a client_id belongs to the first user who uses it.
    Endpoint("POST", "/api/sync/push", ALL, lambda ids: {**sync_body(), "mutations": []}),
    Endpoint("POST", "/api/sync/pull", ALL, lambda ids: {**sync_body(), "cursor": None}),
    Endpoint("GET", "/api/layouts", {ADMIN}),
    Endpoint("POST", "/api/layouts", {ADMIN}, lambda ids: layout_body(ids)),
    Endpoint("POST", "/api/layouts/preview.pdf", {ADMIN}, lambda ids: layout_body(ids, name=False)),
    Endpoint("GET", "/api/layouts/<int:layout_id>", {ADMIN}),
    Endpoint("PATCH", "/api/layouts/<int:layout_id>", {ADMIN}, {"name": "Layout revisado"}),
    Endpoint("DELETE", "/api/layouts/<int:layout_id>", {ADMIN}),  # the default: 409
    Endpoint("GET", "/api/layouts/<int:layout_id>/preview.pdf", {ADMIN}),
    Endpoint("GET", "/api/cases/<int:case_id>/documents", ALL),
    # document_kind is the visit report: a technician may print (and e-mail) those of their visits.
    Endpoint(
        "GET",
        "/api/cases/<int:case_id>/documents/<document_kind>.pdf",
        ALL,
        query=lambda ids: {"appointment_id": ids["appointment_id"]},
    ),
    Endpoint(
        "POST",
        "/api/cases/<int:case_id>/documents/<document_kind>/email",
        ALL,
        lambda ids: {"appointment_id": ids["appointment_id"], "recipients": ["cliente@example.com"]},
    ),
    Endpoint("GET", "/api/cases/<int:case_id>/documents/emails", OFFICE),
    Endpoint("GET", "/api/cases/<int:case_id>/documents/emails/<uuid:email_id>", ALL),
    Endpoint("GET", "/api/mail/outbox", {ADMIN}),
    Endpoint("POST", "/api/calendar/token", {ADMIN, TECHNICIAN}),
    Endpoint("DELETE", "/api/calendar/token", {ADMIN, TECHNICIAN}),
    Endpoint("GET", "/api/push/vapid-key", ALL),
    Endpoint("POST", "/api/push/subscriptions", ALL, lambda ids: push_subscription_body()),
    Endpoint("DELETE", "/api/push/subscriptions", ALL, {"endpoint": "https://fcm.googleapis.com/fcm/send/x"}),
    Endpoint("GET", "/api/appointments/<int:appointment_id>/notifications", OFFICE),
    Endpoint("GET", "/api/dashboard", OFFICE),
    *claim_endpoints(Endpoint),
]
RECORD_ENDPOINTS = [e for e in ENDPOINTS if ("<int:" in e.rule or "/attachments/" in e.rule) and e.method != "PUT"]
PUBLIC_RULES = {
    "/api/calendar/<token>.ics",
    "/api/auth/login",
    "/api/auth/password-reset",
    "/api/auth/password-reset/confirm",
    "/api/meta",  # the labels of the API's codes: no record, the same for everyone
    "/api/openapi.json",
    "/api/docs",
    "/api/docs/assets/<path:filename>",
    "/api/health",  # probes for the load balancer (tests/test_ops_health.py)
    "/api/ready",
    "/api/metrics",  # its own bearer token (tests/test_ops_metrics.py)
}


def _records(store: Any, scheduler: Any, author: Any, user: Any, document: str) -> dict[str, Any]:
    """A customer, contract, case (assigned to `author` when a technician), occurrence and item."""
    from sqlalchemy import select

    from server.appointments.service import create_appointment
    from server.attachments.service import upload_attachment
    from server.catalogs.models import CatalogEntry
    from server.documents.models import DocumentEmail, PrintLayout
    from server.extensions import db
    from server.occurrences.service import create_occurrence
    from server.orders.service import generate_orders

    def first(kind: str) -> int:
        return db.session.scalar(
            select(CatalogEntry.id).where(CatalogEntry.store_id == store.id, CatalogEntry.kind == kind)
        )

    customer = make_customer(store, document=document)
    contract = make_contract(scheduler, customer)
    assignee = author.id if author.role == TECHNICIAN else None
    case = make_case(scheduler, customer, assignee_id=assignee)
    ids = {
        "store_id": store.id,
        "user_id": user.id,
        "kind": "rooms",
        "entry_id": first("rooms"),
        "occurrence_type_id": first("occurrence_types"),
    }
    occurrence = create_occurrence(case, {**occurrence_body(ids), "items": [ITEM, ITEM, ITEM]}, author)
    item_ids = [item.id for item in occurrence.items]
    [order] = generate_orders(case, {"item_ids": [item_ids[1]]}, scheduler)
    visitor = author if author.role == TECHNICIAN else make_user(Role.TECHNICIAN, [store])
    ids.update(appointment_type_id=first("appointment_types"), technician_id=visitor.id)
    visit = {"appointment_type_id": ids["appointment_type_id"], "assignee_id": visitor.id}
    when = {"starts_at": datetime(2030, 3, 11, 9), "ends_at": datetime(2030, 3, 11, 10)}
    appointment = create_appointment(case, {**visit, **when}, scheduler)
    ids.update(
        customer_id=customer.id,
        contract_id=contract.id,
        case_id=case.id,
        occurrence_id=occurrence.id,
        item_id=item_ids[0],
        order_id=order.id,
        appointment_id=appointment.id,
        supplier_id=order.supplier_id,
    )
    email = DocumentEmail(  # a row, not queue_email(): rendering a PDF for every test is slow
        store_id=store.id,
        case_id=case.id,
        kind="visit_report",
        recipients=["c@x.com"],
        subject="Relatório",
        message="Segue.",
        message_id=f"<{uuid.uuid4()}@assistec>",
    )
    db.session.add(email)
    db.session.commit()
    layout_id = db.session.scalar(select(PrintLayout.id).where(PrintLayout.store_id == store.id).limit(1))
    ids.update(document_kind="visit_report", email_id=email.id, layout_id=layout_id)
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(photo, "JPEG")
    digest = hashlib.sha256(photo.getvalue()).hexdigest()
    attachment = upload_attachment(author, uuid.uuid4(), photo.getvalue(), digest, occurrence_id=ids["occurrence_id"])
    ids.update(claim_records(store, scheduler, case.id))
    return {**ids, "attachment_id": attachment.id}


@pytest.fixture
def world(app: Flask, store: Any, other_store: Any, admin: Any, scheduler: Any, technician: Any) -> dict[str, Any]:
    """Records in our store (the technician's case and occurrence) and in another store, with their ids."""
    other_scheduler = make_user(Role.SCHEDULER, [other_store], "outra@assistec.test")
    return {
        "ours": _records(store, scheduler, technician, technician, CPFS[0]),
        "theirs": _records(other_store, other_scheduler, other_scheduler, other_scheduler, CPFS[1]),
        "users": {ADMIN: admin, SCHEDULER: scheduler, TECHNICIAN: technician},
    }


def _call(client: Any, endpoint: Endpoint, ids: dict[str, Any]) -> Any:
    query = endpoint.query(ids) if endpoint.query else None
    return client.open(endpoint.url(ids), method=endpoint.method, json=endpoint.payload(ids), query_string=query)


def test_the_table_names_every_api_route(app: Flask) -> None:
    """A new /api route must be added to ENDPOINTS (or to the public list) to pass."""
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(e.method, e.rule) for e in ENDPOINTS}
    public = {(m, r) for m, r in routes if r in PUBLIC_RULES}
    assert routes - public == covered


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: f"{e.method} {e.rule}")
def test_anonymous_gets_401(client: Any, world: dict[str, Any], endpoint: Endpoint) -> None:
    response = _call(client, endpoint, world["ours"])
    assert response.status_code == 401
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 401


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.roles != ALL], ids=lambda e: f"{e.method} {e.rule}")
def test_wrong_role_gets_403(app: Flask, world: dict[str, Any], endpoint: Endpoint) -> None:
    for role in ALL - endpoint.roles:
        client = login(app, world["users"][role])
        response = _call(client, endpoint, world["ours"])
        assert response.status_code == 403, (role, response.json)
        assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("endpoint", RECORD_ENDPOINTS, ids=lambda e: f"{e.method} {e.rule}")
def test_another_stores_record_is_404(app: Flask, world: dict[str, Any], endpoint: Endpoint) -> None:
    """Each allowed role asks for the other store's record and learns nothing of it."""
    for role in endpoint.roles:
        client = login(app, world["users"][role])
        response = _call(client, endpoint, world["theirs"])
        assert response.status_code == 404, (role, response.json)
        assert response.content_type == "application/problem+json"


@pytest.mark.parametrize("endpoint", RECORD_ENDPOINTS, ids=lambda e: f"{e.method} {e.rule}")
def test_allowed_roles_reach_their_own_records(app: Flask, world: dict[str, Any], endpoint: Endpoint) -> None:
    """The same requests succeed on our store's records, so the 404s above are about scope."""
    roles = sorted(endpoint.roles)
    for role in roles[:1] if endpoint.consumes else roles:
        client = login(app, world["users"][role])
        response = _call(client, endpoint, world["ours"])
        assert response.status_code < 300 or response.status_code == 409, (role, response.json)


@pytest.mark.parametrize("endpoint", [e for e in ENDPOINTS if e.writes], ids=lambda e: f"{e.method} {e.rule}")
def test_write_without_csrf_token_is_refused(app: Flask, world: dict[str, Any], endpoint: Endpoint) -> None:
    role = ADMIN if ADMIN in endpoint.roles else next(iter(endpoint.roles))
    client = login(app, world["users"][role])
    client.csrf_token = None
    response = _call(client, endpoint, world["ours"])
    assert response.status_code == 400
    assert response.content_type == "application/problem+json"
    assert response.json["type"].endswith("/csrf")
