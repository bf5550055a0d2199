"""The end-to-end harness, free of pytest: the real back end, the office's API client and the
technician's browser. `conftest.py` wraps it in fixtures; `scripts/bench_pwa.py` uses it too.

Nothing is downloaded: the browser is Debian's /usr/bin/chromium, driven by Playwright's sync API.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from playwright.sync_api import APIRequestContext, BrowserContext, Page, Playwright, ViewportSize

from .network import Network

ROOT = Path(__file__).resolve().parents[2]
# E2E_PWA_DIST lets several checkouts (or builds) run the e2e tests side by side.
DIST = Path(os.environ.get("E2E_PWA_DIST") or ROOT / "pwa" / "dist")
AXE = ROOT / "pwa" / "node_modules" / "axe-core" / "axe.min.js"
SCREENSHOTS = ROOT / "pwa" / "test-results" / "screenshots"
BIN = Path(sys.executable).parent  # the project's venv: flask lives next to this python

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE: ViewportSize = {"width": 360, "height": 740}

PASSWORD = "assistec-demo"
TECHNICIAN = "tecnico1@demo.assistec.com.br"
SCHEDULER = "atendimento@demo.assistec.com.br"
ADMIN = "admin@demo.assistec.com.br"
STORE_TZ = ZoneInfo("America/Sao_Paulo")  # the demo store's clock


def missing_build() -> str | None:
    """Why the e2e tests cannot run, or None: they need the built PWA and axe-core (`make pwa`)."""
    if not (DIST / "index.html").is_file():
        return f"{DIST} is missing: build the PWA first (`make pwa`; `make test-e2e` does it)."
    if not AXE.is_file():
        return f"{AXE.relative_to(ROOT)} is missing: install the PWA's packages first (`make pwa`)."
    return None


def flask_env(database: Path, uploads: Path, dist: Path = DIST) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "REDIS_URL", "RATELIMIT_STORAGE_URI")}
    env.update(
        FLASK_APP="server",
        ASSISTEC_ENV="development",
        SECRET_KEY="e2e-only-secret",
        DATABASE_URL=f"sqlite:///{database}",
        UPLOAD_FOLDER=str(uploads),
        PWA_DIST=str(dist),
        RATELIMIT_ENABLED="false",
        # No Huey consumer runs here: jobs (e-mail, push) run inside the request, and the .eml
        # files land in this test's own folder, where GET /api/mail/outbox finds them.
        JOBS_IMMEDIATE="true",
        MAIL_FOLDER=str(database.parent / "mail"),
        # A test's own push endpoint listens on 127.0.0.1 (see test_push.py).
        PUSH_ALLOW_LOOPBACK="true",
    )
    return env


def _flask(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [str(BIN / "flask"), *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"flask {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")


def make_template(work: Path) -> Path:
    """A migrated, seeded SQLite database to copy for each test (seeding takes seconds, copying none)."""
    template = work / "template.db"
    env = flask_env(template, work / "uploads-template")
    _flask(["db", "upgrade"], env)
    _flask(["seed-demo"], env)
    return template


def make_photos(work: Path) -> list[Path]:
    """Camera-sized JPEGs carrying EXIF with a camera name and GPS, to see them stripped."""
    from PIL import Image, ImageDraw

    paths = []
    for n, colour in enumerate([(180, 120, 60), (60, 120, 180)], start=1):
        image = Image.new("RGB", (3000, 2000), colour)
        ImageDraw.Draw(image).rectangle((400, 400, 2600, 1600), outline=(255, 255, 255), width=40)
        exif = Image.Exif()
        exif[0x010F] = "AssistecTestCam"
        exif.get_ifd(0x8825)[2] = (23.0, 33.0, 1.0)
        path = work / f"photo{n}.jpg"
        image.save(path, quality=90, exif=exif)
        paths.append(path)
    return paths


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclass
class Backend:
    """`flask run` on its own copy of the template database, uploads folder and build, on a free port."""

    dir: Path
    url: str = ""
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def dist(self) -> Path:
        """This test's copy of the build: a test may publish a "new version" of it."""
        return self.dir / "dist"

    @property
    def log_path(self) -> Path:
        return self.dir / "flask.log"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    @classmethod
    def start(cls, dir: Path, template: Path) -> Backend:
        (dir / "uploads").mkdir(parents=True, exist_ok=True)
        shutil.copyfile(template, dir / "app.db")
        shutil.copytree(DIST, dir / "dist")
        backend = cls(dir)
        port = free_port()
        backend.url = f"http://127.0.0.1:{port}"
        env = flask_env(dir / "app.db", dir / "uploads", dir / "dist")
        with backend.log_path.open("wb") as log:
            backend.process = subprocess.Popen(
                [str(BIN / "flask"), "run", "--host", "127.0.0.1", "--port", str(port)],
                cwd=ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and backend.process.poll() is None:
            try:
                urllib.request.urlopen(f"{backend.url}/api/auth/me", timeout=2)
            except urllib.error.HTTPError as answer:
                if answer.code == 401:  # up, and nobody logged in
                    return backend
            except OSError:
                pass  # not listening yet
            time.sleep(0.1)
        backend.stop()
        raise RuntimeError(f"Flask did not start:\n{backend.log()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class ApiError(AssertionError):
    pass


class Office:
    """The office, through the REST API as the demo scheduler (what its screens will call), or as
    another of the demo's users (`email`)."""

    def __init__(self, playwright: Playwright, base_url: str, email: str = SCHEDULER) -> None:
        self.context: APIRequestContext = playwright.request.new_context(base_url=base_url)
        login = self.context.post("/api/auth/login", data={"email": email, "password": PASSWORD})
        if login.status != 200:
            raise ApiError(f"{email} login: {login.status} {login.text()}")
        self.headers = {"X-CSRF-Token": login.json()["csrf_token"]}

    def call(self, method: str, path: str, data: Any = None) -> Any:
        response = self.context.fetch(path, method=method, data=data, headers=self.headers)
        if not response.ok:
            raise ApiError(f"{method} {path}: {response.status} {response.text()}")
        if "json" in response.headers.get("content-type", ""):
            return response.json()
        return response.body()

    def get(self, path: str) -> Any:
        return self.call("GET", path)

    def post(self, path: str, data: Any = None) -> Any:
        return self.call("POST", path, data)

    def patch(self, path: str, data: Any = None) -> Any:
        return self.call("PATCH", path, data)

    def raw(self, path: str) -> bytes:
        response = self.context.get(path)
        if not response.ok:
            raise ApiError(f"GET {path}: {response.status}")
        return response.body()

    def dispose(self) -> None:
        self.context.dispose()

    def technician(self, email: str = TECHNICIAN) -> dict[str, Any]:
        technicians = self.get("/api/users?role=technician")
        return next(u for u in technicians if u["email"] == email)

    def move_visit(
        self,
        visit: dict[str, Any],
        *,
        starts_at: str | None = None,
        ends_at: str | None = None,
        assignee_id: int | None = None,
    ) -> Any:
        """PATCH a visit to another time and/or technician (unchanged unless given), keeping its
        type; a clash with another visit is allowed."""
        return self.patch(
            f"/api/appointments/{visit['id']}",
            {
                "appointment_type_id": visit["appointment_type"]["id"],
                "assignee_id": assignee_id if assignee_id is not None else visit["assignee"]["id"],
                "starts_at": starts_at or visit["starts_at"],
                "ends_at": ends_at or visit["ends_at"],
                "allow_overlap": True,
            },
        )

    def visits_today(self, email: str = TECHNICIAN) -> list[dict[str, Any]]:
        """The technician's visits today from the demo data (the seed books some for each technician)."""
        today = store_today()
        page = self.get(f"/api/appointments?assignee={self.technician(email)['id']}&from={today}&to={today}&limit=50")
        visits: list[dict[str, Any]] = sorted(page["items"], key=lambda v: v["starts_at"])
        return visits


def store_today() -> str:
    return datetime.now(STORE_TZ).date().isoformat()


def hhmm(instant: str) -> str:
    """An API instant as the agenda shows it: the store's clock, HH:MM."""
    return datetime.fromisoformat(instant).astimezone(STORE_TZ).strftime("%H:%M")


def time_window(visit: dict[str, Any]) -> str:
    return f"{hhmm(visit['starts_at'])}–{hhmm(visit['ends_at'])}"


def launch_phone(playwright: Playwright, profile: Path, base_url: str, offline: bool = False) -> BrowserContext:
    """The technician's phone browser: Chromium on a persistent profile, so "close the browser and
    reopen it" keeps the service worker, its cache, IndexedDB and cookies, as on a real phone."""
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=CHROMIUM,
        args=CHROMIUM_ARGS,
        headless=True,
        base_url=base_url,
        viewport=PHONE,
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
        locale="pt-BR",
        timezone_id="America/Sao_Paulo",
        offline=offline,
        service_workers="allow",
    )


@dataclass
class Workspace:
    """Made once per run: the seeded template database and the camera's photos."""

    dir: Path
    template: Path
    photos: list[Path]


class Phone:
    """`launch(offline=...)` opens the technician's browser on this test's one persistent profile,
    `set_offline()` switches its signal, `close()` closes it (the profile stays, as on a phone)."""

    def __init__(
        self,
        playwright: Playwright,
        profile: Path,
        base_url: str,
        network: Network | None = None,
    ) -> None:
        self.playwright = playwright
        self.profile = profile
        self.base_url = base_url
        self.network = network
        self.context: BrowserContext | None = None

    def launch(self, offline: bool = False) -> Page:
        self.profile.mkdir(parents=True, exist_ok=True)
        self.context = launch_phone(self.playwright, self.profile, self.base_url, offline=offline)
        if self.network:
            self.network.attach(self.context, offline=offline)
        page = self.context.pages[0] if self.context.pages else self.context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # "Descartar?" and the like: yes
        return page

    def set_offline(self, offline: bool) -> None:
        """The phone loses (or gets back) its signal: `BrowserContext.set_offline`, told to the network."""
        assert self.context is not None
        if self.network:
            self.network.set_offline(self.context, offline)
        else:
            self.context.set_offline(offline)

    def close(self) -> None:
        if self.context:
            self.context.close()
            self.context = None
