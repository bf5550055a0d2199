"""The data a layout sees: plain dicts, lists and strings, already formatted for Brazil.

Dates are dd/mm/aaaa and times HH:MM in the store's timezone, amounts `R$ 1.234,56`, CPF/CNPJ
and CEP with their punctuation. Nothing here is an ORM object, so a template has nothing to walk
from (server.documents.render). Images are `assistec:` URLs that the document's fetcher serves.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from server.appointments.models import Appointment
from server.attachments.models import Attachment, AttachmentKind
from server.calendar.service import one_line_address
from server.cases.models import ServiceCase
from server.common.brazil import format_document
from server.database import utcnow
from server.extensions import db
from server.occurrences.models import PAYER_LABELS, Occurrence, OccurrenceItem, Payer
from server.orders.models import PartsOrder
from server.stores.models import Store
from server.suppliers.models import Supplier

Data = dict[str, Any]


# --- formatting ---------------------------------------------------------------------------


def day(value: date | datetime | None, tz: ZoneInfo | None = None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(tz).date() if tz else value.date()
    return value.strftime("%d/%m/%Y")


def moment(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%d/%m/%Y %H:%M") if value else ""


def clock(value: datetime | None, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%H:%M") if value else ""


def money(value: Decimal | None) -> str:
    if value is None:
        return ""
    text = f"{Decimal(value):,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return f"R$ {text}"


def quantity(value: Decimal) -> str:
    text = f"{Decimal(value).normalize():f}"
    return text.replace(".", ",")


def cep(value: str | None) -> str:
    return f"{value[:5]}-{value[5:]}" if value and len(value) == 8 else value or ""


def phone(value: str) -> str:
    if len(value) == 11:
        return f"({value[:2]}) {value[2:7]}-{value[7:]}"
    if len(value) == 10:
        return f"({value[:2]}) {value[2:6]}-{value[6:]}"
    return value


def address(value: Mapping[str, Any] | None) -> Data:
    value = dict(value or {})
    return {
        "line": one_line_address(value),
        "cep": cep(value.get("cep")),
        "street": value.get("street") or "",
        "number": value.get("number") or "",
        "complement": value.get("complement") or "",
        "district": value.get("district") or "",
        "city": value.get("city") or "",
        "state": value.get("state") or "",
    }


def _name(entry: Any) -> str:
    return entry.name if entry is not None else ""


# --- records to data ----------------------------------------------------------------------


def store_data(store: Store) -> Data:
    return {
        "name": store.name,
        "cnpj": format_document(store.cnpj) or "",
        "phone": phone(store.phone) if store.phone else "",
        "email": store.email or "",
        "address": address(store.address),
        "logo": "assistec:logo" if store.logo_id else None,
    }


def case_data(case: ServiceCase, tz: ZoneInfo) -> Data:
    customer = case.customer
    contract = case.contract
    return {
        "case": {
            "number": case.number,
            "status": case.status_label,
            "opened_on": day(case.opened_at, tz),
            "due_on": day(case.due_at, tz),
            "deadline_days": case.store.repair_deadline_days,
            "reported_issue": case.reported_issue,
            "service_address": address(case.service_address),
        },
        "customer": {
            "name": customer.name,
            "document": format_document(customer.document) or "",
            "document_label": "CNPJ" if customer.document_type == "cnpj" else "CPF",
            "phones": [phone(p) for p in customer.phones or []],
            "email": customer.email or "",
            "address": address(customer.address),
        },
        "contract": None
        if contract is None
        else {
            "number": contract.number,
            "delivery_on": day(contract.delivery_date),
            "delivery_address": address(contract.delivery_address),
        },
    }


def item_data(item: OccurrenceItem, payer: str | None = None) -> Data:
    return {
        "description": item.description,
        "code": item.code or "",
        "quantity": quantity(item.quantity),
        "unit": item.unit,
        "action": item.action_label,
        "supplier": item.supplier or "",
        "unit_cost": money(item.unit_cost),
        "total": money(item.total),
        "payer": PAYER_LABELS[Payer(payer)] if payer else "",
    }


def occurrence_data(occurrence: Occurrence, tz: ZoneInfo) -> Data:
    return {
        "type": _name(occurrence.occurrence_type),
        "payer": occurrence.payer_label,
        "room": _name(occurrence.room),
        "product_line": _name(occurrence.product_line),
        "status": _name(occurrence.status),
        "supplier_order_number": occurrence.supplier_order_number or "",
        "expected_fix_on": day(occurrence.expected_fix_date),
        "report": occurrence.report or "",
        "resolved": occurrence.resolved,
        "resolution": {True: "Resolvida", False: "Não resolvida", None: "Em aberto"}[occurrence.resolved],
        "unresolved_reason": occurrence.unresolved_reason or "",
        "filed_at": moment(occurrence.created_at, tz),
        "items": [item_data(item, occurrence.payer) for item in occurrence.items],
        "photos": [
            {"src": f"assistec:thumbnail/{a.id}", "full": f"assistec:attachment/{a.id}", "caption": a.caption or ""}
            for a in occurrence.attachments
            if a.kind == AttachmentKind.PHOTO.value
        ],
    }


_OCCURRENCE_LOAD = (
    selectinload(Occurrence.items),
    selectinload(Occurrence.attachments),
    selectinload(Occurrence.occurrence_type),
    selectinload(Occurrence.room),
    selectinload(Occurrence.product_line),
    selectinload(Occurrence.status),
)


def _occurrences(case: ServiceCase, appointment: Appointment | None = None) -> list[Occurrence]:
    stmt = select(Occurrence).where(Occurrence.case_id == case.id, Occurrence.deleted_at.is_(None))
    if appointment is not None:
        stmt = stmt.where(Occurrence.appointment_id == appointment.id)
    stmt = stmt.options(*_OCCURRENCE_LOAD).order_by(Occurrence.created_at, Occurrence.id)
    return list(db.session.scalars(stmt))


class Document:
    """A document's data and the attachments its fetcher may serve."""

    def __init__(self, case: ServiceCase, title: str) -> None:
        self.case = case
        self.tz = ZoneInfo(case.store.timezone)
        self.attachments: set[uuid.UUID] = set()
        self.data: Data = {
            "title": title,
            "generated_at": moment(utcnow(), self.tz),
            "store": store_data(case.store),
            **case_data(case, self.tz),
        }

    def add_occurrences(self, occurrences: list[Occurrence]) -> None:
        self.data["occurrences"] = [occurrence_data(o, self.tz) for o in occurrences]
        for occurrence in occurrences:
            self.attachments.update(a.id for a in occurrence.attachments)


