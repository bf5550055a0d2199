"""Whether anything written since a cursor can change what a technician's phone holds.

One statement, driven by the rows written since the cursor (each table's (store_id, version)
index), each checked against the technician's scope by primary or foreign key: its cost follows
what was written, not the store's history. When the answer is no, the pull sends nothing and
moves the cursor on, whatever other technicians changed.

`RELEVANT` is the registry: per synced table, the condition under which one of its changed rows
may be sent to this technician (an upsert or a delete). It may over-answer (a delta then runs
and finds nothing); it must never under-answer. Any tombstone counts (the delta sends the
store's tombstones), and so does any catalog or supplier change (rows embed their names). A
table added to the pull adds its entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, or_, select, true

from server.appointments.models import Appointment, AppointmentExit
from server.attachments.models import Attachment
from server.auth.models import User
from server.cases.models import ServiceCase
from server.catalogs.models import CatalogEntry
from server.contracts.models import Contract
from server.customers.models import Customer
from server.database import StoreRecord
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.suppliers.models import Supplier


class Mine:
    """A technician's scope, as conditions on a changed row's keys."""

    def __init__(self, user: User, window_start: datetime) -> None:
        self.user_id, self.window_start = user.id, window_start

    def case(self, case_id: Any) -> ColumnElement[bool]:
        """The case is assigned to them or has one of their visits in the window."""
        return or_(
            exists().where(ServiceCase.id == case_id, ServiceCase.assignee_id == self.user_id),
            exists().where(
                Appointment.case_id == case_id,
                Appointment.assignee_id == self.user_id,
                Appointment.starts_at >= self.window_start,
            ),
        )

    def occurrence(self, occurrence_id: Any) -> ColumnElement[bool]:
        return exists().where(Occurrence.id == occurrence_id, self.case(Occurrence.case_id))

    def visit(self, appointment_id: Any) -> ColumnElement[bool]:
        return exists().where(Appointment.id == appointment_id, Appointment.assignee_id == self.user_id)


def _named_by_case(column: Any, key: Any, mine: Mine) -> ColumnElement[bool]:
    """A customer or contract one of their cases shows (`column`: the case's foreign key)."""
    return exists().where(column == key, mine.case(ServiceCase.id))


RELEVANT: dict[type[StoreRecord], Callable[[Mine], ColumnElement[bool]]] = {
    CatalogEntry: lambda mine: true(),
    Supplier: lambda mine: true(),
    Appointment: lambda mine: Appointment.assignee_id == mine.user_id,
    AppointmentExit: lambda mine: AppointmentExit.user_id == mine.user_id,
    ServiceCase: lambda mine: mine.case(ServiceCase.id),
    Customer: lambda mine: _named_by_case(ServiceCase.customer_id, Customer.id, mine),
    Contract: lambda mine: _named_by_case(ServiceCase.contract_id, Contract.id, mine),
    Occurrence: lambda mine: mine.case(Occurrence.case_id),
    OccurrenceItem: lambda mine: mine.occurrence(OccurrenceItem.occurrence_id),
    Attachment: lambda mine: or_(mine.occurrence(Attachment.occurrence_id), mine.visit(Attachment.appointment_id)),
}


def scope_touched(user: User, since: dict[int, int], window_start: datetime) -> bool:
    """Whether a row written after `since` (store → version) may be in the technician's answer."""
    mine = Mine(user, window_start)
    branches = []
    for model, relevant in RELEVANT.items():
        written = or_(
            *(and_(model.store_id == store_id, model.version > version) for store_id, version in since.items())
        )
        condition = relevant(mine)
        if model not in (AppointmentExit,):
            condition = or_(model.deleted_at.is_not(None), condition)
        branches.append(exists().where(written, condition))
    return bool(db.session.scalar(select(or_(*branches))))
