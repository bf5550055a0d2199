"""The claim's dossier ("Reclamação à Fábrica"): a document of the documents system, built from
the claim, rendered with the store's layout of that kind and e-mailed by the same job.

The document hangs on the claim's first case (its store, customer and contract head the page);
the e-mail row carries the claim's id, so the job builds the same document again."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from server.appointments.models import Appointment
from server.attachments.models import Attachment, AttachmentKind
from server.auth.models import User
from server.cases.models import ServiceCase
from server.cases.progress import record_event
from server.claims.models import Claim, ClaimItem
from server.contracts.models import Contract, ContractItem
from server.documents import data as docdata
from server.documents.defaults import CSS, DEFAULTS, wrap
from server.documents.models import KIND_LABELS, DocumentEmail, DocumentKind, PrintLayout
from server.documents.outbox import email_after_commit
from server.documents.service import (
    _layout_for,
    build_document,
    case_for_document,
    register_builder,
    render_with_layout,
)
from server.errors import ValidationFailed
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.transaction import write_in_read

KIND = DocumentKind.FACTORY_CLAIM


def ensure_layout(store_id: int) -> None:
    """Stores made before this kind existed get its default layout on first use (flushed)."""
    found = db.session.scalar(
        select(PrintLayout.id).where(
            PrintLayout.store_id == store_id, PrintLayout.kind == KIND.value, PrintLayout.deleted_at.is_(None)
        )
    )
    if found is None:
        name, body = DEFAULTS[KIND]
        with write_in_read():
            db.session.add(
                PrintLayout(store_id=store_id, kind=KIND.value, name=name, html=wrap(body), css=CSS, is_default=True)
            )
            db.session.flush()


def _claim(case: ServiceCase, claim_id: Any) -> Claim:
    if claim_id is None:
        raise ValidationFailed({"claim_id": ["Informe a reclamação."]})
    claim = db.session.scalar(
        select(Claim)
        .where(Claim.id == claim_id, Claim.store_id == case.store_id, Claim.deleted_at.is_(None))
        .options(
            selectinload(Claim.supplier),
            selectinload(Claim.items).selectinload(ClaimItem.occurrence_item),
            selectinload(Claim.items).selectinload(ClaimItem.case).selectinload(ServiceCase.customer),
            selectinload(Claim.items).selectinload(ClaimItem.case).selectinload(ServiceCase.contract),
        )
    )
    if claim is None:
        raise ValidationFailed({"claim_id": ["Reclamação não encontrada."]})
    return claim


def _contract_items(items: list[ClaimItem]) -> dict[int, ContractItem]:
    ids = [i.occurrence_item.contract_item_id for i in items if i.occurrence_item.contract_item_id is not None]
    if not ids:
        return {}
    rows = db.session.scalars(
        select(ContractItem)
        .where(ContractItem.id.in_(ids))
        .options(selectinload(ContractItem.room), selectinload(ContractItem.product_line))
    )
    return {row.id: row for row in rows}


def _contract_data(item: ContractItem, number: str) -> docdata.Data:
    return {
        "number": number,
        "room": docdata._name(item.room),
        "product_line": docdata._name(item.product_line),
        "code": item.code or "",
        "description": item.description or "",
        "finish": item.finish or "",
        "dimensions": item.dimensions or "",
        "factory_order_number": item.factory_order_number or "",
        "invoice_number": item.invoice_number or "",
        "invoice_on": docdata.day(item.invoice_date),
        "delivery_on": docdata.day(item.delivery_date),
        "installation_on": docdata.day(item.installation_date),
    }


def claim_document(case: ServiceCase, claim_id: Any, title: str) -> tuple[docdata.Document, str]:
    claim = _claim(case, claim_id)
    document = docdata.Document(case, title)
    tz = document.tz
    contract_items = _contract_items(claim.items)
    contract_numbers = dict(
        db.session.execute(
            select(Contract.id, Contract.number).where(
                Contract.id.in_({c.contract_id for c in contract_items.values()})
            )
        ).all()
    )
    cases: dict[int, ServiceCase] = {}
    for item in claim.items:
        cases.setdefault(item.case_id, item.case)
    occurrence_ids = list(dict.fromkeys(item.occurrence_id for item in claim.items))
    occurrences = list(
        db.session.scalars(
            select(Occurrence)
            .where(Occurrence.id.in_(occurrence_ids))
            .options(
                selectinload(Occurrence.attachments),
                selectinload(Occurrence.occurrence_type),
                selectinload(Occurrence.room),
                selectinload(Occurrence.product_line),
                selectinload(Occurrence.author),
            )
            .order_by(Occurrence.created_at, Occurrence.id)
        )
    )
    items = []
    for item in claim.items:
        source: OccurrenceItem = item.occurrence_item
        linked = contract_items.get(source.contract_item_id) if source.contract_item_id else None
        items.append(
            {
                "case_number": item.case.number,
                "code": source.code or "",
                "description": source.description,
                "quantity": docdata.quantity(item.quantity),
                "unit": source.unit,
                "outcome": item.outcome_label,
                "amount": docdata.money(item.amount),
                "answer": item.answer_label,
                "contract": _contract_data(linked, contract_numbers.get(linked.contract_id, ""))
                if linked is not None
                else None,
            }
        )
    findings = []
    for occurrence in occurrences:
        photos = [a for a in occurrence.attachments if a.kind == AttachmentKind.PHOTO.value]
        document.attachments.update(a.id for a in photos)
        findings.append(
            {
                "case_number": cases[occurrence.case_id].number,
                "type": docdata._name(occurrence.occurrence_type),
                "room": docdata._name(occurrence.room),
                "product_line": docdata._name(occurrence.product_line),
                "filed_at": docdata.moment(occurrence.created_at, tz),
                "author": occurrence.author.name if occurrence.author else "",
                "report": occurrence.report or "",
                "unresolved_reason": occurrence.unresolved_reason or "",
                "photos": [
                    {
                        "src": f"assistec:attachment/{a.id}",
                        "caption": a.caption or "",
                        "taken_at": docdata.moment(a.created_at, tz),  # when the server received it
                    }
                    for a in photos
                ],
            }
        )
    document.data.update(
        claim={
            "number": claim.number,
            "status": claim.status_label,
            "factory_reference": claim.factory_reference or "",
            "created_on": docdata.day(claim.created_at, tz),
            "sent_on": docdata.day(claim.sent_at, tz),
            "claimed": docdata.money(claim.claimed),
            "notes": claim.notes or "",
        },
        factory={
            **docdata.supplier_data(claim.supplier, claim.supplier.name),
            "emails": list(claim.supplier.claim_emails or []),
        },
        claim_cases=[
            {
                "number": c.number,
                "customer": c.customer.name,
                "contract": c.contract.number if c.contract else "",
                "opened_on": docdata.day(c.opened_at, tz),
                "due_on": docdata.day(c.due_at, tz),
                "address": docdata.address(c.service_address),
            }
            for c in cases.values()
        ],
        claim_items=items,
        findings=findings,
        customer_signatures=_signatures(document, list(cases.values()), occurrence_ids),
    )
    return document, f"reclamacao-{claim.number}.pdf"


def _signatures(document: docdata.Document, cases: list[ServiceCase], occurrence_ids: list[Any]) -> list[docdata.Data]:
    """The latest customer signature of each case (on its visits or the claimed occurrences)."""
    visits = select(Appointment.id).where(Appointment.case_id.in_([c.id for c in cases]))
    rows = db.session.execute(
        select(Attachment, Appointment.case_id, Occurrence.case_id)
        .outerjoin(Appointment, Appointment.id == Attachment.appointment_id)
        .outerjoin(Occurrence, Occurrence.id == Attachment.occurrence_id)
        .where(
            Attachment.kind == AttachmentKind.SIGNATURE.value,
            Attachment.deleted_at.is_(None),
            or_(Attachment.appointment_id.in_(visits), Attachment.occurrence_id.in_(occurrence_ids)),
        )
        .order_by(Attachment.created_at.desc())
    ).all()
    numbers = {c.id: c for c in cases}
    latest: dict[int, Attachment] = {}
    for attachment, visit_case, occurrence_case in rows:
        latest.setdefault(visit_case or occurrence_case, attachment)
    result = []
    for case_id, attachment in latest.items():
        document.attachments.add(attachment.id)
        case = numbers[case_id]
        result.append(
            {
                "case_number": case.number,
                "src": f"assistec:attachment/{attachment.id}",
                "name": attachment.signer_name or case.customer.name,
                "signed_at": docdata.moment(attachment.created_at, document.tz),
            }
        )
    return result


def _first_case(claim: Claim) -> ServiceCase:
    return case_for_document(min(item.case_id for item in claim.items))


def render(user: User, claim: Claim) -> tuple[bytes, str]:
    ensure_layout(claim.store_id)
    case = _first_case(claim)
    document, filename = build_document(user, case, KIND.value, {"claim_id": claim.id})
    return render_with_layout(case, KIND.value, None, document).pdf, filename


def queue(user: User, claim: Claim, data: dict[str, Any]) -> DocumentEmail:
    """Record the e-mail to the factory's claim addresses on the claim and the case, commit, and
    hand it to the e-mail job."""
    recipients = data.get("recipients") or list(claim.supplier.claim_emails or [])
    if not recipients:
        raise ValidationFailed(
            {"recipients": ["A fábrica não tem e-mail de reclamações cadastrado: informe os destinatários."]}
        )
    ensure_layout(claim.store_id)
    case = _first_case(claim)
    layout = _layout_for(case, KIND.value, data.get("layout"))
    store = case.store
    email_id = uuid.uuid4()
    email = DocumentEmail(
        id=email_id,
        store_id=claim.store_id,
        case_id=case.id,
        kind=KIND.value,
        layout_id=layout.id,
        params={"claim_id": claim.id},
        recipients=list(dict.fromkeys(recipients)),
        subject=data.get("subject") or f"Reclamação {claim.number} — {store.name}",
        message=data.get("message")
        or (
            f"Olá, {claim.supplier.name}.\n\n"
            f"Segue em anexo a reclamação {claim.number}, com os itens, os dados dos contratos e as fotos "
            "da constatação técnica.\nPor favor, informe o número de protocolo e o prazo de resposta "
            "respondendo a este e-mail.\n\n"
            f"Atenciosamente,\n{store.name}"
        ),
        message_id=f"<{email_id}@assistec>",
        requested_by_id=user.id,
    )
    db.session.add(email)
    claim.email_ids = [*(claim.email_ids or []), str(email_id)]
    record_event(
        case,
        user,
        "document_email_queued",
        {"email_id": str(email_id), "kind": KIND.value, "recipients": email.recipients, "claim_id": claim.id},
        f"{KIND_LABELS[KIND]} {claim.number} na fila de envio para {', '.join(email.recipients)}."[:500],
    )
    email_after_commit(email_id)  # the job is queued once the request's transaction commits
    db.session.flush()
    return email


register_builder(KIND.value, lambda case, args, title: claim_document(case, args.get("claim_id"), title))