def service_request(case: ServiceCase, title: str) -> Document:
    document = Document(case, title)
    document.add_occurrences(_occurrences(case))
    visits = db.session.scalars(
        select(Appointment)
        .where(Appointment.case_id == case.id, Appointment.deleted_at.is_(None))
        .options(selectinload(Appointment.assignee), selectinload(Appointment.appointment_type))
        .order_by(Appointment.starts_at)
    ).all()
    document.data["visits"] = [visit_data(v, document.tz) for v in visits]
    return document


def visit_data(visit: Appointment, tz: ZoneInfo) -> Data:
    return {
        "date": day(visit.starts_at, tz),
        "starts": clock(visit.starts_at, tz),
        "ends": clock(visit.ends_at, tz),
        "checked_in": moment(visit.checked_in_at, tz),
        "checked_out": moment(visit.checked_out_at, tz),
        "technician": visit.assignee.name,
        "type": _name(visit.appointment_type),
        "status": visit.status_label,
        "subject": visit.subject or "",
        "notes": visit.notes or "",
        "technician_notes": visit.technician_notes or "",
    }


def visit_report(case: ServiceCase, visit: Appointment, title: str) -> Document:
    document = Document(case, title)
    document.data["visit"] = visit_data(visit, document.tz)
    occurrences = _occurrences(case, visit)
    document.add_occurrences(occurrences)
    signature = db.session.scalar(
        select(Attachment)
        .where(
            Attachment.kind == AttachmentKind.SIGNATURE.value,
            Attachment.deleted_at.is_(None),
            Attachment.store_id == case.store_id,
            or_(
                Attachment.appointment_id == visit.id,
                Attachment.occurrence_id.in_([o.id for o in occurrences]),
            ),
        )
        .order_by(Attachment.created_at.desc())
        .limit(1)
    )
    document.data["signature"] = None
    customer_line: Data = {"src": None, "name": case.customer.name, "role": "Cliente", "signed_at": ""}
    if signature is not None:
        document.attachments.add(signature.id)
        customer_line = {
            "src": f"assistec:attachment/{signature.id}",
            "name": signature.signer_name or case.customer.name,
            "role": "Cliente",
            # When the server got it: a phone offline uploads it with the visit's other records.
            "signed_at": moment(signature.created_at, document.tz),
        }
        document.data["signature"] = customer_line
    # The technician signs by closing the visit (the check-out), not with a drawing.
    document.data["signatures"] = [
        {
            "src": None,
            "name": visit.assignee.name,
            "role": "Técnico",
            "signed_at": moment(visit.checked_out_at, document.tz),
        },
        customer_line,
    ]
    return document


