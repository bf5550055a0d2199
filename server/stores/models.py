from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import JSON, BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from server.database import Base, Timestamped

DEFAULT_TIMEZONE = "America/Sao_Paulo"
DEFAULT_REPAIR_DEADLINE_DAYS = 30  # CDC art. 18 §1º


class Store(Timestamped, Base):
    """A tenant (loja). Its row also holds the sync version counter and the case sequence."""

    __tablename__ = "stores"
    __table_args__ = (CheckConstraint("repair_deadline_days BETWEEN 7 AND 180", name="repair_deadline_range"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    cnpj: Mapped[str | None] = mapped_column(String(14))
    phone: Mapped[str | None] = mapped_column(String(11))
    email: Mapped[str | None] = mapped_column(String(254))
    address: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    repair_deadline_days: Mapped[int] = mapped_column(default=DEFAULT_REPAIR_DEADLINE_DAYS)
    # The logo printed on documents: an image uploaded as an attachment of this store (no foreign
    # key: attachments already point at stores, and the logo is checked when it is set).
    logo_id: Mapped[uuid.UUID | None] = mapped_column(default=None)
    # Written only by SQL UPDATEs that lock this row (server.database, server.stores.numbering).
    version: Mapped[int] = mapped_column(BigInteger, default=0)
    case_number_year: Mapped[int] = mapped_column(default=0)
    case_number_last: Mapped[int] = mapped_column(default=0)
    order_number_year: Mapped[int] = mapped_column(default=0)
    order_number_last: Mapped[int] = mapped_column(default=0)
    # The longest visit ever booked here, in minutes (it only grows; server.appointments.span):
    # how far before a period a visit that reaches into it may have started.
    longest_visit_minutes: Mapped[int] = mapped_column(default=0, server_default="0")

    def __repr__(self) -> str:
        return f"<Store {self.id} {self.name!r}>"
