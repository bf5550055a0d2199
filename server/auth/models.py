from __future__ import annotations

import secrets
from enum import StrEnum

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, String, Table
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from server.database import Base, Timestamped
from server.stores.models import Store


class Role(StrEnum):
    ADMIN = "admin"
    SCHEDULER = "scheduler"
    TECHNICIAN = "technician"


ROLE_LABELS = {Role.ADMIN: "Administrador", Role.SCHEDULER: "Atendimento", Role.TECHNICIAN: "Técnico"}

user_stores = Table(
    "user_stores",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("store_id", ForeignKey("stores.id", ondelete="CASCADE"), primary_key=True),
)


def _new_session_token() -> str:
    return secrets.token_urlsafe(16)


class User(UserMixin, Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    phone: Mapped[str | None] = mapped_column(String(11))
    # Part of the login cookie: rotating it (password change, deactivation) ends every session.
    session_token: Mapped[str] = mapped_column(String(32), default=_new_session_token)

    stores: Mapped[list[Store]] = relationship(secondary=user_stores, lazy="selectin", order_by=Store.id)

    @property
    def store_ids(self) -> list[int]:
        return [store.id for store in self.stores]

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_token}"

    def set_password(self, password: str) -> None:
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)
        self.end_sessions()

    def end_sessions(self) -> None:
        """Invalidate every login cookie issued so far (they carry the old token)."""
        self.session_token = _new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"