def supplier_data(supplier: Supplier | None, fallback: str) -> Data:
    if supplier is None:
        return {"name": fallback, "kind": "", "cnpj": "", "emails": [], "phone": "", "whatsapp": ""}
    return {
        "name": supplier.name,
        "kind": supplier.kind_label,
        "cnpj": format_document(supplier.cnpj) or "",
        "emails": list(supplier.order_emails or []),
        "phone": phone(supplier.phone) if supplier.phone else "",
        "whatsapp": phone(supplier.whatsapp) if supplier.whatsapp else "",
    }


def delivery(case: ServiceCase, order: PartsOrder) -> Data:
    """Where the supplier delivers: the service address, or the store."""
    if order.deliver_to_customer:
        return {"to": "Cliente", "name": case.customer.name, "address": address(case.service_address)}
    return {"to": "Loja", "name": case.store.name, "address": address(case.store.address)}


def _order_occurrences(case: ServiceCase, order: PartsOrder) -> list[Occurrence]:
    """The occurrences the order's items come from, each showing only this order's items: an
    order never shows another supplier's (or payer's) items."""
    occurrences = [o for o in _occurrences(case) if any(item.order_id == order.id for item in o.items)]
    for occurrence in occurrences:
        db.session.expunge(occurrence)  # a trimmed copy for the document, never written back
        set_committed_value(occurrence, "items", [item for item in occurrence.items if item.order_id == order.id])
    return occurrences


def parts_order(case: ServiceCase, order: PartsOrder, title: str) -> Document:
    document = Document(case, title)
    document.add_occurrences(_order_occurrences(case, order))
    supplier = db.session.get(Supplier, order.supplier_id) if order.supplier_id is not None else None
    document.data["order"] = {
        "number": order.number,
        "status": order.status_label,
        "supplier": order.supplier_label,
        "payer": order.payer_label,
        "notes": order.notes or "",
        "created_on": day(order.created_at, document.tz),
        "sent_on": day(order.sent_at, document.tz),
        "items": [item_data(item) for item in order.items],
        "total": money(order.total),
        "items_without_cost": order.items_without_cost,
        "delivery": delivery(case, order),
    }
    document.data["supplier"] = supplier_data(supplier, order.supplier_label)
    return document


# --- sample data for previews and for checking a layout when it is saved ------------------


