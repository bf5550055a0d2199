"""Push messages and notification taps for the phone's service worker, where no push service
can be reached, and a push service of our own for the server to send to.

- A push is delivered through the DevTools protocol (`ServiceWorker.deliverPushMessage`, what
  DevTools' "Push" button does): the worker gets a real, trusted `push` event with our payload,
  as if the browser's push service had brought it. It needs the registration's id, which
  `ServiceWorker.enable` reports in `workerRegistrationUpdated` events.
- A tap on a notification has no DevTools command: a `NotificationEvent('notificationclick')` for
  the shown notification is dispatched inside the worker. A script-made event refuses
  `waitUntil` (only the browser's own events may extend their lifetime), so the event gets its
  own `waitUntil`, which also lets us wait for the handler's work.
- Shown notifications are read with `registration.getNotifications()` from the page (headless
  Chromium keeps them there once the origin has the notifications permission).
"""

from __future__ import annotations

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from playwright.sync_api import Page


def deliver_push(page: Page, payload: dict[str, Any]) -> None:
    cdp = page.context.new_cdp_session(page)
    registrations: list[dict[str, Any]] = []
    cdp.on("ServiceWorker.workerRegistrationUpdated", lambda event: registrations.extend(event["registrations"]))
    cdp.send("ServiceWorker.enable")
    origin = page.evaluate("() => location.origin")
    waited = 0
    while not any(r["scopeURL"] == f"{origin}/" and not r["isDeleted"] for r in registrations) and waited < 50:
        page.wait_for_timeout(100)  # the events arrive while Playwright waits
        waited += 1
    [registration] = [r for r in registrations if r["scopeURL"] == f"{origin}/" and not r["isDeleted"]][-1:]
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {"origin": origin, "registrationId": registration["registrationId"], "data": json.dumps(payload)},
    )
    cdp.detach()


SHOWN = """() => navigator.serviceWorker.ready
  .then((registration) => registration.getNotifications())
  .then((list) => list.map((n) => ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, data: n.data })))"""


def shown_notifications(page: Page) -> list[dict[str, Any]]:
    notifications: list[dict[str, Any]] = page.evaluate(SHOWN)
    return notifications


TAP = """async () => {
  const [notification] = await self.registration.getNotifications()
  if (!notification) return false
  const event = new NotificationEvent('notificationclick', { notification })
  let work = Promise.resolve()
  event.waitUntil = (promise) => { work = promise }
  self.dispatchEvent(event)
  await work
  return true
}"""


def tap_notification(page: Page) -> None:
    """Tap the (only) notification shown: its click handler runs in the service worker."""
    [worker] = [w for w in page.context.service_workers if w.url.endswith("/sw.js")]
    assert worker.evaluate(TAP), "no notification to tap"


# --- a push service on 127.0.0.1 and the phone's subscription keys ------------------------


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


class PushService:
    """Stands for the browser's push service: records what the server POSTs to it (201)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.lock = threading.Lock()
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                with service.lock:
                    service.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(201)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def count(self) -> int:
        with self.lock:
            return len(self.received)

    def wait_for(self, page: Page, count: int, timeout: float = 15) -> list[Received]:
        waited = 0.0
        while self.count() < count and waited < timeout:
            page.wait_for_timeout(100)
            waited += 0.1
        with self.lock:
            return list(self.received)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def b64e(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


@dataclass
class DeviceKeys:
    """The phone's side of a subscription: its P-256 key and auth secret, to decrypt what arrives."""

    endpoint: str
    key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def p256dh(self) -> str:
        public = self.key.public_key()
        return b64e(public.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint))

    def decrypt(self, request: Received) -> dict[str, Any]:
        plain = http_ece.decrypt(request.body, private_key=self.key, auth_secret=self.auth, version="aes128gcm")
        payload: dict[str, Any] = json.loads(plain)
        return payload


# Only PushManager's subscribe/getSubscription are replaced, with a subscription carrying the
# test's keys: the rest (permission, the vapid key, the POST, the UI) is the real app's.
FAKE_PUSH_MANAGER = """(({ endpoint, p256dh, auth }) => {
  let current = null
  PushManager.prototype.subscribe = async function (options) {
    current = {
      endpoint,
      expirationTime: null,
      options: { userVisibleOnly: options.userVisibleOnly, applicationServerKey: options.applicationServerKey },
      toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
      unsubscribe: async () => {
        current = null
        return true
      },
    }
    return current
  }
  PushManager.prototype.getSubscription = async function () {
    return current
  }
})"""


def fake_push_manager(keys: DeviceKeys) -> str:
    """An init script: `context.add_init_script(script=fake_push_manager(keys))`."""
    args = {"endpoint": keys.endpoint, "p256dh": keys.p256dh(), "auth": b64e(keys.auth)}
    return f"{FAKE_PUSH_MANAGER}({json.dumps(args)})"


ROTATE = """async ({ endpoint, old, p256dh, auth }) => {
  const subscription = (url) => ({
    endpoint: url,
    options: {},
    toJSON: () => ({ endpoint: url, keys: { p256dh, auth } }),
  })
  const event = new ExtendableEvent('pushsubscriptionchange')
  event.oldSubscription = subscription(old)
  event.newSubscription = subscription(endpoint)
  let work = Promise.resolve()
  event.waitUntil = (promise) => { work = promise }
  self.dispatchEvent(event)
  await work
  return true
}"""


def rotate_subscription(page: Page, keys: DeviceKeys, old_endpoint: str) -> None:
    """The browser replaces the subscription (`pushsubscriptionchange`, which Chromium has no
    command for): a script-made event carrying the old and the new subscription, in the worker."""
    [worker] = [w for w in page.context.service_workers if w.url.endswith("/sw.js")]
    args = {"endpoint": keys.endpoint, "old": old_endpoint, "p256dh": keys.p256dh(), "auth": b64e(keys.auth)}
    assert worker.evaluate(ROTATE, args)
