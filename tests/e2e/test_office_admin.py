"""Administração in the browser (issue 9, item 5): an admin edits a print layout beside its live
preview (the server's PDF changes with the draft; a broken template is explained at the editor),
creates a technician who can then log in, and a scheduler who opens an admin URL gets no admin
screen. The layout editor is screenshot at 1280×800 and checked with axe-core."""

from __future__ import annotations

import io
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, Page, Playwright, Request, Response, Route, expect
from pypdf import PdfReader

from .harness import ADMIN, SCHEDULER, Backend, Office
from .office import DESKTOP, TABLET, check, office_login

pytestmark = pytest.mark.e2e


@pytest.fixture
def admin_page(browser: Browser, backend: Backend) -> Iterator[Page]:
    page = office_login(browser, backend, ADMIN, service_workers="block")
    yield page
    page.context.close()


@pytest.fixture
def admin(playwright: Playwright, backend: Backend) -> Iterator[Office]:
    client = Office(playwright, backend.url, ADMIN)
    yield client
    client.dispose()


def is_preview(response: Response) -> bool:
    return response.request.method == "POST" and response.url.endswith("/api/layouts/preview.pdf")


class Previews:
    """The preview PDFs the page receives. Chromium's DevTools keep no body for them (the page
    reads it as a Blob), so the requests pass through a route that keeps a copy of each answer."""

    def __init__(self, page: Page) -> None:
        self.bodies: list[tuple[int, bytes]] = []
        page.route("**/api/layouts/preview.pdf", self._forward)

    def _forward(self, route: Route) -> None:
        response = route.fetch()
        self.bodies.append((response.status, response.body()))
        route.fulfill(response=response)

    def text(self, response: Response) -> str:
        """The text of the PDF the page got with `response` (the newest preview)."""
        status, body = self.bodies[-1]
        assert status == response.status == 200, body[:500]
        assert response.headers["content-type"].startswith("application/pdf")
        return pdf_text(body)


def pdf_text(body: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(body)).pages)


