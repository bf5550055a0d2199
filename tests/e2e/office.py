"""The office's screens in a desktop browser: the viewports they are checked at, a logged-in page,
the checks every office screen must pass, and a record of the page's API calls."""

from __future__ import annotations

from typing import Literal

from playwright.sync_api import Browser, Page, Request, ViewportSize, expect

from .harness import PASSWORD, Backend
from .technician import axe_violations, screenshot

DESKTOP: ViewportSize = {"width": 1280, "height": 800}
TABLET: ViewportSize = {"width": 768, "height": 1024}


# The service address of the cases the office e2e tests create through the API.
ADDRESS = {
    "cep": "04094-050",
    "street": "Av. Pedro Álvares Cabral",
    "number": "1301",
    "district": "Vila Mariana",
    "city": "São Paulo",
    "state": "SP",
}


def office_login(
    browser: Browser,
    backend: Backend,
    email: str,
    *,
    timezone_id: str = "America/Sao_Paulo",
    viewport: ViewportSize = DESKTOP,
    service_workers: Literal["allow", "block"] | None = None,
) -> Page:
    """A new browser context (pt-BR, the given clock and viewport), logged in as `email` through
    the login form: the login lands on the office's painel. Close it with `page.context.close()`."""
    context = browser.new_context(
        base_url=backend.url,
        viewport=viewport,
        locale="pt-BR",
        timezone_id=timezone_id,
        service_workers=service_workers,
    )
    page = context.new_page()
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Senha").fill(PASSWORD)
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name="Painel")).to_be_visible()
    return page


def check(page: Page, name: str, moderate: bool = False) -> None:
    """Screenshot (pwa/test-results/screenshots/<name>.png), no horizontal scroll, no critical or
    serious axe findings (nor moderate ones, when asked)."""
    page.evaluate("() => document.fonts.ready")
    screenshot(page, name)
    assert page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth"), "horizontal scroll"
    impacts = ("critical", "serious", "moderate") if moderate else ("critical", "serious")
    assert axe_violations(page, impacts) == []


def api_calls(page: Page) -> list[str]:
    """Record the page's /api requests from now on (method and path with query)."""
    calls: list[str] = []

    def record(request: Request) -> None:
        path = request.url.split("://", 1)[1].split("/", 1)[1]
        if path.startswith("api/"):
            calls.append(f"{request.method} /{path}")

    page.on("request", record)
    return calls
