from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import cast

from flask import current_app, has_app_context
from flask_login import UserMixin
from sqlalchemy import Column, ForeignKey, Index, String, Table
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


class User(UserMixin, Timestamped, Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    phone: Mapped[str | None] = mapped_column(String(11))
    # Set by an admin's temporary password: every request but the change itself answers 403.
    must_change_password: Mapped[bool] = mapped_column(default=False)

    stores: Mapped[list[Store]] = relationship(secondary=user_stores, lazy="selectin", order_by=Store.id)

    @property
    def store_ids(self) -> list[int]:
        return [store.id for store in self.stores]

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    # The secret of the login this request came with (server.auth.sessions sets it): it goes into
    # the session and remember cookies, and names the AuthSession row that keeps them valid.
    session_key = cast("str | None", None)  # not a column

    def get_id(self) -> str:
        return f"{self.id}:{self.session_key}"

    def set_password(self, password: str) -> None:
        """Store the hash only; callers end the other sessions (server.auth.sessions)."""
        method = current_app.config["PASSWORD_HASH_METHOD"] if has_app_context() else "scrypt"
        self.password_hash = generate_password_hash(password, method=method)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"


class AuthSession(Base):
    """One login: logout deletes it, and with it the session and remember cookies that name it.
    Only a hash of the cookie's secret is stored, so a copy of the database logs no one in."""

    __tablename__ = "auth_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]


class LoginFailure(Base):
    """A failed login, kept for the longest limit window: counters that every worker and host of
    the deployment share, because they live in the application's database."""

    __tablename__ = "login_failures"
    __table_args__ = (
        Index("ix_login_failures_account_at", "account", "at"),
        Index("ix_login_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account: Mapped[str] = mapped_column(String(254))
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime]