def test_an_admin_edits_a_layout_and_the_preview_changes(admin_page: Page, admin: Office) -> None:
    page = admin_page
    previews = Previews(page)
    [layout] = [x for x in admin.get("/api/layouts?kind=service_request") if x["is_default"]]
    page.get_by_role("link", name="Administração").click()
    page.get_by_role("navigation", name="Administração").get_by_role("link", name="Layouts de impressão").click()
    section = page.get_by_test_id("layouts-service_request")
    expect(section.get_by_role("link", name=layout["name"], exact=True)).to_be_visible()
    check(page, "office-admin-layouts-1280")

    # Opening the editor renders the saved template with sample data.
    with page.expect_response(is_preview) as first:
        section.get_by_role("link", name=f"Editar {layout['name']}").click()
    before = previews.text(first.value)
    expect(page.get_by_test_id("preview-status")).to_contain_text("Atualizada às")
    expect(page.locator("iframe.preview-frame")).to_have_attribute("src", re.compile(r"^blob:"))
    check(page, "office-admin-layout-editor-1280")
    page.set_viewport_size(TABLET)
    check(page, "office-admin-layout-editor-768")
    page.set_viewport_size(DESKTOP)

    # Typing stops: the draft (not saved) is rendered again, and the new text is in the PDF.
    marker = f"Garantia estendida {uuid.uuid4().hex[:6].upper()}"
    assert marker not in before
    html = page.get_by_label("HTML (modelo Jinja)")
    with page.expect_response(is_preview) as second:
        html.fill(layout["html"] + f"\n<p class='marca'>{marker}</p>\n")
    assert marker in previews.text(second.value)
    assert admin.get(f"/api/layouts/{layout['id']}")["html"] == layout["html"], "a preview saves nothing"

    # A broken template: the server's 422 is explained at the HTML field; the last good PDF stays.
    with page.expect_response(is_preview) as broken:
        html.fill(layout["html"] + "\n{% if %}\n")
    assert broken.value.status == 422
    expect(page.get_by_test_id("preview-error")).to_contain_text("Erro de sintaxe no modelo")
    expect(html).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-html-error")).to_contain_text("Erro de sintaxe no modelo (linha")
    expect(page.get_by_test_id("preview-status")).to_contain_text("Prévia desatualizada")

    # Fixed, previewed on demand, then saved.
    html.fill(layout["html"] + f"\n<p class='marca'>{marker}</p>\n")
    with page.expect_response(is_preview) as again:
        page.get_by_role("button", name="Atualizar prévia").click()
    assert marker in previews.text(again.value)
    expect(page.get_by_test_id("preview-error")).to_have_count(0)
    page.get_by_role("button", name="Salvar", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Layout salvo.")).to_be_visible()
    assert marker in admin.get(f"/api/layouts/{layout['id']}")["html"]
    assert marker in pdf_text(admin.raw(f"/api/layouts/{layout['id']}/preview.pdf"))

    # A new layout starts as a copy of its kind's default, and can become the default.
    page.get_by_role("link", name="Voltar aos layouts").click()
    with page.expect_response(is_preview):
        page.get_by_role("link", name="Novo layout de Pedido de Peças").click()
    page.get_by_label("Nome").fill("Pedido compacto")
    page.get_by_role("button", name="Criar layout").click()
    expect(page.get_by_role("heading", name="Layout “Pedido compacto”")).to_be_visible()
    created = next(x for x in admin.get("/api/layouts?kind=parts_order") if x["name"] == "Pedido compacto")
    expect(page).to_have_url(re.compile(rf"/escritorio/admin/layouts/{created['id']}$"))
    assert not created["is_default"]
    page.get_by_role("button", name="Tornar padrão").click()
    expect(page.get_by_role("status").filter(has_text="layout padrão de Pedido de Peças")).to_be_visible()
    assert [x["name"] for x in admin.get("/api/layouts?kind=parts_order") if x["is_default"]] == ["Pedido compacto"]


def test_an_admin_creates_a_technician_who_can_then_log_in(
    admin_page: Page, admin: Office, playwright: Playwright, backend: Backend
) -> None:
    page = admin_page
    page.goto("/escritorio/admin/usuarios")
    expect(page.get_by_role("heading", name="Usuários")).to_be_visible()
    inactive_before = sum(1 for u in admin.get("/api/users?include_inactive=true") if not u["active"])
    expect(page.get_by_test_id("user-row")).to_have_count(len(admin.get("/api/users?include_inactive=true")))

    email = f"tecnico-{uuid.uuid4().hex[:6]}@demo.assistec.com.br"
    page.get_by_role("button", name="Novo usuário").click()
    form = page.get_by_role("form", name="Novo usuário")
    form.get_by_label("Nome").fill("Rafael Nogueira")
    form.get_by_label("E-mail (login)").fill(email)
    form.get_by_label("Perfil").select_option(label="Técnico")
    form.get_by_label("Telefone").fill("(11) 97777-1234")
    # Too short first: the API's message is shown at the field.
    form.get_by_label("Senha inicial").fill("curta")
    form.get_by_role("button", name="Criar usuário").click()
    expect(form.locator("#f-password-error")).to_contain_text("A senha deve ter entre 8 e 200 caracteres.")
    form.get_by_label("Senha inicial").fill("senha-do-rafael")
    form.get_by_role("button", name="Criar usuário").click()
    expect(page.get_by_role("status").filter(has_text="Rafael Nogueira foi criado(a) como Técnico")).to_be_visible()
    row = page.get_by_test_id("user-row").filter(has_text=email)
    expect(row).to_contain_text("Técnico")
    expect(row).to_contain_text("Ativo")
    check(page, "office-admin-users-1280")

    # The new technician logs in with that password (API).
    session = playwright.request.new_context(base_url=backend.url)
    try:
        login = session.post("/api/auth/login", data={"email": email, "password": "senha-do-rafael"})
        assert login.status == 200, login.text()
        assert login.json()["role"] == "technician"
        assert login.json()["phone"] == "11977771234"

        # Deactivated from the screen, they can no longer log in.
        page.once("dialog", lambda dialog: dialog.accept())
        row.get_by_role("button", name="Editar Rafael Nogueira").click()
        edit = page.get_by_test_id("user-edit")
        edit.get_by_role("button", name="Desativar usuário").click()
        expect(edit.get_by_role("status")).to_contain_text("Rafael Nogueira foi desativado(a).")
        expect(row).to_contain_text("Inativo")
        refused = session.post("/api/auth/login", data={"email": email, "password": "senha-do-rafael"})
        assert refused.status == 401
    finally:
        session.dispose()
    assert sum(1 for u in admin.get("/api/users?include_inactive=true") if not u["active"]) == inactive_before + 1


def test_a_scheduler_gets_no_admin_screen(browser: Browser, backend: Backend) -> None:
    page = office_login(browser, backend, SCHEDULER, service_workers="block")
    try:
        expect(page.get_by_role("navigation", name="Escritório")).to_be_visible()
        expect(page.get_by_role("link", name="Administração")).to_have_count(0)
        calls: list[str] = []

        def record(request: Request) -> None:
            if "/api/" in request.url:
                calls.append(request.url)

        page.on("request", record)
        for path in ("/escritorio/admin/layouts/1", "/escritorio/admin/usuarios", "/escritorio/admin/emails"):
            page.goto(path)
            expect(page.get_by_role("heading", name="Sem permissão")).to_be_visible()
            expect(page.get_by_role("link", name="Voltar ao painel")).to_be_visible()
            expect(page.locator("textarea, table")).to_have_count(0)
        assert not [url for url in calls if re.search(r"/api/(layouts|users|mail|catalogs|stores)", url)]
    finally:
        page.context.close()


def png(path: Path, size: tuple[int, int] = (240, 80)) -> Path:
    Image.new("RGB", size, (21, 94, 117)).save(path, "PNG")
    return path


def test_an_admin_keeps_catalogs_the_store_and_reads_the_sent_emails(
    admin_page: Page, admin: Office, office: Office, tmp_path: Path
) -> None:
    page = admin_page
    # Cadastros: add, a duplicate refused at the field, rename, retire and reactivate.
    page.goto("/escritorio/admin/cadastros/ambientes")
    expect(page.get_by_role("heading", name="Ambientes")).to_be_visible()
    name = f"Varanda gourmet {uuid.uuid4().hex[:4]}"
    page.get_by_label("Incluir ambiente").fill(name)
    page.get_by_role("button", name="Incluir", exact=True).click()
    entry = page.get_by_test_id("catalog-entry").filter(has_text=name)
    expect(entry).to_be_visible()
    page.get_by_label("Incluir ambiente").fill(name.upper())
    page.get_by_role("button", name="Incluir", exact=True).click()
    expect(page.locator("#catalog-new-error")).to_have_text("Já existe um item com este nome.")
    entry.get_by_role("button", name=f"Renomear {name}").click()
    renamed = name.replace("Varanda gourmet", "Varanda")
    page.get_by_label(f"Novo nome de “{name}”").fill(renamed)
    page.get_by_label(f"Novo nome de “{name}”").press("Enter")
    entry = page.get_by_test_id("catalog-entry").filter(has_text=renamed)
    entry.get_by_role("button", name=f"Desativar {renamed}").click()
    expect(entry).to_contain_text("Inativo")
    assert renamed not in [e["name"] for e in office.get("/api/catalogs/rooms")], "retired: not offered any more"
    assert renamed in [e["name"] for e in office.get("/api/catalogs/rooms?include_inactive=true")]
    check(page, "office-admin-cadastros-1280")
    entry.get_by_role("button", name=f"Reativar {renamed}").click()
    expect(entry).not_to_contain_text("Inativo")
    assert renamed in [e["name"] for e in office.get("/api/catalogs/rooms")]

    # Loja: the API's message at the deadline field, then saved; the logo uploaded and shown.
    page.get_by_role("navigation", name="Administração").get_by_role("link", name="Loja").click()
    deadline = page.get_by_label("Prazo de reparo (dias)")
    deadline.fill("5")
    page.get_by_role("button", name="Salvar", exact=True).click()
    expect(page.locator("#f-repair_deadline_days-error")).to_contain_text("entre 7 e 180 dias")
    deadline.fill("45")
    page.get_by_label("Fuso horário").select_option("America/Manaus")
    page.get_by_role("button", name="Salvar", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Dados da loja salvos.")).to_be_visible()
    store = admin.get("/api/stores")[0]
    assert (store["repair_deadline_days"], store["timezone"]) == (45, "America/Manaus")
    (tmp_path / "logo.txt").write_text("não é uma imagem")
    page.get_by_label("Arquivo do logotipo").set_input_files(tmp_path / "logo.txt")
    expect(page.get_by_role("alert")).to_contain_text("Envie uma imagem PNG, JPEG ou WebP.")
    page.get_by_label("Arquivo do logotipo").set_input_files(png(tmp_path / "logo.png"))
    expect(page.get_by_test_id("logo-preview")).to_be_visible()
    assert page.get_by_test_id("logo-preview").evaluate("(img) => img.complete && img.naturalWidth") == 240
    logo_id = admin.get(f"/api/stores/{store['id']}")["logo_id"]
    assert logo_id and logo_id in (page.get_by_test_id("logo-preview").get_attribute("src") or "")
    check(page, "office-admin-loja-1280")

    # E-mails enviados: a document e-mailed by the office, with its attachment's name.
    case = office.get("/api/cases?limit=1")["items"][0]
    office.post(f"/api/cases/{case['id']}/documents/service_request/email", {"recipients": ["cliente@example.com"]})
    page.get_by_role("navigation", name="Administração").get_by_role("link", name="E-mails enviados").click()
    row = page.get_by_test_id("outbox-row").first
    expect(row).to_contain_text("cliente@example.com")
    expect(row).to_contain_text(case["number"])
    expect(row).to_contain_text(f"solicitacao-{case['number']}.pdf")
    expect(row).to_contain_text(re.compile(r"\d{2}/\d{2}/\d{4} às \d{2}:\d{2}"))
    check(page, "office-admin-emails-1280")


def test_a_user_shared_with_another_store_keeps_their_account_fields(admin_page: Page, admin: Office) -> None:
    """The API's rule, shown as it comes: an admin who does not belong to all of a user's stores
    may change their name, phone and stores here, but not their role, e-mail, password or status."""
    me = admin.get("/api/auth/me")
    home = me["stores"][0]["id"]
    other = admin.post("/api/stores", {"name": "Loja Shopping Norte"})  # the creator joins it
    shared = admin.post(
        "/api/users",
        {
            "name": "Bruno Tavares",
            "email": f"bruno-{uuid.uuid4().hex[:6]}@demo.assistec.com.br",
            "password": "senha-do-bruno",
            "role": "technician",
            "store_ids": [home, other["id"]],
        },
    )
    admin.patch(f"/api/users/{me['id']}", {"store_ids": [home]})  # the admin leaves the new store

    page = admin_page
    page.goto("/escritorio/admin/usuarios")
    row = page.get_by_test_id("user-row").filter(has_text="Bruno Tavares")
    expect(row).to_contain_text("Loja Demo")
    expect(row).not_to_contain_text("Loja Shopping Norte")  # the API shows only the stores we share
    row.get_by_role("button", name="Editar Bruno Tavares").click()
    edit = page.get_by_test_id("user-edit")
    edit.get_by_label("Perfil").select_option(label="Atendimento")
    edit.get_by_role("button", name="Salvar alterações").click()
    expect(edit.get_by_role("alert")).to_contain_text("também pertence a uma loja que não é sua")
    assert admin.get(f"/api/users/{shared['id']}")["role"] == "technician"

    # What the rule allows goes through: a new phone alone (the unchanged role is not sent).
    edit.get_by_label("Perfil").select_option(label="Técnico")
    edit.get_by_label("Telefone").fill("(11) 96666-5555")
    edit.get_by_role("button", name="Salvar alterações").click()
    expect(edit.get_by_role("status")).to_contain_text("Alterações salvas.")
    assert admin.get(f"/api/users/{shared['id']}")["phone"] == "11966665555"
    check(page, "office-admin-user-edit-1280")
