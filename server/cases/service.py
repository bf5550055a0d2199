"""Cases (Assistências): opening, editing, status flow, cancelling, and the timeline."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from server.auth.access import get_visible, pick_store, visible
from server.auth.models import Role, User
from server.cases import events
from server.cases.models import FINISHED, STATUS_LABELS, CaseEvent, CaseStatus, ServiceCase
from server.cases.progress import open_order_numbers, record_event
from server.cases.search import RECENT_WINDOW, case_search, case_search_row
from server.common.pagination import Page, cursor_bounds, paginate
from server.common.text import search_blob
from server.contracts.models import Contract
from server.customers.models import Customer
from server.customers.search import search_is_broad
from server.customers.service import build_customer
from server.database import bump_store_version, utcnow
from server.errors import Conflict, ValidationFailed
from server.extensions import db
from server.stores.models import Store
from server.stores.numbering import Numbered, next_number

LOAD = (
    selectinload(ServiceCase.store),
    selectinload(ServiceCase.customer),
    selectinload(ServiceCase.contract),
    selectinload(ServiceCase.assignee),
)

# Manual moves a scheduler may make (with a reason). Later, visits and occurrences move the
# status on their own; closed and cancelled cases can be reopened.
TRANSITIONS: dict[CaseStatus, set[CaseStatus]] = {
    CaseStatus.OPEN: {CaseStatus.SCHEDULED, CaseStatus.IN_SERVICE, CaseStatus.CANCELLED},
    CaseStatus.SCHEDULED: {CaseStatus.OPEN, CaseStatus.IN_SERVICE, CaseStatus.PENDING, CaseStatus.CANCELLED},
    CaseStatus.IN_SERVICE: {CaseStatus.SCHEDULED, CaseStatus.PENDING, CaseStatus.CLOSED, CaseStatus.CANCELLED},
    CaseStatus.PENDING: {CaseStatus.SCHEDULED, CaseStatus.IN_SERVICE, CaseStatus.CLOSED, CaseStatus.CANCELLED},
    CaseStatus.CLOSED: {CaseStatus.PENDING},
    CaseStatus.CANCELLED: {CaseStatus.OPEN},
}

# Fields whose changes the timeline records, in the order it shows them.
TRACKED = (
    "status",
    "status_reason",
    "reported_issue",
    "access_notes",
    "service_address",
    "contract_id",
    "assignee_id",
)


def load_case(user: User, case_id: int) -> ServiceCase:
    case = db.session.scalar(visible(ServiceCase, user).where(ServiceCase.id == case_id).options(*LOAD))
    if case is None:
        return get_visible(ServiceCase, case_id, user, "Assistência não encontrada.")  # raises the 404
    return case


# --- reading ------------------------------------------------------------------------------


def _day_start(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz)


def filtered_cases(user: User, args: dict[str, Any], *, row_by_row: bool = False) -> Select[ServiceCase]:
    """The cases the filters in `args` keep (`row_by_row`: the search checked on each case read,
    for a scan of the latest cases, see `recent_matches`)."""
    stmt = visible(ServiceCase, user)
    now = utcnow()
    if args.get("store_id") is not None:
        stmt = stmt.where(ServiceCase.store_id == args["store_id"])
    if args.get("status"):
        stmt = stmt.where(ServiceCase.status.in_(args["status"]))
    if args.get("customer_id") is not None:
        stmt = stmt.where(ServiceCase.customer_id == args["customer_id"])
    if args.get("contract_number"):
        contracts = select(Contract.id).where(Contract.number == args["contract_number"])
        stmt = stmt.where(ServiceCase.contract_id.in_(contracts))
    if args.get("assignee"):
        assignee = user.id if args["assignee"] == "me" else int(args["assignee"])
        stmt = stmt.where(ServiceCase.assignee_id == assignee)
    if args.get("overdue") is not None:
        late = (ServiceCase.due_at < now) & ServiceCase.status.not_in(FINISHED)
        stmt = stmt.where(late if args["overdue"] else ~late)
    if args.get("due_within_days") is not None:
        limit = now + timedelta(days=args["due_within_days"])
        stmt = stmt.where(ServiceCase.due_at >= now, ServiceCase.due_at <= limit, ServiceCase.status.not_in(FINISHED))
    if args.get("q"):
        stores = user.store_ids if args.get("store_id") is None else [args["store_id"]]
        stmt = stmt.where(case_search_row(args["q"]) if row_by_row else case_search(args["q"], stores))
    tz = ZoneInfo(user.stores[0].timezone) if user.stores else ZoneInfo("America/Sao_Paulo")
    if args.get("opened_from"):
        stmt = stmt.where(ServiceCase.opened_at >= _day_start(args["opened_from"], tz))
    if args.get("opened_to"):
        stmt = stmt.where(ServiceCase.opened_at < _day_start(args["opened_to"] + timedelta(days=1), tz))
    return stmt


def list_cases(user: User, args: dict[str, Any]) -> Page[ServiceCase]:
    if args.get("q") and args.get("sort") != "due_at":
        page = recent_matches(user, args)
        if page is not None:
            return page
    stmt = filtered_cases(user, args).options(*LOAD)
    if args.get("sort") == "due_at":
        return paginate(
            stmt,
            [ServiceCase.due_at, ServiceCase.id],
            lambda c: (c.due_at, c.id),
            cursor=args.get("cursor"),
            limit=args.get("limit"),
        )
    return paginate(
        stmt, [ServiceCase.id], lambda c: (c.id,), cursor=args.get("cursor"), limit=args.get("limit"), descending=True
    )


def recent_matches(user: User, args: dict[str, Any]) -> Page[ServiceCase] | None:
    """The page, when the latest `RECENT_WINDOW` cases (after the cursor) fill it; else None.

    A common word (a surname) matches a share of every year's cases: reading the latest cases
    and checking each stops after a page, whatever the history holds, where gathering every
    match first would grow with it. A rare term (a CPF, a phone) is left to the indexed search."""
    if not search_is_broad(args["q"]):
        return None
    newest = visible(ServiceCase, user).with_only_columns(ServiceCase.id)
    if args.get("store_id") is not None:
        newest = newest.where(ServiceCase.store_id == args["store_id"])
    if args.get("cursor"):
        newest = newest.where(ServiceCase.id < cursor_bounds(args["cursor"], (ServiceCase.id,))[0])
    floor = db.session.scalar(newest.order_by(ServiceCase.id.desc()).offset(RECENT_WINDOW).limit(1))
    stmt = filtered_cases(user, args, row_by_row=True).options(*LOAD)
    if floor is not None:
        stmt = stmt.where(ServiceCase.id > floor)
    page = paginate(
        stmt, [ServiceCase.id], lambda c: (c.id,), cursor=args.get("cursor"), limit=args.get("limit"), descending=True
    )
    return page if floor is None or page.next_cursor is not None else None


def timeline(case: ServiceCase) -> list[CaseEvent]:
    stmt = (
        select(CaseEvent)
        .where(CaseEvent.case_id == case.id, CaseEvent.deleted_at.is_(None))
        .options(selectinload(CaseEvent.actor), selectinload(CaseEvent.store))
        .order_by(CaseEvent.at, CaseEvent.id)
    )
    return list(db.session.scalars(stmt))


# --- writing ------------------------------------------------------------------------------


def _snapshot(case: ServiceCase) -> dict[str, Any]:
    return {field: getattr(case, field) for field in TRACKED}


def _diff(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {field: {"from": before[field], "to": after[field]} for field in TRACKED if before[field] != after[field]}


def _visible_contract(user: User, contract_id: int) -> Contract:
    contract = db.session.scalar(visible(Contract, user).where(Contract.id == contract_id))
    if contract is None:
        raise ValidationFailed({"contract_id": ["Contrato não encontrado."]})
    return contract


def _assignee(store_id: int, user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.active or user.role != Role.TECHNICIAN or store_id not in user.store_ids:
        raise ValidationFailed({"assignee_id": ["Técnico não encontrado nesta loja."]})
    return user


def _refresh_search(case: ServiceCase) -> None:
    case.search_text = search_blob(case.number, case.number.replace("-", ""), case.reported_issue)


def _customer_and_store(data: dict[str, Any], contract: Contract | None, actor: User) -> tuple[Customer, Store]:
    """The case's customer — existing (`customer_id`), new (`customer`) or the contract's — and store."""
    customer_id, new_customer = data.pop("customer_id", None), data.pop("customer", None)
    if customer_id is not None and new_customer is not None:
        raise ValidationFailed({"customer": ["Informe o cliente existente ou os dados de um novo, não ambos."]})

    if customer_id is not None:
        customer = db.session.scalar(visible(Customer, actor).where(Customer.id == customer_id))
        if customer is None:
            raise ValidationFailed({"customer_id": ["Cliente não encontrado."]})
        if contract is not None and contract.customer_id != customer.id:
            raise ValidationFailed({"contract_id": ["Este contrato é de outro cliente."]})
        store = db.session.get_one(Store, customer.store_id)
    elif new_customer is not None:
        if contract is not None:  # a contract always has its customer: never a new one
            raise ValidationFailed({"contract_id": ["Este contrato é de outro cliente."]})
        store = pick_store(actor, data.get("store_id"))
        try:
            customer = build_customer(store, {"assistance_only": True, **new_customer})
        except ValidationFailed as error:  # name the fields as the request did: customer.document
            errors = cast("dict[str, list[str]]", error.data["errors"])
            raise ValidationFailed({f"customer.{field}": msgs for field, msgs in errors.items()}) from None
        db.session.flush()
    elif contract is not None:
        customer = db.session.get_one(Customer, contract.customer_id)
        store = db.session.get_one(Store, contract.store_id)
    else:
        raise ValidationFailed({"customer_id": ["Informe o cliente (ou um contrato)."]})
    if data.pop("store_id", None) not in (None, store.id):
        raise ValidationFailed({"store_id": ["O cliente é de outra loja."]})
    return customer, store


def open_case(data: dict[str, Any], actor: User) -> ServiceCase:
    """Open a case for an existing customer (`customer_id`), a new one (`customer`), or a contract's."""
    data = dict(data)
    contract_id = data.pop("contract_id", None)
    contract = _visible_contract(actor, contract_id) if contract_id is not None else None
    customer, store = _customer_and_store(data, contract, actor)

    address = data.pop("service_address", None) or (contract.delivery_address if contract else None) or customer.address
    if not address:
        raise ValidationFailed({"service_address": ["Informe o endereço do atendimento."]})
    assignee_id = data.pop("assignee_id", None)
    if assignee_id is not None:
        _assignee(store.id, assignee_id)

    opened_at = data.pop("opened_at", None) or utcnow()
    if opened_at.tzinfo is None:  # a naive time is the store's wall clock
        opened_at = opened_at.replace(tzinfo=ZoneInfo(store.timezone))
    if opened_at > utcnow() + timedelta(minutes=5):
        raise ValidationFailed({"opened_at": ["A data de abertura não pode estar no futuro."]})
    # The number counts registrations: its year is the year the case is registered, so a case
    # backdated into last year neither restarts nor collides with the running sequence.
    year = utcnow().astimezone(ZoneInfo(store.timezone)).year
    case = ServiceCase(
        store_id=store.id,
        number=next_number(db.session, store.id, Numbered.CASE, year),
        customer_id=customer.id,
        contract_id=contract.id if contract else None,
        assignee_id=assignee_id,
        assignee_chosen=assignee_id is not None,
        created_by_id=actor.id,
        service_address=address,
        opened_at=opened_at,
        due_at=opened_at + timedelta(days=store.repair_deadline_days),
        status=CaseStatus.OPEN.value,
        **data,
    )
    _refresh_search(case)
    db.session.add(case)
    db.session.flush()
    record_event(case, actor, "created", {"number": case.number, "due_at": case.due_at.isoformat()})
    db.session.flush()
    return load_case(actor, case.id)


