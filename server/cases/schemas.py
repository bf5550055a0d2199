from marshmallow import fields, validate
from webargs.fields import DelimitedList

from server.cases.models import CaseStatus
from server.common.schemas import (
    AddressSchema,
    Day,
    Id,
    PageArgs,
    Ref,
    StoreTime,
    Strict,
    Text,
    When,
    assignee_filter,
    page_schema,
)
from server.customers.schemas import CustomerIn

STATUSES = [status.value for status in CaseStatus]


class CaseIn(Strict):
    customer_id = Id(metadata={"description": "An existing customer…"})
    customer = fields.Nested(CustomerIn, metadata={"description": "…or a new, assistance-only one"})
    contract_id = Id(allow_none=True, metadata={"description": "Its delivery address becomes the service address"})
    store_id = Id(metadata={"description": "Needed for a new customer when the user has several stores"})
    reported_issue = Text(4000, required=True, metadata={"description": "Situação Alegada"})
    access_notes = Text(1000, allow_none=True, metadata={"description": "Instruções de acesso (portaria, vaga)"})
    service_address = fields.Nested(
        AddressSchema, metadata={"description": "Defaults to the contract's delivery address, else the customer's"}
    )
    assignee_id = Id(allow_none=True, metadata={"description": "Technician responsible"})
    opened_at = When(metadata={"description": "Defaults to now; a naive time is read in the store's timezone"})


class CaseUpdate(Strict):
    reported_issue = Text(4000, required=True)
    access_notes = Text(1000, allow_none=True)
    service_address = fields.Nested(AddressSchema, required=True)
    contract_id = Id(allow_none=True)
    assignee_id = Id(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES, error="Situação inválida."))
    status_reason = Text(500, metadata={"description": "Required with a status change"})
    force = fields.Boolean(
        metadata={"description": "Close (status closed) even with parts orders in draft or sent; needs status_reason"}
    )


class CancelIn(Strict):
    reason = Text(500, required=True, metadata={"description": "Motivo do cancelamento"})


class CustomerSummary(Strict):
    id = fields.Integer()
    name = fields.String()
    document = fields.String(allow_none=True)
    phones = fields.List(fields.String())
    email = fields.String(allow_none=True)


class ContractRef(Strict):
    id = fields.Integer()
    number = fields.String()


class CaseOut(Strict):
    id = fields.Integer()
    store_id = Id()
    number = fields.String()
    status = fields.String()
    status_label = fields.String()
    status_reason = fields.String(allow_none=True)
    customer = fields.Nested(CustomerSummary)
    contract = fields.Nested(ContractRef, allow_none=True)
    assignee = fields.Nested(Ref, allow_none=True)
    assignee_chosen = fields.Boolean(metadata={"description": "False: the technician of the case's latest visit"})
    reported_issue = fields.String()
    access_notes = fields.String(allow_none=True)
    service_address = fields.Nested(AddressSchema)
    opened_at = StoreTime()
    due_at = StoreTime()
    closed_at = StoreTime(allow_none=True)
    overdue = fields.Boolean()
    version = fields.Integer()
    created_at = StoreTime()
    updated_at = StoreTime()


class CaseListArgs(PageArgs):
    status = DelimitedList(fields.String(validate=validate.OneOf(STATUSES, error="Situação inválida.")))
    customer_id = Id()
    contract_number = Text(40)
    assignee = assignee_filter()
    overdue = fields.Boolean()
    due_within_days = fields.Integer(validate=validate.Range(0, 365))
    q = Text(100, metadata={"description": "Number, Situação Alegada or customer"})
    opened_from = Day()
    opened_to = Day()
    store_id = Id()
    sort = fields.String(
        load_default="newest",
        validate=validate.OneOf(["newest", "due_at"]),
        metadata={"description": "newest (default) or due_at (soonest deadline first)"},
    )


class CaseEventOut(Strict):
    id = fields.Integer()
    kind = fields.String(metadata={"description": "created, updated, status_changed…"})
    at = StoreTime()
    actor = fields.Nested(Ref, allow_none=True)
    changes = fields.Dict(metadata={"description": "{field: {from, to}}"})
    note = fields.String(allow_none=True)


CasePage = page_schema(CaseOut, "CasePage")
