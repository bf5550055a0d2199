"""Load benchmark: the Procfile's web and worker under 100 phones and 10 schedulers, on loopback.

For each database — SQLite with the demo data, then PostgreSQL at 100× (bench.store_data) — the
Procfile's `web` (gunicorn, its worker count) and `worker` (Huey) start on 127.0.0.1, and for
`--seconds` (after every phone's first sync, not timed) 100 simulated phones pull every ~10 s
and push a visit note every ~30 s, while 10 schedulers read the calendar week, the case list, a
search and the dashboard every ~3 s. Prints

    load <db>: <n> req/s, p50 <a> ms, p95 <b> ms, p99 <c> ms, errors <e>

(an error: any answer other than 2xx, or a failed connection). Then, on the PostgreSQL server,
a technician's agenda against a bare Flask endpoint answering a body of the same size on the
same gunicorn settings (bench.bare), each as fast as 16 concurrent clients can ask, in
interleaved turns (the median of each):

    agenda vs bare: <a> req/s vs <b> req/s, ratio <r>
    one select vs bare: <a> req/s vs <b> req/s, ratio <r>

The second line is the floor under the first: the bare endpoint after one pooled SELECT of a
session row, as any signed-in request must run (bench.bare).

Bounded: about 5 minutes in all. Not part of `make test`. Usage: `make bench-load`, or
`python -m bench.load --seconds 30`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp

from bench.store_data import PASSWORD, create_database, drop_database, make_app, seed

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
BASE_URL = os.environ.get("BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/assistec_bench")
DEMO_PASSWORD = "assistec-demo"
PHONES, SCHEDULERS = 100, 10
PULL_EVERY, PUSH_EVERY, OFFICE_EVERY = 10.0, 30.0, 3.0
ROUNDS = 7  # agenda vs bare: turns of each endpoint, interleaved
PULL = {"protocol": 1, "schema_version": 1}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def procfile(names: tuple[str, ...]) -> str:
    """The Procfile's commands for `names`, as one shell line that runs them together."""
    commands = {}
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        commands[name.strip()] = command.strip()
    return " & ".join(commands[name] for name in names) + " & wait"


