"""Documents: layouts (sandboxed, checked at save time), PDFs of a case, what a layout may fetch."""

from __future__ import annotations

import hashlib
import io
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import delete, select

from server.appointments.models import Appointment
from server.appointments.notes import set_technician_notes
from server.appointments.service import create_appointment
from server.attachments.models import Attachment
from server.attachments.service import link_signature_to_visit, upload_attachment
from server.auth.models import Role, User
from server.cases.models import CaseEvent, ServiceCase
from server.catalogs.models import CatalogEntry
from server.documents.models import PrintLayout
from server.extensions import db
from server.occurrences.service import create_occurrence
from server.orders.service import generate_orders
from server.stores.models import Store
from tests.conftest import CPFS, ApiClient, login, make_case, make_contract, make_customer, make_user

TECHNICAL_ASSISTANCE_DAY = datetime(2030, 3, 11, 9)


@pytest.fixture(autouse=True)
def uploads(app: Flask, tmp_path: Path) -> Path:
    folder = tmp_path / "uploads"
    app.config["UPLOAD_FOLDER"] = str(folder)
    return folder


def first(store_id: int, kind: str) -> int:
    entry = db.session.scalar(
        select(CatalogEntry.id).where(CatalogEntry.store_id == store_id, CatalogEntry.kind == kind).limit(1)
    )
    assert entry is not None
    return entry


def image(kind: str, color: str = "red", size: tuple[int, int] = (120, 80)) -> bytes:
    out = io.BytesIO()
    if kind == "signature":
        Image.new("RGBA", size, (0, 0, 0, 0)).save(out, "PNG")
    else:
        Image.new("RGB", size, color).save(out, "JPEG")
    return out.getvalue()


def attach(actor: User, data: bytes, **kwargs: Any) -> uuid.UUID:
    attachment = upload_attachment(actor, uuid.uuid4(), data, hashlib.sha256(data).hexdigest(), **kwargs)
    return attachment.id


def build_case(
    store: Store, scheduler: User, technician: User, document: str = CPFS[0], **customer: Any
) -> dict[str, Any]:
    """A case with a contract, a visit by `technician`, an occurrence with two items, a photo,
    the customer's signature on the visit, and a parts order."""
    client = make_customer(store, document=document, email="maria@example.com", **customer)
    contract = make_contract(scheduler, client, number=f"C-{document[:4]}")
    case = make_case(
        scheduler,
        client,
        contract_id=contract.id,
        assignee_id=technician.id,
        reported_issue="Porta do roupeiro raspando no piso.",
    )
    visit = create_appointment(
        case,
        {
            "appointment_type_id": first(store.id, "appointment_types"),
            "assignee_id": technician.id,
            "starts_at": TECHNICAL_ASSISTANCE_DAY,
            "ends_at": datetime(2030, 3, 11, 10, 30),
        },
        scheduler,
    )
    occurrence = create_occurrence(
        case,
        {
            "occurrence_type_id": first(store.id, "occurrence_types"),
            "appointment_id": visit.id,
            "payer": "factory",
            "expected_fix_date": date(2030, 3, 20),
            "report": "Dobradiças da porta esquerda quebradas.",
            "resolved": False,
            "unresolved_reason": "Aguardando peça.",
            "items": [
                {
                    "description": "Dobradiça 35 mm",
                    "quantity": "2",
                    "action": "replace",
                    "supplier": "Ferragens Sul",
                    "unit_cost": "18.90",
                },
                {
                    "description": "Puxador alumínio",
                    "quantity": "1",
                    "action": "replace",
                    "supplier": "Ferragens Sul",
                    "unit_cost": "1234.50",
                },
            ],
        },
        technician,
    )
    photo = attach(technician, image("photo"), occurrence_id=occurrence.id)
    signature = attach(technician, image("signature"), kind="signature")
    link_signature_to_visit(signature, visit.id, technician, "Maria da Silva")
    db.session.commit()
    [order] = generate_orders(case, {}, scheduler)
    return {
        "case": case.id,
        "number": case.number,
        "visit": visit.id,
        "occurrence": occurrence.id,
        "photo": photo,
        "signature": signature,
        "order": order.id,
        "order_number": order.number,
    }