def sample_data(title: str) -> Data:
    """Every field any kind uses, with made-up values (previews, save-time checks)."""
    item = {
        "description": "Dobradiça com amortecedor 35 mm",
        "code": "DOB-35A",
        "quantity": "2",
        "unit": "un",
        "action": "Substituir",
        "supplier": "Ferragens Sul",
        "unit_cost": money(Decimal("18.90")),
        "total": money(Decimal("37.80")),
        "payer": "Paga pela Fábrica",
    }
    place = {
        "line": "Rua das Acácias, 120, Apto 31 — Jardim Paulista, São Paulo/SP",
        "cep": "01415-000",
        "street": "Rua das Acácias",
        "number": "120",
        "complement": "Apto 31",
        "district": "Jardim Paulista",
        "city": "São Paulo",
        "state": "SP",
    }
    visit = {
        "date": "02/12/2026",
        "starts": "09:00",
        "ends": "10:00",
        "checked_in": "02/12/2026 09:05",
        "checked_out": "02/12/2026 09:55",
        "technician": "Técnico de Exemplo",
        "type": "Vistoria",
        "status": "Concluído",
        "subject": "Vistoria do roupeiro",
        "notes": "Cliente acompanhou a visita.",
        "technician_notes": "Dobradiça trocada e porta regulada; gaveta aguarda corrediça.",
    }
    return {
        "title": title,
        "generated_at": "28/11/2026 10:30",
        "store": {
            "name": "Loja Exemplo Planejados",
            "cnpj": "11.222.333/0001-81",
            "phone": "(11) 3333-4444",
            "email": "assistencia@exemplo.com.br",
            "address": {**place, "line": "Av. Brasil, 500 — Centro, São Paulo/SP"},
            "logo": None,
        },
        "case": {
            "number": "AT-2026-00001",
            "status": "Agendada",
            "opened_on": "28/11/2026",
            "due_on": "28/12/2026",
            "deadline_days": 30,
            "reported_issue": "Porta do roupeiro raspando no piso e gaveta sem corrediça.",
            "service_address": place,
        },
        "customer": {
            "name": "Cliente de Exemplo",
            "document": "529.982.247-25",
            "document_label": "CPF",
            "phones": ["(11) 98765-4321"],
            "email": "cliente@exemplo.com.br",
            "address": place,
        },
        "contract": {"number": "C-1001", "delivery_on": "10/10/2026", "delivery_address": place},
        "visits": [{**visit, "notes": "", "technician_notes": ""}],
        "visit": visit,
        "occurrences": [
            {
                "type": "Regulagem/ferragens",
                "payer": "Paga pela Fábrica",
                "room": "Dormitório",
                "product_line": "Roupeiros",
                "status": "Aguardando peça",
                "supplier_order_number": "F-778",
                "expected_fix_on": "15/12/2026",
                "report": "Dobradiças da porta esquerda danificadas.",
                "resolved": False,
                "resolution": "Não resolvida",
                "unresolved_reason": "Aguardando peça do fornecedor.",
                "filed_at": "02/12/2026 09:40",
                "items": [item],
                "photos": [],
            }
        ],
        "signature": None,
        "signatures": [
            {"src": None, "name": "Técnico de Exemplo", "role": "Técnico", "signed_at": "02/12/2026 09:55"},
            {"src": None, "name": "Cliente de Exemplo", "role": "Cliente", "signed_at": "02/12/2026 09:52"},
        ],
        "order": {
            "number": "PD-2026-00001",
            "status": "Rascunho",
            "supplier": "Ferragens Sul",
            "payer": "Paga pela Fábrica",
            "notes": "",
            "created_on": "02/12/2026",
            "sent_on": "",
            "items": [item],
            "total": money(Decimal("37.80")),
            "items_without_cost": 0,
            "delivery": {"to": "Cliente", "name": "Cliente de Exemplo", "address": place},
        },
        **claim_sample(place),
        "supplier": {
            "name": "Ferragens Sul",
            "kind": "Distribuidor",
            "cnpj": "11.444.777/0001-61",
            "emails": ["pedidos@ferragenssul.com.br"],
            "phone": "(51) 3222-1100",
            "whatsapp": "(51) 99876-5432",
        },
    }


def claim_sample(place: Data) -> Data:
    """What a factory claim's dossier adds (server.claims.dossier)."""
    contract_item = {
        "number": "C-1001",
        "room": "Cozinha",
        "product_line": "Cozinhas",
        "code": "MOD-AER-80",
        "description": "Aéreo 80 cm 2 portas",
        "finish": "Branco TX",
        "dimensions": "800 x 700 x 350 mm",
        "factory_order_number": "F-55120",
        "invoice_number": "123456",
        "invoice_on": "01/10/2026",
        "delivery_on": "10/10/2026",
        "installation_on": "15/10/2026",
    }
    return {
        "claim": {
            "number": "RF-2026-00001",
            "status": "Rascunho",
            "factory_reference": "",
            "created_on": "02/12/2026",
            "sent_on": "",
            "claimed": money(Decimal("189.00")),
            "notes": "",
        },
        "factory": {
            "name": "Móveis Exemplo Indústria",
            "cnpj": "11.444.777/0001-61",
            "emails": ["sac@moveisexemplo.com.br"],
            "phone": "(54) 3222-1100",
        },
        "claim_cases": [
            {
                "number": "AT-2026-00001",
                "customer": "Cliente de Exemplo",
                "contract": "C-1001",
                "opened_on": "28/11/2026",
                "due_on": "28/12/2026",
                "address": place,
            }
        ],
        "claim_items": [
            {
                "case_number": "AT-2026-00001",
                "code": "MOD-AER-80",
                "description": "Porta do aéreo 80 cm",
                "quantity": "1",
                "unit": "un",
                "outcome": "Peça de reposição",
                "amount": money(Decimal("189.00")),
                "contract": contract_item,
            }
        ],
        "findings": [
            {
                "case_number": "AT-2026-00001",
                "type": "Defeito de fabricação",
                "room": "Cozinha",
                "product_line": "Cozinhas",
                "filed_at": "02/12/2026 09:40",
                "author": "Técnico de Exemplo",
                "report": "Porta com laminado descolando na borda inferior.",
                "unresolved_reason": "Aguardando peça da fábrica.",
                "photos": [],
            }
        ],
        "customer_signatures": [],
    }
