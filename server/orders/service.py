"""Parts orders (Pedidos de peças) and the cost summary of a case.

Orders are for parts: they are generated from a case's items that are parts (replace, or flagged
`needs_part`), have a supplier and are not on a live order yet; labour never becomes an order.
One order per (supplier, payer), the payer being the Modalidade of the item's occurrence. An item is never on
two live orders: every write here takes the store's row lock (`bump_store_version`) *before* it
reads, so two generate calls on one case queue and the second sees the first one's orders.

    draft (Rascunho) → sent (Enviado) → received (Recebido)
    draft | sent     → cancelled (Cancelado, reason required; its items are freed)

Every change lands in the case timeline and moves the case status (`follow_work`): an open
order (draft or sent) keeps the case `pending`.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import selectinload

from server.auth.access import visible
from server.auth.models import User
from server.cases.models import FINISHED, ServiceCase
from server.cases.progress import follow_work, record_event
from server.database import bump_store_version, utcnow
from server.errors import Conflict, NotFound, Problem, ValidationFailed
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem, Payer, line_total
from server.orders.models import ORDER_STATUS_LABELS, OrderStatus, PartsOrder
from server.stores.numbering import Numbered, next_number
from server.suppliers.models import Supplier
from server.suppliers.service import supplier_named, supplier_of

TRANSITIONS: dict[OrderStatus, set[OrderStatus]] = {
    OrderStatus.DRAFT: {OrderStatus.SENT, OrderStatus.CANCELLED},
    OrderStatus.SENT: {OrderStatus.RECEIVED, OrderStatus.CANCELLED},
    OrderStatus.RECEIVED: set(),
    OrderStatus.CANCELLED: set(),
}
EVENT_KINDS = {
    OrderStatus.SENT: "order_sent",
    OrderStatus.RECEIVED: "order_received",
    OrderStatus.CANCELLED: "order_cancelled",
}

LOAD = (selectinload(PartsOrder.items), selectinload(PartsOrder.store), selectinload(PartsOrder.case))

# Columns a write re-reads once it holds the store lock (another request may have just changed them).
_ORDER_STATE = [
    "status",
    "supplier",
    "supplier_id",
    "notes",
    "deliver_to_customer",
    "cancel_reason",
    "sent_at",
    "received_at",
    "cancelled_at",
]


# --- money --------------------------------------------------------------------------------


def costs_by_payer(*conditions: ColumnElement[bool]) -> dict[str, Any]:
    """What the store, factory, customer and carrier each bear on the live items that meet
    `conditions`; each line rounded to the cent before adding, so every summary agrees."""
    stmt = (
        select(OccurrenceItem.quantity, OccurrenceItem.unit_cost, Occurrence.payer)
        .join(Occurrence, Occurrence.id == OccurrenceItem.occurrence_id)
        .where(Occurrence.deleted_at.is_(None), OccurrenceItem.deleted_at.is_(None), *conditions)
    )
    by_payer = {payer.value: Decimal("0.00") for payer in Payer}
    missing = 0
    for quantity, unit_cost, payer in db.session.execute(stmt):
        line = line_total(quantity, unit_cost)
        if line is None:
            missing += 1
        else:
            by_payer[payer] += line
    return {"by_payer": by_payer, "total": sum(by_payer.values(), Decimal("0.00")), "items_without_cost": missing}


def cost_summary(case: ServiceCase) -> dict[str, Any]:
    """The case's costs by payer."""
    return costs_by_payer(Occurrence.case_id == case.id)


# --- reading ------------------------------------------------------------------------------


def visible_orders(user: User) -> Select[PartsOrder]:
    """Orders of the cases the user may see (a technician: their cases)."""
    return visible(PartsOrder, user).where(
        PartsOrder.case_id.in_(visible(ServiceCase, user).with_only_columns(ServiceCase.id))
    )


def load_order(user: User, order_id: int) -> PartsOrder:
    order = db.session.scalar(visible_orders(user).where(PartsOrder.id == order_id).options(*LOAD))
    if order is None:
        raise NotFound("Pedido não encontrado.")
    return order


def list_orders(case: ServiceCase) -> list[PartsOrder]:
    """The case's orders, oldest first, with their items (a fixed number of queries)."""
    stmt = (
        select(PartsOrder)
        .where(PartsOrder.case_id == case.id, PartsOrder.deleted_at.is_(None))
        .options(*LOAD)
        .order_by(PartsOrder.id)
    )
    return list(db.session.scalars(stmt))


def _load_orders(ids: list[int]) -> list[PartsOrder]:
    stmt = select(PartsOrder).where(PartsOrder.id.in_(ids)).options(*LOAD).order_by(PartsOrder.id)
    return list(db.session.scalars(stmt))


# --- generating ---------------------------------------------------------------------------


