"""`make bench-pwa`: what the technician's phone pays to open the app.

1. The app shell's initial JS + CSS (what index.html loads before anything shows), gzipped.
   Goal: at most 100 KB; office-only code must not be part of it.
2. In headless Chromium (/usr/bin/chromium, through Playwright) with 4× CPU throttling: an offline
   reload until the agenda is visible, next to a blank page's load in the same run, and their
   ratio (medians of several runs). The back end is the e2e tests' (tests/e2e/harness.py): `flask
   run` on a seeded SQLite database; the demo books today's visits for the technician.
3. The first sync of a technician with 500 more visits (tests/e2e/load.py), on a throttled phone
   (400 ms latency, 400 kbit/s each way, 4× CPU), timed from submitting the login form with the
   shell already loaded: until today's first visit shows, until the first sync ends, and the bytes
   on the wire of the API requests (medians of FIRST_SYNC_RUNS fresh phones). Goals: today
   visible ≤ 3 s, complete ≤ 6 s, ≤ 150 KB.

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

from playwright.sync_api import Playwright, sync_playwright

from scripts.bench_office import office_report

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from e2e.first_sync import first_sync
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
from e2e.load import seeded_template

RUNS = 7
GOAL_KB = 100
FIRST_SYNC_VISITS = 500
FIRST_SYNC_RUNS = 3
GOALS = {"today": 3.0, "complete": 6.0, "kb": 150.0}


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
        template = make_template(work)
        backend = Backend.start(work / "backend", template)
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
        first_sync_report(playwright, work, template)
    return 0


def first_sync_report(playwright: Playwright, work: Path, template: Path) -> None:
    print(f"== PWA: first sync of {FIRST_SYNC_VISITS} visits, 400 ms / 400 kbit/s / 4× CPU ==")
    backend = Backend.start(work / "backend-load", seeded_template(template, work, FIRST_SYNC_VISITS))
    try:
        runs = [first_sync(playwright, backend.url, work / f"first-sync-{n}") for n in range(FIRST_SYNC_RUNS)]
    finally:
        backend.stop()
    for run in runs:
        print(f"  run: {run.line()}; " + "; ".join(run.requests))
    today = statistics.median(run.today_visible_s for run in runs)
    complete = statistics.median(run.complete_s for run in runs)
    kb = statistics.median(run.api_bytes for run in runs) / 1024
    print(f"first sync: today visible {today:.1f} s, complete {complete:.1f} s, {kb:.0f} KB transferred")
    met = today <= GOALS["today"] and complete <= GOALS["complete"] and kb <= GOALS["kb"]
    print(
        f"  goals: today visible ≤ {GOALS['today']:.0f} s, complete ≤ {GOALS['complete']:.0f} s, "
        f"≤ {GOALS['kb']:.0f} KB (medians of {FIRST_SYNC_RUNS}): {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    sys.exit(main())