@pytest.fixture
def world(store: Store, scheduler: User, technician: User) -> dict[str, Any]:
    return build_case(store, scheduler, technician)


def pdf_text(response: Any) -> str:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    reader = PdfReader(io.BytesIO(response.data))
    return "\n".join(page.extract_text() for page in reader.pages)


def pdf_images(response: Any) -> list[Any]:
    """The document's distinct images (weasyprint shares one resource dictionary among pages)."""
    reader = PdfReader(io.BytesIO(response.data))
    return list({img.name: img for page in reader.pages for img in page.images}.values())


def pdf_url(world: dict[str, Any], kind: str, **query: Any) -> str:
    url = f"/api/cases/{world['case']}/documents/{kind}.pdf"
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


# --- the documents' contents --------------------------------------------------------------


def test_service_request_has_the_case_customer_address_issue_and_occurrences(
    as_scheduler: ApiClient, world: dict[str, Any]
) -> None:
    text = pdf_text(as_scheduler.get(pdf_url(world, "service_request")))
    assert "Solicitação de Assistência" in text
    assert world["number"] in text
    assert "Maria da Silva" in text
    assert "529.982.247-25" in text
    assert "Avenida Paulista, 1000" in text and "01310-100" in text
    assert "Situação Alegada" in text
    assert "Porta do roupeiro raspando no piso." in text
    assert "Dobradiça 35 mm" in text and "Puxador alumínio" in text
    assert "Paga pela Fábrica" in text
    assert "11/03/2030" in text  # the visit, in the store's timezone
    assert "20/03/2030" in text  # the expected fix date
    assert "C-5299" in text  # the contract


def test_visit_report_has_the_visit_and_embeds_photo_and_signature(
    as_technician: ApiClient, world: dict[str, Any]
) -> None:
    response = as_technician.get(pdf_url(world, "visit_report", appointment_id=world["visit"]))
    text = pdf_text(response)
    assert world["number"] in text and "Maria da Silva" in text
    assert "11/03/2030, 09:00–10:30" in text
    assert "Tiago Técnico" in text
    assert "Dobradiça 35 mm" in text and "Paga pela Fábrica" in text
    assert "Porta do roupeiro raspando no piso." in text
    images = pdf_images(response)
    assert len(images) == 2  # the photo's thumbnail and the signature
    sizes = sorted(Image.open(io.BytesIO(img.data)).size for img in images)
    assert (120, 80) in sizes  # the signature as uploaded (120×80)


def test_signed_visit_report_names_each_signer_with_role_and_time(
    as_scheduler: ApiClient, world: dict[str, Any]
) -> None:
    visit = db.session.get_one(Appointment, world["visit"])
    visit.checked_out_at = datetime(2030, 3, 11, 13, 25, tzinfo=UTC)  # 10:25 in São Paulo
    db.session.get_one(Attachment, world["signature"]).created_at = datetime(2030, 3, 11, 13, 20, tzinfo=UTC)
    db.session.commit()
    text = pdf_text(as_scheduler.get(pdf_url(world, "visit_report", appointment_id=world["visit"])))
    assert "Tiago Técnico\nTécnico — assinado em 11/03/2030 10:25" in text
    assert "Maria da Silva\nCliente — assinado em 11/03/2030 10:20" in text


def test_visit_report_prints_the_technicians_note_as_written(
    as_scheduler: ApiClient, technician: User, world: dict[str, Any]
) -> None:
    before = pdf_text(as_scheduler.get(pdf_url(world, "visit_report", appointment_id=world["visit"])))
    assert "Observação do técnico" not in before  # no note, no empty line
    note = "Dobradiça trocada.\nGaveta aguarda corrediça nova."
    set_technician_notes(technician, world["visit"], note, None)
    db.session.commit()
    text = pdf_text(as_scheduler.get(pdf_url(world, "visit_report", appointment_id=world["visit"])))
    assert "Observação do técnico" in text
    assert "Dobradiça trocada.\nGaveta aguarda corrediça nova." in text  # its line breaks kept


