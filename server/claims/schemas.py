from marshmallow import fields, validate

from server.claims.models import ClaimStatus, CreditForm, Outcome
from server.common.schemas import Day, Id, Money, PageArgs, Quantity, Ref, StoreTime, Strict, Text, page_schema

STATUSES = [s.value for s in ClaimStatus]
OUTCOMES = [o.value for o in Outcome]
FORMS = [f.value for f in CreditForm]


class ClaimItemIn(Strict):
    occurrence_item_id = fields.UUID(required=True)
    outcome = fields.String(
        required=True,
        validate=validate.OneOf(OUTCOMES, error="Resultado pedido inválido."),
        metadata={"description": "replacement_part, credit, exchange (troca), factory_repair (conserto em fábrica)"},
    )
    quantity = Quantity(
        validate=validate.Range(min=0, min_inclusive=False, error="A quantidade deve ser maior que zero."),
        metadata={"description": "Defaults to the occurrence item's"},
    )
    amount = Money(
        validate=validate.Range(min=0, error="O valor não pode ser negativo."),
        metadata={"description": "Amount claimed; defaults to the item's total (quantity × unit cost), else 0"},
    )


class ClaimIn(Strict):
    supplier_id = Id(required=True, metadata={"description": "The factory claimed against"})
    items = fields.List(
        fields.Nested(ClaimItemIn),
        required=True,
        validate=validate.Length(min=1, max=200, error="Informe de 1 a 200 itens."),
        metadata={"description": "Factory-paid occurrence items of this factory, from one or several cases"},
    )
    factory_reference = Text(60, allow_none=True)
    notes = Text(2000, allow_none=True)


class ClaimUpdate(Strict):
    items = fields.List(
        fields.Nested(ClaimItemIn),
        validate=validate.Length(min=1, max=200, error="Informe de 1 a 200 itens."),
        metadata={"description": "Only while a draft; replaces the list"},
    )
    factory_reference = Text(60, allow_none=True)
    notes = Text(2000, allow_none=True)


class MoveIn(Strict):
    status = fields.String(required=True, validate=validate.OneOf(STATUSES, error="Situação inválida."))
    factory_reference = Text(60, allow_none=True, metadata={"description": "The factory's protocol number"})
    note = Text(500, allow_none=True)


class AnswerItemIn(Strict):
    id = Id(required=True, metadata={"description": "The claim item"})
    accepted = fields.Boolean(required=True)
    accepted_quantity = Quantity(validate=validate.Range(min=0, error="A quantidade não pode ser negativa."))
    accepted_amount = Money(validate=validate.Range(min=0, error="O valor não pode ser negativo."))
    refusal_reason = Text(500, allow_none=True)


class AnswersIn(Strict):
    items = fields.List(
        fields.Nested(AnswerItemIn), required=True, validate=validate.Length(min=1, max=200, error="Informe os itens.")
    )


class CreditIn(Strict):
    received_on = Day(required=True)
    amount = Money(
        required=True, validate=validate.Range(min=0, min_inclusive=False, error="O valor deve ser maior que zero.")
    )
    form = fields.String(
        required=True,
        validate=validate.OneOf(FORMS, error="Forma inválida."),
        metadata={"description": "order_credit (crédito em pedido), bonus (bonificação), deposit, part_sent"},
    )
    note = Text(300, allow_none=True)


class ShipmentIn(Strict):
    item_ids = fields.List(
        Id(), required=True, validate=validate.Length(min=1, max=200, error="Informe os itens enviados.")
    )
    factory_reference = Text(60, allow_none=True)
    note = Text(500, allow_none=True)


class DossierEmailIn(Strict):
    recipients = fields.List(
        fields.Email(validate=validate.Length(max=254)),
        validate=validate.Length(max=10, error="Informe no máximo 10 destinatários."),
        metadata={"description": "Defaults to the factory's claim addresses"},
    )
    subject = Text(200)
    message = Text(5000)
    layout = Id()


class ClaimListArgs(PageArgs):
    store_id = Id()
    supplier_id = Id()
    case_id = Id()
    status = fields.String(validate=validate.OneOf(STATUSES, error="Situação inválida."))
    open = fields.Boolean(metadata={"description": "Only claims not closed"})


class BoardArgs(Strict):
    store_id = Id()


