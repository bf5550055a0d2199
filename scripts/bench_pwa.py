"""`make bench-pwa`: what the technician's phone pays to open the app.

1. The app shell's initial JS + CSS (what index.html loads before anything shows), gzipped.
   Goal: at most 100 KB; office-only code must not be part of it.
2. In headless Chromium (/usr/bin/chromium, through Playwright) with 4× CPU throttling: an offline
   reload until the agenda is visible, next to a blank page's load in the same run, and their
   ratio (medians of several runs). The back end is the e2e tests' (tests/e2e/harness.py): `flask
   run` on a seeded SQLite database; the demo books today's visits for the technician.

Usage: `make bench-pwa` (builds the PWA first), or `python -m scripts.bench_pwa`.
"""

from __future__ import annotations

import gzip
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import sync_playwright

from scripts.bench_office import office_report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from e2e.harness import (  # the e2e harness, with the tests
    DIST,
    PASSWORD,
    TECHNICIAN,
    Backend,
    Office,
    launch_phone,
    make_template,
    missing_build,
)

RUNS = 7
GOAL_KB = 100


def shell_size() -> float:
    html = (DIST / "index.html").read_text()
    files = re.findall(r'(?:src|href)="(/assets/[^"]+\.(?:js|css))"', html)
    total = 0
    for file in files:
        size = len(gzip.compress((DIST / file.lstrip("/")).read_bytes(), compresslevel=9))
        print(f"  {file:<40} {size / 1024:6.1f} KB gzip")
        total += size
    return total / 1024


def timed(go: Callable[[], object], ready: Callable[[], object]) -> float:
    start = time.perf_counter()
    go()
    ready()
    return (time.perf_counter() - start) * 1000


def main() -> int:
    problem = missing_build()
    if problem:
        print(problem, file=sys.stderr)
        return 1
    print("== PWA: technician shell, initial JS + CSS ==")
    kb = shell_size()
    print(f"  total {kb:.1f} KB gzip (goal ≤ {GOAL_KB} KB): {'ok' if kb <= GOAL_KB else 'OVER'}")
    office_report(DIST)

    with tempfile.TemporaryDirectory(prefix="assistec-bench-") as tmp, sync_playwright() as playwright:
        work = Path(tmp)
        backend = Backend.start(work / "backend", make_template(work))
        context = None
        try:
            office = Office(playwright, backend.url)
            if not office.visits_today():
                raise RuntimeError("the demo has no visit today for the technician")
            office.dispose()
            context = launch_phone(playwright, work / "profile", backend.url)
            page = context.pages[0] if context.pages else context.new_page()
            page.goto("/login")
            page.get_by_label("E-mail").fill(TECHNICIAN)
            page.get_by_label("Senha").fill(PASSWORD)
            page.get_by_role("button", name="Entrar").click()
            page.get_by_test_id("visit").first.wait_for()
            page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
            context.set_offline(True)

            cdp = context.new_cdp_session(page)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 4})
            app: list[float] = []
            blank: list[float] = []
            for _ in range(RUNS):
                app.append(timed(lambda: page.goto("/agenda"), lambda: page.get_by_test_id("visit").first.wait_for()))
                blank.append(
                    timed(
                        lambda: page.goto("data:text/html,<title>x</title><p>x</p>"),
                        lambda: page.locator("p").wait_for(),
                    )
                )
            a, b = statistics.median(app), statistics.median(blank)
            print(f"== PWA: offline reload to a visible agenda, 4× CPU throttling, median of {RUNS} ==")
            print(f"  agenda {a:.0f} ms, blank page {b:.0f} ms, ratio {a / b:.1f}×")
        finally:
            if context:
                context.close()
            backend.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
