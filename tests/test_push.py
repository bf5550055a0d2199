"""Push notifications: VAPID keys, subscriptions and their SSRF guard, the notices a change of a
visit sends (after the commit), what the office sees, and the job's answers to the push service.

A local HTTP server on 127.0.0.1 stands for the browser's push service: it records each request
and answers as told. Each test "device" is a real P-256 key pair and auth secret, so the test
decrypts what was sent (http_ece, aes128gcm) and checks the VAPID JWT like a push service would.
"""

from __future__ import annotations

import base64
import ipaddress
import json
import os
import socket
import stat
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece  # type: ignore[import-untyped]
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from flask import Flask
from sqlalchemy import func, select

from server.appointments.models import Appointment, AppointmentExit
from server.auth.models import Role, User
from server.extensions import db
from server.jobs import configure_jobs
from server.jobs import push_huey as huey
from server.push import guard, messages
from server.push.models import DeliveryStatus, NotificationKind, PushDelivery, PushNotification, PushSubscription
from server.push.service import notify_visit
from server.push.tasks import retry_after
from server.sync.models import SyncClient
from tests.conftest import CPFS, ApiClient, counting, login, make_case, make_customer, make_user
from tests.test_appointments import visit

DAY = "2030-03-11"  # a Monday
MAX_PAYLOAD = 3 * 1024


def b64d(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


# --- a push service on 127.0.0.1 ----------------------------------------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class PushService:
    """Records every POST; answers from `answers` (status, headers) in turn, then 201."""

    port: int = 0
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str]]] = field(default_factory=list)

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def endpoint(self, name: str) -> str:
        return f"{self.origin}/push/{name}"

    def to(self, name: str) -> list[Received]:
        return [request for request in self.received if request.path == f"/push/{name}"]


@pytest.fixture
def push_service() -> Iterator[PushService]:
    service = PushService()
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with lock:
                service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status, headers = service.answers.pop(0) if service.answers else (201, {})
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    service.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield service
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def loopback_allowed(app: Flask) -> Iterator[None]:
    """The local push service is on 127.0.0.1: allowed here, as the setting is meant for."""
    app.config["PUSH_ALLOW_LOOPBACK"] = True
    yield
    huey.flush()  # retries scheduled in immediate mode's memory


