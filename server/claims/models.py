from __future__ import annotations

import uuid
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from server.cases.models import ServiceCase
from server.database import Base, StoreRecord
from server.occurrences.models import Occurrence, OccurrenceItem
from server.suppliers.models import Supplier


class ClaimStatus(StrEnum):
    DRAFT = "draft"
    SENT = "sent"
    IN_REVIEW = "in_review"
    ACCEPTED = "accepted"
    PARTIALLY_ACCEPTED = "partially_accepted"
    REFUSED = "refused"
    PARTS_SHIPPED = "parts_shipped"
    CREDITED = "credited"
    CLOSED = "closed"


STATUS_LABELS = {
    ClaimStatus.DRAFT: "Rascunho",
    ClaimStatus.SENT: "Enviada",
    ClaimStatus.IN_REVIEW: "Em análise",
    ClaimStatus.ACCEPTED: "Aceita",
    ClaimStatus.PARTIALLY_ACCEPTED: "Aceita parcialmente",
    ClaimStatus.REFUSED: "Recusada",
    ClaimStatus.PARTS_SHIPPED: "Peças enviadas",
    ClaimStatus.CREDITED: "Creditada",
    ClaimStatus.CLOSED: "Encerrada",
}

S = ClaimStatus
# Where each status may go next. A draft may be dropped (encerrada) before it is ever sent.
MOVES: dict[ClaimStatus, tuple[ClaimStatus, ...]] = {
    S.DRAFT: (S.SENT, S.CLOSED),
    S.SENT: (S.IN_REVIEW, S.ACCEPTED, S.PARTIALLY_ACCEPTED, S.REFUSED, S.CLOSED),
    S.IN_REVIEW: (S.ACCEPTED, S.PARTIALLY_ACCEPTED, S.REFUSED, S.CLOSED),
    S.ACCEPTED: (S.PARTS_SHIPPED, S.CREDITED, S.CLOSED),
    S.PARTIALLY_ACCEPTED: (S.PARTS_SHIPPED, S.CREDITED, S.CLOSED),
    S.REFUSED: (S.IN_REVIEW, S.CLOSED),
    S.PARTS_SHIPPED: (S.CREDITED, S.CLOSED),
    S.CREDITED: (S.PARTS_SHIPPED, S.CLOSED),
    S.CLOSED: (),
}
ANSWERS = (S.ACCEPTED, S.PARTIALLY_ACCEPTED, S.REFUSED)  # the factory has answered
WAITING = (S.SENT.value, S.IN_REVIEW.value)  # the factory owes an answer
OPEN = tuple(s.value for s in ClaimStatus if s not in (S.CLOSED,))
ON_BOARD = tuple(s for s in OPEN if s != S.DRAFT.value)  # open, and sent to the factory
CREDITABLE = (S.ACCEPTED.value, S.PARTIALLY_ACCEPTED.value, S.PARTS_SHIPPED.value, S.CREDITED.value)


class Outcome(StrEnum):
    REPLACEMENT_PART = "replacement_part"
    CREDIT = "credit"
    EXCHANGE = "exchange"
    FACTORY_REPAIR = "factory_repair"


OUTCOME_LABELS = {
    Outcome.REPLACEMENT_PART: "Peça de reposição",
    Outcome.CREDIT: "Crédito",
    Outcome.EXCHANGE: "Troca",
    Outcome.FACTORY_REPAIR: "Conserto em fábrica",
}