def test_unsigned_visit_report_keeps_both_lines_without_a_time(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    db.session.get_one(Attachment, world["signature"]).deleted_at = datetime(2030, 3, 11, 13, 20, tzinfo=UTC)
    db.session.commit()
    response = as_scheduler.get(pdf_url(world, "visit_report", appointment_id=world["visit"]))
    text = pdf_text(response)
    assert "Tiago Técnico\nTécnico\n" in text
    assert "Maria da Silva\nCliente\n" in text
    assert "assinado em" not in text
    assert len(pdf_images(response)) == 1  # the photo's thumbnail only


def test_parts_order_has_supplier_items_and_amounts_in_reais(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    text = pdf_text(as_scheduler.get(pdf_url(world, "parts_order", order_id=world["order"])))
    assert world["order_number"] in text and world["number"] in text
    assert "Ferragens Sul" in text and "Paga pela Fábrica" in text
    assert "Dobradiça 35 mm" in text and "Puxador alumínio" in text
    assert "R$ 18,90" in text and "R$ 37,80" in text and "R$ 1.234,50" in text and "R$ 1.272,30" in text
    # delivered to the store by default: the supplier gets no customer data it does not need
    assert "Entregar para Loja" in text and "Maria da Silva" not in text
    patched = as_scheduler.patch(f"/api/orders/{world['order']}", json={"deliver_to_customer": True})
    assert patched.status_code == 200, patched.json
    text = pdf_text(as_scheduler.get(pdf_url(world, "parts_order", order_id=world["order"])))
    assert "Entregar para Cliente: Maria da Silva" in text and "Avenida Paulista" in text


def test_kind_needs_its_visit_or_order(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    response = as_scheduler.get(pdf_url(world, "visit_report"))
    assert response.status_code == 422 and "appointment_id" in response.json["errors"]
    response = as_scheduler.get(pdf_url(world, "parts_order", order_id=999999))
    assert response.status_code == 422 and "order_id" in response.json["errors"]
    assert as_scheduler.get(pdf_url(world, "nonsense")).status_code == 404


def test_customer_html_is_escaped(app: Flask, store: Store, scheduler: User, technician: User) -> None:
    world = build_case(store, scheduler, technician, CPFS[2], name="<i>Zé</i> & <b>Cia</b>")
    text = pdf_text(login(app, scheduler).get(pdf_url(world, "service_request")))
    assert "<i>Zé</i> & <b>Cia</b>" in text  # the markup printed as text, not interpreted


# --- layouts ------------------------------------------------------------------------------


class Hits:
    """An HTTP server on 127.0.0.1 that records every request it gets (it must get none)."""

    def __init__(self) -> None:
        hits = self.paths = []  # type: list[str]

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(image("signature"))

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()


@pytest.fixture
def hits() -> Iterator[Hits]:
    server = Hits()
    yield server
    server.server.shutdown()
    server.server.server_close()


def layout_body(store: Store, html: str, **data: Any) -> dict[str, Any]:
    return {"store_id": store.id, "kind": "service_request", "name": "Meu layout", "html": html, **data}


def test_each_store_starts_with_a_default_layout_per_kind(as_admin: ApiClient, store: Store) -> None:
    layouts = as_admin.get("/api/layouts").json
    assert sorted((layout["kind"], layout["is_default"]) for layout in layouts) == [
        ("factory_claim", True),
        ("parts_order", True),
        ("service_request", True),
        ("visit_report", True),
    ]
    assert all("A4" in layout["css"] for layout in layouts)


def test_a_store_older_than_layouts_gets_its_defaults_on_first_use(as_admin: ApiClient, store: Store) -> None:
    db.session.execute(delete(PrintLayout))
    db.session.commit()
    assert len(as_admin.get(f"/api/layouts?store_id={store.id}&kind=visit_report").json) == 1


def test_admin_adds_a_layout_makes_it_default_and_previews_it(as_admin: ApiClient, store: Store) -> None:
    html = "<h1>{{ title }}</h1><p>Assistência {{ case.number }} de {{ customer.name }}</p>"
    response = as_admin.post("/api/layouts", json=layout_body(store, html, css="h1 { color: #333; }"))
    assert response.status_code == 201, response.json
    created = response.json
    assert created["is_default"] is False
    response = as_admin.patch(f"/api/layouts/{created['id']}", json={"is_default": True})
    assert response.status_code == 200 and response.json["is_default"] is True
    defaults = [layout for layout in as_admin.get("/api/layouts?kind=service_request").json if layout["is_default"]]
    assert [layout["id"] for layout in defaults] == [created["id"]]
    text = pdf_text(as_admin.get(f"/api/layouts/{created['id']}/preview.pdf"))
    assert "Assistência AT-2026-00001 de Cliente de Exemplo" in text
    # The old default can go now; the new default cannot.
    old = next(layout for layout in as_admin.get("/api/layouts?kind=service_request").json if not layout["is_default"])
    assert as_admin.delete(f"/api/layouts/{created['id']}").status_code == 409
    assert as_admin.delete(f"/api/layouts/{old['id']}").status_code == 204
    assert as_admin.get(f"/api/layouts/{old['id']}").status_code == 404


def test_a_draft_is_previewed_before_it_is_saved(as_admin: ApiClient, store: Store, other_store: Store) -> None:
    draft = {"store_id": store.id, "kind": "parts_order", "html": "<p>{{ order.number }} {{ order.total }}</p>"}
    text = pdf_text(as_admin.post("/api/layouts/preview.pdf", json=draft))
    assert "PD-2026-00001 R$ 37,80" in text
    response = as_admin.post("/api/layouts/preview.pdf", json={**draft, "html": "{{ order.__class__ }}"})
    assert response.status_code == 422
    response = as_admin.post("/api/layouts/preview.pdf", json={**draft, "store_id": other_store.id})
    assert response.status_code == 404
    assert len(as_admin.get("/api/layouts?kind=parts_order").json) == 1  # nothing saved


def test_default_layouts_preview_with_sample_data(as_admin: ApiClient) -> None:
    for layout in as_admin.get("/api/layouts").json:
        text = pdf_text(as_admin.get(f"/api/layouts/{layout['id']}/preview.pdf"))
        assert "AT-2026-00001" in text and "Cliente de Exemplo" in text and "28/11/2026" in text


@pytest.mark.parametrize(
    "html",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ customer.name.__class__ }}",
        "{{ cycler.__init__.__globals__.os }}",
        "{% for x in occurrences %}{{ x.items.__self__ }}{% endfor %}",
        "{{ occurrences.append(1) }}",
        "{{ self.__init__.__globals__ }}",
        "{{ customer['__class__'] }}",
        "{{ (customer | attr('__class__')) }}",
        # Memory and time bombs: refused, not run.
        "{{ 'x' * 1000000000 }}",
        "{{ [1] * 1000000000 }}",
        "{{ 2 ** 1000000000 }}",
        "{{ '%999999999d' % 1 }}",
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}",
    ],
)
def test_template_escapes_are_refused_at_save_time(as_admin: ApiClient, store: Store, html: str) -> None:
    response = as_admin.post("/api/layouts", json=layout_body(store, html))
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert (
        "não é permitido" in response.json["errors"]["html"][0] or "não permitido" in response.json["errors"]["html"][0]
    )