class Server:
    """Processes started from the Procfile (or any command line), stopped with their group."""

    def __init__(self, command: str, env: dict[str, str], port: int) -> None:
        self.port = port
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 (open as long as the server runs)
        self.process = subprocess.Popen(
            ["bash", "-c", command],
            cwd=ROOT,
            env={**os.environ, **env, "PATH": f"{BIN}:{os.environ['PATH']}", "BIND": f"127.0.0.1:{port}"},
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None:
                    break
                time.sleep(0.2)
        self.stop()
        self.log.seek(0)
        raise RuntimeError(f"the server did not start:\n{self.log.read().decode()[-3000:]}")

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def troubles(self, most: int = 20) -> list[str]:
        """The log lines that tell of a failure: a traceback, a worker timed out, killed or
        started again (a connection reset under a request is one of these seen from outside)."""
        self.log.seek(0)
        lines = self.log.read().decode(errors="replace").splitlines()
        self.log.seek(0, os.SEEK_END)
        marks = ("Traceback", "WORKER TIMEOUT", "Worker exiting", "was sent", "Booting worker", " 500 ")
        boots = sum("Booting worker" in line for line in lines)
        found = [line for line in lines if any(mark in line for mark in marks)]
        if boots <= int(os.environ.get("WEB_CONCURRENCY", "2")):  # only the first boots: drop them
            found = [line for line in found if "Booting worker" not in line]
        return found[:most]

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


@dataclass
class Tally:
    times: list[float] = field(default_factory=list)
    errors: int = 0
    recording: bool = False
    failures: list[str] = field(default_factory=list)  # what the first errors were, to print

    async def call(self, session: aiohttp.ClientSession, method: str, url: str, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            async with session.request(method, url, **kwargs) as answer:
                body = await answer.json(content_type=None) if answer.status != 204 else None
                ok = 200 <= answer.status < 300
                what: Any = (answer.status, body)
        except (TimeoutError, aiohttp.ClientError) as error:
            body, ok, what = None, False, (type(error).__name__, error)
        if self.recording:
            self.times.append(time.perf_counter() - start)
            self.errors += not ok
            if not ok and len(self.failures) < 5:  # described only when it failed: a pull's body is large
                self.failures.append(f"{method} {url.split('?')[0]}: {what[0]} {str(what[1])[:300]}")
        if not ok and not self.recording:
            raise RuntimeError(f"{method} {url}: {what[0]} {str(what[1])[:300]}")
        return body


async def login(tally: Tally, base: str, email: str, password: str) -> tuple[aiohttp.ClientSession, dict[str, str]]:
    jar = aiohttp.CookieJar(unsafe=True)  # loopback: an IP address keeps its cookies
    session = aiohttp.ClientSession(base, timeout=aiohttp.ClientTimeout(total=180), cookie_jar=jar)
    # As the PWA logs in ("manter conectado" is ticked unless unticked).
    answer = await tally.call(
        session, "POST", "/api/auth/login", json={"email": email, "password": password, "remember": True}
    )
    return session, {"X-CSRF-Token": answer["csrf_token"]}


@dataclass
class Run:
    """What the simulated users share: the tally, the start signal, the end of the window."""

    base: str
    password: str
    tally: Tally = field(default_factory=Tally)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    gate: asyncio.Semaphore = field(default_factory=lambda: asyncio.Semaphore(10))
    synced: int = 0
    stop: float = 0.0


async def phone(run: Run, email: str) -> None:
    tally = run.tally
    async with run.gate:
        session, headers = await login(tally, run.base, email, run.password)
    client_id, cursor, visit, mutation = str(uuid.uuid4()), None, None, 0

    async def pull() -> None:
        nonlocal cursor
        body = {**PULL, "client_id": client_id, "cursor": cursor}
        answer = await tally.call(session, "POST", "/api/sync/pull", json=body, headers=headers)
        cursor = answer["cursor"] if answer else cursor

    try:
        async with run.gate:  # the first sync, every page, a few phones at a time (not timed)
            while True:
                body = {**PULL, "client_id": client_id, "cursor": cursor}
                answer = await tally.call(session, "POST", "/api/sync/pull", json=body, headers=headers)
                cursor = answer["cursor"]
                visits = answer["changes"].get("appointments", {}).get("upsert", [])
                visit = visit or (visits[0]["id"] if visits else None)
                if not answer["more"]:
                    break
        run.synced += 1
        await run.ready.wait()
        now = time.time()
        next_pull, next_push = now + random.uniform(0, PULL_EVERY), now + random.uniform(0, PUSH_EVERY)
        while True:
            await asyncio.sleep(max(0.0, min(next_pull, next_push) - time.time()))
            if time.time() >= run.stop:
                return
            if next_push <= next_pull and visit is not None:
                mutation += 1
                note = {"appointment_id": visit, "notes": f"Nota {mutation} ({client_id[:8]})", "base": None}
                change = {
                    "id": mutation,
                    "name": "appointment.technician_notes.v1",
                    "client_time": datetime.now(UTC).isoformat(),
                    "args": note,
                }
                body = {**PULL, "client_id": client_id, "mutations": [change]}
                await tally.call(session, "POST", "/api/sync/push", json=body, headers=headers)
                next_push += PUSH_EVERY * random.uniform(0.8, 1.2)
            else:
                await pull()
                next_pull += PULL_EVERY * random.uniform(0.8, 1.2)
    finally:
        await session.close()


async def scheduler(run: Run, email: str) -> None:
    async with run.gate:
        session, _ = await login(run.tally, run.base, email, run.password)
    monday = date.today() - timedelta(days=date.today().weekday())
    reads = [
        f"/api/appointments?calendar_type=all&from={monday}&to={monday + timedelta(days=6)}&limit=1000",
        "/api/cases?status=open,scheduled,in_service,pending",
        "/api/cases?q=silva",
        "/api/dashboard",
    ]
    try:
        await run.ready.wait()
        await asyncio.sleep(random.uniform(0, OFFICE_EVERY))
        while time.time() < run.stop:
            await run.tally.call(session, "GET", random.choice(reads))
            await asyncio.sleep(OFFICE_EVERY * random.uniform(0.8, 1.2))
    finally:
        await session.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values) or [0.0]
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000


async def load(base: str, password: str, phones: list[str], schedulers: list[str], seconds: float) -> str:
    run = Run(base, password)
    tasks = [asyncio.create_task(phone(run, email)) for email in phones]
    tasks += [asyncio.create_task(scheduler(run, email)) for email in schedulers]
    while run.synced < len(phones):
        await asyncio.sleep(0.2)
        for task in tasks:
            if task.done() and task.exception() is not None:
                raise RuntimeError("a simulated user failed before the measure") from task.exception()
    run.tally.recording = True
    started = time.time()
    run.stop = started + seconds
    run.ready.set()
    await asyncio.gather(*tasks)
    elapsed = time.time() - started
    times, errors = run.tally.times, run.tally.errors
    return (
        f"{len(times) / elapsed:.1f} req/s, p50 {percentile(times, 0.5):.0f} ms, p95 {percentile(times, 0.95):.0f} ms,"
        f" p99 {percentile(times, 0.99):.0f} ms, errors {errors}"
        + "".join(f"\n  error: {failure}" for failure in run.tally.failures)
    )


async def hammer(base: str, path: str, cookies: Any, seconds: float, concurrency: int = 16) -> float:
    """Requests per second that `concurrency` clients get, each asking again once answered."""
    done = 0
    stop = time.time() + seconds

    async def client() -> None:
        nonlocal done
        async with aiohttp.ClientSession(base, cookies=cookies) as session:
            while time.time() < stop:
                async with session.get(path) as answer:
                    await answer.read()
                    assert answer.status == 200, answer.status
                done += 1

    start = time.time()
    await asyncio.gather(*(client() for _ in range(concurrency)))
    return done / (time.time() - start)


async def agenda_vs_bare(server: Server, email: str, password: str, env: dict[str, str], seconds: float) -> str:
    """The three endpoints in turns of `seconds / ROUNDS` each, both servers up, so a change in
    the machine's speed during the measure falls on all three alike; each figure is the median
    of its turns."""
    tally = Tally()
    session, _ = await login(tally, server.url, email, password)
    today = date.today()
    path = f"/api/appointments?assignee=me&from={today}&to={today + timedelta(days=6)}"
    async with session.get(path) as answer:
        size = len(await answer.read())
    cookies = {cookie.key: cookie.value for cookie in session.cookie_jar}
    await session.close()
    web = procfile(("web",)).replace("'server:create_app()'", "'bench.bare:create_app()'")
    bare = Server(web, {**env, "BARE_BYTES": str(size)}, free_port())
    turns: dict[str, list[float]] = {"agenda": [], "bare": [], "one": []}
    try:
        for _ in range(ROUNDS):
            turns["agenda"].append(await hammer(server.url, path, cookies, seconds / ROUNDS))
            turns["bare"].append(await hammer(bare.url, "/bare", {}, seconds / ROUNDS))
            turns["one"].append(await hammer(bare.url, "/one-select", {}, seconds / ROUNDS))
    finally:
        bare.stop()
    agenda, plain, one = (statistics.median(turns[name]) for name in ("agenda", "bare", "one"))
    return (
        f"{agenda:.0f} req/s vs {plain:.0f} req/s, ratio {agenda / plain:.3f} (body {size:,} bytes,"
        f" median of {ROUNDS} turns each)\n"
        f"one select vs bare: {one:.0f} req/s vs {plain:.0f} req/s, ratio {one / plain:.3f}"
        " (the same body after one pooled SELECT of a session row: the floor of a signed-in request)"
    )


def report(server: Server) -> None:
    """What the server's log tells of a failure during the run, if anything."""
    for line in server.troubles():
        print(f"  server: {line}", flush=True)


def environment(url: str, folder: str) -> dict[str, str]:
    return {
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-load",
        "RATELIMIT_ENABLED": "false",
        "HUEY_SQLITE_PATH": f"{folder}/huey.db",
        "UPLOAD_FOLDER": f"{folder}/uploads",
        "MAIL_FOLDER": f"{folder}/mail",
        "PWA_DIST": f"{folder}/dist",
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=60, help="the measured window per database")
    parser.add_argument("--agenda-seconds", type=float, default=21, help="per endpoint, in turns")
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.only in (None, "sqlite"):
            env = environment(f"sqlite:///{folder}/demo.db", folder)
            for command in (["flask", "db", "upgrade"], ["flask", "seed-demo"]):
                subprocess.run(
                    [str(BIN / command[0]), *command[1:]],
                    cwd=ROOT,
                    env={**os.environ, **env, "FLASK_APP": "server"},
                    check=True,
                    capture_output=True,
                )
            technicians = ["tecnico1@demo.assistec.com.br", "tecnico2@demo.assistec.com.br"]
            server = Server(procfile(("web", "worker")), env, free_port())
            try:
                phones = [technicians[i % len(technicians)] for i in range(PHONES)]
                line = asyncio.run(
                    load(server.url, DEMO_PASSWORD, phones, ["atendimento@demo.assistec.com.br"] * 10, args.seconds)
                )
            finally:
                report(server)
                server.stop()
            print(f"load sqlite: {line}", flush=True)
        if args.only in (None, "postgresql"):
            url = f"{BASE_URL}_load_{args.factor}x"
            try:
                start = time.time()
                create_database(url)
                app = make_app(url, str(ROOT))
                with app.app_context():
                    made = seed(url, args.factor)
                    from server.extensions import db

                    db.engine.dispose()
                print(f"(PostgreSQL {args.factor}x built in {time.time() - start:.0f} s)", flush=True)
                env = environment(url, folder)
                server = Server(procfile(("web", "worker")), env, free_port())
                try:
                    technicians = [email for _, email in made["technicians"]]
                    phones = [technicians[i % len(technicians)] for i in range(PHONES)]
                    schedulers = [made["office_email"]] * SCHEDULERS
                    line = asyncio.run(load(server.url, PASSWORD, phones, schedulers, args.seconds))
                    print(f"load postgresql-{args.factor}x: {line}", flush=True)
                    line = asyncio.run(agenda_vs_bare(server, technicians[0], PASSWORD, env, args.agenda_seconds))
                    print(f"agenda vs bare: {line}", flush=True)
                finally:
                    report(server)
                    server.stop()
            finally:
                drop_database(url)


if __name__ == "__main__":
    main()
