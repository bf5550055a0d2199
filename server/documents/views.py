import uuid
from typing import Any

from flask import Response

import server.documents.tasks  # noqa: F401  (its after-commit listener queues the e-mails)
from server.auth.access import OFFICE, me, roles
from server.auth.models import Role
from server.cases.service import load_case
from server.common.schemas import patch
from server.documents import mail, service
from server.documents.models import KINDS, DocumentEmail, PrintLayout
from server.documents.schemas import (
    DocumentArgs,
    DocumentOptionsOut,
    EmailIn,
    EmailOut,
    LayoutArgs,
    LayoutIn,
    LayoutOut,
    LayoutPreviewIn,
    LayoutUpdate,
    OutboxEntry,
)
from server.errors import NotFound
from server.openapi import Blueprint

blp = Blueprint("documents", __name__, url_prefix="/api", description="Documentos, layouts de impressão e e-mail")

PDF = {
    "200": {
        "description": "The PDF",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _kind(document_kind: str) -> str:
    if document_kind not in KINDS:
        raise NotFound("Documento não encontrado.")
    return document_kind


def _pdf(pdf: bytes, filename: str, *, download: bool = False) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    disposition = "attachment" if download else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


# --- layouts (admin) ----------------------------------------------------------------------


@blp.get("/layouts")
@roles(Role.ADMIN)
@blp.arguments(LayoutArgs, location="query")
@blp.response(200, LayoutOut(many=True))
def list_layouts(args: dict[str, Any]) -> list[PrintLayout]:
    """The print layouts of the admin's stores (or `store_id`), by kind; each store starts with a default per kind."""
    return service.list_layouts(me(), args["store_id"], args["kind"])


@blp.post("/layouts")
@roles(Role.ADMIN)
@blp.arguments(LayoutIn)
@blp.response(201, LayoutOut)
def create_layout(data: dict[str, Any]) -> PrintLayout:
    """Add a layout: a Jinja template (sandboxed, autoescaped) checked now with sample data (422 if it fails)."""
    return service.create_layout(me(), data)


@blp.post("/layouts/preview.pdf")
@roles(Role.ADMIN)
@blp.arguments(LayoutPreviewIn)
@blp.response(200, description="The draft rendered with sample data")
@blp.doc(responses=PDF)
def preview_draft(data: dict[str, Any]) -> Response:
    """A layout being edited (not saved), rendered with sample data; 422 as when saving it."""
    return _pdf(service.preview_draft(me(), data), "previa-layout.pdf")


@blp.get("/layouts/<int:layout_id>")
@roles(Role.ADMIN)
@blp.response(200, LayoutOut)
def get_layout(layout_id: int) -> PrintLayout:
    return service.load_layout(me(), layout_id)


@blp.patch("/layouts/<int:layout_id>")
@roles(Role.ADMIN)
@blp.arguments(patch(LayoutUpdate))
@blp.response(200, LayoutOut)
def update_layout(data: dict[str, Any], layout_id: int) -> PrintLayout:
    """Edit a layout, or make it the default of its kind (`is_default: true`)."""
    return service.update_layout(service.load_layout(me(), layout_id), data)


@blp.delete("/layouts/<int:layout_id>")
@roles(Role.ADMIN)
@blp.response(204)
@blp.alt_response(409, response="DEFAULT_ERROR")
def delete_layout(layout_id: int) -> None:
    """Delete a layout that is not the default (409 for the default)."""
    service.delete_layout(service.load_layout(me(), layout_id))


@blp.get("/layouts/<int:layout_id>/preview.pdf")
@roles(Role.ADMIN)
@blp.response(200, description="The layout rendered with sample data")
@blp.doc(responses=PDF)
def preview_layout(layout_id: int) -> Response:
    """The layout rendered with made-up data (no customer's data), as a PDF."""
    layout = service.load_layout(me(), layout_id)
    return _pdf(service.preview(layout), f"previa-layout-{layout.id}.pdf")


# --- a case's documents -------------------------------------------------------------------


@blp.get("/cases/<int:case_id>/documents")
@blp.response(200, DocumentOptionsOut)
def document_options(case_id: int) -> dict[str, Any]:
    """What "Imprimir" offers for the case: kinds, their layouts (default marked), the visits or
    orders to pick, and the pre-filled e-mail. Technicians see the visit report of their visits."""
    return service.document_options(me(), load_case(me(), case_id))


@blp.get("/cases/<int:case_id>/documents/<document_kind>.pdf")
@blp.arguments(DocumentArgs, location="query")
@blp.response(200, description="The document")
@blp.doc(responses=PDF)
def render_document(args: dict[str, Any], case_id: int, document_kind: str) -> Response:
    """The document as PDF from the store's default layout (or `layout`); `visit_report` needs
    `appointment_id`, `parts_order` needs `order_id`. Technicians: the visit report of their visits."""
    kind = _kind(document_kind)
    rendered = service.render_document(me(), load_case(me(), case_id), kind, args)
    return _pdf(rendered.pdf, rendered.filename)


@blp.post("/cases/<int:case_id>/documents/<document_kind>/email")
@blp.arguments(EmailIn)
@blp.response(202, EmailOut)
def email_document(data: dict[str, Any], case_id: int, document_kind: str) -> DocumentEmail:
    """Queue the document to be e-mailed (default: to the customer, with a pt-BR subject and
    message); the case timeline records the request, and then the sending or its failure."""
    kind = _kind(document_kind)
    return service.queue_email(me(), load_case(me(), case_id), kind, data)


@blp.get("/cases/<int:case_id>/documents/emails")
@roles(*OFFICE)
@blp.response(200, EmailOut(many=True))
def list_emails(case_id: int) -> list[DocumentEmail]:
    """The documents e-mailed from the case, newest first, each with where it stands."""
    return service.list_emails(me(), load_case(me(), case_id))


@blp.get("/cases/<int:case_id>/documents/emails/<uuid:email_id>")
@blp.response(200, EmailOut)
def get_email(case_id: int, email_id: uuid.UUID) -> DocumentEmail:
    """Where a queued e-mail stands: queued, sent, or failed (with the last error)."""
    return service.load_email(me(), load_case(me(), case_id), email_id)


# --- the embedded mail folder (no SMTP settings) -----------------------------------------


@blp.get("/mail/outbox")
@roles(Role.ADMIN)
@blp.response(200, OutboxEntry(many=True))
def mail_outbox() -> list[dict[str, Any]]:
    """Messages written as .eml files to instance/mail/ (when no SMTP server is set), for the admin's stores."""
    return mail.outbox(me().store_ids)
