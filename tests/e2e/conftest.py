"""End-to-end fixtures: a fresh back end per test, the office's API client, the phone's network
and the technician's browser (a persistent Chromium profile, so "close the browser and reopen
it" is real).

These tests are marked `e2e` and left out of plain `pytest` runs (pyproject's addopts); run them
with `make test-e2e` (builds the PWA, then `pytest -m e2e tests/e2e`).
"""

from __future__ import annotations

import contextlib
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, expect, sync_playwright

from .harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Backend,
    Office,
    Phone,
    Workspace,
    make_photos,
    make_template,
    missing_build,
)
from .network import Network

expect.set_options(timeout=15_000)


@pytest.fixture(scope="session")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """Once per run: the seeded template database and two camera photos with EXIF and GPS."""
    problem = missing_build()
    if problem:
        pytest.exit(f"e2e tests cannot run: {problem}", returncode=1)
    work = tmp_path_factory.mktemp("e2e")
    return Workspace(work, make_template(work), make_photos(work))


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture
def browser(playwright: Playwright) -> Iterator[Browser]:
    """A desktop Chromium for the office's screens (tests/e2e/office.py logs a user in)."""
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield browser
    browser.close()


@pytest.fixture
def backend(workspace: Workspace, tmp_path: Path) -> Iterator[Backend]:
    server = Backend.start(tmp_path / "backend", workspace.template)
    yield server
    server.stop()


@pytest.fixture
def office(playwright: Playwright, backend: Backend) -> Iterator[Office]:
    client = Office(playwright, backend.url)
    yield client
    client.dispose()


@pytest.fixture
def network() -> Network:
    """The phone's way to the server, which a test can make misbehave (see network.py)."""
    return Network()


@pytest.fixture
def phone(playwright: Playwright, backend: Backend, network: Network, tmp_path: Path) -> Iterator[Phone]:
    device = Phone(playwright, tmp_path / "profile", backend.url, network)
    yield device
    with contextlib.suppress(Exception):  # already gone with a failed test: nothing to keep
        device.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed test's report carries the end of its Flask log."""
    report = yield
    if report.failed:
        backend = getattr(item, "funcargs", {}).get("backend")
        if isinstance(backend, Backend):
            report.sections.append(("flask log (last 200 lines)", "\n".join(backend.log().splitlines()[-200:])))
    return report