@dataclass
class Device:
    """A browser: its P-256 key pair and auth secret, subscribed at `endpoint`."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def body(self, **extra: Any) -> dict[str, Any]:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        keys = {"p256dh": b64e(public), "auth": b64e(self.auth)}
        return {
            "endpoint": self.endpoint,
            "keys": keys,
            "user_agent": "Mozilla/5.0 (Linux; Android 14) Chrome/131",
            **extra,
        }

    def decrypt(self, request: Received) -> dict[str, Any]:
        plain = http_ece.decrypt(request.body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        assert len(plain) < MAX_PAYLOAD
        return json.loads(plain)  # type: ignore[no-any-return]


def subscribe(client: ApiClient, device: Device, **extra: Any) -> dict[str, Any]:
    response = client.post("/api/push/subscriptions", json=device.body(**extra))
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def verify_vapid(request: Received, audience: str, public_key: str) -> dict[str, Any]:
    """What a push service checks: `vapid t=<JWT>, k=<key>`, ES256 signed by k, aud, exp ≤ 24 h."""
    scheme, _, params = request.headers["authorization"].partition(" ")
    assert scheme == "vapid"
    parts = dict(part.strip().split("=", 1) for part in params.split(","))
    assert parts["k"] == public_key
    head, claims, signature = parts["t"].split(".")
    assert json.loads(b64d(head))["alg"] == "ES256"
    raw = b64d(signature)
    assert len(raw) == 64
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), b64d(parts["k"]))
    key.verify(der, f"{head}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))  # raises if forged
    jwt = json.loads(b64d(claims))
    now = time.time()
    assert jwt["aud"] == audience
    assert now < jwt["exp"] <= now + 24 * 3600
    assert jwt["sub"].startswith("mailto:")
    return jwt  # type: ignore[no-any-return]


def check_headers(request: Received, appointment_id: int) -> None:
    assert request.headers["ttl"] == "86400"
    assert request.headers["urgency"] == "high"
    assert request.headers["topic"] == f"appt-{appointment_id}"
    assert request.headers["content-encoding"] == "aes128gcm"


# --- the world ----------------------------------------------------------------------------


@pytest.fixture
def as_other_technician(app: Flask, other_technician: User) -> ApiClient:
    return login(app, other_technician)


def book(client: ApiClient, case: Any, assignee: User, start: str = "09:00", end: str = "10:00") -> dict[str, Any]:
    response = client.post(f"/api/cases/{case.id}/appointments", json=visit(case, assignee, start, end))
    assert response.status_code == 201, response.json
    return response.json  # type: ignore[no-any-return]


def patch(client: ApiClient, appointment_id: int, **body: Any) -> dict[str, Any]:
    response = client.patch(f"/api/appointments/{appointment_id}", json=body)
    assert response.status_code == 200, response.json
    return response.json  # type: ignore[no-any-return]


def deliveries() -> list[PushDelivery]:
    db.session.commit()  # a fresh snapshot
    return list(db.session.scalars(select(PushDelivery).order_by(PushDelivery.id)))


def subscriptions() -> int:
    db.session.commit()
    return db.session.scalar(select(func.count()).select_from(PushSubscription)) or 0


# --- keys ---------------------------------------------------------------------------------


def test_the_vapid_key_is_made_once_into_instance_and_served_as_an_uncompressed_point(
    app: Flask, as_technician: ApiClient
) -> None:
    first = as_technician.get("/api/push/vapid-key")
    assert first.status_code == 200
    point = b64d(first.json["public_key"])
    assert len(point) == 65 and point[0] == 4 and "=" not in first.json["public_key"]
    ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), point)  # on the curve
    key_file = Path(app.instance_path) / "vapid_private.pem"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert as_technician.get("/api/push/vapid-key").json == first.json


def test_a_vapid_key_in_the_settings_wins(app: Flask, as_scheduler: ApiClient) -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    app.config["VAPID_PRIVATE_KEY"] = b64e(key.private_numbers().private_value.to_bytes(32, "big"))
    expected = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    assert as_scheduler.get("/api/push/vapid-key").json == {"public_key": b64e(expected)}
    assert not (Path(app.instance_path) / "vapid_private.pem").exists()


# --- subscriptions ------------------------------------------------------------------------


def test_subscribing_again_updates_and_moves_the_endpoint_and_only_its_owner_deletes_it(
    push_service: PushService,
    as_technician: ApiClient,
    as_other_technician: ApiClient,
    technician: User,
    other_technician: User,
) -> None:
    device = Device(push_service.endpoint("a"))
    first = subscribe(as_technician, device)
    assert first["endpoint"] == device.endpoint and first["created_at"]
    device.auth = os.urandom(16)
    again = subscribe(as_technician, device)
    assert again["id"] == first["id"] and subscriptions() == 1
    stored = db.session.get_one(PushSubscription, first["id"])
    assert stored.user_id == technician.id and b64d(stored.auth) == device.auth

    moved = subscribe(as_other_technician, device)  # the phone changed hands
    assert moved["id"] == first["id"]
    db.session.commit()
    assert db.session.get_one(PushSubscription, first["id"]).user_id == other_technician.id

    gone = as_technician.delete("/api/push/subscriptions", json={"endpoint": device.endpoint})
    assert gone.status_code == 404 and gone.content_type == "application/problem+json"
    assert subscriptions() == 1
    assert as_other_technician.delete("/api/push/subscriptions", json={"endpoint": device.endpoint}).status_code == 204
    assert subscriptions() == 0


def test_a_subscription_names_only_its_users_device(
    push_service: PushService, as_technician: ApiClient, technician: User, other_technician: User
) -> None:
    mine, theirs = uuid.uuid4(), uuid.uuid4()
    db.session.add_all([SyncClient(id=mine, user_id=technician.id), SyncClient(id=theirs, user_id=other_technician.id)])
    db.session.commit()
    assert subscribe(as_technician, Device(push_service.endpoint("a")), client_id=str(mine))["client_id"] == str(mine)
    response = as_technician.post(
        "/api/push/subscriptions", json=Device(push_service.endpoint("b")).body(client_id=str(theirs))
    )
    assert response.status_code == 422 and "client_id" in response.json["errors"]


def test_subscription_keys_are_checked(push_service: PushService, as_technician: ApiClient) -> None:
    body = Device(push_service.endpoint("a")).body()
    body["keys"]["p256dh"] = b64e(os.urandom(10))
    response = as_technician.post("/api/push/subscriptions", json=body)
    assert response.status_code == 422
    assert response.json["errors"]["keys.p256dh"] == ["Chave p256dh inválida."]


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://10.0.0.1/push/abc",
        "https://localhost/push/abc",
        "https://127.0.0.1/push/abc",
        "https://[::1]/push/abc",
        "https://169.254.169.254/latest/meta-data",
        "https://192.168.0.10:8443/push",
        "https://[::ffff:10.0.0.1]/push",
        "https://0.0.0.0/push",
        "https://user:senha@fcm.googleapis.com/fcm/send/x",
        "ftp://fcm.googleapis.com/x",
    ],
)
def test_endpoints_outside_the_public_internet_are_refused(app: Flask, as_technician: ApiClient, endpoint: str) -> None:
    app.config["PUSH_ALLOW_LOOPBACK"] = False
    response = as_technician.post("/api/push/subscriptions", json=Device(endpoint).body())
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert response.json["errors"]["endpoint"][0].startswith(("O endereço", "Endereço"))
    assert subscriptions() == 0


def test_every_address_of_the_host_name_must_be_public(
    app: Flask, as_technician: ApiClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name that resolves to a private address (or to one among public ones) is refused."""
    app.config["PUSH_ALLOW_LOOPBACK"] = False
    answers = {
        "push.example.com": ["142.250.79.10"],
        "rebind.example.com": ["142.250.79.10", "10.1.2.3"],
        "internal.example.com": ["fd00::1"],
    }

    def fake_getaddrinfo(host: str, port: int, *args: Any, **kwargs: Any) -> list[Any]:
        if host not in answers:
            raise socket.gaierror("not found")
        return [
            (socket.AF_INET6 if ":" in a else socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, port))
            for a in answers[host]
        ]

    monkeypatch.setattr(guard.socket, "getaddrinfo", fake_getaddrinfo)
    for host, status in [
        ("push.example.com", 201),
        ("rebind.example.com", 422),
        ("internal.example.com", 422),
        ("nx.example.com", 422),
    ]:
        response = as_technician.post("/api/push/subscriptions", json=Device(f"https://{host}/push/x").body())
        assert response.status_code == status, (host, response.json)


