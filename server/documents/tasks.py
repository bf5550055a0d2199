"""The e-mail job: render the document, attach it, send it; retried with backoff. Exactly once.

The job works from the `DocumentEmail` row, which moves queued → sending → sent (or failed):

* A job claims the row (attempts + 1, under a row lock) and renders. Only when the SMTP server has
  accepted the envelope does it record `sending`, and only if its claim is still the latest (a job
  re-queued by the sweep, or a Huey retry, may run alongside). So two jobs never both send.
* Once the message has left, the final commit (`sent`, the timeline) is retried on a lock instead
  of failing the job: a failed commit must not make Huey run the send again.
* A job that finds the row `sending` knows a message may have left with nobody left to record it
  (a killed worker, commits that failed for good): over SMTP it is counted as sent, with the doubt
  on record, and never sent again; a `.eml` file is written again under the same name.
* A row `sent` or `failed` is left alone, and each message carries the same Message-ID on every
  attempt, so a receiver can drop a repeat.
* Huey does not give back a task its worker took when it died: `sweep_stale_emails` queues again
  the rows left `queued` or `sending` long past any retry.

When the last retry fails the row becomes `failed` and the case timeline says why.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from huey import crontab  # type: ignore[import-untyped]
from sqlalchemy import event, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from server.auth.models import User
from server.cases.models import ServiceCase
from server.cases.progress import record_event
from server.database import utcnow
from server.documents import mail
from server.documents.bounded import RenderRefused
from server.documents.models import KIND_LABELS, DocumentEmail, DocumentKind, EmailStatus
from server.documents.outbox import committed_emails
from server.documents.service import build_document, case_for_document, render_with_layout
from server.errors import ValidationFailed
from server.extensions import db
from server.jobs import huey, job_context

COMMIT_TRIES = 6  # waits 0.25, 0.5, 1, 2, 4 s between them, each try also on the busy timeout
UNFINISHED = (EmailStatus.QUEUED.value, EmailStatus.SENDING.value)


class Superseded(Exception):
    """Another job claimed the row after this one did: this one must not send."""


def enqueue_email(email_id: uuid.UUID) -> None:
    config = current_app.config
    task = send_document_email.s(
        str(email_id),
        retries=int(config["EMAIL_RETRIES"]),
        retry_delay=float(config["EMAIL_RETRY_DELAY"]),
        retry_backoff=2,
    )
    huey.enqueue(task)


@event.listens_for(Session, "after_commit")
def _enqueue_after_commit(session: Session) -> None:
    for email_id in committed_emails(session):
        enqueue_email(email_id)


def _render(email: DocumentEmail, case: ServiceCase) -> tuple[bytes, str]:
    requester = db.session.get(User, email.requested_by_id) if email.requested_by_id else None
    document, filename = build_document(requester, case, email.kind, dict(email.params))
    return render_with_layout(case, email.kind, email.layout_id, document).pdf, filename


@huey.task(context=True)
def send_document_email(email_id: str, task: Any = None) -> None:
    # An application context of its own, hence a database session of its own: in immediate mode
    # this runs inside the request's after_commit, whose session may not be used any more.
    with job_context() as app, app.app_context():
        _send(uuid.UUID(email_id), task.retries if task is not None else 0)


@huey.periodic_task(crontab(minute="*/5"))
def sweep_stale_emails() -> None:
    with job_context() as app, app.app_context():
        for email_id in stale_emails():
            enqueue_email(email_id)


def stale_after() -> timedelta:
    """Longer than any wait between retries, so a row merely waiting for its retry is left alone."""
    config = current_app.config
    longest_wait = float(config["EMAIL_RETRY_DELAY"]) * 2 ** max(int(config["EMAIL_RETRIES"]) - 1, 0)
    return timedelta(seconds=max(600.0, 2 * longest_wait + float(config["SMTP_TIMEOUT"])))


def stale_emails(now: datetime | None = None) -> list[uuid.UUID]:
    """E-mails still `queued` or `sending` long after anything touched them: their worker died."""
    now = now or utcnow()
    stmt = select(DocumentEmail.id).where(
        DocumentEmail.status.in_(UNFINISHED), DocumentEmail.updated_at < now - stale_after()
    )
    email_ids = list(db.session.scalars(stmt.order_by(DocumentEmail.created_at)))
    db.session.commit()
    return email_ids


def _locked(email_id: uuid.UUID) -> DocumentEmail | None:
    """The row, read afresh under a row lock (PostgreSQL; SQLite has one writer at a time)."""
    return db.session.get(DocumentEmail, email_id, with_for_update=True, populate_existing=True)


def _commit_retrying(email_id: uuid.UUID, change: Callable[[DocumentEmail, ServiceCase], None]) -> None:
    """Apply `change` to the row read afresh and commit; on a lock ("database is locked"), roll back
    and do it again a little later instead of failing the job, which would run the send again."""
    for attempt in range(COMMIT_TRIES):
        try:
            email = _locked(email_id)
            assert email is not None
            change(email, case_for_document(email.case_id))
            db.session.commit()
            return
        except OperationalError:
            db.session.rollback()
            if attempt == COMMIT_TRIES - 1:
                raise
            current_app.logger.warning("e-mail %s: commit failed, trying again", email_id, exc_info=True)
            time.sleep(0.25 * 2**attempt)


def _sent(where: str, note: str = "", doubt: str | None = None) -> Callable[[DocumentEmail, ServiceCase], None]:
    def change(email: DocumentEmail, case: ServiceCase) -> None:
        email.status = EmailStatus.SENT.value
        email.sent_at = utcnow()
        email.last_error = doubt
        label = KIND_LABELS[DocumentKind(email.kind)]
        record_event(
            case,
            None,
            "document_email_sent",
            {"email_id": str(email.id), "kind": email.kind, "recipients": email.recipients, "via": where},
            f"{label} enviado para {', '.join(email.recipients)}.{note}"[:500],
        )

    return change


def _failed(attempt: int, reason: str, final: bool) -> Callable[[DocumentEmail, ServiceCase], None]:
    def change(email: DocumentEmail, case: ServiceCase) -> None:
        if email.attempts != attempt or email.status not in UNFINISHED:
            return  # a later job has the row now
        email.last_error = reason
        email.status = EmailStatus.QUEUED.value  # nothing left: safe to send again
        if final:
            email.status = EmailStatus.FAILED.value
            email.failed_at = utcnow()
            label = KIND_LABELS[DocumentKind(email.kind)]
            record_event(
                case,
                None,
                "document_email_failed",
                {"email_id": str(email.id), "kind": email.kind, "recipients": email.recipients, "reason": reason},
                f"{label}: envio falhou após {email.attempts} tentativa(s) — {reason}"[:500],
            )

    return change


def _claim(email_id: uuid.UUID) -> int | None:
    """Take the row for this job: its attempt number, or None when there is nothing to send."""
    email = _locked(email_id)
    if email is None or email.status not in UNFINISHED:
        db.session.rollback()
        return None  # already sent (or given up): never twice
    if email.status == EmailStatus.SENDING.value and current_app.config.get("SMTP_HOST"):
        db.session.rollback()
        where = "SMTP, envio interrompido"
        doubt = "Envio interrompido depois de começar: pode ter saído; não será reenviado para não duplicar."
        _commit_retrying(
            email_id, _sent(where, " A confirmação se perdeu; não será reenviado para não duplicar.", doubt)
        )
        return None
    email.status = EmailStatus.QUEUED.value  # a .eml left "sending" is simply written again
    email.attempts += 1
    attempt = email.attempts
    db.session.commit()
    return attempt


def _mark_sending(email_id: uuid.UUID, attempt: int) -> None:
    email = _locked(email_id)
    if email is None or email.status != EmailStatus.QUEUED.value or email.attempts != attempt:
        db.session.rollback()
        raise Superseded()
    email.status = EmailStatus.SENDING.value
    db.session.commit()


def _send(email_id: uuid.UUID, retries_left: int) -> None:
    attempt = _claim(email_id)
    if attempt is None:
        return
    email = db.session.get_one(DocumentEmail, email_id)
    note, doubt = "", None
    try:
        pdf, filename = _render(email, case_for_document(email.case_id))
        message = mail.build_message(email, pdf, filename)
        where = mail.deliver(message, str(email_id), lambda: _mark_sending(email_id, attempt))
    except Superseded:
        db.session.rollback()
        return
    except (RenderRefused, ValidationFailed) as refused:
        # The layout, not the moment: another attempt would fail the same way.
        db.session.rollback()
        reason = str(refused.data["detail"] or refused.description)[:500]
        _commit_retrying(email_id, _failed(attempt, reason, final=True))
        current_app.logger.warning("e-mail %s refused: %s", email_id, reason)
        return
    except mail.UnconfirmedDelivery as error:
        # The message left whole; only the server's answer was lost. Sending it again could
        # deliver it twice, so it counts as sent, with the doubt on record.
        where = f"SMTP, sem confirmação ({error})"[:200]
        note = " O servidor não confirmou a tempo; não será reenviado para não duplicar."
        doubt = f"Sem confirmação do servidor: {error}"[:500]
    except Exception as error:
        db.session.rollback()
        reason = f"{type(error).__name__}: {error}"[:500]
        final = retries_left <= 0
        _commit_retrying(email_id, _failed(attempt, reason, final))
        if final:
            current_app.logger.warning("e-mail %s failed for good: %s", email_id, reason)
            return
        raise
    _commit_retrying(email_id, _sent(where, note, doubt))
