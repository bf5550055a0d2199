"""Print layouts (per store and kind, one default), case documents as PDF, and e-mailing them.

Every store has a default layout per kind: created with the store, or on first use for stores
older than this feature. A layout is checked when saved (syntax and sandbox, with sample data),
so rendering a case's document cannot fail on the template.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.appointments.models import Appointment
from server.auth.access import require_member, visible
from server.auth.models import Role, User
from server.cases.models import ServiceCase
from server.cases.progress import record_event
from server.cases.service import LOAD as CASE_LOAD
from server.database import bump_store_version, soft_delete
from server.documents import data as docdata
from server.documents.bounded import check_template, render_pdf
from server.documents.defaults import CSS, DEFAULTS, wrap
from server.documents.models import KIND_LABELS, DocumentEmail, DocumentKind, EmailStatus, PrintLayout
from server.documents.outbox import email_after_commit
from server.documents.render import DocumentFetcher
from server.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.extensions import db
from server.orders.models import PartsOrder
from server.stores.models import Store
from server.suppliers.models import Supplier
from server.transaction import write_in_read

# --- layouts ------------------------------------------------------------------------------


def default_layouts(store: Store, creator: User | None = None) -> list[PrintLayout]:
    """The store's starting layouts, one default per kind (the caller commits)."""
    layouts = [
        PrintLayout(
            store_id=store.id,
            kind=kind.value,
            name=name,
            html=wrap(body),
            css=CSS,
            is_default=True,
            created_by_id=creator.id if creator else None,
        )
        for kind, (name, body) in DEFAULTS.items()
    ]
    db.session.add_all(layouts)
    return layouts


def ensure_defaults(store_id: int) -> None:
    """Give a store created before layouts existed its defaults (once; under the store's lock)."""
    has_any = select(PrintLayout.id).where(PrintLayout.store_id == store_id).limit(1)
    if db.session.scalar(has_any) is not None:
        return
    with write_in_read():
        bump_store_version(db.session, store_id)
        if db.session.scalar(has_any) is None:
            default_layouts(db.session.get_one(Store, store_id))
        db.session.flush()


def list_layouts(user: User, store_id: int | None, kind: str | None) -> list[PrintLayout]:
    for member in [store_id] if store_id is not None else user.store_ids:
        ensure_defaults(require_member(user, member).id)
    stmt = visible(PrintLayout, user)
    if store_id is not None:
        stmt = stmt.where(PrintLayout.store_id == store_id)
    if kind is not None:
        stmt = stmt.where(PrintLayout.kind == kind)
    return list(db.session.scalars(stmt.order_by(PrintLayout.store_id, PrintLayout.kind, PrintLayout.id)))


def load_layout(user: User, layout_id: int) -> PrintLayout:
    layout = db.session.scalar(visible(PrintLayout, user).where(PrintLayout.id == layout_id))
    if layout is None:
        raise NotFound("Layout não encontrado.")
    return layout


def _check(kind: str, html: str, name: str | None = None) -> None:
    check_template(html, docdata.sample_data(KIND_LABELS[DocumentKind(kind)]), name)


def _unset_other_defaults(layout: PrintLayout) -> None:
    others = visible_layouts_of(layout.store_id, layout.kind)
    for other in others:
        if other.id != layout.id and other.is_default:
            other.is_default = False


def visible_layouts_of(store_id: int, kind: str) -> list[PrintLayout]:
    stmt = select(PrintLayout).where(
        PrintLayout.store_id == store_id, PrintLayout.kind == kind, PrintLayout.deleted_at.is_(None)
    )
    return list(db.session.scalars(stmt.order_by(PrintLayout.id)))


def create_layout(user: User, data: dict[str, Any]) -> PrintLayout:
    store = require_member(user, data.pop("store_id"))
    ensure_defaults(store.id)
    _check(data["kind"], data["html"], data.get("name"))
    bump_store_version(db.session, store.id)
    layout = PrintLayout(store_id=store.id, created_by_id=user.id, **{"css": "", "is_default": False, **data})
    db.session.add(layout)
    db.session.flush()
    if layout.is_default:
        _unset_other_defaults(layout)
    db.session.flush()
    return layout


def update_layout(layout: PrintLayout, data: dict[str, Any]) -> PrintLayout:
    if "html" in data:
        _check(layout.kind, data["html"], data.get("name", layout.name))
    bump_store_version(db.session, layout.store_id)
    if data.get("is_default") is False and layout.is_default:
        raise Conflict("Escolha outro layout como padrão; este deixa de ser padrão automaticamente.")
    for key, value in data.items():
        setattr(layout, key, value)
    if layout.is_default:
        _unset_other_defaults(layout)
    db.session.flush()
    return layout


