from typing import Any

from server.auth.access import OFFICE, me, roles
from server.common.pagination import Page
from server.common.schemas import patch
from server.contracts import service
from server.contracts.models import Contract
from server.contracts.schemas import ContractIn, ContractListArgs, ContractOut, ContractPage
from server.openapi import Blueprint

blp = Blueprint("contracts", __name__, url_prefix="/api/contracts", description="Contratos")


@blp.get("")
@roles(*OFFICE)
@blp.arguments(ContractListArgs, location="query")
@blp.response(200, ContractPage)
def list_contracts(args: dict[str, Any]) -> Page[Contract]:
    """Newest first; `q` matches the contract number or the customer."""
    return service.list_contracts(me(), args)


@blp.post("")
@roles(*OFFICE)
@blp.arguments(ContractIn)
@blp.response(201, ContractOut)
def create_contract(data: dict[str, Any]) -> Contract:
    """Create a contract in the customer's store; the delivery address defaults to the customer's."""
    return service.create_contract(me(), data)


@blp.get("/<int:contract_id>")
@roles(*OFFICE)
@blp.response(200, ContractOut)
def get_contract(contract_id: int) -> Contract:
    return service.load_contract(me(), contract_id)


@blp.patch("/<int:contract_id>")
@roles(*OFFICE)
@blp.arguments(patch(ContractIn))
@blp.response(200, ContractOut)
def update_contract(data: dict[str, Any], contract_id: int) -> Contract:
    return service.update_contract(me(), service.load_contract(me(), contract_id), data)


@blp.delete("/<int:contract_id>")
@roles(*OFFICE)
@blp.response(204)
def delete_contract(contract_id: int) -> None:
    """Delete a contract that no case refers to."""
    service.delete_contract(service.get_contract(me(), contract_id))
