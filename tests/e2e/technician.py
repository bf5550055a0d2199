"""What the technician does on the phone, the checks every screen must pass, and what the office
must then see exactly once."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from .harness import AXE, PASSWORD, SCREENSHOTS, TECHNICIAN, Office, Phone

SUPPLIER_ORDER = "PF-7781"
REPORT = "Porta do roupeiro empenada; dobradiças com folga."
SIGNER = "Patrícia Cliente"


def log_in(page: Page, email: str = TECHNICIAN) -> None:
    page.goto("/login")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Senha").fill(PASSWORD)
    expect(page.get_by_label("Manter conectado")).to_be_checked()
    page.get_by_role("button", name="Entrar").click()
    expect(page.get_by_role("heading", name="Minha agenda")).to_be_visible()
    # Offline later needs the app in the service worker's precache: wait until it is active.
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    expect(page.get_by_test_id("last-sync")).to_contain_text("hoje às")


def offline_at_visit(phone: Phone, visit: dict[str, Any]) -> Page:
    """The technician logged in, then without signal on the visit's screen."""
    page = phone.launch()
    log_in(page)
    phone.set_offline(True)
    page.locator(f'a[href="/visita/{visit["id"]}"]').click()
    return page


def axe_violations(page: Page, impacts: tuple[str, ...] = ("critical", "serious")) -> list[str]:
    """axe-core's findings of these impacts (critical and serious unless told) on the current screen.
    The script is evaluated through the DevTools protocol, which our Content-Security-Policy
    (script-src 'self') allows."""
    page.evaluate(AXE.read_text())
    violations: list[dict[str, Any]] = page.evaluate(
        "() => window.axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations)"
    )
    return [
        f"{v['id']}: {v['help']} ({', '.join(' '.join(n['target']) for n in v['nodes'])})"
        for v in violations
        if v["impact"] in impacts
    ]


LAYOUT_PROBLEMS = """() => {
  const problems = []
  if (document.documentElement.scrollWidth > window.innerWidth)
    problems.push(`horizontal scroll: ${document.documentElement.scrollWidth}px`)
  // html/body hide horizontal overflow, so a clipped element does not show in scrollWidth:
  // look for anything visible that ends past the screen's edge (not inside its own scroller).
  const scrolls = (el) => { for (let p = el.parentElement; p; p = p.parentElement)
    if (['auto', 'scroll'].includes(getComputedStyle(p).overflowX)) return true
    return false }
  for (const el of document.querySelectorAll('body *')) {
    const box = el.getBoundingClientRect()
    if (box.width > 1 && box.height > 1 && (box.right > window.innerWidth + 0.5 || box.left < -0.5) && !scrolls(el))
      problems.push(`${el.tagName.toLowerCase()} "${(el.textContent || '').trim().slice(0, 30)}" is clipped `
        + `(${Math.round(box.left)}–${Math.round(box.right)} px of ${window.innerWidth})`)
  }
  const controls = 'button, a.btn, select, input:not([type=file]):not([type=checkbox]):not([type=radio]), '
    + 'textarea, .topbar a, .syncbar a'
  for (const el of document.querySelectorAll(controls)) {
    const box = el.getBoundingClientRect()
    if (box.width && box.height < 44)
      problems.push(`${el.tagName.toLowerCase()} "${(el.textContent || el.name || '').trim().slice(0, 30)}" `
        + `is ${Math.round(box.height)}px tall`)
  }
  return problems
}"""


def layout_problems(page: Page) -> list[str]:
    """The page must fit the phone: no horizontal scrolling, nothing clipped at the screen's edge, and
    every control at least 44 px tall."""
    problems: list[str] = page.evaluate(LAYOUT_PROBLEMS)
    return problems


