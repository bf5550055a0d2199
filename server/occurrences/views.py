import uuid
from typing import Any

from server.auth.access import OFFICE, me, roles
from server.cases.service import load_case
from server.common.schemas import patch
from server.occurrences import service
from server.occurrences.models import Occurrence, OccurrenceItem
from server.occurrences.schemas import ItemIn, ItemOut, OccurrenceIn, OccurrenceOut, OccurrenceUpdate
from server.openapi import Blueprint

blp = Blueprint("occurrences", __name__, url_prefix="/api", description="Ocorrências e seus itens")


@blp.get("/cases/<int:case_id>/occurrences")
@blp.response(200, OccurrenceOut(many=True))
def list_occurrences(case_id: int) -> list[Occurrence]:
    return service.list_occurrences(load_case(me(), case_id))


@blp.post("/cases/<int:case_id>/occurrences")
@blp.arguments(OccurrenceIn)
@blp.response(201, OccurrenceOut)
def create_occurrence(data: dict[str, Any], case_id: int) -> Occurrence:
    """File an occurrence with its items. Sending the same `id` and body again returns the same record."""
    return service.create_occurrence(load_case(me(), case_id), data, me())


@blp.get("/occurrences/<uuid:occurrence_id>")
@blp.response(200, OccurrenceOut)
def get_occurrence(occurrence_id: uuid.UUID) -> Occurrence:
    return service.load_occurrence(me(), occurrence_id)


@blp.patch("/occurrences/<uuid:occurrence_id>")
@blp.arguments(patch(OccurrenceUpdate))
@blp.response(200, OccurrenceOut)
def update_occurrence(data: dict[str, Any], occurrence_id: uuid.UUID) -> Occurrence:
    return service.update_occurrence(service.load_occurrence(me(), occurrence_id), data, me())


@blp.delete("/occurrences/<uuid:occurrence_id>")
@roles(*OFFICE)
@blp.response(204)
def delete_occurrence(occurrence_id: uuid.UUID) -> None:
    service.delete_occurrence(service.load_occurrence(me(), occurrence_id), me())


@blp.post("/occurrences/<uuid:occurrence_id>/items")
@blp.arguments(ItemIn)
@blp.response(201, ItemOut)
def add_item(data: dict[str, Any], occurrence_id: uuid.UUID) -> OccurrenceItem:
    return service.add_item(service.load_occurrence(me(), occurrence_id), data, me())


@blp.patch("/occurrences/<uuid:occurrence_id>/items/<uuid:item_id>")
@blp.arguments(patch(ItemIn, exclude=("id",)))
@blp.response(200, ItemOut)
def update_item(data: dict[str, Any], occurrence_id: uuid.UUID, item_id: uuid.UUID) -> OccurrenceItem:
    """Edit an item; its quantity is fixed once it is on a parts order."""
    occurrence = service.load_occurrence(me(), occurrence_id)
    return service.update_item(occurrence, service.get_item(occurrence, item_id), data, me())


@blp.delete("/occurrences/<uuid:occurrence_id>/items/<uuid:item_id>")
@blp.response(204)
def remove_item(occurrence_id: uuid.UUID, item_id: uuid.UUID) -> None:
    """Remove an item that is not on a parts order."""
    occurrence = service.load_occurrence(me(), occurrence_id)
    service.remove_item(occurrence, service.get_item(occurrence, item_id), me())