def test_the_loopback_setting_opens_only_loopback() -> None:
    guard.check_endpoint("http://127.0.0.1:8080/x", allow_loopback=True)
    guard.check_endpoint("https://localhost/x", allow_loopback=True)
    with pytest.raises(guard.UnsafeEndpoint):
        guard.check_endpoint("http://10.0.0.1/x", allow_loopback=True)
    with pytest.raises(guard.UnsafeEndpoint):
        guard.check_endpoint("http://127.0.0.1:8080/x", allow_loopback=False)


# --- notices ------------------------------------------------------------------------------


def test_each_change_reaches_the_affected_technicians_signed_and_encrypted(
    app: Flask,
    push_service: PushService,
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    as_other_technician: ApiClient,
    technician: User,
    other_technician: User,
    case: Any,
) -> None:
    tiago, otavio = Device(push_service.endpoint("tiago")), Device(push_service.endpoint("otavio"))
    subscribe(as_technician, tiago)
    subscribe(as_other_technician, otavio)
    public_key = as_technician.get("/api/push/vapid-key").json["public_key"]

    def last(device: Device, name: str, count: int) -> dict[str, Any]:
        received = push_service.to(name)
        assert len(received) == count
        verify_vapid(received[-1], push_service.origin, public_key)
        check_headers(received[-1], appointment_id)
        payload = device.decrypt(received[-1])
        assert payload["appointment_id"] == appointment_id
        assert payload["topic"] == received[-1].headers["topic"]
        return payload

    appointment_id = book(as_scheduler, case, technician, "09:00", "10:00")["id"]
    assigned = last(tiago, "tiago", 1)
    assert assigned == {
        "title": "Nova visita: Maria da Silva",
        "body": "Seg, 11/03 às 09:00 · Bela Vista",
        "appointment_id": appointment_id,
        "url": f"/visita/{appointment_id}",
        "kind": "assigned",
        "topic": f"appt-{appointment_id}",
    }

    patch(as_scheduler, appointment_id, starts_at=f"{DAY}T14:00:00", ends_at=f"{DAY}T15:00:00")
    rescheduled = last(tiago, "tiago", 2)
    assert rescheduled["kind"] == "rescheduled"
    assert rescheduled["title"] == "Visita reagendada: Maria da Silva"
    assert rescheduled["body"] == "Agora seg, 11/03 às 14:00 · Bela Vista"

    # Reassigned and moved at once: Tiago learns only that he lost the 14:00 visit.
    patch(
        as_scheduler,
        appointment_id,
        assignee_id=other_technician.id,
        starts_at=f"{DAY}T16:00:00",
        ends_at=f"{DAY}T17:00:00",
    )
    away = last(tiago, "tiago", 3)
    assert away["kind"] == "reassigned_away" and away["title"] == "Visita transferida"
    assert away["body"] == "A visita de seg, 11/03 às 14:00 (Maria da Silva) passou para outro técnico."
    assert away["url"] == "/agenda"
    text = json.dumps(away, ensure_ascii=False)
    assert other_technician.name not in text and "Otávio" not in text and "16:00" not in text
    assigned_to_otavio = last(otavio, "otavio", 1)
    assert assigned_to_otavio["kind"] == "assigned"
    assert assigned_to_otavio["body"] == "Seg, 11/03 às 16:00 · Bela Vista"
    assert technician.name not in json.dumps(assigned_to_otavio, ensure_ascii=False)

    cancel = as_scheduler.post(
        f"/api/appointments/{appointment_id}/cancel", json={"reason": "Cliente viajou com o Tiago."}
    )
    assert cancel.status_code == 200
    cancelled = last(otavio, "otavio", 2)
    assert cancelled["kind"] == "cancelled" and cancelled["title"] == "Visita cancelada"
    assert "viajou" not in cancelled["body"] and cancelled["url"] == "/agenda"
    assert len(push_service.to("tiago")) == 3  # nothing more for the one who lost it

    # The office sees who was told what, and when.
    seen = as_scheduler.get(f"/api/appointments/{appointment_id}/notifications")
    assert seen.status_code == 200
    assert [(n["kind"], n["recipient"]["id"], n["status"]) for n in seen.json] == [
        ("assigned", technician.id, "sent"),
        ("rescheduled", technician.id, "sent"),
        ("reassigned_away", technician.id, "sent"),
        ("assigned", other_technician.id, "sent"),
        ("cancelled", other_technician.id, "sent"),
    ]
    first = seen.json[0]
    assert first["title"] == "Nova visita: Maria da Silva" and first["sent_at"].endswith("-03:00")
    [delivery] = first["deliveries"]
    assert delivery["status"] == "sent" and delivery["http_status"] == 201 and delivery["attempts"] == 1
    assert delivery["device"].startswith("Mozilla/5.0")


