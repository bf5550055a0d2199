"""The enums the apps show, with the labels the server itself puts on its records (`*_label`)."""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import Any

from server.appointments.models import APPOINTMENT_STATUS_LABELS, AppointmentStatus
from server.auth.models import ROLE_LABELS, Role
from server.cases.models import STATUS_LABELS as CASE_STATUS_LABELS
from server.cases.models import CaseStatus
from server.claims.models import CREDIT_FORM_LABELS, OUTCOME_LABELS, ClaimStatus, CreditForm, Outcome
from server.claims.models import STATUS_LABELS as CLAIM_STATUS_LABELS
from server.documents.models import KIND_LABELS as DOCUMENT_KIND_LABELS
from server.documents.models import DocumentKind, EmailStatus
from server.occurrences.models import ACTION_LABELS, PAYER_LABELS, ItemAction, Payer
from server.orders.models import ORDER_STATUS_LABELS, OrderStatus
from server.suppliers.models import KIND_LABELS as SUPPLIER_KIND_LABELS
from server.suppliers.models import SupplierKind

# Only the office's e-mail list names these; no record of the server carries them.
EMAIL_STATUS_LABELS = {
    EmailStatus.QUEUED: "Na fila",
    EmailStatus.SENDING: "Enviando",
    EmailStatus.SENT: "Enviado",
    EmailStatus.FAILED: "Falhou",
}

# The document's keys are part of the API: the apps read them by these names.
ENUMS: dict[str, tuple[type[StrEnum], Mapping[Any, str]]] = {
    "payer": (Payer, PAYER_LABELS),
    "item_action": (ItemAction, ACTION_LABELS),
    "appointment_status": (AppointmentStatus, APPOINTMENT_STATUS_LABELS),
    "case_status": (CaseStatus, CASE_STATUS_LABELS),
    "order_status": (OrderStatus, ORDER_STATUS_LABELS),
    "supplier_kind": (SupplierKind, SUPPLIER_KIND_LABELS),
    "role": (Role, ROLE_LABELS),
    "document_kind": (DocumentKind, DOCUMENT_KIND_LABELS),
    "email_status": (EmailStatus, EMAIL_STATUS_LABELS),
    "claim_status": (ClaimStatus, CLAIM_STATUS_LABELS),
    "claim_outcome": (Outcome, OUTCOME_LABELS),
    "credit_form": (CreditForm, CREDIT_FORM_LABELS),
}


def meta_document() -> dict[str, dict[str, str]]:
    """{enum: {code: label}}, every member in the enum's order (the order the apps list choices in)."""
    return {name: {member.value: labels[member] for member in enum} for name, (enum, labels) in ENUMS.items()}