def delete_layout(layout: PrintLayout) -> None:
    bump_store_version(db.session, layout.store_id)
    if layout.is_default:
        raise Conflict("O layout padrão não pode ser excluído: escolha outro como padrão antes.")
    soft_delete(layout)
    db.session.flush()


def _sample(store: Store, kind: str) -> tuple[dict[str, Any], DocumentFetcher]:
    """Made-up data, with the store's own logo when it has one."""
    sample = docdata.sample_data(KIND_LABELS[DocumentKind(kind)])
    if store.logo_id is not None:
        sample["store"]["logo"] = "assistec:logo"
    return sample, DocumentFetcher(store.id, set(), store.logo_id)


def preview(layout: PrintLayout) -> bytes:
    sample, fetcher = _sample(db.session.get_one(Store, layout.store_id), layout.kind)
    return render_pdf(
        layout.html, layout.css, sample, fetcher, name=layout.name, depends={"layout": [layout.id, layout.version]}
    )


def preview_draft(user: User, data: dict[str, Any]) -> bytes:
    """A layout being edited, rendered with sample data before it is saved (same checks as saving)."""
    store = require_member(user, data["store_id"])
    _check(data["kind"], data["html"])
    sample, fetcher = _sample(store, data["kind"])
    return render_pdf(data["html"], data["css"], sample, fetcher)


# --- documents of a case ------------------------------------------------------------------


@dataclass
class Rendered:
    pdf: bytes
    filename: str
    refused: list[str]


def _layout_for(case: ServiceCase, kind: str, layout_id: int | None) -> PrintLayout:
    ensure_defaults(case.store_id)
    layouts = visible_layouts_of(case.store_id, kind)
    if layout_id is not None:
        for layout in layouts:
            if layout.id == layout_id:
                return layout
        raise ValidationFailed({"layout": ["Layout não encontrado para este documento."]})
    for layout in layouts:
        if layout.is_default:
            return layout
    if layouts:
        return layouts[0]
    raise NotFound("Nenhum layout cadastrado para este documento.")  # pragma: no cover (defaults exist)


def _visit(user: User | None, case: ServiceCase, appointment_id: int | None) -> Appointment:
    if appointment_id is None:
        raise ValidationFailed({"appointment_id": ["Informe a visita."]})
    visit = db.session.scalar(
        select(Appointment)
        .where(Appointment.id == appointment_id, Appointment.case_id == case.id, Appointment.deleted_at.is_(None))
        .options(selectinload(Appointment.assignee), selectinload(Appointment.appointment_type))
    )
    if visit is None:
        raise ValidationFailed({"appointment_id": ["Visita não encontrada nesta assistência."]})
    if user is not None and user.role == Role.TECHNICIAN and visit.assignee_id != user.id:
        raise Forbidden("Só o relatório das suas visitas.")
    return visit


def _order(case: ServiceCase, order_id: int | None) -> PartsOrder:
    if order_id is None:
        raise ValidationFailed({"order_id": ["Informe o pedido."]})
    order = db.session.scalar(
        select(PartsOrder)
        .where(PartsOrder.id == order_id, PartsOrder.case_id == case.id, PartsOrder.deleted_at.is_(None))
        .options(selectinload(PartsOrder.items))
    )
    if order is None:
        raise ValidationFailed({"order_id": ["Pedido não encontrado nesta assistência."]})
    return order


def case_for_document(case_id: int) -> ServiceCase:
    """The case with what its documents show (customer, contract, store) loaded."""
    stmt = (
        select(ServiceCase)
        .where(ServiceCase.id == case_id)
        .options(*CASE_LOAD)
        .execution_options(populate_existing=True)
    )
    return db.session.scalars(stmt).one()


def check_kind_allowed(user: User | None, kind: str) -> None:
    """Technicians get the visit report (of their own visits) only."""
    if user is not None and user.role == Role.TECHNICIAN and kind != DocumentKind.VISIT_REPORT.value:
        raise Forbidden("Técnicos só emitem o relatório das suas visitas.")


Builder = Callable[[ServiceCase, dict[str, Any], str], tuple[docdata.Document, str]]
# Kinds whose data a higher domain builds (a claim's dossier): it registers its builder when
# imported, so this module never imports it.
BUILDERS: dict[str, Builder] = {}


def register_builder(kind: str, builder: Builder) -> None:
    BUILDERS[kind] = builder


