from typing import Any

from server.auth.access import OFFICE, me, roles
from server.cases.service import load_case
from server.openapi import Blueprint
from server.orders import service
from server.orders.models import PartsOrder
from server.orders.schemas import CostSummaryOut, OrderCancelIn, OrderGenerateIn, OrderOut, OrderUpdate

blp = Blueprint("orders", __name__, url_prefix="/api", description="Pedidos de peças e custos")


@blp.get("/cases/<int:case_id>/orders")
@blp.response(200, OrderOut(many=True))
def list_orders(case_id: int) -> list[PartsOrder]:
    """The case's parts orders, oldest first, with their items."""
    return service.list_orders(load_case(me(), case_id))


@blp.post("/cases/<int:case_id>/orders")
@roles(*OFFICE)
@blp.arguments(OrderGenerateIn)
@blp.response(201, OrderOut(many=True))
def generate_orders(data: dict[str, Any], case_id: int) -> list[PartsOrder]:
    """Draft orders from the case's items not on an order yet (or `item_ids`): one per supplier and payer."""
    return service.generate_orders(load_case(me(), case_id), data, me())


@blp.get("/cases/<int:case_id>/costs")
@blp.response(200, CostSummaryOut)
def cost_summary(case_id: int) -> dict[str, Any]:
    """Totals by payer (Modalidade) of the case's items: quantity × unit cost, exact to the cent."""
    return service.cost_summary(load_case(me(), case_id))


@blp.get("/orders/<int:order_id>")
@blp.response(200, OrderOut)
def get_order(order_id: int) -> PartsOrder:
    return service.load_order(me(), order_id)


@blp.patch("/orders/<int:order_id>")
@roles(*OFFICE)
@blp.arguments(OrderUpdate)
@blp.response(200, OrderOut)
def update_order(data: dict[str, Any], order_id: int) -> PartsOrder:
    """Edit notes or supplier (while draft), or move `status`: draft → sent → received, or cancelled
    from draft or sent with `cancel_reason` (its items become free to order again)."""
    return service.update_order(service.load_order(me(), order_id), data, me())


@blp.post("/orders/<int:order_id>/cancel")
@roles(*OFFICE)
@blp.arguments(OrderCancelIn)
@blp.response(200, OrderOut)
def cancel_order(data: dict[str, Any], order_id: int) -> PartsOrder:
    """Cancel a draft or sent order; its items become free to order again."""
    return service.cancel_order(service.load_order(me(), order_id), data["reason"], me())
