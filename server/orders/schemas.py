from collections.abc import Callable
from typing import Any

from marshmallow import fields, validate

from server.common.schemas import StoreTime, Strict, Text
from server.occurrences.models import ACTION_LABELS, PAYER_LABELS, ItemAction, Payer
from server.orders.models import OrderStatus
from server.orders.service import NO_SUPPLIER, line_total, order_totals

STATUSES = [status.value for status in OrderStatus]


class Money(fields.Decimal):
    """R$ as a string exact to the cent: "1234.50"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, as_string=True, **kwargs)


class Derived:
    """A field whose value is computed from the object (typed in OpenAPI, unlike fields.Function)."""

    def __init__(self, compute: Callable[[Any], Any], **kwargs: Any) -> None:
        self.compute = compute
        super().__init__(**kwargs)

    def get_value(self, obj: Any, attr: str, accessor: Any = None, default: Any = None) -> Any:
        return self.compute(obj)


class DerivedString(Derived, fields.String):
    pass


class DerivedInteger(Derived, fields.Integer):
    pass


class DerivedMoney(Derived, Money):
    pass


class OrderGenerateIn(Strict):
    item_ids = fields.List(
        fields.UUID(),
        validate=validate.Length(max=500),
        metadata={"description": "Only these items (each a case item not on a live order); default: all free items"},
    )
    notes = Text(1000, allow_none=True, metadata={"description": "Copied to every order generated"})


class OrderUpdate(Strict):
    notes = Text(1000, allow_none=True)
    supplier = Text(120, allow_none=True, metadata={"description": "Only while draft; the order's items follow"})
    status = fields.String(
        validate=validate.OneOf(STATUSES, error="Situação inválida."),
        metadata={"description": "draft → sent → received; draft or sent → cancelled (with cancel_reason)"},
    )
    cancel_reason = Text(500, metadata={"description": "Required when status is cancelled"})


class OrderCancelIn(Strict):
    reason = Text(500, required=True, metadata={"description": "Motivo do cancelamento"})


class OrderCaseRef(Strict):
    id = fields.Integer()
    number = fields.String()


class OrderItemOut(Strict):
    id = fields.UUID()
    occurrence_id = fields.UUID()
    description = fields.String()
    code = fields.String(allow_none=True)
    quantity = fields.Decimal(as_string=True)
    unit = fields.String()
    action = fields.String()
    action_label = DerivedString(lambda item: ACTION_LABELS[ItemAction(item.action)])
    supplier = fields.String(allow_none=True)
    unit_cost = Money(allow_none=True)
    total = DerivedMoney(
        lambda item: line_total(item.quantity, item.unit_cost),
        allow_none=True,
        metadata={"description": "quantity × unit cost, half up to the cent; null without a cost"},
    )


class OrderOut(Strict):
    id = fields.Integer()
    store_id = fields.Integer()
    case = fields.Nested(OrderCaseRef)
    number = fields.String(metadata={"description": "PD-<year>-<seq>, per store"})
    supplier = fields.String(allow_none=True)
    supplier_label = DerivedString(lambda order: order.supplier or NO_SUPPLIER)
    payer = fields.String()
    payer_label = DerivedString(lambda order: PAYER_LABELS[Payer(order.payer)])
    status = fields.String()
    status_label = fields.String()
    notes = fields.String(allow_none=True)
    cancel_reason = fields.String(allow_none=True)
    created_by_id = fields.Integer(allow_none=True)
    items = fields.List(fields.Nested(OrderItemOut))
    total = DerivedMoney(lambda order: order_totals(order.items)[0], metadata={"description": "Items with a cost"})
    items_without_cost = DerivedInteger(lambda order: order_totals(order.items)[1])
    sent_at = StoreTime(allow_none=True)
    received_at = StoreTime(allow_none=True)
    cancelled_at = StoreTime(allow_none=True)
    version = fields.Integer()
    created_at = StoreTime()
    updated_at = StoreTime()


class PayerTotals(Strict):
    store = Money(metadata={"description": "Paga pela Loja"})
    factory = Money(metadata={"description": "Paga pela Fábrica"})
    customer = Money(metadata={"description": "Paga pelo Cliente"})
    carrier = Money(metadata={"description": "Paga pela Transportadora"})


class CostSummaryOut(Strict):
    by_payer = fields.Nested(PayerTotals)
    total = Money()
    items_without_cost = fields.Integer(metadata={"description": "Items with no unit cost (not in the totals)"})