def build_document(
    user: User | None, case: ServiceCase, kind: str, args: dict[str, Any]
) -> tuple[docdata.Document, str]:
    """The document's data and a file name, after checking the visit or order it is about
    (`user` None: the e-mail job, whose request was checked when it was queued)."""
    check_kind_allowed(user, kind)
    case = case_for_document(case.id)
    title = KIND_LABELS[DocumentKind(kind)]
    if kind == DocumentKind.VISIT_REPORT.value:
        visit = _visit(user, case, args.get("appointment_id"))
        return docdata.visit_report(case, visit, title), f"relatorio-visita-{case.number}-{visit.id}.pdf"
    if kind == DocumentKind.PARTS_ORDER.value:
        order = _order(case, args.get("order_id"))
        return docdata.parts_order(case, order, title), f"pedido-{order.number}.pdf"
    if kind in BUILDERS:
        return BUILDERS[kind](case, args, title)
    return docdata.service_request(case, title), f"solicitacao-{case.number}.pdf"


def render_with_layout(case: ServiceCase, kind: str, layout_id: int | None, document: docdata.Document) -> Rendered:
    layout = _layout_for(case, kind, layout_id)
    fetcher = DocumentFetcher(case.store_id, document.attachments, case.store.logo_id)
    depends = {"kind": kind, "case": [case.id, case.version], "layout": [layout.id, layout.version]}
    pdf = render_pdf(layout.html, layout.css, document.data, fetcher, name=layout.name, depends=depends)
    if fetcher.refused:
        current_app.logger.warning("layout %s asked for refused URLs: %s", layout.id, fetcher.refused[:5])
    return Rendered(pdf, "", fetcher.refused)


def render_document(user: User, case: ServiceCase, kind: str, args: dict[str, Any]) -> Rendered:
    document, filename = build_document(user, case, kind, args)
    rendered = render_with_layout(case, kind, args.get("layout"), document)
    rendered.filename = filename
    return rendered


def document_options(user: User, case: ServiceCase) -> dict[str, Any]:
    """What the "Imprimir" menu offers: each kind the user may print, its layouts, and the
    visits and orders it can be about."""
    ensure_defaults(case.store_id)
    case = case_for_document(case.id)
    layouts = list(
        db.session.scalars(
            select(PrintLayout)
            .where(PrintLayout.store_id == case.store_id, PrintLayout.deleted_at.is_(None))
            .order_by(PrintLayout.id)
        )
    )
    visits = list(
        db.session.scalars(
            select(Appointment)
            .where(Appointment.case_id == case.id, Appointment.deleted_at.is_(None))
            .options(selectinload(Appointment.assignee))
            .order_by(Appointment.starts_at)
        )
    )
    if user.role == Role.TECHNICIAN:
        visits = [v for v in visits if v.assignee_id == user.id]
    orders = list(
        db.session.scalars(
            select(PartsOrder)
            .where(PartsOrder.case_id == case.id, PartsOrder.deleted_at.is_(None))
            .order_by(PartsOrder.id)
        )
    )
    tz = case.tz
    targets: dict[str, list[dict[str, Any]]] = {
        DocumentKind.SERVICE_REQUEST.value: [],
        DocumentKind.VISIT_REPORT.value: [
            {
                "id": v.id,
                "label": f"{docdata.day(v.starts_at, tz)} {docdata.clock(v.starts_at, tz)} — {v.assignee.name}",
            }
            for v in visits
        ],
        DocumentKind.PARTS_ORDER.value: [
            {
                "id": o.id,
                "label": f"{o.number} — {o.supplier_label} ({o.status_label})",
                "email": email_defaults(case, DocumentKind.PARTS_ORDER.value, o),
            }
            for o in orders
        ],
    }
    kinds = []
    for kind in DocumentKind:
        if user.role == Role.TECHNICIAN and kind != DocumentKind.VISIT_REPORT:
            continue
        if kind == DocumentKind.FACTORY_CLAIM:  # printed and e-mailed from its claim
            continue
        kinds.append(
            {
                "kind": kind.value,
                "label": KIND_LABELS[kind],
                "needs": {"visit_report": "appointment_id", "parts_order": "order_id"}.get(kind.value),
                "targets": targets[kind.value],
                "layouts": [
                    {"id": layout.id, "name": layout.name, "is_default": layout.is_default}
                    for layout in layouts
                    if layout.kind == kind.value
                ],
                "email": targets[kind.value][0]["email"]
                if kind == DocumentKind.PARTS_ORDER and targets[kind.value]
                else email_defaults(case, kind.value),
            }
        )
    return {"case_id": case.id, "kinds": kinds}


# --- e-mail -------------------------------------------------------------------------------


