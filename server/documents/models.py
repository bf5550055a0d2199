from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.database import Base, StoreRecord


class DocumentKind(StrEnum):
    SERVICE_REQUEST = "service_request"
    VISIT_REPORT = "visit_report"
    PARTS_ORDER = "parts_order"
    FACTORY_CLAIM = "factory_claim"


KIND_LABELS = {
    DocumentKind.SERVICE_REQUEST: "Solicitação de Assistência",
    DocumentKind.VISIT_REPORT: "Relatório de Visita",
    DocumentKind.PARTS_ORDER: "Pedido de Peças",
    DocumentKind.FACTORY_CLAIM: "Reclamação à Fábrica",
}
KINDS = [kind.value for kind in DocumentKind]


class PrintLayout(StoreRecord, Base):
    """A layout de impressão: a Jinja template (HTML + CSS) of one document kind for one store.

    The template runs in a sandbox with only the document's data (server.documents.render);
    one live layout per store and kind is the default.
    """

    __tablename__ = "print_layouts"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(120))
    html: Mapped[str] = mapped_column(Text)
    css: Mapped[str] = mapped_column(Text, default="")
    is_default: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[DocumentKind(self.kind)]


class EmailStatus(StrEnum):
    QUEUED = "queued"
    SENDING = "sending"  # the message's text is on its way: a job that finds it so never sends again
    SENT = "sent"
    FAILED = "failed"


class DocumentEmail(StoreRecord, Base):
    """A document e-mailed from a case: what was asked, and what became of it.

    The background job reads this row and moves it queued → sending → sent (or failed); see
    server.documents.tasks for how a message is sent exactly once.
    """

    __tablename__ = "document_emails"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    layout_id: Mapped[int | None] = mapped_column(ForeignKey("print_layouts.id"))
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # appointment_id / order_id
    recipients: Mapped[list[str]] = mapped_column(JSON)
    subject: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default=EmailStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    message_id: Mapped[str] = mapped_column(String(200))
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None]
    failed_at: Mapped[datetime | None]