class ClaimItemOut(Strict):
    id = fields.Integer()
    claim_id = fields.Integer()
    occurrence_item_id = fields.UUID()
    occurrence_id = fields.UUID()
    case_id = fields.Integer()
    case_number = fields.String(attribute="case_number")
    code = fields.String(allow_none=True, attribute="occurrence_item.code")
    description = fields.String(attribute="occurrence_item.description")
    contract_item_id = fields.Integer(allow_none=True, attribute="occurrence_item.contract_item_id")
    outcome = fields.String()
    outcome_label = fields.String()
    quantity = fields.Decimal(as_string=True)
    amount = Money()
    answer = fields.String()
    answer_label = fields.String()
    accepted_quantity = fields.Decimal(as_string=True, allow_none=True)
    accepted_amount = Money(allow_none=True)
    refusal_reason = fields.String(allow_none=True)
    shipped_at = StoreTime(allow_none=True)


class CreditOut(Strict):
    id = fields.Integer()
    received_on = Day()
    amount = Money()
    form = fields.String()
    form_label = fields.String()
    note = fields.String(allow_none=True)
    created_at = StoreTime()


class ClaimOut(Strict):
    id = fields.Integer()
    store_id = Id()
    number = fields.String()
    supplier_id = Id()
    supplier = fields.Nested(Ref)
    status = fields.String()
    status_label = fields.String()
    allowed_moves = fields.List(fields.String())
    factory_reference = fields.String(allow_none=True)
    notes = fields.String(allow_none=True)
    sent_at = StoreTime(allow_none=True)
    answered_at = StoreTime(allow_none=True)
    closed_at = StoreTime(allow_none=True)
    items = fields.List(fields.Nested(ClaimItemOut))
    credits = fields.List(fields.Nested(CreditOut))
    claimed = Money(metadata={"description": "Sum of the amounts claimed"})
    accepted = Money(metadata={"description": "Expected credit: the accepted amounts"})
    received = Money(metadata={"description": "Credits received"})
    balance = Money(metadata={"description": "Accepted − received"})
    email_ids = fields.List(fields.String(), metadata={"description": "Dossiers e-mailed (see the case's e-mails)"})
    version = fields.Integer()
    created_at = StoreTime()
    updated_at = StoreTime()


ClaimPage = page_schema(ClaimOut, "ClaimPage")


class VisitSuggestion(Strict):
    case_id = fields.Integer()
    case_number = fields.String()
    appointment_type_id = fields.Integer(allow_none=True)
    subject = fields.String()
    notes = fields.String()


class ShipmentOut(Strict):
    claim = fields.Nested(ClaimOut)
    orders_marked = fields.List(fields.String(), metadata={"description": "Parts orders marked (numbers)"})
    visit_suggestions = fields.List(
        fields.Nested(VisitSuggestion), metadata={"description": "An 'Entrega/instalação de peças' visit per case"}
    )


class BoardRow(Strict):
    supplier = fields.Nested(Ref)
    claim_answer_days = fields.Integer()
    open_claims = fields.Integer()
    oldest_waiting_since = Day(allow_none=True, metadata={"description": "Sent on (store's date)"})
    oldest_waiting_days = fields.Integer(allow_none=True)
    mean_days_to_answer = fields.Decimal(as_string=True, allow_none=True, places=1)
    acceptance_rate = fields.Decimal(
        as_string=True,
        allow_none=True,
        places=3,
        metadata={"description": "Accepted ÷ claimed amount, answered claims"},
    )
    claimed = Money()
    accepted = Money()
    received = Money()
    outstanding = Money()
    overdue = fields.List(fields.Nested(lambda: OverdueClaim()))


class OverdueClaim(Strict):
    id = fields.Integer()
    number = fields.String()
    sent_on = Day()
    days_waiting = fields.Integer()


class BoardOut(Strict):
    factories = fields.List(fields.Nested(BoardRow))
    totals = fields.Dict(keys=fields.String(), values=fields.String())


class PhoneClaimItemOut(Strict):
    """What a technician's phone holds: which occurrence item is under which claim (read-only)."""

    id = fields.Integer()
    store_id = fields.Integer()
    claim_id = fields.Integer()
    claim_number = fields.String(attribute="claim.number")
    claim_status = fields.String(attribute="claim.status")
    claim_status_label = fields.String(attribute="claim.status_label")
    supplier = fields.String(attribute="claim.supplier.name")
    occurrence_id = fields.UUID()
    occurrence_item_id = fields.UUID()
    case_id = fields.Integer()
    outcome = fields.String()
    outcome_label = fields.String()
    answer = fields.String()
    answer_label = fields.String()
    version = fields.Integer()
