"""PDFs off the request path, measured against the Procfile's own web line (`make bench`).

Starts the `web:` command of the Procfile (gunicorn, its worker class, threads and workers) on
loopback, on a fresh SQLite database with the demo data, and prints:

    during renders: auth/me p99 <a> ms, idle p99 <b> ms
    pdf cache: first <a> ms, repeat <b> ms

The first line times `GET /api/auth/me`, one request after another, alone and then while 10
clients keep asking for PDFs of different cases (each a real render: none is cached yet). Goal:
p99 during renders ≤ 3× idle. The second line times one document never rendered before, then the
same document again (served from the cache); each is the median of a few documents.
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import requests

ROOT = Path(__file__).resolve().parent.parent
ADMIN = ("admin@demo.assistec.com.br", "assistec-demo")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def web_command() -> str:
    """The Procfile's `web:` line, as honcho would run it."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return line.split(":", 1)[1].strip()
    raise SystemExit("Procfile has no web line")


def p99(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def login(base: str) -> requests.Session:
    session = requests.Session()
    response = session.post(f"{base}/api/auth/login", json={"email": ADMIN[0], "password": ADMIN[1]}, timeout=30)
    response.raise_for_status()
    session.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    return session


def timed_get(session: requests.Session, url: str) -> float:
    start = time.perf_counter()
    response = session.get(url, timeout=120)
    elapsed = (time.perf_counter() - start) * 1000
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: {response.status_code} {response.text[:300]}")
    return elapsed


def wait_until_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit("gunicorn exited at start")
        try:
            requests.get(f"{base}/api/auth/me", timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer in 60 s")


def measure(base: str, samples: int, clients: int, limit: int) -> dict[str, Any]:
    me_session = login(base)
    me_url = f"{base}/api/auth/me"
    cases = [case["id"] for case in me_session.get(f"{base}/api/cases?limit=200", timeout=30).json()["items"]]
    if len(cases) < clients + 3:
        raise SystemExit(f"the demo has {len(cases)} cases, fewer than {clients + 3}")
    for _ in range(20):
        timed_get(me_session, me_url)  # warm-up: connections, caches
    # Start the render processes of each web worker (they start with the first render).
    warm = [threading.Thread(target=timed_get, args=(login(base), pdf_url(base, c))) for c in cases[-3:]]
    for thread in warm:
        thread.start()
    for thread in warm:
        thread.join()
    idle = [timed_get(me_session, me_url) for _ in range(samples)]

    busy = cases[: min(len(cases) - 6, limit)]
    renders: list[float] = []

    def client(session: requests.Session, mine: list[int]) -> None:
        for case_id in mine:
            renders.append(timed_get(session, pdf_url(base, case_id)))

    # Logged in before the measure: a login checks a password hash (scrypt, slow on purpose), and
    # ten of them at once are not what this measures.
    sessions = [login(base) for _ in range(clients)]
    threads = [threading.Thread(target=client, args=(sessions[i], busy[i::clients])) for i in range(clients)]
    for thread in threads:
        thread.start()
    during: list[float] = []
    while any(thread.is_alive() for thread in threads) and len(during) < samples * 10:
        during.append(timed_get(me_session, me_url))
    for thread in threads:
        thread.join()

    first, repeat = [], []
    for case_id in cases[len(cases) - 6 : len(cases) - 3]:
        first.append(timed_get(me_session, pdf_url(base, case_id)))
        repeat.append(timed_get(me_session, pdf_url(base, case_id)))
    return {
        "idle": p99(idle),
        "during": p99(during),
        "idle_median": statistics.median(idle),
        "during_median": statistics.median(during),
        "during_samples": len(during),
        "renders": len(renders),
        "first": statistics.median(first),
        "repeat": statistics.median(repeat),
    }


def pdf_url(base: str, case_id: int) -> str:
    return f"{base}/api/cases/{case_id}/documents/service_request.pdf"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--samples", type=int, default=1000, help="auth/me requests timed when idle")
    parser.add_argument("--clients", type=int, default=10, help="concurrent PDF clients")
    parser.add_argument("--renders", type=int, default=1000, help="PDFs asked for during renders (at most the cases)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{folder}/bench.db",
            "SECRET_KEY": "bench-renders",
            "UPLOAD_FOLDER": f"{folder}/uploads",
            "MAIL_FOLDER": f"{folder}/mail",
            "HUEY_SQLITE_PATH": f"{folder}/huey.db",
            "BIND": f"127.0.0.1:{port}",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
            "FLASK_APP": "server",
        }
        env.pop("JOBS_IMMEDIATE", None)
        flask = str(Path(sys.executable).parent / "flask")
        for command in (["db", "upgrade"], ["seed-demo"]):
            subprocess.run([flask, *command], env=env, cwd=ROOT, check=True, capture_output=True)
        web = web_command()
        server = subprocess.Popen(
            ["bash", "-c", f"exec {web}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_until_up(base, server)
            figures = measure(base, args.samples, args.clients, args.renders)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(30)
    print(f"web: {web}")
    print(f"during renders: auth/me p99 {figures['during']:.1f} ms, idle p99 {figures['idle']:.1f} ms")
    print(
        f"  ({figures['during_samples']} auth/me requests during {figures['renders']} PDF renders by"
        f" {args.clients} clients; ratio {figures['during'] / figures['idle']:.2f}, goal ≤ 3;"
        f" medians {figures['during_median']:.1f} ms during, {figures['idle_median']:.1f} ms idle)"
    )
    print(f"pdf cache: first {figures['first']:.1f} ms, repeat {figures['repeat']:.1f} ms")


if __name__ == "__main__":
    main()