def test_syntax_errors_are_refused_with_the_line(as_admin: ApiClient, store: Store) -> None:
    response = as_admin.post("/api/layouts", json=layout_body(store, "<p>ok</p>\n{% if case.number %}sem fim"))
    assert response.status_code == 422
    assert response.json["errors"]["html"][0].startswith("Erro de sintaxe no modelo (linha 2)")
    layout = as_admin.get("/api/layouts?kind=service_request").json[0]
    response = as_admin.patch(f"/api/layouts/{layout['id']}", json={"html": "{{ range(10**9) | list }}"})
    assert response.status_code == 422


def test_a_layout_fetches_nothing_but_the_cases_own_files(
    app: Flask, as_admin: ApiClient, store: Store, other_store: Store, scheduler: User, technician: User, hits: Hits
) -> None:
    """file://, any http(s) host (a local server counting hits) and another store's attachment
    are not fetched; the case's own photo is."""
    ours = build_case(store, scheduler, technician)
    other_scheduler = make_user(Role.SCHEDULER, [other_store])
    other_technician = make_user(Role.TECHNICIAN, [other_store])
    theirs = build_case(other_store, other_scheduler, other_technician, CPFS[1])
    html = f"""
      <p>{{{{ case.number }}}}</p>
      <img src="file:///etc/passwd"><img src="file:///etc/hostname">
      <img src="{hits.url}/img.png"><img src="https://127.0.0.1:1/x.png">
      <img src="assistec:attachment/{theirs["photo"]}"><img src="assistec:thumbnail/{theirs["signature"]}">
      <img src="/api/attachments/{theirs["photo"]}"><img src="assistec:static/../../config.py">
      <div style="background: url('{hits.url}/bg.png')">x</div>
      <img src="assistec:attachment/{ours["photo"]}">
    """
    css = f"@import url('{hits.url}/style.css'); body {{ background: url('file:///etc/passwd'); }}"
    response = as_admin.post("/api/layouts", json=layout_body(store, html, css=css))
    assert response.status_code == 201, response.json
    response = as_admin.get(pdf_url(ours, "service_request", layout=response.json["id"]))
    assert ours["number"] in pdf_text(response)
    assert hits.paths == []
    images = pdf_images(response)
    assert len(images) == 1  # our photo only
    assert Image.open(io.BytesIO(images[0].data)).size == (120, 80)


