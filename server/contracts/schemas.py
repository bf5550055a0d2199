from marshmallow import fields, validate

from server.common.schemas import (
    AddressSchema,
    Day,
    Id,
    PageArgs,
    Quantity,
    Ref,
    StoreTime,
    Strict,
    Text,
    page_schema,
)


class ContractItemIn(Strict):
    id = Id(metadata={"description": "An existing item of this contract, edited in place; none: a new item"})
    room_id = Id(allow_none=True, metadata={"description": "Catalog entry of kind rooms"})
    product_line_id = Id(allow_none=True, metadata={"description": "Catalog entry of kind product_lines"})
    description = Text(300, allow_none=True)
    supplier_id = Id(allow_none=True, metadata={"description": "The factory (a supplier of the store)"})
    code = Text(60, allow_none=True, metadata={"description": "Module or part code"})
    finish = Text(80, allow_none=True, metadata={"description": "Acabamento / cor"})
    dimensions = Text(80, allow_none=True)
    quantity = Quantity(
        allow_none=True,
        validate=validate.Range(min=0, min_inclusive=False, error="A quantidade deve ser maior que zero."),
    )
    factory_order_number = Text(40, allow_none=True)
    invoice_number = Text(20, allow_none=True, metadata={"description": "NF-e number"})
    invoice_date = Day(allow_none=True)
    delivery_date = Day(allow_none=True)
    installation_date = Day(allow_none=True)


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
        validate=validate.Length(max=500, error="Informe no máximo 500 itens."),
        metadata={
            "description": "What was sold; replaces the list on update: items with an id are edited in place, "
            "items left out are removed (refused while an occurrence points at them)"
        },
    )


class ContractItemOut(Strict):
    id = fields.Integer()
    room = fields.Nested(Ref, allow_none=True)
    product_line = fields.Nested(Ref, allow_none=True)
    description = fields.String(allow_none=True)
    supplier_id = fields.Integer(allow_none=True)
    supplier = fields.Nested(Ref, allow_none=True, metadata={"description": "The factory"})
    code = fields.String(allow_none=True)
    finish = fields.String(allow_none=True)
    dimensions = fields.String(allow_none=True)
    quantity = fields.Decimal(as_string=True, allow_none=True)
    factory_order_number = fields.String(allow_none=True)
    invoice_number = fields.String(allow_none=True)
    invoice_date = Day(allow_none=True)
    delivery_date = Day(allow_none=True)
    installation_date = Day(allow_none=True)


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
