"""The phone's network, through Playwright's route interception: a test can make it answer 503,
or drop the connection after the server has applied the request, and can count what was sent.

Route interception does see the app's API calls although a service worker controls the page: our
worker (pwa/src/sw.js) answers only the build's GETs and navigations, never /api, so those
requests go out through the page's own network stack, where `BrowserContext.route` catches them
(checked with Playwright 1.65 and Chromium 156; the Node suite once used a faulty HTTP proxy
instead). Routes are set on the browser context, so every tab of the phone goes through them.

Interception also sees requests the page makes while the context is offline (the offline
emulation fails them after the route), so the phone's offline switch goes through `set_offline`
here: while offline a request is failed as the browser would fail it and is neither counted nor
given a fault — `count` and the faults are about what reaches the wire, as with a real network.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, Page, Route

STATUS_503 = "status503"
DROP_AFTER_SERVER = "dropAfterServer"
UNAVAILABLE = {"status": 503, "title": "Serviço indisponível", "detail": "Servidor ocupado, tente de novo."}


@dataclass
class Fault:
    method: str
    path: str
    action: str


class Network:
    """`fail(method, path, action)` queues a fault used once by the next matching request;
    `count("POST /api/sync/push")` tells how many such requests left the phone."""

    def __init__(self) -> None:
        self.faults: list[Fault] = []
        self.seen: list[str] = []
        self.offline = False
        self.lock = threading.Lock()

    def attach(self, context: BrowserContext, offline: bool = False) -> None:
        """Route a newly launched browser's API calls through this network."""
        self.offline = offline
        context.route("**/api/**", self._handle)

    def set_offline(self, context: BrowserContext, offline: bool) -> None:
        """`context.set_offline`, with the network knowing it (no request reaches the wire meanwhile)."""
        if offline:
            self.offline = True
            context.set_offline(True)
        else:
            context.set_offline(False)
            self.offline = False

    def fail(self, method: str, path: str, action: str) -> None:
        assert action in (STATUS_503, DROP_AFTER_SERVER)
        with self.lock:
            self.faults.append(Fault(method, path, action))

    def count(self, what: str) -> int:
        with self.lock:
            return self.seen.count(what)

    def wait_for_count(self, page: Page, what: str, at_least: int, timeout: float = 15) -> int:
        """Wait until `count(what) >= at_least` (or the timeout) and return the last count. It waits
        through Playwright (route handlers of the sync API run only while Playwright is waited on)."""
        waited = 0.0
        while (n := self.count(what)) < at_least and waited < timeout:
            page.wait_for_timeout(100)
            waited += 0.1
        return n

    def _take_fault(self, method: str, path: str) -> Fault | None:
        with self.lock:
            self.seen.append(f"{method} {path}")
            for index, fault in enumerate(self.faults):
                if fault.method == method and fault.path == path:
                    return self.faults.pop(index)
        return None

    def _handle(self, route: Route) -> None:
        if self.offline:
            route.abort("internetdisconnected")
            return
        request = route.request
        fault = self._take_fault(request.method, urlsplit(request.url).path)
        if fault is None:
            route.fallback()
        elif fault.action == STATUS_503:
            route.fulfill(
                status=503,
                headers={"Retry-After": "1"},
                content_type="application/problem+json",
                body=json.dumps(UNAVAILABLE),
            )
        else:
            route.fetch()  # the server receives and applies it…
            route.abort("connectionclosed")  # …and the phone never hears the answer