def test_a_layout_of_another_store_cannot_be_used(
    as_scheduler: ApiClient, world: dict[str, Any], other_store: Store
) -> None:
    from server.documents.service import ensure_defaults

    ensure_defaults(other_store.id)
    theirs = db.session.scalar(select(PrintLayout.id).where(PrintLayout.store_id == other_store.id).limit(1))
    response = as_scheduler.get(pdf_url(world, "service_request", layout=theirs))
    assert response.status_code == 422 and "layout" in response.json["errors"]


def test_new_store_gets_default_layouts(as_admin: ApiClient) -> None:
    response = as_admin.post("/api/stores", json={"name": "Loja Nova"})
    assert response.status_code == 201, response.json
    layouts = as_admin.get(f"/api/layouts?store_id={response.json['id']}").json
    assert len(layouts) == 4  # one per kind


# --- who may print what --------------------------------------------------------------------


def test_technician_gets_only_the_visit_report_of_own_visits(
    app: Flask, store: Store, scheduler: User, technician: User, other_technician: User, world: dict[str, Any]
) -> None:
    as_technician = login(app, technician)
    assert as_technician.get(pdf_url(world, "service_request")).status_code == 403
    assert as_technician.get(pdf_url(world, "parts_order", order_id=world["order"])).status_code == 403
    options = as_technician.get(f"/api/cases/{world['case']}/documents").json
    assert [kind["kind"] for kind in options["kinds"]] == ["visit_report"]
    # Another technician's visit on the same case: not theirs to print.
    case = db.session.get_one(ServiceCase, world["case"])
    visit = create_appointment(
        case,
        {
            "appointment_type_id": first(store.id, "appointment_types"),
            "assignee_id": other_technician.id,
            "starts_at": datetime(2030, 3, 12, 9),
            "ends_at": datetime(2030, 3, 12, 10),
        },
        scheduler,
    )
    assert as_technician.get(pdf_url(world, "visit_report", appointment_id=visit.id)).status_code == 403
    as_other = login(app, other_technician)
    assert as_other.get(pdf_url(world, "visit_report", appointment_id=visit.id)).status_code == 200
    assert as_other.get(pdf_url(world, "visit_report", appointment_id=world["visit"])).status_code == 403


