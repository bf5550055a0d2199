"""Customers, contracts and factory claims in the office, at 1366×768: a scheduler imports 200
customers with their contracts and items from a CSV (one bad line reported first, nothing written),
finds one in Clientes and in Incluir; a technician, offline, files a factory-paid occurrence with two
photos on that customer's visit and syncs; the scheduler opens a claim against the factory, views
and e-mails the dossier (found in the outbox), records a partial acceptance and a credit, and the
board shows the balance."""

from __future__ import annotations

import re
import shutil
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect

from .harness import ADMIN, SCHEDULER, SCREENSHOTS, Backend, Office, Phone, Workspace, store_today
from .office import check, office_login
from .technician import log_in, sign

pytestmark = pytest.mark.e2e

LAPTOP: ViewportSize = {"width": 1366, "height": 768}
HEADER = (
    "CPF/CNPJ;Cliente;Telefone;CEP;Logradouro;Número;Bairro;Cidade;UF;Contrato;Ambiente;Fábrica;Código;"
    "Descrição;Acabamento;Medidas;Quantidade;Pedido fábrica;NF-e;NF data;Entrega;Montagem"
)


def cpf(n: int) -> str:
    """A valid CPF (check digits computed) from a number."""
    digits = [int(d) for d in f"{100000000 + n * 7919:09d}"[:9]]
    for length in (9, 10):
        total = sum(d * (length + 1 - i) for i, d in enumerate(digits[:length]))
        digits.append((total * 10 % 11) % 10)
    return "".join(map(str, digits))


def import_lines(tag: str, factory: str) -> list[str]:
    """200 customers, each with one contract of two items (400 lines)."""
    lines = []
    for n in range(200):
        doc = cpf(n)
        base = (
            f"{doc};Cliente Importado {tag} {n:03d};(11) 9{n:04d}-1234;04094-050;Rua das Flores;{n + 1};Centro;"
            f"São Paulo;SP;IMP-{tag}-{n:03d};Cozinha;{factory}"
        )
        lines.append(
            f"{base};AER-{n};Aéreo 80 cm;Branco TX;800x700x350;1;PF-{n};55{n:04d};10/01/2026;20/01/2026;25/01/2026"
        )
        lines.append(f"{base};BAL-{n};Balcão 120 cm;Branco TX;1200x850x600;2;PF-{n};55{n:04d};10/01/2026;;")
    return lines


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8")
    return path


def supplier_id(office: Office, name: str) -> int:
    [found] = [s["id"] for s in office.get("/api/suppliers") if s["name"] == name]
    return int(found)


@pytest.fixture
def desk(browser: Browser, backend: Backend) -> Iterator[Page]:
    page = office_login(browser, backend, SCHEDULER, viewport=LAPTOP)
    page.on("dialog", lambda dialog: dialog.accept())
    yield page
    page.context.close()


