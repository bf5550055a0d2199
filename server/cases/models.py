from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import JSON, ColumnElement, ForeignKey, Index, String, Text, column, false, or_, select, table, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import Role, User
from server.contracts.models import Contract
from server.customers.models import Customer
from server.database import Base, StoreRecord, utcnow
from server.stores.models import Store


class CaseStatus(StrEnum):
    OPEN = "open"
    SCHEDULED = "scheduled"
    IN_SERVICE = "in_service"
    PENDING = "pending"
    CLOSED = "closed"
    CANCELLED = "cancelled"


STATUS_LABELS = {
    CaseStatus.OPEN: "Aberta",
    CaseStatus.SCHEDULED: "Agendada",
    CaseStatus.IN_SERVICE: "Em atendimento",
    CaseStatus.PENDING: "Com pendências",
    CaseStatus.CLOSED: "Finalizada",
    CaseStatus.CANCELLED: "Cancelada",
}
FINISHED = (CaseStatus.CLOSED.value, CaseStatus.CANCELLED.value)

# The visits a technician may reach a case through. A case is the lower layer (a visit belongs to
# one), so it names the visits' columns it needs instead of importing their model.
_visits = table("appointments", column("case_id"), column("assignee_id"), column("deleted_at"))


class ServiceCase(StoreRecord, Base):
    """An Assistência Técnica: a customer's complaint followed until it is fixed."""

    __tablename__ = "cases"
    __table_args__ = (
        Index("uq_cases_store_number", "store_id", "number", unique=True),
        Index("ix_cases_store_status_due", "store_id", "status", "due_at"),
        # The painel's weeks, and the phone's scope of a technician (live or recently changed cases).
        Index("ix_cases_store_opened", "store_id", "opened_at"),
        Index("ix_cases_store_closed", "store_id", "closed_at"),
        Index("ix_cases_assignee_status", "assignee_id", "status"),
        Index("ix_cases_assignee_updated", "assignee_id", "updated_at"),
        Index("ix_cases_store_updated", "store_id", "updated_at"),
        # Search anywhere in the text (LIKE '%…%') on PostgreSQL; a plain index elsewhere.
        Index(
            "ix_cases_search_trgm",
            "search_text",
            postgresql_using="gin",
            postgresql_ops={"search_text": "gin_trgm_ops"},
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id"), index=True)
    contract_id: Mapped[int | None] = mapped_column(ForeignKey("contracts.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    # False: the technician follows the case's visits (server.appointments.service.follow_visits).
    assignee_chosen: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reported_issue: Mapped[str] = mapped_column(Text)  # Situação Alegada
    access_notes: Mapped[str | None] = mapped_column(String(1000))  # Instruções de acesso (portaria, vaga…)
    service_address: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=CaseStatus.OPEN.value)
    status_reason: Mapped[str | None] = mapped_column(String(500))
    opened_at: Mapped[datetime] = mapped_column(default=utcnow)
    due_at: Mapped[datetime]
    closed_at: Mapped[datetime | None]
    search_text: Mapped[str] = mapped_column(Text, default="")

    # A many-to-one to a handful of rows: after the first load it comes from the identity map.
    store: Mapped[Store] = relationship()
    customer: Mapped[Customer] = relationship(lazy="raise")
    contract: Mapped[Contract | None] = relationship(lazy="raise")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id], lazy="raise")

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """A technician sees the cases assigned to them and those where they have a live visit."""
        if user.role != Role.TECHNICIAN:
            return true()
        visits = select(_visits.c.case_id).where(_visits.c.assignee_id == user.id, _visits.c.deleted_at.is_(None))
        return or_(cls.assignee_id == user.id, cls.id.in_(visits))

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[CaseStatus(self.status)]

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.store.timezone)

    @property
    def overdue(self) -> bool:
        return self.status not in FINISHED and self.due_at < utcnow()

    def __repr__(self) -> str:
        return f"<ServiceCase {self.number} {self.status}>"


class CaseEvent(StoreRecord, Base):
    """One entry of a case's timeline: who changed what, from what to what."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(String(40))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    changes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    note: Mapped[str | None] = mapped_column(String(500))

    actor: Mapped[User | None] = relationship(lazy="raise")
    store: Mapped[Store] = relationship(lazy="raise")