def test_a_technician_without_a_visit_on_the_case_gets_404(
    app: Flask, other_technician: User, world: dict[str, Any]
) -> None:
    response = login(app, other_technician).get(pdf_url(world, "visit_report", appointment_id=world["visit"]))
    assert response.status_code == 404


def test_document_options_list_kinds_layouts_targets_and_email_defaults(
    as_scheduler: ApiClient, world: dict[str, Any]
) -> None:
    options = as_scheduler.get(f"/api/cases/{world['case']}/documents").json
    kinds = {kind["kind"]: kind for kind in options["kinds"]}
    assert list(kinds) == ["service_request", "visit_report", "parts_order"]
    assert kinds["service_request"]["label"] == "Solicitação de Assistência"
    assert [layout["is_default"] for layout in kinds["service_request"]["layouts"]] == [True]
    assert [target["id"] for target in kinds["visit_report"]["targets"]] == [world["visit"]]
    assert kinds["visit_report"]["targets"][0]["label"].startswith("11/03/2030 09:00")
    assert kinds["parts_order"]["needs"] == "order_id"
    assert kinds["parts_order"]["targets"][0]["id"] == world["order"]
    email = kinds["service_request"]["email"]
    assert email["recipients"] == ["maria@example.com"]
    assert email["subject"] == f"Solicitação de Assistência {world['number']} — Loja Centro"
    assert email["message"].startswith("Olá, Maria da Silva.")


def test_case_timeline_unchanged_by_printing(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    before = db.session.scalar(select(CaseEvent.id).order_by(CaseEvent.id.desc()).limit(1))
    as_scheduler.get(pdf_url(world, "service_request"))
    assert db.session.scalar(select(CaseEvent.id).order_by(CaseEvent.id.desc()).limit(1)) == before


def test_the_stores_logo_is_on_its_documents(
    app: Flask, as_admin: ApiClient, store: Store, other_store: Store, world: dict[str, Any]
) -> None:
    logo = io.BytesIO()
    Image.new("RGBA", (300, 100), (31, 78, 121, 255)).save(logo, "PNG")
    logo_id = uuid.uuid4()
    response = as_admin.put(
        f"/api/attachments/{logo_id}?kind=signature&store_id={store.id}",
        data=logo.getvalue(),
        headers={"X-Content-SHA256": hashlib.sha256(logo.getvalue()).hexdigest(), "Content-Type": "image/png"},
    )
    assert response.status_code == 200, response.json
    response = as_admin.patch(f"/api/stores/{store.id}", json={"logo_id": str(logo_id)})
    assert response.status_code == 200 and response.json["logo_id"] == str(logo_id)
    response = as_admin.get(pdf_url(world, "service_request"))
    assert [Image.open(io.BytesIO(img.data)).size for img in pdf_images(response)] == [(300, 100)]
    layout = as_admin.get("/api/layouts?kind=service_request").json[0]
    preview = as_admin.get(f"/api/layouts/{layout['id']}/preview.pdf")
    assert len(pdf_images(preview)) == 1
    # Another store's image cannot become our logo (nor an id that is no image at all).
    theirs = attach(make_user(Role.ADMIN, [other_store]), logo.getvalue(), kind="signature", store_id=other_store.id)
    for wrong in (theirs, uuid.uuid4()):
        response = as_admin.patch(f"/api/stores/{store.id}", json={"logo_id": str(wrong)})
        assert response.status_code == 422 and "logo_id" in response.json["errors"]
