from __future__ import annotations

from enum import StrEnum

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from server.database import Base, StoreRecord


class CatalogKind(StrEnum):
    """The auxiliary lists (cadastros auxiliares); the value is the URL segment."""

    OCCURRENCE_TYPES = "occurrence_types"
    OCCURRENCE_STATUSES = "occurrence_statuses"
    APPOINTMENT_TYPES = "appointment_types"
    ROOMS = "rooms"
    PRODUCT_LINES = "product_lines"


class CatalogEntry(StoreRecord, Base):
    __tablename__ = "catalog_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    def __repr__(self) -> str:
        return f"<CatalogEntry {self.kind} {self.name!r}>"
