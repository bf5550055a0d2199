from typing import Any

from server.auth.access import OFFICE, get_visible, me, pick_store, roles
from server.common.pagination import Page
from server.common.schemas import patch
from server.customers import service
from server.customers.models import Customer
from server.customers.schemas import CustomerIn, CustomerListArgs, CustomerOut, CustomerPage, NewCustomerIn
from server.openapi import Blueprint

blp = Blueprint("customers", __name__, url_prefix="/api/customers", description="Clientes")


@blp.get("")
@roles(*OFFICE)
@blp.arguments(CustomerListArgs, location="query")
@blp.response(200, CustomerPage)
def list_customers(args: dict[str, Any]) -> Page[Customer]:
    """Customers by name; `q` matches name, CPF/CNPJ, phone or e-mail, ignoring accents and case."""
    return service.list_customers(me(), args)


@blp.post("")
@roles(*OFFICE)
@blp.arguments(NewCustomerIn)
@blp.response(201, CustomerOut)
def create_customer(data: dict[str, Any]) -> Customer:
    store = pick_store(me(), data.pop("store_id", None))
    return service.create_customer(store, data)


@blp.get("/<int:customer_id>")
@roles(*OFFICE)
@blp.response(200, CustomerOut)
def get_customer(customer_id: int) -> Customer:
    return get_visible(Customer, customer_id, me(), "Cliente não encontrado.")


@blp.patch("/<int:customer_id>")
@roles(*OFFICE)
@blp.arguments(patch(CustomerIn))
@blp.response(200, CustomerOut)
def update_customer(data: dict[str, Any], customer_id: int) -> Customer:
    return service.update_customer(get_visible(Customer, customer_id, me(), "Cliente não encontrado."), data)


@blp.delete("/<int:customer_id>")
@roles(*OFFICE)
@blp.response(204)
def delete_customer(customer_id: int) -> None:
    """Delete a customer that has no contracts or cases."""
    service.delete_customer(get_visible(Customer, customer_id, me(), "Cliente não encontrado."))
