from marshmallow import fields, validate

from server.common.schemas import AddressSchema, Day, Id, PageArgs, Ref, StoreTime, Strict, Text, page_schema


class ContractItemIn(Strict):
    room_id = Id(allow_none=True, metadata={"description": "Catalog entry of kind rooms"})
    product_line_id = Id(allow_none=True, metadata={"description": "Catalog entry of kind product_lines"})
    description = Text(300, allow_none=True)


class ContractIn(Strict):
    number = Text(40, required=True)
    customer_id = Id(required=True)
    delivery_address = fields.Nested(
        AddressSchema, allow_none=True, metadata={"description": "Defaults to the customer's address"}
    )
    delivery_date = Day(allow_none=True)
    notes = Text(2000, allow_none=True)
    items = fields.List(
        fields.Nested(ContractItemIn),
        validate=validate.Length(max=50, error="Informe no máximo 50 itens."),
        metadata={"description": "Rooms and product lines sold; replaces the whole list on update"},
    )


class ContractItemOut(Strict):
    id = fields.Integer()
    room = fields.Nested(Ref, allow_none=True)
    product_line = fields.Nested(Ref, allow_none=True)
    description = fields.String(allow_none=True)


class CustomerRef(Strict):
    id = fields.Integer()
    name = fields.String()
    document = fields.String(allow_none=True)


class ContractOut(Strict):
    id = fields.Integer()
    store_id = Id()
    number = fields.String()
    customer_id = Id()
    customer = fields.Nested(CustomerRef)
    delivery_address = fields.Nested(AddressSchema, allow_none=True)
    delivery_date = Day(allow_none=True)
    notes = fields.String(allow_none=True)
    items = fields.List(fields.Nested(ContractItemOut))
    version = fields.Integer()
    created_at = StoreTime()
    updated_at = StoreTime()


class ContractListArgs(PageArgs):
    q = Text(100, metadata={"description": "Contract number or customer"})  # blank: no filter
    customer_id = Id()
    store_id = Id()


ContractPage = page_schema(ContractOut, "ContractPage")