def test_a_cancelled_case_cancels_its_coming_visits_and_tells_their_technicians(
    push_service: PushService,
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    as_other_technician: ApiClient,
    technician: User,
    other_technician: User,
    case: Any,
) -> None:
    tiago, otavio = Device(push_service.endpoint("tiago")), Device(push_service.endpoint("otavio"))
    subscribe(as_technician, tiago)
    subscribe(as_other_technician, otavio)
    coming = book(as_scheduler, case, technician)["id"]
    started = book(as_scheduler, case, other_technician, "11:00", "12:00")["id"]
    assert as_scheduler.post(f"/api/appointments/{started}/check-in", json={}).status_code == 200
    response = as_scheduler.post(f"/api/cases/{case.id}/cancel", json={"reason": "Cliente desistiu."})
    assert response.status_code == 200, response.json
    notice = tiago.decrypt(push_service.to("tiago")[-1])
    assert (notice["kind"], notice["appointment_id"]) == ("cancelled", coming)
    assert len(push_service.to("otavio")) == 1  # the visit under way: only its booking
    # The coming visit is cancelled for real (it leaves the agenda and the phone), not just announced.
    cancelled = as_scheduler.get(f"/api/appointments/{coming}").json
    assert (cancelled["status"], cancelled["cancel_reason"]) == ("cancelled", "Assistência cancelada.")
    assert as_scheduler.get(f"/api/appointments/{started}").json["status"] == "in_progress"
    exits = db.session.scalars(select(AppointmentExit.appointment_id)).all()
    assert exits == [coming]  # the phone's next pull deletes it