def _move(case: ServiceCase, target: CaseStatus, reason: str | None) -> None:
    current = CaseStatus(case.status)
    if target == current:
        return
    if target not in TRANSITIONS[current]:
        raise Conflict(
            f"Não é possível mudar a situação de {STATUS_LABELS[current]} para {STATUS_LABELS[target]}.",
            slug="invalid-transition",
        )
    if not reason:
        raise ValidationFailed({"status_reason": ["Informe o motivo da mudança de situação."]})
    case.status = target.value
    case.status_reason = reason
    if target == CaseStatus.CLOSED:
        case.closed_at = utcnow()
    elif current in (CaseStatus.CLOSED, CaseStatus.CANCELLED):
        case.closed_at = None
    if target == CaseStatus.CANCELLED:
        case.closed_at = utcnow()


def _check_open_orders(case: ServiceCase, status: str | None, force: bool) -> str | None:
    """A case with a parts order in draft or sent is closed only with `force` (and a reason).

    The store lock comes first, so no order is generated between this check and the close.
    Returns the timeline note of a forced close.
    """
    current = CaseStatus(case.status)
    if status != CaseStatus.CLOSED.value or CaseStatus.CLOSED not in TRANSITIONS[current]:
        return None  # not a close, or an invalid one that _move refuses
    bump_store_version(db.session, case.store_id)
    numbers = open_order_numbers(case)
    if not numbers:
        return None
    listed = ", ".join(numbers)
    if not force:
        raise Conflict(
            f"A assistência tem pedidos de peças em aberto ({listed}): receba ou cancele os pedidos antes de "
            "finalizá-la, ou force a finalização informando o motivo.",
            slug="open-orders",
        )
    return f"Finalização forçada com pedidos de peças em aberto: {listed}."[:500]


