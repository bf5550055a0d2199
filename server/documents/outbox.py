"""E-mails waiting for their transaction: the service notes the id, the job is queued after the
commit (`server.documents.tasks` listens), never inside the transaction and never after a rollback."""

from __future__ import annotations

import uuid

from sqlalchemy import event
from sqlalchemy.orm import Session

from server.extensions import db

_PENDING_KEY = "assistec.document_emails"


def email_after_commit(email_id: uuid.UUID) -> None:
    db.session.info.setdefault(_PENDING_KEY, []).append(email_id)


def committed_emails(session: Session) -> list[uuid.UUID]:
    """The e-mails of the transaction just committed (each handed out once)."""
    pending: list[uuid.UUID] = session.info.pop(_PENDING_KEY, None) or []
    return pending


@event.listens_for(Session, "after_rollback")
def _forget_after_rollback(session: Session) -> None:
    session.info.pop(_PENDING_KEY, None)