def test_two_quick_changes_reach_the_device_under_one_topic(
    push_service: PushService, as_scheduler: ApiClient, as_technician: ApiClient, technician: User, case: Any
) -> None:
    device = Device(push_service.endpoint("a"))
    subscribe(as_technician, device)
    appointment_id = book(as_scheduler, case, technician)["id"]
    patch(as_scheduler, appointment_id, starts_at=f"{DAY}T11:00:00", ends_at=f"{DAY}T12:00:00")
    patch(as_scheduler, appointment_id, starts_at=f"{DAY}T13:00:00", ends_at=f"{DAY}T14:00:00")
    received = push_service.to("a")
    assert [device.decrypt(r)["kind"] for r in received] == ["assigned", "rescheduled", "rescheduled"]
    assert {r.headers["topic"] for r in received[1:]} == {f"appt-{appointment_id}"}
    assert device.decrypt(received[-1])["body"].startswith("Agora seg, 11/03 às 13:00")


def test_a_technicians_own_actions_notify_nobody(
    push_service: PushService, as_scheduler: ApiClient, as_technician: ApiClient, technician: User, case: Any
) -> None:
    subscribe(as_technician, Device(push_service.endpoint("a")))
    appointment_id = book(as_scheduler, case, technician)["id"]
    at = datetime.now(UTC) - timedelta(minutes=1)
    assert (
        as_technician.post(f"/api/appointments/{appointment_id}/check-in", json={"at": at.isoformat()}).status_code
        == 200
    )
    client_id = str(uuid.uuid4())
    mutation = {
        "id": 1,
        "name": "appointment.notes.v1",
        "args": {"appointment_id": appointment_id, "notes": "Portão azul."},
    }
    body = {
        "protocol": 1,
        "schema_version": 1,
        "client_id": client_id,
        "mutations": [{**mutation, "client_time": at.isoformat()}],
    }
    assert as_technician.post("/api/sync/push", json=body).status_code == 200
    assert len(push_service.to("a")) == 1  # the booking only


def test_notices_leave_only_after_the_commit_and_never_after_a_rollback(
    app: Flask, push_service: PushService, as_technician: ApiClient, scheduler: User, technician: User, case: Any
) -> None:
    subscribe(as_technician, Device(push_service.endpoint("a")))
    book(login(app, scheduler), case, technician)
    appointment = db.session.scalar(select(Appointment))
    assert appointment is not None and len(push_service.to("a")) == 1

    notify_visit(appointment, technician.id, NotificationKind.RESCHEDULED, scheduler)
    assert len(push_service.to("a")) == 1  # written, not sent: the transaction is still open
    db.session.rollback()
    assert len(push_service.to("a")) == 1
    assert db.session.scalar(select(func.count()).select_from(PushNotification)) == 1

    notify_visit(appointment, technician.id, NotificationKind.RESCHEDULED, scheduler)
    assert len(push_service.to("a")) == 1
    db.session.commit()
    assert len(push_service.to("a")) == 2


def test_with_a_real_queue_the_request_only_enqueues_and_the_worker_sends(
    app: Flask,
    tmp_path: Path,
    push_service: PushService,
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    technician: User,
    case: Any,
) -> None:
    device = Device(push_service.endpoint("a"))
    subscribe(as_technician, device)
    app.config.update(JOBS_IMMEDIATE=False, HUEY_SQLITE_PATH=str(tmp_path / "huey.db"))
    configure_jobs(app)
    try:
        book(as_scheduler, case, technician)
        assert push_service.received == [] and huey.pending_count() == 1
        task = huey.dequeue()
        huey.execute(task)  # what the consumer does
        assert device.decrypt(push_service.to("a")[0])["kind"] == "assigned"
    finally:
        app.config["JOBS_IMMEDIATE"] = True
        configure_jobs(app)


