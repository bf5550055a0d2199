"""The agenda (`GET /api/appointments`) read in one statement shaped for its answer.

The agenda is the phone's and the office calendar's most frequent read. Loading each visit as
an ORM object with its case, customer, technician, catalog entries and store (six statements),
then dumping it field by field through marshmallow, cost far more than the query itself. Here one
joined SELECT reads the columns the answer shows, and plain dicts are built from its rows. The
result is exactly `AppointmentOut().dump(visit)` (tests/test_agenda_rows.py holds them together).
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from flask import Response, current_app
from sqlalchemy import Row, Select, event, exists, inspect, select
from sqlalchemy.orm import Session, aliased, join

from server.appointments.lookup import agenda_filter, agenda_limit
from server.appointments.models import APPOINTMENT_STATUS_LABELS, Appointment, AppointmentStatus
from server.auth.models import User
from server.cases.models import ServiceCase
from server.catalogs.models import CatalogEntry
from server.common.answer_cache import data_versions
from server.common.compress import cached_json
from server.common.pagination import paginate
from server.customers.models import Customer
from server.database import bump_store_version
from server.extensions import db
from server.stores.models import Store

ADDRESS_KEYS = ("cep", "street", "number", "complement", "district", "city", "state")
LOCATION_KEYS = ("lat", "lng", "accuracy")
TIMES = ("starts_at", "ends_at", "technician_notes_at", "checked_in_at", "checked_out_at", "created_at", "updated_at")
PLAIN = (
    "id",
    "store_id",
    "case_id",
    "calendar_type",
    "status",
    "subject",
    "notes",
    "technician_notes",
    "allow_overlap",
    "cancel_reason",
    "version",
)
LABELS = {status.value: label for status, label in APPOINTMENT_STATUS_LABELS.items()}
_zones: dict[str, ZoneInfo] = {}


def _shape(stmt: Select[Any]) -> Select[Any]:
    """The agenda's filters, reading the answer's columns."""
    columns, joined = _answer()
    return stmt.with_only_columns(*columns, maintain_column_froms=False).select_from(joined)


def _name_of(model: Any, key: Any) -> Any:
    return select(model.name).where(model.id == key).correlate(Appointment).scalar_subquery()


@cache
def _answer() -> tuple[tuple[Any, ...], Any]:
    """The answer's columns and joins, built once: labelling columns of aliased entities cost
    more per request than running the query (the statement's SQL is cached either way).

    Only the case and its customer are joined; the names of the technician, the visit's type and
    its room are scalar subqueries, and the store's timezone comes with the user's stores. With
    seven tables joined, PostgreSQL spent 1.7 ms planning a statement that ran in 0.35 ms; with
    three it plans in 0.4 ms (docs/performance.md, "The agenda's statement")."""
    kind, room = aliased(CatalogEntry), aliased(CatalogEntry)
    columns = (
        *Appointment.__table__.c,
        ServiceCase.number.label("case_number"),
        ServiceCase.status.label("case_status"),
        ServiceCase.service_address.label("case_address"),
        Customer.id.label("customer_id"),
        Customer.name.label("customer_name"),
        Customer.phones.label("customer_phones"),
        _name_of(User, Appointment.assignee_id).label("assignee_name"),
        _name_of(kind, Appointment.appointment_type_id).label("type_name"),
        _name_of(room, Appointment.room_id).label("room_name"),
    )
    joined = join(Appointment, ServiceCase, ServiceCase.id == Appointment.case_id).join(
        Customer, Customer.id == ServiceCase.customer_id
    )
    return columns, joined


def _zone(name: str) -> ZoneInfo:
    zone = _zones.get(name)
    if zone is None:
        zone = _zones[name] = ZoneInfo(name)
    return zone


def _time(value: datetime | None, zone: ZoneInfo) -> str | None:
    """As StoreTime shows it: the store's offset (UTC for an offset RFC 3339 cannot write)."""
    if value is None:
        return None
    local = value.astimezone(zone)
    offset = local.utcoffset()
    return (local if offset is None or offset.seconds % 60 == 0 else value.astimezone(UTC)).isoformat()


def _location(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is None:
        return None
    return {k: (None if value[k] is None else float(value[k])) for k in LOCATION_KEYS if k in value}


def _ref(ref_id: int | None, name: str | None) -> dict[str, Any] | None:
    return None if ref_id is None else {"id": ref_id, "name": name}


def visit_dict(row: Row[Any], zones: dict[int, ZoneInfo]) -> dict[str, Any]:
    """One visit as AppointmentOut shows it, its times in its store's zone."""
    data = row._mapping
    zone = zones[data["store_id"]]
    out: dict[str, Any] = {name: data[name] for name in PLAIN}
    for name in TIMES:
        out[name] = _time(data[name], zone)
    address = data["case_address"]
    out["case"] = {
        "id": data["case_id"],
        "number": data["case_number"],
        "status": data["case_status"],
        "customer": {
            "id": data["customer_id"],
            "name": data["customer_name"],
            "phones": [str(phone) for phone in data["customer_phones"] or []],
        },
        "service_address": None
        if address is None
        else {k: (None if address[k] is None else str(address[k])) for k in ADDRESS_KEYS if k in address},
    }
    out["status_label"] = LABELS[AppointmentStatus(data["status"]).value]
    out["assignee"] = {"id": data["assignee_id"], "name": data["assignee_name"]}
    out["appointment_type"] = _ref(data["appointment_type_id"], data["type_name"])
    out["room"] = _ref(data["room_id"], data["room_name"])
    out["check_in_location"] = _location(data["check_in_location"])
    out["check_out_location"] = _location(data["check_out_location"])
    return out


def agenda_page(user: User, args: dict[str, Any]) -> dict[str, Any]:
    """The agenda's page as its JSON body: {items, next_cursor}."""
    page = paginate(
        _shape(agenda_filter(user, args)),
        [Appointment.starts_at, Appointment.id],
        lambda row: (row.starts_at, row.id),
        cursor=args.get("cursor"),
        limit=args.get("limit"),
        max_limit=agenda_limit(args),
        rows_of=lambda stmt: db.session.execute(stmt).all(),
    )
    zones = {store.id: _zone(store.timezone) for store in user.stores}  # the visible stores, loaded with the user
    return {"items": [visit_dict(row, zones) for row in page.items], "next_cursor": page.next_cursor}


def agenda_answer(user: User, args: dict[str, Any]) -> Response:
    """The agenda's page as a JSON answer, from this process's answers when nothing changed."""
    key = ("agenda", data_versions(user), tuple(sorted((name, repr(value)) for name, value in args.items())))
    return cached_json(key, lambda: current_app.json.dumps(agenda_page(user, args)).encode())


@event.listens_for(Session, "before_flush")
def _renamed_technician(session: Session, flush_context: Any, instances: Any) -> None:
    """A visit shows its technician's name, which is not a store record: renaming a technician
    bumps the version of every store with a visit of theirs, so answers kept there are read again."""
    for obj in session.dirty:
        if isinstance(obj, User) and inspect(obj).attrs.name.history.has_changes():
            has_visits = exists().where(Appointment.store_id == Store.id, Appointment.assignee_id == obj.id)
            for store_id in session.scalars(select(Store.id).where(has_visits)).all():
                bump_store_version(session, store_id)
