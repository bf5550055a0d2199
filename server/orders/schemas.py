from marshmallow import fields, validate

from server.common.schemas import Id, Money, StoreTime, Strict, Text
from server.occurrences.schemas import ItemOut
from server.orders.models import OrderStatus

STATUSES = [status.value for status in OrderStatus]


class OrderGenerateIn(Strict):
    item_ids = fields.List(
        fields.UUID(),
        validate=validate.Length(max=500),
        metadata={"description": "Only these items (each a case item not on a live order); default: all free items"},
    )
    notes = Text(1000, allow_none=True, metadata={"description": "Copied to every order generated"})
    deliver_to_customer = fields.Boolean(
        load_default=False, metadata={"description": "Parts delivered at the service address (else at the store)"}
    )


class OrderUpdate(Strict):
    notes = Text(1000, allow_none=True)
    deliver_to_customer = fields.Boolean()
    supplier_id = Id(metadata={"description": "Only while draft; the order's items follow"})
    supplier = Text(120, metadata={"description": "A name instead of supplier_id: the store's supplier of that name"})
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


class OrderOut(Strict):
    id = fields.Integer()
    store_id = Id()
    case = fields.Nested(OrderCaseRef)
    number = fields.String(metadata={"description": "PD-<year>-<seq>, per store"})
    supplier = fields.String(allow_none=True, metadata={"description": "The supplier's name when ordered"})
    supplier_id = fields.Integer(allow_none=True)
    supplier_label = fields.String()
    payer = fields.String()
    payer_label = fields.String()
    status = fields.String()
    status_label = fields.String()
    notes = fields.String(allow_none=True)
    deliver_to_customer = fields.Boolean()
    cancel_reason = fields.String(allow_none=True)
    created_by_id = Id(allow_none=True)
    items = fields.List(fields.Nested(ItemOut))
    total = Money(metadata={"description": "Items with a cost"})
    items_without_cost = fields.Integer()
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