# --- what the push service answers --------------------------------------------------------


@pytest.mark.parametrize("status", [404, 410])
def test_a_gone_subscription_is_deleted(
    push_service: PushService,
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    technician: User,
    case: Any,
    status: int,
) -> None:
    subscribe(as_technician, Device(push_service.endpoint("a")))
    push_service.answers.append((status, {}))
    appointment_id = book(as_scheduler, case, technician)["id"]
    assert len(push_service.to("a")) == 1
    assert subscriptions() == 0
    [delivery] = deliveries()
    assert (delivery.status, delivery.http_status, delivery.subscription_id) == ("gone", status, None)
    seen = as_scheduler.get(f"/api/appointments/{appointment_id}/notifications").json
    assert seen[0]["status"] == "gone" and seen[0]["sent_at"] is None


def _scheduled() -> list[Any]:
    return list(huey.scheduled())


def run_due(task: Any) -> None:
    """What the consumer does once `task`'s time has come: take it off the schedule and run it."""
    assert task in huey.read_schedule(task.eta)
    huey.execute(task, timestamp=task.eta)


def test_429_is_retried_after_retry_after_not_at_once(
    push_service: PushService, as_scheduler: ApiClient, as_technician: ApiClient, technician: User, case: Any
) -> None:
    device = Device(push_service.endpoint("a"))
    subscribe(as_technician, device)
    push_service.answers.append((429, {"Retry-After": "2"}))
    before = datetime.now(UTC)
    book(as_scheduler, case, technician)

    assert len(push_service.to("a")) == 1  # not retried at once
    [delivery] = deliveries()
    assert (delivery.status, delivery.http_status, delivery.attempts) == ("pending", 429, 1)
    assert delivery.next_attempt_at is not None and delivery.next_attempt_at >= before + timedelta(seconds=2)
    [retry] = _scheduled()
    assert retry.eta.replace(tzinfo=UTC) >= before + timedelta(seconds=2)

    run_due(retry)
    assert len(push_service.to("a")) == 2
    assert device.decrypt(push_service.to("a")[-1])["kind"] == "assigned"
    [delivery] = deliveries()
    assert (delivery.status, delivery.http_status, delivery.attempts) == ("sent", 201, 2)
    assert _scheduled() == []
    failures, last_success = db.session.execute(
        select(PushSubscription.failure_count, PushSubscription.last_success_at)
    ).one()
    assert failures == 0 and last_success is not None  # the 429 counted once, the success reset it


def test_5xx_is_retried_with_backoff_until_the_retries_run_out(
    app: Flask,
    push_service: PushService,
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    technician: User,
    case: Any,
) -> None:
    app.config.update(PUSH_RETRIES=2, PUSH_RETRY_DELAY=30)
    subscribe(as_technician, Device(push_service.endpoint("a")))
    push_service.answers.extend([(503, {}), (500, {}), (502, {})])
    before = datetime.now(UTC)
    book(as_scheduler, case, technician)
    [first] = _scheduled()
    assert first.eta.replace(tzinfo=UTC) >= before + timedelta(seconds=30)
    before = datetime.now(UTC)
    run_due(first)
    [second] = _scheduled()
    assert second.eta.replace(tzinfo=UTC) >= before + timedelta(seconds=60)  # 30 s, then 60 s
    run_due(second)
    assert len(push_service.to("a")) == 3 and _scheduled() == []
    [delivery] = deliveries()
    assert (delivery.status, delivery.http_status, delivery.attempts) == ("failed", 502, 3)
    assert db.session.scalar(select(PushSubscription.failure_count)) == 3  # kept: a later success resets it