def _case_items(case: ServiceCase) -> list[tuple[OccurrenceItem, str, str | None]]:
    """The case's live items: (item, payer of its occurrence, number of the live order it is on)."""
    on_order = (
        (PartsOrder.id == OccurrenceItem.order_id)
        & PartsOrder.deleted_at.is_(None)
        & (PartsOrder.status != OrderStatus.CANCELLED.value)
    )
    stmt = (
        select(OccurrenceItem, Occurrence.payer, PartsOrder.number)
        .join(Occurrence, Occurrence.id == OccurrenceItem.occurrence_id)
        .outerjoin(PartsOrder, on_order)
        .where(Occurrence.case_id == case.id, Occurrence.deleted_at.is_(None), OccurrenceItem.deleted_at.is_(None))
        .order_by(OccurrenceItem.created_at, OccurrenceItem.id)
        .execution_options(populate_existing=True)  # as committed now, not as this session saw them before the lock
    )
    return [(item, payer, number) for item, payer, number in db.session.execute(stmt)]


def _not_orderable(item: OccurrenceItem) -> str | None:
    """Why the item cannot go on a parts order, or None."""
    if not item.is_part:
        return "O item é mão de obra (ajuste ou reparo sem peça): não entra em pedido de peças."
    if item.supplier_id is None:
        return "Defina o fornecedor do item antes de pedi-lo."
    return None


def _chosen_items(
    case_items: list[tuple[OccurrenceItem, str, str | None]], item_ids: list[uuid.UUID] | None
) -> list[tuple[OccurrenceItem, str]]:
    """The items to order: every free part with a supplier, or the given ones (each must be one)."""
    if item_ids is None:
        return [(item, payer) for item, payer, number in case_items if number is None and not _not_orderable(item)]
    by_id = {item.id: (item, payer, number) for item, payer, number in case_items}
    errors: dict[str, list[str]] = {}
    chosen: dict[uuid.UUID, tuple[OccurrenceItem, str]] = {}
    for index, item_id in enumerate(item_ids):
        if item_id not in by_id:
            errors[f"item_ids.{index}"] = ["Item não encontrado nesta assistência."]
            continue
        item, payer, number = by_id[item_id]
        reason = _not_orderable(item)
        if number is not None:
            errors[f"item_ids.{index}"] = [f"O item já está no pedido {number}."]
        elif reason:
            errors[f"item_ids.{index}"] = [reason]
        else:
            chosen[item_id] = (item, payer)
    if errors:
        raise ValidationFailed(errors)
    return list(chosen.values())


def _groups(items: list[tuple[OccurrenceItem, str]]) -> list[tuple[Supplier, str, list[OccurrenceItem]]]:
    """(supplier, payer, items) per order to create, by supplier name then payer."""
    ids = {item.supplier_id for item, _ in items}
    suppliers = {s.id: s for s in db.session.scalars(select(Supplier).where(Supplier.id.in_(ids)))}
    groups: dict[tuple[int, str], list[OccurrenceItem]] = {}
    for item, payer in items:
        groups.setdefault((item.supplier_id, payer), []).append(item)  # type: ignore[arg-type]
    payers = [payer.value for payer in Payer]
    ordered = sorted(groups, key=lambda key: (suppliers[key[0]].sort_name, key[0], payers.index(key[1])))
    return [(suppliers[key[0]], key[1], groups[key]) for key in ordered]


def _lock_case(case: ServiceCase) -> None:
    """Take the store lock, then re-read the case's status as it is now."""
    bump_store_version(db.session, case.store_id)
    db.session.refresh(case, ["status", "status_reason", "closed_at"])


def generate_orders(case: ServiceCase, data: dict[str, Any], actor: User) -> list[PartsOrder]:
    """Draft orders for the case's free items (or the given `item_ids`), one per (supplier, payer)."""
    _lock_case(case)  # before reading the free items: a concurrent generate waits here
    if case.status in FINISHED:
        raise Conflict("A assistência está finalizada ou cancelada: reabra-a para gerar pedidos.", slug="case-finished")
    chosen = _chosen_items(_case_items(case), data.get("item_ids"))
    if not chosen:
        raise Problem(
            422,
            "Não há itens para pedir: as peças com fornecedor desta assistência já estão em pedidos "
            "(mão de obra e itens sem fornecedor não entram em pedidos).",
            slug="nothing-to-order",
        )
    year = utcnow().astimezone(case.tz).year
    created: list[PartsOrder] = []
    for supplier, payer, items in _groups(chosen):
        order = PartsOrder(
            store_id=case.store_id,
            case_id=case.id,
            number=next_number(db.session, case.store_id, Numbered.ORDER, year),
            supplier=supplier.name,
            supplier_id=supplier.id,
            payer=payer,
            status=OrderStatus.DRAFT.value,
            notes=data.get("notes"),
            deliver_to_customer=data.get("deliver_to_customer", False),
            created_by_id=actor.id,
        )
        db.session.add(order)
        db.session.flush()
        for item in items:
            item.order_id = order.id
        record_event(
            case,
            actor,
            "order_created",
            {
                "order_id": order.id,
                "number": order.number,
                "supplier": supplier.name,
                "supplier_id": supplier.id,
                "payer": payer,
                "item_ids": [str(item.id) for item in items],
            },
            f"Pedido {order.number} gerado: {supplier.name}, {len(items)} item(ns).",
        )
        created.append(order)
    follow_work(case, actor)
    db.session.flush()
    return _load_orders([order.id for order in created])


