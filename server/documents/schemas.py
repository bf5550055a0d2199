from marshmallow import fields, validate

from server.common.schemas import Id, StoreTime, Strict, Text, no_control_characters
from server.documents.models import KINDS

HTML_MAX = 200_000


class LayoutArgs(Strict):
    store_id = Id(load_default=None)
    kind = fields.String(load_default=None, validate=validate.OneOf(KINDS, error="Tipo de documento inválido."))


class LayoutIn(Strict):
    store_id = Id(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS, error="Tipo de documento inválido."))
    name = Text(120, required=True)
    html = fields.String(
        required=True,
        validate=[validate.Length(min=1, max=HTML_MAX), no_control_characters],
        metadata={"description": "Jinja template (sandboxed, autoescaped) of the document's body"},
    )
    css = fields.String(validate=[validate.Length(max=HTML_MAX), no_control_characters], load_default="")
    is_default = fields.Boolean(load_default=False)


class LayoutPreviewIn(Strict):
    store_id = Id(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS, error="Tipo de documento inválido."))
    html = fields.String(required=True, validate=[validate.Length(min=1, max=HTML_MAX), no_control_characters])
    css = fields.String(validate=[validate.Length(max=HTML_MAX), no_control_characters], load_default="")


class LayoutUpdate(Strict):
    name = Text(120, required=True)  # the view loads it partial: may be left out, never blank
    html = fields.String(validate=[validate.Length(min=1, max=HTML_MAX), no_control_characters])
    css = fields.String(validate=[validate.Length(max=HTML_MAX), no_control_characters])
    is_default = fields.Boolean(metadata={"description": "true makes it the store's default for its kind"})


class LayoutOut(Strict):
    id = fields.Integer()
    store_id = Id()
    kind = fields.String()
    kind_label = fields.String()
    name = fields.String()
    html = fields.String()
    css = fields.String()
    is_default = fields.Boolean()
    created_by_id = Id(allow_none=True)
    version = fields.Integer()
    created_at = StoreTime()
    updated_at = StoreTime()


class DocumentArgs(Strict):
    layout = Id(load_default=None, metadata={"description": "Layout id; default: the store's default"})
    appointment_id = Id(load_default=None, metadata={"description": "The visit (visit_report)"})
    order_id = Id(load_default=None, metadata={"description": "The parts order (parts_order)"})


class EmailIn(Strict):
    layout = Id(load_default=None)
    appointment_id = Id(load_default=None)
    order_id = Id(load_default=None)
    recipients = fields.List(
        fields.Email(),
        validate=validate.Length(max=10),
        metadata={"description": "Default: the customer's e-mail"},
    )
    subject = Text(200)
    message = Text(5000)


class EmailOut(Strict):
    id = fields.UUID()
    case_id = Id()
    kind = fields.String()
    layout_id = Id(allow_none=True)
    recipients = fields.List(fields.String())
    subject = fields.String()
    status = fields.String(metadata={"description": "queued, sending (the message is on its way), sent or failed"})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    sent_at = StoreTime(allow_none=True)
    created_at = StoreTime()


class EmailDefaults(Strict):
    recipients = fields.List(fields.String())
    subject = fields.String()
    message = fields.String()


class Target(Strict):
    id = fields.Integer()
    label = fields.String()
    email = fields.Nested(EmailDefaults, metadata={"description": "An order's e-mail: to its supplier"})


class LayoutChoice(Strict):
    id = fields.Integer()
    name = fields.String()
    is_default = fields.Boolean()


class KindOption(Strict):
    kind = fields.String()
    label = fields.String()
    needs = fields.String(allow_none=True, metadata={"description": "appointment_id or order_id, when needed"})
    targets = fields.List(fields.Nested(Target), metadata={"description": "The visits or orders to pick from"})
    layouts = fields.List(fields.Nested(LayoutChoice))
    email = fields.Nested(EmailDefaults, metadata={"description": "Pre-filled e-mail fields"})


class DocumentOptionsOut(Strict):
    case_id = Id()
    kinds = fields.List(fields.Nested(KindOption))


class OutboxEntry(Strict):
    name = fields.String()
    to = fields.List(fields.String())
    subject = fields.String()
    date = fields.String()
    size = fields.Integer()
    attachments = fields.List(fields.String(), metadata={"description": "The attached files' names"})
