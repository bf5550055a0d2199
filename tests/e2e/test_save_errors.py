"""A local save that fails is never silent (issue 14, build 8): with the phone's storage full, the
occurrence form says "Sem espaço no aparelho…" and keeps everything typed; a photo that does not
fit is not called unreadable; once there is room again, "Salvar" works."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from .harness import Office, Phone, Workspace
from .technician import check_screen, log_in

pytestmark = pytest.mark.e2e

NO_SPACE = "Sem espaço no aparelho: libere espaço (fotos, vídeos, apps) e toque em Salvar de novo."

# IndexedDB refuses writes to these stores as a full disk would (the draft, in `meta`, still fits).
FILL_STORAGE = """() => {
  const real = { add: IDBObjectStore.prototype.add, put: IDBObjectStore.prototype.put }
  window.__realIdb = real
  for (const method of ['add', 'put']) {
    IDBObjectStore.prototype[method] = function (...args) {
      if (['outbox', 'blobs'].includes(this.name)) throw new DOMException('Quota exceeded.', 'QuotaExceededError')
      return real[method].apply(this, args)
    }
  }
}"""
FREE_STORAGE = """() => {
  IDBObjectStore.prototype.add = window.__realIdb.add
  IDBObjectStore.prototype.put = window.__realIdb.put
}"""


def fill_form(page: Page) -> None:
    page.get_by_label("Tipo de ocorrência").select_option(label="Defeito de fabricação")
    page.get_by_label("Modalidade (quem paga)").select_option(label="Paga pela Fábrica")
    page.get_by_label("Relato").fill("Gaveta caiu do trilho.")
    page.get_by_label("Sim, resolvido").check()


def test_a_full_phone_says_so_and_keeps_the_form(office: Office, phone: Phone, workspace: Workspace) -> None:
    visit = office.visits_today()[0]
    page = phone.launch()
    log_in(page)
    page.goto(f"/visita/{visit['id']}/ocorrencia")
    expect(page.get_by_role("heading", name="Nova ocorrência")).to_be_visible()
    fill_form(page)

    page.evaluate(FILL_STORAGE)
    page.locator('input[name="photos"]').set_input_files(workspace.photos[:1])
    alert = page.get_by_test_id("save-error")
    expect(alert).to_contain_text("não coube no aparelho")
    expect(alert).to_contain_text(NO_SPACE)
    expect(alert).not_to_contain_text("Não foi possível ler a foto")

    page.get_by_role("button", name="Salvar ocorrência").click()
    expect(alert).to_contain_text(NO_SPACE)
    expect(alert).to_contain_text("Nada foi perdido do formulário.")
    expect(page.get_by_role("heading", name="Nova ocorrência")).to_be_visible()
    expect(page.get_by_label("Relato")).to_have_value("Gaveta caiu do trilho.")
    expect(page.get_by_role("button", name="Salvar ocorrência")).to_be_enabled()
    check_screen(page, "ocorrencia-sem-espaco")

    page.evaluate(FREE_STORAGE)
    page.get_by_role("button", name="Salvar ocorrência").click()
    expect(page.get_by_role("heading", name="Situação Alegada")).to_be_visible()
    saved = page.get_by_test_id("occurrence").filter(has_text="Defeito de fabricação")
    expect(saved).to_contain_text("Não enviada")
    page.get_by_test_id("sync-button").click()
    expect(page.get_by_test_id("pending-count")).to_have_text("Tudo enviado")
    reports = [o["report"] for o in office.get(f"/api/cases/{visit['case_id']}/occurrences")]
    assert reports.count("Gaveta caiu do trilho.") == 1