def email_defaults(case: ServiceCase, kind: str, order: PartsOrder | None = None) -> dict[str, Any]:
    """The e-mail as offered: to the customer, except a parts order, which goes to its supplier's
    order addresses (never to the customer unless a person types their address)."""
    label = KIND_LABELS[DocumentKind(kind)]
    if kind == DocumentKind.PARTS_ORDER.value:
        return _order_email(case, order)
    customer = case.customer
    return {
        "recipients": [customer.email] if customer.email else [],
        "subject": f"{label} {case.number} — {case.store.name}",
        "message": (
            f"Olá, {customer.name}.\n\n"
            f"Segue em anexo o documento “{label}” referente à assistência técnica {case.number}.\n"
            "Em caso de dúvidas, responda a este e-mail ou fale com a nossa equipe de atendimento.\n\n"
            f"Atenciosamente,\n{case.store.name}"
        ),
    }


def _order_email(case: ServiceCase, order: PartsOrder | None) -> dict[str, Any]:
    store = case.store
    if order is None:
        return {"recipients": [], "subject": f"Pedido de peças — {store.name}", "message": ""}
    supplier = db.session.get(Supplier, order.supplier_id) if order.supplier_id is not None else None
    contract = f", contrato {case.contract.number}" if case.contract is not None else ""
    place = docdata.delivery(case, order)
    where = (
        f"Entregar no endereço do cliente ({place['name']}): {place['address']['line']}"
        + (f", CEP {place['address']['cep']}" if place["address"]["cep"] else "")
        if order.deliver_to_customer
        else f"Entregar na loja: {store.name}" + (f", {place['address']['line']}" if place["address"]["line"] else "")
    )
    return {
        "recipients": list(supplier.order_emails or []) if supplier is not None else [],
        "subject": f"Pedido de peças {order.number} — assistência {case.number} — {store.name}",
        "message": (
            f"Olá, {order.supplier_label}.\n\n"
            f"Segue em anexo o pedido de peças {order.number}, "
            f"referente à assistência técnica {case.number}{contract}.\n"
            f"{where}.\n"
            "Por favor, confirme o recebimento e o prazo de entrega respondendo a este e-mail.\n\n"
            f"Atenciosamente,\n{store.name}"
        ),
    }


def queue_email(user: User, case: ServiceCase, kind: str, data: dict[str, Any]) -> DocumentEmail:
    """Check what can be checked now (kind, visit/order, layout, recipients), record the request
    and the timeline entry, and hand the sending to the background job after the commit."""
    args = {k: data.get(k) for k in ("appointment_id", "order_id", "layout") if data.get(k) is not None}
    case = case_for_document(case.id)
    build_document(user, case, kind, args)  # 403 / 422 now, not in the job
    layout = _layout_for(case, kind, args.get("layout"))
    order = _order(case, args.get("order_id")) if kind == DocumentKind.PARTS_ORDER.value else None
    defaults = email_defaults(case, kind, order)
    recipients = data.get("recipients") or defaults["recipients"]
    if not recipients:
        who = "O fornecedor não tem e-mail de pedidos" if order is not None else "O cliente não tem e-mail"
        raise ValidationFailed({"recipients": [f"{who} cadastrado: informe os destinatários."]})
    email_id = uuid.uuid4()
    email = DocumentEmail(
        id=email_id,
        store_id=case.store_id,
        case_id=case.id,
        kind=kind,
        layout_id=layout.id,
        params={k: v for k, v in args.items() if k != "layout"},
        recipients=list(dict.fromkeys(recipients)),
        subject=data.get("subject") or defaults["subject"],
        message=data.get("message") or defaults["message"],
        message_id=f"<{email_id}@assistec>",
        requested_by_id=user.id,
    )
    db.session.add(email)
    email_after_commit(email_id)  # the job is queued once the request's transaction commits
    record_event(
        case,
        user,
        "document_email_queued",
        {"email_id": str(email_id), "kind": kind, "recipients": email.recipients},
        f"{KIND_LABELS[DocumentKind(kind)]} na fila de envio para {', '.join(email.recipients)}.",
    )
    db.session.flush()
    return email


def load_email(user: User, case: ServiceCase, email_id: uuid.UUID) -> DocumentEmail:
    email = db.session.scalar(
        visible(DocumentEmail, user).where(DocumentEmail.id == email_id, DocumentEmail.case_id == case.id)
    )
    if email is None:
        raise NotFound("Envio não encontrado.")
    return email


def list_emails(user: User, case: ServiceCase) -> list[DocumentEmail]:
    """The case's e-mailed documents, newest first: one query, however many there are."""
    stmt = (
        visible(DocumentEmail, user)
        .where(DocumentEmail.case_id == case.id)
        .order_by(DocumentEmail.created_at.desc(), DocumentEmail.id)
    )
    return list(db.session.scalars(stmt))


__all__ = ["EmailStatus"]