def test_other_client_errors_fail_at_once(
    push_service: PushService, as_scheduler: ApiClient, as_technician: ApiClient, technician: User, case: Any
) -> None:
    subscribe(as_technician, Device(push_service.endpoint("a")))
    push_service.answers.append((400, {}))
    book(as_scheduler, case, technician)
    [delivery] = deliveries()
    assert (delivery.status, delivery.http_status) == ("failed", 400)
    assert _scheduled() == [] and subscriptions() == 1


def test_a_retry_never_reaches_a_device_that_changed_hands(
    push_service: PushService,
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    as_other_technician: ApiClient,
    technician: User,
    case: Any,
) -> None:
    device = Device(push_service.endpoint("a"))
    subscribe(as_technician, device)
    push_service.answers.append((503, {}))
    book(as_scheduler, case, technician)
    subscribe(as_other_technician, device)
    [retry] = _scheduled()
    run_due(retry)
    assert len(push_service.to("a")) == 1
    [delivery] = deliveries()
    assert delivery.status == DeliveryStatus.FAILED.value


def test_a_late_retry_gives_way_to_a_newer_notice(
    push_service: PushService, as_scheduler: ApiClient, as_technician: ApiClient, technician: User, case: Any
) -> None:
    """Both share the visit's Topic: the old one sent late would replace the newer on the phone."""
    device = Device(push_service.endpoint("a"))
    subscribe(as_technician, device)
    push_service.answers.append((503, {}))
    appointment_id = book(as_scheduler, case, technician)["id"]
    patch(as_scheduler, appointment_id, starts_at=f"{DAY}T11:00:00", ends_at=f"{DAY}T12:00:00")
    [retry] = _scheduled()
    run_due(retry)
    assert [device.decrypt(r)["kind"] for r in push_service.to("a")[1:]] == ["rescheduled"]
    assert [d.status for d in deliveries()] == ["replaced", "sent"]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    assert retry_after("120", now) == 120
    assert retry_after("Sat, 28 Nov 2026 12:00:30 GMT", now) == 30
    assert retry_after("Sat, 28 Nov 2026 11:00:00 GMT", now) == 0
    assert retry_after("soon", now) is None and retry_after(None, now) is None


# --- payloads and the office's view ------------------------------------------------------


def test_payloads_stay_small_whatever_the_names() -> None:
    tz = __import__("zoneinfo").ZoneInfo("America/Sao_Paulo")
    now = datetime(2030, 3, 10, 12, tzinfo=UTC)
    for kind in NotificationKind:
        payload = messages.build_payload(
            kind, 2**31, customer="Ç" * 5000, starts_at=now + timedelta(days=1), district="Ã" * 5000, tz=tz, now=now
        )
        assert len(json.dumps(payload, ensure_ascii=False).encode()) < MAX_PAYLOAD
        assert len(payload["topic"]) <= 32 and set(payload["topic"]) <= set(
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_"
        )
    assert messages.when(now + timedelta(days=1), tz, now) == "amanhã, 11/03 às 09:00"
    assert messages.when(now, tz, now) == "hoje, 10/03 às 09:00"


def test_only_the_visits_office_sees_its_notices(
    app: Flask,
    push_service: PushService,
    store: Any,
    other_store: Any,
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    as_outsider: ApiClient,
    technician: User,
    case: Any,
) -> None:
    appointment_id = book(as_scheduler, case, technician)["id"]
    seen = as_scheduler.get(f"/api/appointments/{appointment_id}/notifications")
    assert seen.status_code == 200
    assert [(n["kind"], n["status"], n["deliveries"]) for n in seen.json] == [("assigned", "no_devices", [])]
    assert as_technician.get(f"/api/appointments/{appointment_id}/notifications").status_code == 403
    assert as_outsider.get(f"/api/appointments/{appointment_id}/notifications").status_code == 404
    # another technician of another store with a device sees nothing of this visit either
    far = make_user(Role.TECHNICIAN, [other_store], "longe@assistec.test")
    subscribe(login(app, far), Device(push_service.endpoint("far")))
    assert push_service.to("far") == []


