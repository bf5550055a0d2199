"""The e-mail job: render the document, attach it, send it; retried with backoff.

The job works from the `DocumentEmail` row. A row already `sent` is left alone, so a retry that
follows a success (the worker died, or lost the acknowledgement, after the message left) sends
nothing twice; each message carries the same Message-ID on every attempt. When the last retry
fails the row becomes `failed` and the case timeline says why.
"""

from __future__ import annotations

import uuid
from typing import Any

from flask import current_app

from server.auth.models import User
from server.cases.models import ServiceCase
from server.cases.progress import record_event
from server.database import utcnow
from server.documents import mail
from server.documents.models import KIND_LABELS, DocumentEmail, DocumentKind, EmailStatus
from server.documents.service import build_document, case_for_document, render_with_layout
from server.extensions import db
from server.jobs import huey, job_context


def enqueue_email(email_id: uuid.UUID) -> None:
    config = current_app.config
    task = send_document_email.s(
        str(email_id),
        retries=int(config["EMAIL_RETRIES"]),
        retry_delay=float(config["EMAIL_RETRY_DELAY"]),
        retry_backoff=2,
    )
    huey.enqueue(task)


def _render(email: DocumentEmail, case: ServiceCase) -> tuple[bytes, str]:
    requester = db.session.get(User, email.requested_by_id) if email.requested_by_id else None
    document, filename = build_document(requester, case, email.kind, dict(email.params))
    return render_with_layout(case, email.kind, email.layout_id, document).pdf, filename


@huey.task(context=True)
def send_document_email(email_id: str, task: Any = None) -> None:
    with job_context():
        _send(uuid.UUID(email_id), task.retries if task is not None else 0)


def _send(email_id: uuid.UUID, retries_left: int) -> None:
    email = db.session.get(DocumentEmail, email_id)
    if email is None or email.status != EmailStatus.QUEUED.value:
        return  # already sent (or given up): never twice
    case = case_for_document(email.case_id)
    label = KIND_LABELS[DocumentKind(email.kind)]
    email.attempts += 1
    db.session.commit()
    note = ""
    try:
        pdf, filename = _render(email, case)
        where = mail.deliver(mail.build_message(email, pdf, filename), str(email.id))
    except mail.UnconfirmedDelivery as error:
        # The message left whole; only the server's answer was lost. Sending it again could
        # deliver it twice, so it counts as sent, with the doubt on record.
        where = f"SMTP, sem confirmação ({error})"[:200]
        note = " O servidor não confirmou a tempo; não será reenviado para não duplicar."
        email.last_error = f"Sem confirmação do servidor: {error}"[:500]
    except Exception as error:
        db.session.rollback()
        reason = f"{type(error).__name__}: {error}"[:500]
        email.last_error = reason
        if retries_left <= 0:
            email.status = EmailStatus.FAILED.value
            email.failed_at = utcnow()
            record_event(
                case,
                None,
                "document_email_failed",
                {"email_id": str(email.id), "kind": email.kind, "recipients": email.recipients, "reason": reason},
                f"{label}: envio falhou após {email.attempts} tentativa(s) — {reason}"[:500],
            )
            db.session.commit()
            current_app.logger.warning("e-mail %s failed for good: %s", email.id, reason)
            return
        db.session.commit()
        raise
    email.status = EmailStatus.SENT.value
    email.sent_at = utcnow()
    if not note:
        email.last_error = None
    record_event(
        case,
        None,
        "document_email_sent",
        {"email_id": str(email.id), "kind": email.kind, "recipients": email.recipients, "via": where},
        f"{label} enviado para {', '.join(email.recipients)}.{note}"[:500],
    )
    db.session.commit()