class ItemAnswer(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"


ANSWER_LABELS = {ItemAnswer.PENDING: "Aguardando", ItemAnswer.ACCEPTED: "Aceito", ItemAnswer.REFUSED: "Recusado"}


class CreditForm(StrEnum):
    ORDER_CREDIT = "order_credit"
    BONUS = "bonus"
    DEPOSIT = "deposit"
    PART_SENT = "part_sent"


CREDIT_FORM_LABELS = {
    CreditForm.ORDER_CREDIT: "Crédito em pedido",
    CreditForm.BONUS: "Bonificação",
    CreditForm.DEPOSIT: "Depósito",
    CreditForm.PART_SENT: "Peça enviada",
}

ZERO = Decimal("0.00")


class Claim(StoreRecord, Base):
    """A reclamação à fábrica: factory-paid items of one or more cases, claimed from one factory."""

    __tablename__ = "claims"
    __table_args__ = (
        Index("uq_claims_store_number", "store_id", "number", unique=True),
        # The open claims (the list's "Só as abertas", the board) and a status's claims, newest
        # first, without reading the closed ones of every past year.
        Index("ix_claims_store_status", "store_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(20))
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=ClaimStatus.DRAFT.value)
    factory_reference: Mapped[str | None] = mapped_column(String(60))
    notes: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    sent_at: Mapped[datetime | None]
    answered_at: Mapped[datetime | None]  # the factory's first answer (accepted, partially, refused)
    closed_at: Mapped[datetime | None]
    email_ids: Mapped[list[str]] = mapped_column(JSON, default=list)  # dossiers e-mailed (DocumentEmail ids)

    supplier: Mapped[Supplier] = relationship(lazy="raise")
    items: Mapped[list[ClaimItem]] = relationship(
        lazy="raise",
        primaryjoin="and_(Claim.id == ClaimItem.claim_id, ClaimItem.deleted_at.is_(None))",
        order_by="ClaimItem.id",
        viewonly=True,
    )
    credits: Mapped[list[ClaimCredit]] = relationship(
        lazy="raise",
        primaryjoin="and_(Claim.id == ClaimCredit.claim_id, ClaimCredit.deleted_at.is_(None))",
        order_by="(ClaimCredit.received_on, ClaimCredit.id)",
        viewonly=True,
    )

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[ClaimStatus(self.status)]

    @property
    def claimed(self) -> Decimal:
        return sum((item.amount for item in self.items), ZERO)

    @property
    def accepted(self) -> Decimal:
        """Expected credit: what the factory accepted."""
        return sum((item.accepted_amount or ZERO for item in self.items), ZERO)

    @property
    def received(self) -> Decimal:
        return sum((credit.amount for credit in self.credits), ZERO)

    @property
    def balance(self) -> Decimal:
        """Accepted and not yet received (negative: received more than accepted)."""
        return self.accepted - self.received

    @property
    def allowed_moves(self) -> list[str]:
        return [s.value for s in MOVES[ClaimStatus(self.status)]]

    def __repr__(self) -> str:
        return f"<Claim {self.number} {self.status}>"


class ClaimItem(StoreRecord, Base):
    """One occurrence item claimed, what is asked for it, and the factory's answer."""

    __tablename__ = "claim_items"
    __table_args__ = (
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("amount >= 0", name="amount_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    occurrence_item_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("occurrence_items.id"), index=True)
    occurrence_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("occurrences.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(20))
    quantity: Mapped[Decimal] = mapped_column(Numeric(10, 3))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))  # claimed
    answer: Mapped[str] = mapped_column(String(10), default=ItemAnswer.PENDING.value)
    accepted_quantity: Mapped[Decimal | None] = mapped_column(Numeric(10, 3))
    accepted_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    refusal_reason: Mapped[str | None] = mapped_column(String(500))
    shipped_at: Mapped[datetime | None]  # the factory sent the part

    claim: Mapped[Claim] = relationship(lazy="raise")
    occurrence_item: Mapped[OccurrenceItem] = relationship(lazy="raise")
    occurrence: Mapped[Occurrence] = relationship(lazy="raise")
    case: Mapped[ServiceCase] = relationship(lazy="raise")

    @property
    def case_number(self) -> str:
        return self.case.number

    @property
    def outcome_label(self) -> str:
        return OUTCOME_LABELS[Outcome(self.outcome)]

    @property
    def answer_label(self) -> str:
        return ANSWER_LABELS[ItemAnswer(self.answer)]


class ClaimCredit(StoreRecord, Base):
    """Money (or a part) the factory gave back against a claim."""

    __tablename__ = "claim_credits"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id"), index=True)
    received_on: Mapped[date]
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    form: Mapped[str] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(String(300))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    @property
    def form_label(self) -> str:
        return CREDIT_FORM_LABELS[CreditForm(self.form)]


class ClaimTotals(Base):
    """Per factory, the board's figures over its closed claims, added as each claim closes.

    The board reads this row and the factory's open claims, instead of every claim of the store's
    history. A closed claim no longer changes, but for a credit removed by mistake (its part is
    taken out and added again)."""

    __tablename__ = "claim_totals"
    __table_args__ = (UniqueConstraint("supplier_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(ForeignKey("stores.id"), index=True)
    supplier_id: Mapped[int] = mapped_column(ForeignKey("suppliers.id"))
    claims: Mapped[int] = mapped_column(default=0)
    claimed: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=ZERO)
    accepted: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=ZERO)
    received: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=ZERO)
    outstanding: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=ZERO)  # Σ max(accepted − received, 0)
    answered: Mapped[int] = mapped_column(default=0)  # claims with an answer: the mean and the rate
    answer_seconds: Mapped[Decimal] = mapped_column(Numeric(20, 6), default=Decimal(0))  # Σ sent → answered
    answered_claimed: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=ZERO)
    answered_accepted: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=ZERO)
