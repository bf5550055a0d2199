"""Whether anything written since a cursor can change what a technician's phone holds.

Two small statements at most, whatever the store's history: the rows written since the cursor
(each table's (store_id, version) index) with the keys that tie them to a technician, then, only
for keys that need it, whether those cases, customers, contracts, occurrences or visits are the
technician's (primary and foreign key lookups). When nothing is theirs the pull sends nothing and
moves the cursor on, however much other technicians changed.

`RELEVANT` is the registry: per synced table, the two key columns read of a changed row, and
what they say — in scope at once, out of it, or a key to check. It may over-answer (a delta then
runs and finds nothing); it must never under-answer. Any tombstone counts (the delta sends the
store's tombstones), and so does any catalog entry or supplier (rows embed their names). A table
added to the pull adds its entry here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, String, and_, cast, exists, literal, null, or_, select, union_all
from sqlalchemy.orm import aliased

from server.appointments.models import Appointment, AppointmentExit
from server.attachments.models import Attachment
from server.auth.models import User
from server.cases.models import ServiceCase
from server.catalogs.models import CatalogEntry
from server.claims.models import ClaimItem
from server.contracts.models import Contract
from server.customers.models import Customer
from server.database import StoreRecord
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.suppliers.models import Supplier

CHANGED_LIMIT = 1000  # past this many rows written since the cursor, the delta runs without asking


@dataclass
class Keys:
    """What the changed rows ask about the technician's scope."""

    user_id: int
    cases: set[int] = field(default_factory=set)
    customers: set[int] = field(default_factory=set)
    contracts: set[int] = field(default_factory=set)
    occurrences: set[str] = field(default_factory=set)
    visits: set[int] = field(default_factory=set)


def _add(bucket: set[Any], value: Any) -> bool:
    if value is not None:
        bucket.add(value)
    return False


# Per table: (the two key columns, what a changed row's keys say: True = in scope now).
Rule = tuple[Callable[[], tuple[Any, Any]], Callable[[Keys, Any, Any], bool]]
RELEVANT: dict[type[StoreRecord], Rule] = {
    CatalogEntry: (lambda: (null(), null()), lambda keys, a, b: True),
    Supplier: (lambda: (null(), null()), lambda keys, a, b: True),
    Appointment: (lambda: (Appointment.assignee_id, null()), lambda keys, a, b: int(a) == keys.user_id),
    AppointmentExit: (lambda: (AppointmentExit.user_id, null()), lambda keys, a, b: int(a) == keys.user_id),
    ServiceCase: (
        lambda: (ServiceCase.id, ServiceCase.assignee_id),
        lambda keys, a, b: (b is not None and int(b) == keys.user_id) or _add(keys.cases, int(a)),
    ),
    Customer: (lambda: (Customer.id, null()), lambda keys, a, b: _add(keys.customers, int(a))),
    Contract: (lambda: (Contract.id, null()), lambda keys, a, b: _add(keys.contracts, int(a))),
    Occurrence: (lambda: (Occurrence.case_id, null()), lambda keys, a, b: _add(keys.cases, int(a))),
    OccurrenceItem: (lambda: (OccurrenceItem.occurrence_id, null()), lambda keys, a, b: _add(keys.occurrences, a)),
    ClaimItem: (lambda: (ClaimItem.case_id, null()), lambda keys, a, b: _add(keys.cases, int(a))),
    Attachment: (
        lambda: (Attachment.occurrence_id, Attachment.appointment_id),
        lambda keys, a, b: _add(keys.occurrences, a) or _add(keys.visits, None if b is None else int(b)),
    ),
}


def _written(model: type[StoreRecord], since: dict[int, int]) -> ColumnElement[bool]:
    return or_(*(and_(model.store_id == store_id, model.version > version) for store_id, version in since.items()))


def _changed_rows(since: dict[int, int]) -> list[Any]:
    """(table, deleted, key a, key b) of every row written after `since`, as text; one statement."""
    parts = []
    for model, (columns, _) in RELEVANT.items():
        a, b = columns()
        parts.append(
            select(
                literal(model.__tablename__, String).label("t"),  # type: ignore[attr-defined]
                model.deleted_at.is_not(None).label("deleted"),
                cast(a, String).label("a"),
                cast(b, String).label("b"),
            ).where(_written(model, since))
        )
    return list(db.session.execute(union_all(*parts).limit(CHANGED_LIMIT + 1)).all())


def _theirs(keys: Keys, window_start: datetime) -> bool:
    """Whether any key names a case of the technician (assigned, or with their visit in the
    window), a customer or contract such a case shows, an occurrence of one, or their visit."""
    case = aliased(ServiceCase)

    def mine(case_id: Any) -> ColumnElement[bool]:
        return or_(
            exists().where(case.id == case_id, case.assignee_id == keys.user_id),
            exists().where(
                Appointment.case_id == case_id,
                Appointment.assignee_id == keys.user_id,
                Appointment.starts_at >= window_start,
            ),
        )

    branches: list[ColumnElement[bool]] = []
    if keys.cases:
        branches.append(exists().where(case.id.in_(keys.cases), case.assignee_id == keys.user_id))
        branches.append(
            exists().where(
                Appointment.case_id.in_(keys.cases),
                Appointment.assignee_id == keys.user_id,
                Appointment.starts_at >= window_start,
            )
        )
    named = aliased(ServiceCase)
    if keys.customers:
        branches.append(exists().where(named.customer_id.in_(keys.customers), mine(named.id)))
    if keys.contracts:
        branches.append(exists().where(named.contract_id.in_(keys.contracts), mine(named.id)))
    if keys.occurrences:
        ids = [Occurrence.id.type.python_type(value) for value in keys.occurrences]
        branches.append(exists().where(Occurrence.id.in_(ids), mine(Occurrence.case_id)))
    if keys.visits:
        branches.append(exists().where(Appointment.id.in_(keys.visits), Appointment.assignee_id == keys.user_id))
    return bool(branches) and bool(db.session.scalar(select(or_(*branches))))


def scope_touched(user: User, since: dict[int, int], window_start: datetime) -> bool:
    """Whether a row written after `since` (store → version) may be in the technician's answer."""
    rows = _changed_rows(since)
    if len(rows) > CHANGED_LIMIT:
        return True
    keys = Keys(user.id)
    rules = {model.__tablename__: rule for model, (_, rule) in RELEVANT.items()}  # type: ignore[attr-defined]
    for table, deleted, a, b in rows:
        if deleted or rules[table](keys, a, b):
            return True
    return _theirs(keys, window_start)
