"""Passwords on the phone (issue 16): "Esqueci minha senha" through the mail folder, a temporary
password set by an admin that must be changed first, and "Sair" warning about unsent work."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect

from .harness import ADMIN, PASSWORD, SCHEDULER, TECHNICIAN, Backend, Office, Phone
from .office import check, office_login
from .technician import check_screen, log_in

pytestmark = pytest.mark.e2e

NEW = "cafe-com-pao-de-queijo"


def reset_link(backend: Backend) -> str:
    mails = sorted((backend.dir / "mail").glob("senha-*.eml"))
    assert len(mails) == 1, mails
    message = message_from_bytes(Path(mails[0]).read_bytes(), policy=default_policy)
    body = message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    match = re.search(r"(/redefinir-senha\?token=\S+)", body)
    assert match, body
    return match.group(1)


def login_status(playwright: Playwright, backend: Backend, password: str) -> int:
    context = playwright.request.new_context(base_url=backend.url)
    try:
        return context.post("/api/auth/login", data={"email": TECHNICIAN, "password": password}).status
    finally:
        context.dispose()


def test_forgot_password_by_email(phone: Phone, backend: Backend, playwright: Playwright) -> None:
    page = phone.launch()
    page.goto("/login")
    page.get_by_role("link", name="Esqueci minha senha").click()
    expect(page.get_by_role("heading", name="Esqueci minha senha")).to_be_visible()
    page.get_by_label("E-mail").fill(TECHNICIAN)
    page.get_by_role("button", name="Enviar link").click()
    expect(page.get_by_test_id("reset-sent")).to_contain_text("enviamos um link")
    check_screen(page, "password-forgot-sent")

    link = reset_link(backend)
    page.goto(link)
    page.locator("#f-password").fill("12345678")
    page.get_by_label("Repita a nova senha").fill("12345678")
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page.locator("#f-password-error")).to_contain_text("muito comum")
    check_screen(page, "password-reset-refused")
    page.locator("#f-password").fill(NEW)
    page.get_by_label("Repita a nova senha").fill(NEW)
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page.get_by_test_id("reset-done")).to_contain_text("Senha alterada")
    check_screen(page, "password-reset-done")
    assert login_status(playwright, backend, PASSWORD) == 401
    assert login_status(playwright, backend, NEW) == 200

    page.goto(link)  # the same link again: used up
    page.locator("#f-password").fill("outra-" + NEW)
    page.get_by_label("Repita a nova senha").fill("outra-" + NEW)
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page.get_by_test_id("reset-token-refused")).to_contain_text("já usado")
    expect(page.get_by_role("link", name="Pedir outro link")).to_be_visible()
    check_screen(page, "password-reset-used")
    assert login_status(playwright, backend, NEW) == 200


def change_forced_password(page: Page) -> None:
    expect(page.get_by_role("heading", name="Crie sua senha")).to_be_visible()
    check_screen(page, "password-forced")
    page.get_by_label("Senha atual").fill("temporaria-2026")
    page.locator("#f-new_password").fill(NEW)
    page.get_by_label("Repita a nova senha").fill(NEW + "x")
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page.locator("#f-confirm-error")).to_have_text("As duas senhas não são iguais.")
    page.get_by_label("Repita a nova senha").fill(NEW)
    page.get_by_role("button", name="Salvar nova senha").click()


def test_a_temporary_password_is_changed_before_the_agenda(
    phone: Phone, backend: Backend, playwright: Playwright
) -> None:
    admin = Office(playwright, backend.url, ADMIN)
    technician = admin.technician()
    admin.patch(f"/api/users/{technician['id']}", {"password": "temporaria-2026"})
    page = phone.launch()
    page.goto("/login")
    page.get_by_label("E-mail").fill(TECHNICIAN)
    page.get_by_label("Senha").fill("temporaria-2026")
    page.get_by_role("button", name="Entrar").click()
    change_forced_password(page)
    expect(page.get_by_role("heading", name="Minha agenda")).to_be_visible()
    # Changing it again, of one's own accord: the link under the agenda.
    page.get_by_role("link", name="Trocar senha ou sair de todos os aparelhos").click()
    expect(page.get_by_role("heading", name="Trocar senha")).to_be_visible()
    check_screen(page, "password-change")
    assert phone.context is not None
    me = phone.context.request.get("/api/auth/me").json()
    assert me["must_change_password"] is False
    assert login_status(playwright, backend, NEW) == 200
    admin.dispose()


def test_sair_warns_about_unsent_work_and_logout_ends_the_session(phone: Phone, office: Office) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    phone.set_offline(True)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("1 pendente")
    # The question, read by a confirm() that answers "no" (the phone's dialog handler says yes).
    page.evaluate("() => { window.asked = []; window.confirm = (m) => { window.asked.push(m); return false } }")
    page.get_by_role("button", name="Sair").click()
    page.wait_for_function("() => window.asked.length === 1")
    question = page.evaluate("() => window.asked[0]")
    assert "1 alteração ainda não enviada" in question and "quando você entrar de novo" in question, question
    expect(page.get_by_test_id("pending-count")).to_have_text("1 pendente")  # answered no: still in
    phone.set_offline(False)
    assert phone.context is not None
    assert phone.context.request.get("/api/auth/me").status == 200
    cookies = [c for c in phone.context.cookies() if c["name"] in ("session", "remember_token")]
    page.evaluate("() => { window.confirm = () => true }")
    page.get_by_role("button", name="Sair").click()
    expect(page.get_by_role("heading", name="Assistec")).to_be_visible()
    # A copy of the cookies the phone had (a shared phone) no longer logs in.
    phone.context.add_cookies(cookies)  # type: ignore[arg-type]
    assert phone.context.request.get("/api/auth/me").status == 401


def test_the_office_changes_its_password_and_ends_its_other_sessions(
    browser: Browser, backend: Backend, office: Office, playwright: Playwright
) -> None:
    """A scheduler at the office: "Trocar senha" in the header; the API client logged in elsewhere
    as the same scheduler is logged out, the office page goes on."""
    page = office_login(browser, backend, SCHEDULER)
    page.get_by_role("link", name="Trocar senha").click()
    expect(page.get_by_role("heading", name="Trocar senha")).to_be_visible()
    page.get_by_label("Senha atual").fill("errada-123")
    page.locator("#f-new_password").fill(NEW)
    page.get_by_label("Repita a nova senha").fill(NEW)
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page.locator("#f-current_password-error")).to_have_text("Senha atual incorreta.")
    page.get_by_label("Senha atual").fill(PASSWORD)
    page.get_by_role("button", name="Salvar nova senha").click()
    expect(page.get_by_test_id("password-changed")).to_contain_text("Os outros aparelhos foram desconectados")
    check(page, "office-password-changed")
    assert office.context.get("/api/auth/me").status == 401  # the other session (same scheduler)
    assert page.context.request.get("/api/auth/me").status == 200
    page.get_by_role("link", name="Voltar").click()
    expect(page.get_by_role("heading", name="Painel")).to_be_visible()
    page.context.close()