def screenshot(page: Page, name: str) -> Path:
    """A 360×740 screenshot kept as a test artifact (pwa/test-results/screenshots/<name>.png)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=path)
    return path


def check_screen(page: Page, name: str) -> None:
    """Screenshot, then: fits the phone, 44 px touch targets, no critical/serious axe findings."""
    screenshot(page, name)
    assert layout_problems(page) == []
    assert axe_violations(page) == []


def sign(page: Page) -> None:
    """Draw a signature with the mouse on the signature pad."""
    pad = page.get_by_test_id("signature")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 30, box["y"] + 120)
    page.mouse.down()
    for x, y in [(80, 60), (130, 130), (180, 50), (240, 120), (300, 70)]:
        page.mouse.move(box["x"] + x, box["y"] + y, steps=5)
    page.mouse.up()


def file_occurrence(page: Page, photos: list[Path], screenshots: bool = False) -> None:
    """From the visit screen: an occurrence with two items, two photos and a signature."""
    page.get_by_role("link", name="Nova ocorrência").click()
    expect(page.get_by_role("heading", name="Nova ocorrência")).to_be_visible()
    if screenshots:
        check_screen(page, "ocorrencia")
    page.get_by_label("Tipo de ocorrência").select_option(label="Defeito de fabricação")
    page.get_by_label("Modalidade (quem paga)").select_option(label="Paga pela Fábrica")
    page.get_by_label("Pedido do fornecedor").fill(SUPPLIER_ORDER)
    page.get_by_label("Relato").fill(REPORT)
    page.get_by_label("Não resolvido").check()
    page.get_by_label("Motivo de não ter resolvido").fill("Aguardando porta nova da fábrica.")
    items = [
        {"description": "Porta 40x210 MDF branco", "quantity": "1", "action": "Substituir"},
        {
            "description": "Dobradiça 35 mm com amortecedor",
            "quantity": "2",
            "unit": "par",
            "action": "Substituir",
            "cost": "12,90",
        },
    ]
    for n, item in enumerate(items):
        page.get_by_role("button", name="Adicionar item").click()
        page.locator(f'[name="item-{n}-description"]').fill(item["description"])
        page.locator(f'[name="item-{n}-quantity"]').fill(item["quantity"])
        if "unit" in item:
            page.locator(f'[name="item-{n}-unit"]').fill(item["unit"])
        page.locator(f'[name="item-{n}-action"]').select_option(label=item["action"])
        if "cost" in item:
            page.locator(f'[name="item-{n}-unit_cost"]').fill(item["cost"])
    page.locator('input[name="photos"]').set_input_files(photos)
    expect(page.get_by_role("img", name=re.compile(r"^Foto \d$"))).to_have_count(2)
    sign(page)
    page.get_by_label("Nome de quem assinou").fill(SIGNER)
    page.get_by_role("button", name="Salvar ocorrência").click()
    expect(page.get_by_role("heading", name="Situação Alegada")).to_be_visible()
    expect(page.get_by_test_id("occurrence").filter(has_text="Defeito de fabricação")).to_contain_text("Não enviada")


def occurrences_of(office: Office, case_id: int) -> list[dict[str, Any]]:
    answer = office.get(f"/api/cases/{case_id}/occurrences")
    rows: list[dict[str, Any]] = answer["items"] if isinstance(answer, dict) else answer
    return rows


def expect_exactly_once(office: Office, visit: dict[str, Any]) -> None:
    """The server has exactly one occurrence of the visit, with its two items, two photos (at most
    1600 px, no EXIF) and one signature, and the visit is done (checked in and out)."""
    mine = [o for o in occurrences_of(office, visit["case_id"]) if o["appointment_id"] == visit["id"]]
    assert len(mine) == 1
    [occurrence] = mine
    assert occurrence["supplier_order_number"] == SUPPLIER_ORDER
    assert occurrence["resolved"] is False
    assert [(i["description"], i["quantity"], i["unit"], i["unit_cost"]) for i in occurrence["items"]] == [
        ("Porta 40x210 MDF branco", "1.000", "un", None),
        ("Dobradiça 35 mm com amortecedor", "2.000", "par", "12.90"),
    ]
    photos = [a for a in occurrence["attachments"] if a["kind"] == "photo"]
    signatures = [a for a in occurrence["attachments"] if a["kind"] == "signature"]
    assert len(photos) == 2
    assert len(signatures) == 1
    assert signatures[0]["signer_name"] == SIGNER
    for photo in photos:
        assert max(photo["width"], photo["height"]) <= 1600
        content = office.raw(f"/api/attachments/{photo['id']}")
        assert b"Exif" not in content
        assert b"AssistecTestCam" not in content
    after = office.get(f"/api/appointments/{visit['id']}")
    assert after["status"] == "done"
    assert after["checked_in_at"]
    assert after["checked_out_at"]