def test_import_then_a_factory_claim_with_its_dossier_answer_credit_and_board(
    desk: Page,
    office: Office,
    phone: Phone,
    workspace: Workspace,
    playwright: Playwright,
    backend: Backend,
    tmp_path: Path,
) -> None:
    tag = uuid.uuid4().hex[:5]
    factory = f"Fábrica Serra {tag}"
    claims_email = f"garantia.{tag}@serra.example.com"
    lines = import_lines(tag, factory)

    # Importar: a bad CPF on line 8 is reported with its line; nothing is written.
    bad = lines.copy()
    bad[6] = bad[6].replace(cpf(3), "111.222.333-44", 1)
    desk.get_by_role("link", name="Clientes", exact=True).click()
    desk.get_by_role("link", name="Importar clientes e contratos").click()
    desk.get_by_test_id("import-file").set_input_files(write(tmp_path / "clientes.csv", bad))
    desk.get_by_role("button", name="Verificar arquivo").click()
    errors = desk.get_by_test_id("import-errors")
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr")).to_contain_text("8")
    expect(desk.get_by_test_id("import-preview")).to_contain_text("Nada foi gravado")
    expect(desk.get_by_role("button", name="Importar", exact=True)).to_be_disabled()
    check(desk, "office-importar-erros-1366", moderate=True)
    assert office.get(f"/api/customers?q={tag}")["items"] == []

    # Without it: 200 customers, 200 contracts and 400 items written by the job.
    desk.get_by_test_id("import-file").set_input_files(write(tmp_path / "clientes-corrigido.csv", lines))
    desk.get_by_role("button", name="Verificar arquivo").click()
    expect(desk.get_by_test_id("import-preview")).to_contain_text("clientes 200 novos")
    desk.get_by_role("button", name="Importar", exact=True).click()
    expect(desk.get_by_test_id("import-result")).to_contain_text(
        "200 clientes, 200 contratos, 400 itens novos", timeout=60_000
    )
    expect(desk.locator("progress")).to_have_attribute("value", "400")
    check(desk, "office-importar-1366", moderate=True)

    # Clientes: found by CPF; the page shows the imported contract with its two items.
    chosen = 37
    name = f"Cliente Importado {tag} {chosen:03d}"
    desk.get_by_role("link", name="Clientes", exact=True).click()
    doc = cpf(chosen)
    desk.get_by_label("Buscar por nome, CPF/CNPJ ou telefone").fill(f"{doc[:3]}.{doc[3:6]}.{doc[6:9]}-{doc[9:]}")
    desk.get_by_role("button", name="Buscar").click()
    expect(desk.get_by_test_id("customer-row")).to_have_count(1)
    check(desk, "office-clientes-1366", moderate=True)
    desk.get_by_role("link", name=name).click()
    expect(desk.get_by_role("heading", name=name)).to_be_visible()
    desk.get_by_role("button", name="Editar").click()
    edit = desk.get_by_test_id("customer-form")
    edit.get_by_label("E-mail").fill("sem-arroba")
    edit.get_by_role("button", name="Salvar alterações").click()
    expect(edit.get_by_label("E-mail")).to_have_attribute("aria-invalid", "true")
    edit.get_by_label("E-mail").fill(f"cliente.{tag}@example.com")
    edit.get_by_role("button", name="Salvar alterações").click()
    expect(desk.get_by_test_id("customer-data")).to_contain_text(f"cliente.{tag}@example.com")
    contracts = desk.get_by_test_id("customer-contracts")
    expect(contracts).to_contain_text(f"IMP-{tag}-{chosen:03d} · 2 itens")
    contracts.get_by_role("link", name=f"Contrato IMP-{tag}-{chosen:03d}").click()
    expect(desk.get_by_test_id("contract-items").locator("tbody tr")).to_have_count(2)
    expect(desk.get_by_test_id("contract-items")).to_contain_text(factory)
    desk.get_by_role("button", name="Editar").click()
    expect(desk.get_by_test_id("contract-form").get_by_label("Fábrica (item 1)", exact=True)).to_have_value(
        str(supplier_id(office, factory))
    )
    form = desk.get_by_test_id("contract-form")
    form.get_by_label("Número do contrato").fill("")
    form.get_by_label("Acabamento (item 1)").fill("Carvalho Hanover")
    form.get_by_role("button", name="Salvar contrato").click()
    expect(form.get_by_label("Número do contrato")).to_have_attribute("aria-invalid", "true")
    desk.get_by_test_id("contract-items").scroll_into_view_if_needed()
    check(desk, "office-contrato-1366", moderate=True)
    contract_id = int(desk.url.rsplit("/", 1)[1])
    ids = [i["id"] for i in office.get(f"/api/contracts/{contract_id}")["items"]]
    form.get_by_label("Número do contrato").fill(f"IMP-{tag}-{chosen:03d}")
    form.get_by_role("button", name="Salvar contrato").click()
    expect(desk.get_by_role("status").filter(has_text="Contrato salvo.")).to_be_visible()
    expect(desk.get_by_test_id("contract-items")).to_contain_text("Carvalho Hanover")
    saved = office.get(f"/api/contracts/{contract_id}")["items"]
    assert [i["id"] for i in saved] == ids  # edited in place
    assert saved[0]["finish"] == "Carvalho Hanover"

    # Incluir: the imported customer by name; the case is opened for them.
    desk.get_by_role("link", name="Incluir", exact=True).click()
    desk.get_by_label("Buscar cliente").fill(name)
    desk.get_by_label("Buscar cliente").press("Enter")
    desk.get_by_role("button", name=f"Escolher {name}").click()
    expect(desk.get_by_test_id("chosen-customer")).to_contain_text(name)
    desk.get_by_label("Buscar contrato").fill(f"IMP-{tag}-{chosen:03d}")
    desk.get_by_label("Buscar contrato").press("Enter")
    desk.get_by_role("button", name=f"Usar o contrato IMP-{tag}-{chosen:03d}").click()
    expect(desk.get_by_test_id("chosen-contract")).to_contain_text(name)
    desk.get_by_label("Situação Alegada").fill("Porta do aéreo empenada e dobradiças soltas.")
    desk.get_by_role("button", name="Incluir assistência").click()
    expect(desk.get_by_role("heading", name=re.compile(r"^AT-"))).to_be_visible()
    case_id = int(desk.url.rstrip("/").rsplit("/", 1)[1])

    supplier = office.get(f"/api/suppliers/{supplier_id(office, factory)}")
    assert supplier["kind"] == "factory"
    office.patch(f"/api/suppliers/{supplier['id']}", {"claim_emails": [claims_email]})
    vistoria = next(t for t in office.get("/api/catalogs/appointment_types") if t["name"] == "Vistoria")
    today = store_today()
    visit = office.post(
        f"/api/cases/{case_id}/appointments",
        {
            "appointment_type_id": vistoria["id"],
            "assignee_id": office.technician()["id"],
            "starts_at": f"{today}T19:00:00",
            "ends_at": f"{today}T20:00:00",
            "allow_overlap": True,
        },
    )

    # The technician, offline: a factory-paid occurrence with two items of the factory and two photos.
    page = phone.launch()
    log_in(page)
    phone.set_offline(True)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    page.get_by_role("button", name="Iniciar visita (check-in)").click()
    page.get_by_role("link", name="Nova ocorrência").click()
    page.get_by_label("Tipo de ocorrência").select_option(label="Defeito de fabricação")
    page.get_by_label("Modalidade (quem paga)").select_option(label="Paga pela Fábrica")
    page.get_by_label("Relato").fill("Porta do aéreo empenada; dobradiças com folga.")
    page.get_by_label("Não resolvido").check()
    page.get_by_label("Motivo de não ter resolvido").fill("Aguardando peças da fábrica.")
    for n, (description, quantity, cost) in enumerate(
        [("Porta aéreo 80 cm", "1", "389,00"), ("Dobradiça 35 mm", "2", "12,90")]
    ):
        page.get_by_role("button", name="Adicionar item").click()
        page.locator(f'[name="item-{n}-description"]').fill(description)
        page.locator(f'[name="item-{n}-quantity"]').fill(quantity)
        page.locator(f'[name="item-{n}-action"]').select_option(label="Substituir")
        page.locator(f'[name="item-{n}-supplier"]').fill(factory)
        page.locator(f'[name="item-{n}-unit_cost"]').fill(cost)
    page.locator('input[name="photos"]').set_input_files(workspace.photos[:2])
    expect(page.get_by_role("img", name=re.compile(r"^Foto \d$"))).to_have_count(2)
    sign(page)
    page.get_by_label("Nome de quem assinou").fill("Cliente Importado")
    page.get_by_role("button", name="Salvar ocorrência").click()
    expect(page.get_by_test_id("occurrence").filter(has_text="Defeito de fabricação")).to_contain_text("Não enviada")
    phone.set_offline(False)
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    [occurrence] = office.get(f"/api/cases/{case_id}/occurrences")
    assert [i["supplier_id"] for i in occurrence["items"]] == [supplier["id"], supplier["id"]]
    assert len([a for a in occurrence["attachments"] if a["kind"] == "photo"]) == 2

    # Ocorrências: "Abrir reclamação" for the factory's items makes a draft claim.
    desk.goto(f"/escritorio/assistencias/{case_id}/ocorrencias")
    desk.get_by_role("button", name="Abrir reclamação").click()
    opener = desk.get_by_test_id("claim-opener")
    opener.get_by_label("Incluir Porta aéreo 80 cm").check()
    opener.get_by_label("Incluir Dobradiça 35 mm").check()
    opener.get_by_label("Resultado pedido para Dobradiça 35 mm").select_option(label="Crédito")
    check(desk, "office-abrir-reclamacao-1366", moderate=True)
    opener.get_by_role("button", name="Criar reclamação (rascunho)").click()
    expect(desk.get_by_role("heading", name=re.compile(rf"^Reclamação RF-\d{{4}}-\d{{5}} · {factory}"))).to_be_visible()
    claim_id = int(desk.url.rsplit("/", 1)[1])
    expect(desk.get_by_test_id("claim-status")).to_have_text("Rascunho")
    expect(desk.get_by_test_id("claim-items")).to_contain_text("R$ 414,80")

    # Sent with the factory's protocol; the dossier viewed and e-mailed to the claims address.
    moves = desk.get_by_test_id("claim-moves")
    moves.get_by_label("Nova situação").select_option(label="Enviada")
    moves.get_by_label("Protocolo da fábrica").fill(f"PROT-{tag}")
    moves.get_by_role("button", name="Mudar situação").click()
    expect(desk.get_by_test_id("claim-status")).to_have_text("Enviada")
    dossier = desk.get_by_test_id("claim-dossier")
    with desk.context.expect_page() as opened:
        dossier.get_by_role("link", name="Visualizar").click()
    pdf_tab = opened.value
    pdf_tab.wait_for_load_state()
    assert pdf_tab.url.endswith(f"/api/claims/{claim_id}/dossier.pdf")
    pdf_tab.close()
    pdf = office.raw(f"/api/claims/{claim_id}/dossier.pdf")
    assert pdf.startswith(b"%PDF")
    dossier.get_by_role("button", name="Enviar por e-mail").click()
    mail = dossier.get_by_test_id("email-form")
    expect(mail.get_by_label("Destinatários")).to_have_value(claims_email)
    mail.get_by_role("button", name="Enviar", exact=True).click()
    expect(dossier.get_by_test_id("claim-emails")).to_contain_text(claims_email)
    admin = Office(playwright, backend.url, email=ADMIN)
    try:
        outbox = admin.get("/api/mail/outbox")
    finally:
        admin.dispose()
    claim = office.get(f"/api/claims/{claim_id}")
    assert [m["to"] for m in outbox if claim["number"] in m["subject"]] == [[claims_email]]

    # The factory accepts the door at R$ 300,00 and refuses the hinges; then a credit of R$ 120,00.
    answers = desk.get_by_test_id("claim-answers")
    answers.get_by_label("Valor aceito de Porta aéreo 80 cm").fill("300,00")
    answers.get_by_label("Resposta para Dobradiça 35 mm").select_option(label="Recusado")
    answers.get_by_label("Motivo da recusa de Dobradiça 35 mm").fill("Desgaste por uso.")
    answers.get_by_role("button", name="Registrar resposta").click()
    expect(desk.get_by_test_id("claim-items")).to_contain_text("Recusado")
    moves.get_by_label("Nova situação").select_option(label="Aceita parcialmente")
    moves.get_by_role("button", name="Mudar situação").click()
    expect(desk.get_by_test_id("claim-status")).to_have_text("Aceita parcialmente")
    credits = desk.get_by_test_id("claim-credits")
    credits.get_by_label("Recebido em").fill(today)
    credits.get_by_label("Valor (R$)").fill("120,00")
    credits.get_by_label("Forma").select_option(label="Crédito em pedido")
    credits.get_by_role("button", name="Registrar crédito").click()
    expect(desk.get_by_test_id("claim-balance")).to_have_text(re.compile(r"R\$\s180,00"))
    claim = office.get(f"/api/claims/{claim_id}")
    assert (claim["claimed"], claim["accepted"], claim["received"], claim["balance"]) == (
        "414.80",
        "300.00",
        "120.00",
        "180.00",
    )
    desk.evaluate("() => window.scrollTo(0, 0)")
    check(desk, "office-reclamacao-1366", moderate=True)
    desk.screenshot(path=SCREENSHOTS / "office-reclamacao-inteira-1366.png", full_page=True)

    # The board: the factory's row with R$ 180,00 outstanding.
    desk.get_by_role("link", name="Reclamações", exact=True).click()
    row = desk.get_by_test_id("board-row").filter(has_text=factory)
    expect(row.get_by_test_id("board-outstanding")).to_have_text(re.compile(r"R\$\s180,00"))
    expect(row).to_contain_text("72,3%")
    expect(desk.get_by_test_id("claim-row").filter(has_text=claim["number"])).to_contain_text("Aceita parcialmente")
    check(desk, "office-reclamacoes-painel-1366", moderate=True)

    # The factory ships the accepted door: the delivery visit is offered on the case's Agendas.
    desk.get_by_role("link", name=claim["number"]).click()
    shipments = desk.get_by_test_id("claim-shipments")
    shipments.get_by_label(re.compile("Porta aéreo 80 cm")).check()
    shipments.get_by_role("button", name="Marcar como enviadas").click()
    expect(desk.get_by_test_id("claim-status")).to_have_text("Peças enviadas")
    expect(shipments).to_contain_text("Entrega/instalação de peças")
    expect(shipments.get_by_role("link", name="agendar a visita")).to_have_attribute(
        "href", f"/escritorio/assistencias/{case_id}/agendas"
    )

    # The dossier's first page as an image, to look at.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (tmp_path / "dossie.pdf").write_bytes(pdf)
    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) renders the dossier's first page"
    subprocess.run(
        [
            pdftoppm,
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(tmp_path / "dossie.pdf"),
            str(SCREENSHOTS / "office-reclamacao-dossie"),
        ],
        check=True,
    )
    assert (SCREENSHOTS / "office-reclamacao-dossie.png").stat().st_size > 10_000