def update_case(case: ServiceCase, data: dict[str, Any], actor: User) -> ServiceCase:
    """Edit a case loaded with `load_case`; a status change needs `status_reason`."""
    data = dict(data)
    before = _snapshot(case)
    if "contract_id" in data:
        contract_id = data.pop("contract_id")
        if contract_id is not None:
            contract = _visible_contract(actor, contract_id)
            if contract.customer_id != case.customer_id:
                raise ValidationFailed({"contract_id": ["Este contrato é de outro cliente."]})
        case.contract_id = contract_id
    if data.get("assignee_id") is not None:
        _assignee(case.store_id, data["assignee_id"])
    if "assignee_id" in data:
        case.assignee_id = data.pop("assignee_id")
        case.assignee_chosen = case.assignee_id is not None
        if not case.assignee_chosen:  # "—" chosen: back to the visits' technician
            events.assignee_released.send(case)
    status, reason = data.pop("status", None), data.pop("status_reason", None)
    note = _check_open_orders(case, status, data.pop("force", False))
    if status is not None:
        _move(case, CaseStatus(status), reason)
    elif reason is not None:
        raise ValidationFailed({"status": ["Informe a nova situação."]})
    for key, value in data.items():
        setattr(case, key, value)
    _refresh_search(case)
    changes = _diff(before, _snapshot(case))
    if changes:
        record_event(case, actor, "status_changed" if "status" in changes else "updated", changes, note)
    if "status" in changes and case.status in FINISHED:
        events.case_finished.send(case, actor=actor)
    db.session.flush()
    return load_case(actor, case.id)


def cancel_case(case: ServiceCase, reason: str, actor: User) -> ServiceCase:
    return update_case(case, {"status": CaseStatus.CANCELLED.value, "status_reason": reason}, actor)