def test_the_notices_of_a_visit_cost_the_same_queries_for_one_or_many(
    push_service: PushService,
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    technician: User,
    store: Any,
    scheduler: User,
) -> None:
    subscribe(as_technician, Device(push_service.endpoint("a")))
    subscribe(as_technician, Device(push_service.endpoint("b")))
    case = make_case(scheduler, make_customer(store, document=CPFS[2]))
    appointment_id = book(as_scheduler, case, technician)["id"]
    with counting() as few:
        assert len(as_scheduler.get(f"/api/appointments/{appointment_id}/notifications").json) == 1
    for hour in range(11, 16):
        patch(as_scheduler, appointment_id, starts_at=f"{DAY}T{hour}:00:00", ends_at=f"{DAY}T{hour}:30:00")
    with counting() as many:
        assert len(as_scheduler.get(f"/api/appointments/{appointment_id}/notifications").json) == 6
    assert len(many) == len(few)


def test_deliveries_a_dead_worker_left_pending_are_sent_again_or_expire(
    push_service: PushService, as_scheduler: ApiClient, as_technician: ApiClient, technician: User, case: Any
) -> None:
    """A worker that died with a delivery in hand: the sweep queues it again once it is stale, not
    before; one older than the notice's 24 h TTL fails instead of reaching the phone a day late."""
    from server.push.tasks import stale_deliveries, sweep_stale_deliveries

    device = Device(push_service.endpoint("a"))
    subscribe(as_technician, device)
    push_service.answers.append((503, {"Retry-After": "60"}))
    book(as_scheduler, case, technician)
    book(as_scheduler, case, technician, "14:00", "15:00")
    first, second = deliveries()
    assert (first.status, second.status) == ("pending", "sent")
    huey.flush()  # the worker died: its scheduled retry is gone with it

    now = datetime.now(UTC)
    assert stale_deliveries(now) == []  # the retry is not even due yet
    assert stale_deliveries(now + timedelta(seconds=60) + timedelta(minutes=11)) == [first.id]

    db.session.execute(
        PushDelivery.__table__.update()
        .where(PushDelivery.id == first.id)
        .values(updated_at=now - timedelta(minutes=30), next_attempt_at=now - timedelta(minutes=20))
    )
    db.session.commit()
    sweep_stale_deliveries.call_local()
    assert len(push_service.to("a")) == 3
    topic = db.session.get(PushNotification, first.notification_id).topic
    assert device.decrypt(push_service.to("a")[-1])["topic"] == topic
    assert [d.status for d in deliveries()] == ["sent", "sent"]

    db.session.execute(
        PushDelivery.__table__.update()
        .where(PushDelivery.id == first.id)
        .values(status="pending", created_at=now - timedelta(hours=25))
    )
    db.session.commit()
    assert stale_deliveries(now) == []
    assert [d.status for d in deliveries()] == ["failed", "sent"]


def test_the_notice_goes_to_the_address_the_guard_checked(
    monkeypatch: pytest.MonkeyPatch,
    app: Flask,
    push_service: PushService,
    as_scheduler: ApiClient,
    as_technician: ApiClient,
    technician: User,
    case: Any,
) -> None:
    """DNS rebinding: the push service's name answers 127.0.0.1 to the guard and an outside
    address to anyone who asks again. The job connects to the address it checked and sends the
    name in `Host` (and in the JWT's audience); resolving again would have gone elsewhere."""
    app.config["PUSH_TIMEOUT"] = 2  # if the job did resolve again, it would fail fast
    port = push_service.origin.rsplit(":", 1)[1]
    monkeypatch.setattr(guard, "resolve", lambda host, port: [ipaddress.ip_address("127.0.0.1")])
    real_getaddrinfo = socket.getaddrinfo

    def rebound(host: Any, *args: Any, **kwargs: Any) -> Any:
        return real_getaddrinfo("203.0.113.7" if host == "push.test" else host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", rebound)
    device = Device(f"http://push.test:{port}/push/rebound")
    subscribe(as_technician, device)
    book(as_scheduler, case, technician)

    [received] = push_service.to("rebound")
    assert received.headers["host"] == f"push.test:{port}"
    public_key = as_technician.get("/api/push/vapid-key").json["public_key"]
    verify_vapid(received, f"http://push.test:{port}", public_key)
    assert device.decrypt(received)["kind"] == "assigned"
    assert [d.status for d in deliveries()] == ["sent"]
