"""The claim's dossier: a PDF of the documents system (kind factory_claim) with every claimed
item's code, the contract's invoice, the photos at full size and the customer's signature,
e-mailed through the document e-mail job to the factory's claims address."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from pypdf import PdfReader
from sqlalchemy import select

from server.auth.models import User
from server.cases.models import CaseEvent
from server.documents.models import PrintLayout
from server.extensions import db
from server.stores.models import Store
from tests.claims_world import claim_world, open_claim_body
from tests.conftest import CPFS, ApiClient
from tests.test_document_email import Inbox, smtp  # noqa: F401  (the SMTP server fixture)


@pytest.fixture(autouse=True)
def uploads(app: Flask, tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    app.config["MAIL_FOLDER"] = str(tmp_path / "mail")


@pytest.fixture
def world(store: Store, scheduler: User, technician: User) -> dict[str, Any]:
    return claim_world(store, scheduler, technician, CPFS[0])


@pytest.fixture
def claim(as_scheduler: ApiClient, world: dict[str, Any]) -> dict[str, Any]:
    response = as_scheduler.post("/api/claims", json=open_claim_body(world))
    assert response.status_code == 201
    return dict(response.json)


def read(pdf: bytes) -> tuple[str, list[Any]]:
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    images = [image for page in reader.pages for image in page.images]
    return text, images


def test_the_dossier_has_every_item_code_the_invoice_and_the_photos(
    as_scheduler: ApiClient, world: dict[str, Any], claim: dict[str, Any]
) -> None:
    # A store older than this document kind gets its default layout on first use.
    db.session.execute(PrintLayout.__table__.delete().where(PrintLayout.kind == "factory_claim"))
    db.session.commit()
    response = as_scheduler.get(f"/api/claims/{claim['id']}/dossier.pdf")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/pdf"
    text, images = read(response.data)
    assert claim["number"] in text and "Móveis Serra" in text
    for code in ("AER-80-BR", "DOB-35"):
        assert code in text
    assert "NF-e NF554433" in text and "10/01/2030" in text  # the contract's invoice and its date
    assert "Laminado da porta descolando" in text  # the technician's findings
    sizes = sorted(image.image.size for image in images)
    assert (640, 480) in sizes  # the photo, full size (not the 320 px thumbnail)
    assert len(images) >= 2  # and the customer's signature
    assert "Foto recebida em" in text


def test_the_dossier_is_emailed_to_the_factory_claims_address(
    as_scheduler: ApiClient,
    world: dict[str, Any],
    claim: dict[str, Any],
    smtp: Inbox,  # noqa: F811
) -> None:
    response = as_scheduler.post(f"/api/claims/{claim['id']}/dossier/email", json={})
    assert response.status_code == 202, response.json
    assert response.json["kind"] == "factory_claim"
    [(recipients, message)] = smtp.messages
    assert recipients == ["sac@serra.example.com"]
    assert message["Subject"] == f"Reclamação {claim['number']} — Loja Centro"
    [attachment] = list(message.iter_attachments())  # type: ignore[attr-defined]
    assert attachment.get_filename() == f"reclamacao-{claim['number']}.pdf"
    text, _ = read(attachment.get_content())
    assert "AER-80-BR" in text and "DOB-35" in text
    recorded = as_scheduler.get(f"/api/claims/{claim['id']}").json
    assert recorded["email_ids"] == [response.json["id"]]
    db.session.expire_all()
    kinds = db.session.scalars(select(CaseEvent.kind).where(CaseEvent.case_id == response.json["case_id"])).all()
    assert "document_email_queued" in kinds and "document_email_sent" in kinds


def test_a_factory_without_claims_address_needs_recipients(as_scheduler: ApiClient, world: dict[str, Any]) -> None:
    from server.suppliers.models import Supplier

    supplier = db.session.get_one(Supplier, world["serra"])
    supplier.claim_emails = []
    db.session.commit()
    claim = as_scheduler.post("/api/claims", json=open_claim_body(world)).json
    response = as_scheduler.post(f"/api/claims/{claim['id']}/dossier/email", json={})
    assert response.status_code == 422
    assert response.json["errors"]["recipients"] == [
        "A fábrica não tem e-mail de reclamações cadastrado: informe os destinatários."
    ]