# --- changing -----------------------------------------------------------------------------


def _lock_order(order: PartsOrder) -> None:
    bump_store_version(db.session, order.store_id)
    db.session.refresh(order, _ORDER_STATE)
    db.session.refresh(order.case, ["status", "status_reason", "closed_at"])


def _items_on(order: PartsOrder) -> list[OccurrenceItem]:
    stmt = (
        select(OccurrenceItem)
        .where(OccurrenceItem.order_id == order.id, OccurrenceItem.deleted_at.is_(None))
        .execution_options(populate_existing=True)
    )
    return list(db.session.scalars(stmt))


def _label(status: OrderStatus) -> str:
    return ORDER_STATUS_LABELS[status]


def _move(order: PartsOrder, target: OrderStatus, reason: str | None, actor: User) -> bool:
    """Move the order along the flow; False when it already is there."""
    current = OrderStatus(order.status)
    if target == current:
        return False
    if target not in TRANSITIONS[current]:
        raise Conflict(
            f"Não é possível mudar o pedido {order.number} de {_label(current)} para {_label(target)}.",
            slug="invalid-transition",
        )
    changes: dict[str, Any] = {
        "order_id": order.id,
        "number": order.number,
        "status": {"from": current.value, "to": target.value},
    }
    note = f"Pedido {order.number}: {_label(current)} → {_label(target)}."
    now = utcnow()
    if target == OrderStatus.SENT:
        if order.supplier_id is None:
            raise Conflict(f"Defina o fornecedor do pedido {order.number} antes de enviá-lo.", slug="supplier-missing")
        order.sent_at = now
    elif target == OrderStatus.RECEIVED:
        order.received_at = now
    elif target == OrderStatus.CANCELLED:
        if not reason:
            raise ValidationFailed({"cancel_reason": ["Informe o motivo do cancelamento."]})
        order.cancel_reason = reason
        order.cancelled_at = now
        freed = _items_on(order)
        for item in freed:  # back to the case's free items: they can go on a new order
            item.order_id = None
        changes["items_freed"] = [str(item.id) for item in freed]  # the order no longer lists them
        note = f"Pedido {order.number} cancelado: {reason}"
    order.status = target.value
    record_event(order.case, actor, EVENT_KINDS[target], changes, note[:500])
    follow_work(order.case, actor)
    return True


def update_order(order: PartsOrder, data: dict[str, Any], actor: User) -> PartsOrder:
    """Edit notes and supplier (the supplier only while draft) and/or move `status`."""
    data = dict(data)
    _lock_order(order)
    status, reason = data.pop("status", None), data.pop("cancel_reason", None)
    if reason is not None and status != OrderStatus.CANCELLED.value:
        raise ValidationFailed({"cancel_reason": ["Informe o motivo apenas ao cancelar o pedido."]})
    changes: dict[str, Any] = {}
    if data.get("supplier_id") is not None or data.get("supplier"):  # a name typed is the store's supplier of it
        supplier = (
            supplier_of(order.store_id, data["supplier_id"], "supplier_id")
            if data.get("supplier_id") is not None
            else supplier_named(order.store_id, data["supplier"])
        )
        data.pop("supplier_id", None)
        data["supplier"] = supplier
    else:
        data.pop("supplier_id", None)
        data.pop("supplier", None)
    if "supplier" in data and data["supplier"].id != order.supplier_id:
        if order.status != OrderStatus.DRAFT.value:
            raise Conflict(
                f"O pedido {order.number} já está {_label(OrderStatus(order.status)).lower()}: "
                "o fornecedor só muda no rascunho.",
                slug="order-not-draft",
            )
        supplier = data["supplier"]
        changes["supplier"] = {"from": order.supplier, "to": supplier.name}
        order.supplier, order.supplier_id = supplier.name, supplier.id
        for item in _items_on(order):  # the items follow, so a re-order after a cancel keeps it
            item.supplier, item.supplier_id = supplier.name, supplier.id
    for field in ("notes", "deliver_to_customer"):
        if field in data and data[field] != getattr(order, field):
            changes[field] = {"from": getattr(order, field), "to": data[field]}
            setattr(order, field, data[field])
    if changes:
        record_event(order.case, actor, "order_updated", {"order_id": order.id, "number": order.number, **changes})
    moved = status is not None and _move(order, OrderStatus(status), reason, actor)
    if changes or moved:
        db.session.flush()
    return load_order(actor, order.id)


def cancel_order(order: PartsOrder, reason: str, actor: User) -> PartsOrder:
    return update_order(order, {"status": OrderStatus.CANCELLED.value, "cancel_reason": reason}, actor)
