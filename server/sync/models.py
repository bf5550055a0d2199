from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column

from server.database import Base, utcnow


class SyncClient(Base):
    """A device (the phone's `client_id`) owned by one user, and how far its outbox has been applied."""

    __tablename__ = "sync_clients"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    last_mutation_id: Mapped[int] = mapped_column(BigInteger, default=0)
    schema_version: Mapped[int] = mapped_column(default=1)
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)


class Rejection(Base):
    """A mutation the server refused for good: kept with its arguments so nothing typed is lost.

    Pulls carry it until one arrives with a cursor past it (`delivered_at`): the technician sees
    it once even if an answer is lost, then fixes and resends it, or discards it.
    """

    __tablename__ = "sync_rejections"
    __table_args__ = (Index("ix_sync_rejections_client_mutation", "client_id", "mutation_id", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    client_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("sync_clients.id", ondelete="CASCADE"))
    mutation_id: Mapped[int] = mapped_column(BigInteger)
    name: Mapped[str] = mapped_column(String(60))
    args: Mapped[dict[str, Any]] = mapped_column(JSON)
    code: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(String(1000))  # pt-BR, shown to the technician
    errors: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # field messages, when validation failed
    # False when no resend can succeed (the visit's state moved on, the record is gone): the phone
    # shows it as information, not as something to fix and resend.
    retryable: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
