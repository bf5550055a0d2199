"""A technician's first login on a slow phone, measured: shared by test_first_sync.py and the bench.

The shell is loaded first (the login page, its service worker active and precached), then the
network and CPU are throttled through the DevTools protocol and the login form submitted. A
MutationObserver installed before that records, with the page's clock, whether "Nenhuma visita"
ever showed, the progress lines shown, when the first visit card appeared (and whether the
progress line was still there), and when the progress line went away (the first sync ended).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import Page, Playwright, Route

from .harness import PASSWORD, TECHNICIAN, launch_phone

LATENCY_MS = 400
KBIT_S = 400
CPU_SLOWDOWN = 4

OBSERVER = """(() => {
  if (window.__firstSync) return
  const log = (window.__firstSync = {
    submitAt: null, empty: false, progress: [], visitAt: null, visitWhileLoading: null, doneAt: null,
  })
  document.addEventListener('submit', () => { log.submitAt = Date.now() }, true)
  const look = () => {
    if (log.submitAt === null) return
    if ((document.body?.textContent || '').includes('Nenhuma visita')) log.empty = true
    const status = document.querySelector('[data-testid=first-sync]')
    const text = status?.textContent.trim()
    if (text && !log.progress.includes(text)) log.progress.push(text)
    if (log.visitAt === null && document.querySelector('[data-testid=visit]')) {
      log.visitAt = Date.now()
      log.visitWhileLoading = Boolean(status)
    }
    if (log.visitAt !== null && !status && log.doneAt === null) log.doneAt = Date.now()
  }
  new MutationObserver(look).observe(document, { childList: true, subtree: true, characterData: true })
})()"""

PHONE_VISITS = """() => new Promise((resolve, reject) => {
  const open = indexedDB.open('assistec')
  open.onerror = () => reject(open.error)
  open.onsuccess = () => {
    const count = open.result.transaction('appointments').objectStore('appointments').count()
    count.onsuccess = () => { resolve(count.result); open.result.close() }
  }
})"""


@dataclass
class FirstSync:
    today_visible_s: float
    complete_s: float
    api_bytes: int  # on the wire (encodedDataLength), every /api/ request from the login on
    saw_empty: bool
    progress: list[str]
    visit_while_loading: bool
    phone_visits: int
    requests: list[str] = field(default_factory=list)  # each API request: size and timing

    def line(self) -> str:
        return (
            f"first sync: today visible {self.today_visible_s:.1f} s, complete {self.complete_s:.1f} s, "
            f"{self.api_bytes / 1024:.0f} KB transferred"
        )


def throttle(page: Page, cdp: Any) -> None:
    rate = KBIT_S * 1000 / 8  # bytes per second
    cdp.send(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": LATENCY_MS, "downloadThroughput": rate, "uploadThroughput": rate},
    )
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})


def first_sync(
    playwright: Playwright, base_url: str, profile: Path, while_loading: Callable[[Page], None] | None = None
) -> FirstSync:
    """Log the technician in on a fresh, throttled phone and follow the first sync to its end.
    `while_loading(page)` runs once the first visit shows beside the progress line (a screenshot);
    the pulls after the first wait meanwhile, so the screen holds still (the bench passes none)."""
    context = launch_phone(playwright, profile, base_url)
    held: list[Route] = []
    pulls = {"seen": 0, "free": False}

    def hold_later_pulls(route: Route) -> None:
        pulls["seen"] += 1
        if pulls["seen"] > 1 and not pulls["free"]:
            held.append(route)
        else:
            route.continue_()

    try:
        if while_loading is not None:
            context.route("**/api/sync/pull", hold_later_pulls)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto("/login")
        page.get_by_label("E-mail").fill(TECHNICIAN)
        page.get_by_label("Senha").fill(PASSWORD)
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")  # the shell is precached
        page.evaluate(OBSERVER)

        cdp = context.new_cdp_session(page)
        urls: dict[str, str] = {}
        sizes: dict[str, int] = {}
        sent: dict[str, float] = {}
        finished: dict[str, float] = {}

        def will_send(event: dict[str, Any]) -> None:
            urls[event["requestId"]] = event["request"]["url"]
            sent[event["requestId"]] = event["timestamp"]

        def loaded(event: dict[str, Any]) -> None:
            sizes[event["requestId"]] = event["encodedDataLength"]
            finished[event["requestId"]] = event["timestamp"]

        cdp.on("Network.requestWillBeSent", will_send)
        cdp.on("Network.loadingFinished", loaded)
        cdp.send("Network.enable")
        throttle(page, cdp)

        page.get_by_role("button", name="Entrar").click()
        if while_loading is not None:
            page.wait_for_function(
                "() => document.querySelector('[data-testid=visit]') && "
                "/ de \\d+ visitas/.test(document.querySelector('[data-testid=first-sync]')?.textContent || '')",
                polling=50,
                timeout=60_000,
            )
            while_loading(page)
            pulls["free"] = True
            for route in held:
                route.continue_()
        page.wait_for_function("() => window.__firstSync.doneAt !== null", polling=100, timeout=90_000)
        log = page.evaluate("() => window.__firstSync")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
        api = sorted(
            (rid for rid, url in urls.items() if urlsplit(url).path.startswith("/api/") and rid in sizes),
            key=lambda rid: sent[rid],
        )
        start = sent[api[0]] if api else 0
        return FirstSync(
            today_visible_s=(log["visitAt"] - log["submitAt"]) / 1000,
            complete_s=(log["doneAt"] - log["submitAt"]) / 1000,
            api_bytes=sum(sizes[rid] for rid in api),
            saw_empty=log["empty"],
            progress=log["progress"],
            visit_while_loading=bool(log["visitWhileLoading"]),
            phone_visits=page.evaluate(PHONE_VISITS),
            requests=[
                f"{urlsplit(urls[rid]).path}: {sizes[rid] / 1024:.1f} KB, "
                f"sent +{sent[rid] - start:.2f} s, loaded +{finished[rid] - start:.2f} s"
                for rid in api
            ],
        )
    finally:
        context.close()
