from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, ColumnElement, ForeignKey, Index, String, Text, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.auth.models import Role, User
from server.cases.models import ServiceCase
from server.catalogs.models import CatalogEntry
from server.database import Base, StoreRecord
from server.stores.models import Store

TECHNICAL_ASSISTANCE = "technical_assistance"  # Tipo de Agenda shown on case screens and the phone


class AppointmentStatus(StrEnum):
    SCHEDULED = "scheduled"
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    CANCELLED = "cancelled"
    RESCHEDULED = "rescheduled"


APPOINTMENT_STATUS_LABELS = {
    AppointmentStatus.SCHEDULED: "Agendado",
    AppointmentStatus.CONFIRMED: "Confirmado",
    AppointmentStatus.IN_PROGRESS: "Em andamento",
    AppointmentStatus.DONE: "Concluído",
    AppointmentStatus.CANCELLED: "Cancelado",
    AppointmentStatus.RESCHEDULED: "Reagendado",
}
# Appointments that hold the technician's time: only these conflict with each other.
LIVE_STATUSES = (
    AppointmentStatus.SCHEDULED.value,
    AppointmentStatus.CONFIRMED.value,
    AppointmentStatus.IN_PROGRESS.value,
    AppointmentStatus.RESCHEDULED.value,
)


class Appointment(StoreRecord, Base):
    """A compromisso on the agenda: for now, a technician's visit to a case."""

    __tablename__ = "appointments"
    __table_args__ = (
        Index("ix_appointments_assignee_starts", "assignee_id", "starts_at"),
        Index("ix_appointments_store_starts", "store_id", "starts_at"),  # the office calendar's range
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    calendar_type: Mapped[str] = mapped_column(String(30), default=TECHNICAL_ASSISTANCE)  # Tipo de Agenda
    appointment_type_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id"))  # Tipo de Compromisso
    assignee_id: Mapped[int] = mapped_column(ForeignKey("users.id"))  # Responsável
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(String(12), default=AppointmentStatus.SCHEDULED.value)  # Situação
    subject: Mapped[str | None] = mapped_column(String(200))  # Assunto
    notes: Mapped[str | None] = mapped_column(Text)  # Observação (do escritório): read-only on the phone
    # The technician's own note, written from the phone; concurrent edits are merged (see docs/sync.md).
    technician_notes: Mapped[str | None] = mapped_column(Text)
    technician_notes_at: Mapped[datetime | None]
    technician_notes_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    room_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_entries.id"))  # Ambiente
    allow_overlap: Mapped[bool] = mapped_column(default=False)
    cancel_reason: Mapped[str | None] = mapped_column(String(500))
    checked_in_at: Mapped[datetime | None]
    checked_out_at: Mapped[datetime | None]
    check_in_location: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    check_out_location: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    case: Mapped[ServiceCase] = relationship(lazy="raise")
    store: Mapped[Store] = relationship(lazy="raise")
    assignee: Mapped[User] = relationship(foreign_keys=[assignee_id], lazy="raise")
    appointment_type: Mapped[CatalogEntry | None] = relationship(foreign_keys=[appointment_type_id], lazy="raise")
    room: Mapped[CatalogEntry | None] = relationship(foreign_keys=[room_id], lazy="raise")

    @classmethod
    def visible_to(cls, user: User) -> ColumnElement[bool]:
        """A technician sees their own visits; the office sees every visit of its stores."""
        return cls.assignee_id == user.id if user.role == Role.TECHNICIAN else true()

    @property
    def status_label(self) -> str:
        return APPOINTMENT_STATUS_LABELS[AppointmentStatus(self.status)]


class AppointmentExit(StoreRecord, Base):
    """A visit leaving a technician's scope (reassigned to someone else, or cancelled).

    The sync pull uses these rows to send that technician a delete for the visit (and for its
    case, when no other visit keeps it in their scope); the row's version orders it with the rest.
    """

    __tablename__ = "appointment_exits"

    id: Mapped[int] = mapped_column(primary_key=True)
    appointment_id: Mapped[int] = mapped_column(ForeignKey("appointments.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reason: Mapped[str] = mapped_column(String(20))  # reassigned | cancelled


class CalendarToken(Base):
    """The secret in a technician's calendar feed URL; rotating it replaces the row."""

    __tablename__ = "calendar_tokens"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256: a leaked DB holds no live URL
    created_at: Mapped[datetime]
