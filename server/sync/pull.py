"""The sync pull (docs/sync.md): what changed in the user's scope since a cursor, from one snapshot.

**Cursor.** Opaque to the phone: base64url JSON `{"s": schema_version, "t": issued_at (unix),
"v": {store_id: version}, "u": user's updated_at}` plus, while a full snapshot is being paged,
`"p": [table name, last id]` and `"d"`: the start (unix) of the snapshot's days ahead, and
`"r"`: the highest mutation id whose rejection the phone was
sent (a rejection is sent again until a pull arrives with a cursor past it, so a lost answer
loses no rejection). A record changed since the cursor has `version > v[store_id]`
(a store missing from `v` counts as 0). The new cursor holds the stores' versions read as the pull
began, before its snapshot: a write committed later has a higher version and is sent next time.

**Reset.** A missing or unreadable cursor, one from another schema version, or one issued longer
ago than `SYNC_TOMBSTONE_DAYS` (its tombstones may be pruned by now) answers `reset: true` with a
full snapshot: every in-scope row, no deletes; the phone replaces its data.

**The day first.** A snapshot's first page starts with the days ahead, whole: the visits from
midnight today (the clock of the user's first store) for `SYNC_PRIORITY_DAYS` days and those in
progress (the first `SYNC_PAGE_SIZE` of them by start), their cases, customers, contracts,
occurrences, items and attachments, the catalogs and the user, so the agenda and the visit screen
work once that page is applied. When the scope has other visits too, that page holds the days
ahead alone (it arrives quickly); paging then goes on from the visits table, and sends those rows
again in their turn (an upsert is idempotent; within one page a row comes once).

**Paging.** A full snapshot sends at most `SYNC_PAGE_SIZE` rows per response (the first page: plus
the days ahead beyond its budget), table after table
in `TABLES` order, each ordered by primary key (keyset, so a row deleted meanwhile shifts
nothing). `more: true` says: pull again with the returned cursor. Every page's cursor keeps the
store versions of the *first* page, so the delta after the last page re-sends whatever changed
while paging. Delta pulls are not paged. Each page says how far the snapshot is, in visits:
`progress: {visits_sent, visits_total}` (the scope's visits the phone holds once it applied the
page: the days ahead, then those up to the last visit sent; null on a delta).

**Scope.** A technician: their technical-assistance visits (not cancelled) starting
`SYNC_WINDOW_DAYS` ago or later; the cases of those visits and the live cases assigned to them
(open, or changed within the window); those cases' customers, contracts, occurrences, items and
attachment metadata (photos of the occurrences, signatures of the visits); the active catalogs and
suppliers of their stores (read-only on the phone: a technician names a supplier offline); their
own user. An office user: the same tables for all of their stores, with the
cases open or changed within the window plus the cases of visits in the window.

**Entering the scope.** A delta sends a case, with its customer, contract, occurrences, items and
attachments, when the case changed or when one of the user's in-scope visits of it changed (a new
or reassigned visit): a record entering the scope arrives whole even when its own version is old.
Over-sending (any visit edit re-sends its case) is harmless: an upsert is idempotent. Rows embed
related names (a visit its case, customer and address; a case its customer and contract; many
rows catalog names), so a case is re-sent when its customer or contract changed, a visit when its
case is sent, and the whole scope when a catalog entry or the user's own record changed.

**Deletes.** Tombstones (`deleted_at` set) changed since the cursor, of the user's stores (a
technician's visit tombstones only when the visit is theirs), and deactivated catalog entries and
suppliers. An
`AppointmentExit` of this user changed since the cursor deletes that visit, and its case unless the
case is still in scope (another live visit or the assignment). The phone drops a deleted case's
occurrences, items and attachments itself; customers and contracts it holds stay until a reset.
An id both upserted and deleted in one answer is only upserted (a visit reassigned away and back).
Visits that age out of the window and cases closed long ago are not deleted: the phone prunes by
date, and a reset clears them.

Queries: when no store of the user has a new version, the answer comes from the versions alone
(five statements in all, none on the synced tables). When a technician's stores changed but
nothing written since the cursor touches their scope (`server.sync.relevance`: the rows written
since, then their keys, at most two statements), the answer is empty and the cursor moves on.
Otherwise a fixed number whatever the data size: the scope's visit and case ids (read once), one
per table (plus the loader queries of rows actually sent), one for every delete, one for
rejections. A snapshot page adds one statement for its progress, and the first page, when
visits are close, the days ahead's visit and case ids and one statement per table for them.

Answers are compressed when the phone accepts it (server.common.compress).
"""

from __future__ import annotations

import base64
import binascii
import json
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from datetime import time as datetime_time
from functools import cached_property
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from marshmallow import Schema
from sqlalchemy import (
    ColumnElement,
    CompoundSelect,
    Select,
    String,
    and_,
    case,
    cast,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    union,
    union_all,
    update,
)
from sqlalchemy.orm import selectinload

from server.appointments.models import TECHNICAL_ASSISTANCE, Appointment, AppointmentExit, AppointmentStatus
from server.appointments.schemas import AppointmentOut
from server.appointments.service import LOAD as APPOINTMENT_LOAD
from server.attachments.models import Attachment
from server.attachments.schemas import AttachmentOut
from server.auth.models import Role, User
from server.auth.schemas import UserOut
from server.cases.models import FINISHED, CaseStatus, ServiceCase
from server.cases.schemas import CaseOut
from server.cases.service import LOAD as CASE_LOAD
from server.catalogs.models import CatalogEntry
from server.catalogs.schemas import CatalogEntryOut
from server.claims.models import ClaimItem
from server.claims.sync import claim_items_rows
from server.contracts.models import Contract
from server.contracts.schemas import ContractOut
from server.contracts.service import LOAD as CONTRACT_LOAD
from server.customers.models import Customer
from server.customers.schemas import CustomerOut
from server.database import StoreRecord, utcnow
from server.extensions import db
from server.occurrences.models import Occurrence, OccurrenceItem
from server.occurrences.schemas import ItemOut, OccurrenceOut
from server.occurrences.service import LOAD as OCCURRENCE_LOAD
from server.stores.models import DEFAULT_TIMEZONE
from server.suppliers.models import Supplier
from server.suppliers.schemas import SupplierOut
from server.sync.models import Rejection, SyncClient
from server.sync.push import register_client
from server.sync.relevance import scope_touched

SCHEMA_VERSION = 1
PROTOCOL = 1

# The order a full snapshot is paged in (visits early: the first sync's progress counts them);
# the keys of `changes`.
TABLES = (
    "users",
    "catalog_entries",
    "suppliers",
    "appointments",
    "cases",
    "customers",
    "contracts",
    "occurrences",
    "occurrence_items",
    "attachments",
    "claim_items",
)
UUID_TABLES = {"occurrences", "occurrence_items", "attachments"}
LIVE = tuple(status.value for status in CaseStatus if status.value not in FINISHED)
MATERIALIZE_LIMIT = 5000  # scope id sets up to this size are read once and sent back as lists

Ids = list[int] | Select[Any]  # a scope's ids: read once, or (when many) a subquery


# --- cursor -------------------------------------------------------------------------------


@dataclass
class Cursor:
    versions: dict[int, int]
    issued_at: int
    user_stamp: str | None = None
    page: tuple[int, Any] | None = None  # (index in TABLES, last primary key sent) while paging
    rejected: int = 0  # the highest mutation id whose rejection this answer carried (or earlier ones)
    soon: int | None = None  # while paging: the start of the snapshot's "days ahead" (unix), for progress

    def encode(self) -> str:
        data: dict[str, Any] = {
            "s": SCHEMA_VERSION,
            "t": self.issued_at,
            "v": {str(k): v for k, v in self.versions.items()},
            "u": self.user_stamp,
            "r": self.rejected,
        }
        if self.page is not None:
            data["p"] = [TABLES[self.page[0]], self.page[1]]
            data["d"] = self.soon
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _load(raw: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def acknowledged_rejections(raw: str | None) -> int:
    """The rejection watermark of a cursor the phone sends back, even a stale one: the phone got
    (and keeps in Pendências) every rejection up to it."""
    try:
        value = _load(raw).get("r", 0) if raw else 0
        return value if isinstance(value, int) else 0
    except (ValueError, TypeError, AttributeError, binascii.Error, UnicodeDecodeError):
        return 0


def decode_cursor(raw: str | None, schema_version: int) -> Cursor | None:
    """The cursor, or None when the client must start over (missing, garbage, stale, other schema)."""
    if not raw:
        return None
    try:
        data = _load(raw)
        if not isinstance(data, dict) or data.get("s") != schema_version:
            return None
        issued_at = int(data["t"])
        versions = {int(k): int(v) for k, v in data["v"].items()}
        stamp = data.get("u")
        page = data.get("p")
        # A table index (an older server's order) is not a name: that snapshot starts over.
        parsed_page = (TABLES.index(page[0]), page[1]) if page is not None else None
        soon = int(data["d"]) if parsed_page is not None and data.get("d") is not None else None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, binascii.Error, UnicodeDecodeError):
        return None
    if time.time() - issued_at > timedelta(days=current_app.config["SYNC_TOMBSTONE_DAYS"]).total_seconds():
        return None
    return Cursor(versions, issued_at, stamp if isinstance(stamp, str) else None, parsed_page, soon=soon)


# --- scope --------------------------------------------------------------------------------


def soon_visits(start: datetime) -> ColumnElement[bool]:
    """The visits of the days ahead (`SYNC_PRIORITY_DAYS` from `start`), and those under way."""
    end = start + timedelta(days=current_app.config["SYNC_PRIORITY_DAYS"])
    return or_(
        and_(Appointment.starts_at >= start, Appointment.starts_at < end),
        Appointment.status == AppointmentStatus.IN_PROGRESS.value,
    )


def today_start(user: User) -> datetime:
    """Midnight today on the clock of the user's first store: where the agenda starts."""
    stores = sorted(user.stores, key=lambda store: store.id)
    zone = ZoneInfo(stores[0].timezone if stores else DEFAULT_TIMEZONE)
    return datetime.combine(utcnow().astimezone(zone).date(), datetime_time(), tzinfo=zone).astimezone(UTC)


@dataclass
class Scope:
    user: User
    store_ids: list[int]
    since: dict[int, int] | None  # None: a full snapshot
    everything: bool = False  # a delta that re-sends every in-scope row (see `_delta`)
    soon: tuple[datetime, int] | None = None  # only the visits of the days ahead from then (at most so many)

    def changed(self, model: type[StoreRecord]) -> ColumnElement[bool]:
        """Rows written after the cursor (store by store)."""
        if self.since is None:
            return literal(True)
        terms = [
            and_(model.store_id == store_id, model.version > self.since.get(store_id, 0)) for store_id in self.store_ids
        ]
        return or_(*terms) if terms else false()

    @property
    def technician(self) -> bool:
        return self.user.role == Role.TECHNICIAN

    def window_start(self) -> Any:
        return utcnow() - timedelta(days=current_app.config["SYNC_WINDOW_DAYS"])

    def _ids(self, stmt: Select[Any]) -> Ids:
        """The statement's ids, read once: the scope's queries then filter by a short list instead of
        re-running nested subqueries that the planner may drive from the store's whole table. A
        large set (an office user of a big store) stays a subquery."""
        rows = list(db.session.scalars(stmt.limit(MATERIALIZE_LIMIT + 1)))
        return rows if len(rows) <= MATERIALIZE_LIMIT else stmt

    def visit_terms(self) -> list[ColumnElement[bool]]:
        """What puts a visit in scope."""
        terms = [
            Appointment.store_id.in_(self.store_ids),
            Appointment.deleted_at.is_(None),
            Appointment.calendar_type == TECHNICAL_ASSISTANCE,
            Appointment.starts_at >= self.window_start(),
        ]
        if self.technician:
            terms += [Appointment.assignee_id == self.user.id, Appointment.status != AppointmentStatus.CANCELLED.value]
        return terms

    @cached_property
    def appointments(self) -> Ids:
        """Ids of the visits in scope now (only the days ahead, first ones first, for a `soon` scope)."""
        stmt = select(Appointment.id).where(*self.visit_terms())
        if self.soon is not None:
            start, limit = self.soon
            ordered = stmt.where(soon_visits(start)).order_by(Appointment.starts_at, Appointment.id)
            return list(db.session.scalars(ordered.limit(limit)))
        return self._ids(stmt)

    @cached_property
    def cases(self) -> Ids:
        """Ids of the cases in scope now: those of the visits, plus assigned (technician) or recent
        ones (not for a `soon` scope: the day's work is its visits)."""
        visits = select(Appointment.case_id).where(Appointment.id.in_(self.appointments))
        if self.soon is None:
            # Live or recently changed: two index reads ((assignee_id | store_id, status | updated_at))
            # joined by UNION; an OR of them, or with the visits' cases, would scan the store's cases.
            owner = (
                ServiceCase.assignee_id == self.user.id if self.technician else ServiceCase.store_id.in_(self.store_ids)
            )
            live = select(ServiceCase.id).where(owner, ServiceCase.status.in_(LIVE))
            recent = select(ServiceCase.id).where(owner, ServiceCase.updated_at >= self.window_start())
            visits = union(visits, live, recent)  # type: ignore[assignment]
        return self._ids(
            select(ServiceCase.id).where(
                ServiceCase.id.in_(visits),
                ServiceCase.store_id.in_(self.store_ids),
                ServiceCase.deleted_at.is_(None),
            )
        )

    def sent_cases(self) -> Ids:
        """In-scope cases to send with their dependents: changed, entered through a changed visit,
        or showing a customer or contract that changed (a case row embeds their names)."""
        if self.since is None or self.everything:
            return self.cases
        entered = select(Appointment.case_id).where(Appointment.id.in_(self.appointments), self.changed(Appointment))
        return self._ids(
            select(ServiceCase.id).where(
                ServiceCase.id.in_(self.cases),
                or_(
                    self.changed(ServiceCase),
                    ServiceCase.id.in_(entered),
                    ServiceCase.customer_id.in_(select(Customer.id).where(self.changed(Customer))),
                    ServiceCase.contract_id.in_(select(Contract.id).where(self.changed(Contract))),
                ),
            )
        )

    def occurrences(self) -> Select[Any]:
        return select(Occurrence.id).where(Occurrence.case_id.in_(self.cases), Occurrence.deleted_at.is_(None))

    def upserts(self) -> dict[str, tuple[Select[Any], Schema]]:
        """Per table: the rows to send, and the schema that shows them."""
        sent = self.sent_cases()
        in_scope_cases = self.cases
        in_scope_occurrences = self.occurrences()
        sent_occurrences = select(Occurrence.id).where(Occurrence.case_id.in_(sent))
        scope_appointments = self.appointments
        return {
            "catalog_entries": (
                select(CatalogEntry).where(
                    CatalogEntry.store_id.in_(self.store_ids),
                    CatalogEntry.deleted_at.is_(None),
                    CatalogEntry.active.is_(True),
                    self.changed(CatalogEntry),
                ),
                CatalogEntryOut(),
            ),
            "suppliers": (
                select(Supplier).where(
                    Supplier.store_id.in_(self.store_ids),
                    Supplier.deleted_at.is_(None),
                    Supplier.active.is_(True),
                    self.changed(Supplier),
                ),
                SupplierOut(),
            ),
            "customers": (
                select(Customer).where(
                    Customer.id.in_(select(ServiceCase.customer_id).where(ServiceCase.id.in_(in_scope_cases))),
                    Customer.deleted_at.is_(None),
                    or_(
                        self.changed(Customer),
                        Customer.id.in_(select(ServiceCase.customer_id).where(ServiceCase.id.in_(sent))),
                    ),
                ),
                CustomerOut(),
            ),
            "contracts": (
                select(Contract)
                .where(
                    Contract.id.in_(select(ServiceCase.contract_id).where(ServiceCase.id.in_(in_scope_cases))),
                    Contract.deleted_at.is_(None),
                    or_(
                        self.changed(Contract),
                        Contract.id.in_(select(ServiceCase.contract_id).where(ServiceCase.id.in_(sent))),
                    ),
                )
                .options(*CONTRACT_LOAD),
                ContractOut(),
            ),
            "cases": (select(ServiceCase).where(ServiceCase.id.in_(sent)).options(*CASE_LOAD), CaseOut()),
            "appointments": (
                select(Appointment)
                .where(
                    Appointment.id.in_(scope_appointments),
                    or_(self.changed(Appointment), Appointment.case_id.in_(sent)),  # a visit embeds its case
                )
                .options(*APPOINTMENT_LOAD),
                AppointmentOut(),
            ),
            "occurrences": (
                select(Occurrence)
                .where(
                    Occurrence.id.in_(in_scope_occurrences),
                    or_(self.changed(Occurrence), Occurrence.case_id.in_(sent)),
                )
                .options(*OCCURRENCE_LOAD, selectinload(Occurrence.case).selectinload(ServiceCase.store)),
                OccurrenceOut(exclude=("items", "attachments")),  # sent as tables of their own
            ),
            "occurrence_items": (
                select(OccurrenceItem).where(
                    OccurrenceItem.occurrence_id.in_(in_scope_occurrences),
                    OccurrenceItem.deleted_at.is_(None),
                    or_(self.changed(OccurrenceItem), OccurrenceItem.occurrence_id.in_(sent_occurrences)),
                ),
                ItemOut(),
            ),
            "attachments": (
                select(Attachment).where(
                    Attachment.deleted_at.is_(None),
                    or_(
                        Attachment.occurrence_id.in_(in_scope_occurrences),
                        Attachment.appointment_id.in_(scope_appointments),
                    ),
                    or_(
                        self.changed(Attachment),
                        Attachment.occurrence_id.in_(sent_occurrences),
                        Attachment.appointment_id.in_(select(Appointment.id).where(Appointment.case_id.in_(sent))),
                    ),
                ),
                AttachmentOut(),
            ),
            "claim_items": claim_items_rows(self.changed(ClaimItem), in_scope_occurrences, sent_occurrences),
        }

    def deletes(self) -> CompoundSelect[Any]:
        """(table, id as text) of everything to delete, in one query."""

        def tombstones(name: str, model: type[StoreRecord], *extra: ColumnElement[bool]) -> Select[str, str]:
            key = model.__table__.c.id  # type: ignore[attr-defined]
            return select(literal(name, String).label("t"), cast(key, String).label("id")).where(
                model.store_id.in_(self.store_ids), model.deleted_at.is_not(None), self.changed(model), *extra
            )

        # `+ 0`: keep the planner on (store_id, version) rather than all of this technician's visits.
        own_visit = (Appointment.assignee_id + 0 == self.user.id,) if self.technician else ()
        parts = [
            tombstones("catalog_entries", CatalogEntry),
            select(literal("catalog_entries", String), cast(CatalogEntry.id, String)).where(
                CatalogEntry.store_id.in_(self.store_ids),
                CatalogEntry.deleted_at.is_(None),
                CatalogEntry.active.is_(False),
                self.changed(CatalogEntry),
            ),
            tombstones("suppliers", Supplier),
            select(literal("suppliers", String), cast(Supplier.id, String)).where(
                Supplier.store_id.in_(self.store_ids),
                Supplier.deleted_at.is_(None),
                Supplier.active.is_(False),
                self.changed(Supplier),
            ),
            tombstones("customers", Customer),
            tombstones("contracts", Contract),
            tombstones("cases", ServiceCase),
            tombstones("appointments", Appointment, *own_visit),
            tombstones("occurrences", Occurrence),
            tombstones("occurrence_items", OccurrenceItem),
            tombstones("attachments", Attachment),
            tombstones("claim_items", ClaimItem),
        ]
        exits = (
            select(AppointmentExit.appointment_id)
            .where(
                AppointmentExit.user_id == self.user.id,
                AppointmentExit.store_id.in_(self.store_ids),
                self.changed(AppointmentExit),
            )
            .scalar_subquery()
        )
        parts.append(
            select(literal("appointments", String), cast(Appointment.id, String)).where(
                Appointment.id.in_(exits), Appointment.id.not_in(self.appointments)
            )
        )
        parts.append(
            select(literal("cases", String), cast(Appointment.case_id, String)).where(
                Appointment.id.in_(exits), Appointment.case_id.not_in(self.cases)
            )
        )
        return union_all(*parts)


# --- the pull -----------------------------------------------------------------------------


@dataclass
class PullResult:
    next: Cursor
    reset: bool
    more: bool
    changes: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    last_mutation_id: int = 0
    rejections: list[dict[str, Any]] = field(default_factory=list)
    progress: dict[str, int] | None = None  # a snapshot's: visits the phone holds, of the scope's

    @property
    def cursor(self) -> str:
        return self.next.encode()


def _begin_snapshot() -> None:
    """Open one snapshot for everything the pull reads next.

    SQLite: the request's transaction began with BEGIN IMMEDIATE, so it already is one. PostgreSQL:
    end the request's READ COMMITTED transaction (the login, the client's row) and start a
    REPEATABLE READ one."""
    if db.engine.dialect.name == "postgresql":
        db.session.commit()
        db.session.connection(execution_options={"isolation_level": "REPEATABLE READ"})


def _user_stamp(user: User) -> str:
    return user.updated_at.isoformat()


def _as_id(table: str, raw: str) -> Any:
    return str(uuid.UUID(raw)) if table in UUID_TABLES else int(raw)


def _rejections(client_id: uuid.UUID, acknowledged: int) -> list[Rejection]:
    """The device's rejections it has not confirmed; those up to `acknowledged` are marked delivered.

    An answer can be lost on the way: a rejection is sent again until a later pull's cursor shows
    the phone applied an answer that carried it, so the technician sees it once and never loses it.
    """
    rows: Sequence[Rejection] = db.session.scalars(
        select(Rejection)
        .where(Rejection.client_id == client_id, Rejection.delivered_at.is_(None))
        .order_by(Rejection.mutation_id)
    ).all()
    seen = [row.id for row in rows if row.mutation_id <= acknowledged]
    if seen:
        db.session.execute(update(Rejection).where(Rejection.id.in_(seen)).values(delivered_at=utcnow()))
    return [row for row in rows if row.mutation_id > acknowledged]


def _touch_client(user: User, client_id: uuid.UUID, schema_version: int) -> int:
    """Mark the device as seen, registering it on first use; its `last_mutation_id`."""
    stmt = (
        update(SyncClient)
        .where(SyncClient.id == client_id, SyncClient.user_id == user.id)
        .values(last_seen_at=utcnow(), schema_version=schema_version)
        .returning(SyncClient.last_mutation_id)
        .execution_options(synchronize_session=False)
    )
    last = db.session.scalar(stmt)
    if last is None:  # a new device, or another user's (403)
        last = register_client(user, client_id, schema_version, None).last_mutation_id
    return last


def pull(user: User, client_id: uuid.UUID, schema_version: int, raw_cursor: str | None) -> PullResult:
    """Answer a pull; commits (the client's last-seen time and delivered rejections).

    `last_mutation_id` and the stores' versions are read before the snapshot opens (PostgreSQL),
    which is safe: whatever they count committed earlier, so the snapshot holds it; whatever
    commits in between is sent now and again next time (an upsert is idempotent)."""
    last_mutation_id = _touch_client(user, client_id, schema_version)
    versions = {store.id: store.version for store in user.stores}  # loaded with the user
    stamp = _user_stamp(user)
    cursor = decode_cursor(raw_cursor, schema_version)
    if cursor is not None and set(cursor.versions) != set(versions):
        cursor = None  # the user joined or left a store: start over rather than patch the difference
    _begin_snapshot()
    if cursor is not None and cursor.page is None:
        result = _delta(user, cursor, versions, stamp)
    else:
        result = _snapshot(user, cursor, versions, stamp)
    result.last_mutation_id = last_mutation_id
    acknowledged = acknowledged_rejections(raw_cursor)
    fresh = _rejections(client_id, acknowledged)
    result.rejections = [
        {key: getattr(row, key) for key in ("mutation_id", "name", "args", "code", "message", "errors", "retryable")}
        for row in fresh
    ]
    result.next.rejected = max([acknowledged, *(row.mutation_id for row in fresh)])
    db.session.commit()
    return result


def _delta(user: User, cursor: Cursor, versions: dict[int, int], stamp: str) -> PullResult:
    if versions == cursor.versions and stamp == cursor.user_stamp:
        # Nothing was written in the user's stores since the cursor: no table can have changed.
        return PullResult(Cursor(versions, int(time.time()), stamp), reset=False, more=False)
    scope = Scope(user, list(versions), cursor.versions)
    if (
        stamp == cursor.user_stamp
        and scope.technician
        and not scope_touched(user, cursor.versions, scope.window_start())
    ):
        # Written since the cursor, but nothing this technician holds or would be sent.
        return PullResult(Cursor(versions, int(time.time()), stamp), reset=False, more=False)
    # Rows embed catalog names and the user's own name: when those change, re-send the scope.
    scope.everything = stamp != cursor.user_stamp or bool(
        db.session.scalar(select(exists().where(CatalogEntry.store_id.in_(versions), scope.changed(CatalogEntry))))
    )
    changes: dict[str, dict[str, list[Any]]] = {}
    for table, (stmt, schema) in scope.upserts().items():
        rows = db.session.scalars(stmt).all()
        if rows:
            changes[table] = {"upsert": schema.dump(rows, many=True), "delete": []}
    if stamp != cursor.user_stamp:
        changes["users"] = {"upsert": [UserOut().dump(user)], "delete": []}
    upserted = {table: {str(row["id"]) for row in entry["upsert"]} for table, entry in changes.items()}
    for table, raw in db.session.execute(scope.deletes()).all():
        record_id = _as_id(table, raw)
        if str(record_id) in upserted.get(table, set()):
            continue
        entry = changes.setdefault(table, {"upsert": [], "delete": []})
        if record_id not in entry["delete"]:
            entry["delete"].append(record_id)
    return PullResult(Cursor(versions, int(time.time()), stamp), reset=False, more=False, changes=changes)


def _snapshot(user: User, cursor: Cursor | None, versions: dict[int, int], stamp: str) -> PullResult:
    """A full snapshot, or its next page when `cursor` carries a page position."""
    if cursor is not None and cursor.page is not None:
        base, (start, after), reset, issued = cursor.versions, cursor.page, False, cursor.issued_at
        soon_start = datetime.fromtimestamp(cursor.soon, UTC) if cursor.soon is not None else today_start(user)
    else:
        base, start, after, reset, issued = versions, 0, None, True, int(time.time())
        soon_start = today_start(user)
    budget = current_app.config["SYNC_PAGE_SIZE"]
    changes: dict[str, dict[str, list[Any]]] = {table: {"upsert": [], "delete": []} for table in TABLES}
    scope = Scope(user, list(versions), None)
    if reset:
        soon = Scope(user, list(versions), None, soon=(soon_start, budget))
        sent = _send_soon(soon, changes)
        if sent:
            start = TABLES.index("appointments")  # the user and the catalogs came with the days ahead
            budget -= sent
            everyone, ahead = scope.appointments, soon.appointments
            if not isinstance(everyone, list) or not isinstance(ahead, list) or len(everyone) > len(ahead):
                budget = 0  # the day alone, quickly: the history follows in the next pages
    queries = scope.upserts()
    page = Cursor(base, issued, stamp, soon=int(soon_start.timestamp()))
    for index in range(start, len(TABLES)):
        table = TABLES[index]
        if table == "users":
            changes[table]["upsert"] = [UserOut().dump(user)]
            budget -= 1
            after = None
            continue
        if budget <= 0:
            page.page = (index, None)
            break
        stmt, schema = queries[table]
        key = stmt.selected_columns[0].table.c.id
        if after is not None:
            stmt = stmt.where(key > (uuid.UUID(after) if table in UUID_TABLES else int(after)))
        rows = db.session.scalars(stmt.order_by(key).limit(budget + 1)).all()
        after = None
        if len(rows) > budget:
            rows = rows[:budget]
            last = rows[-1].id
            page.page = (index, str(last) if table in UUID_TABLES else last)
        changes[table]["upsert"] = _merge(changes[table]["upsert"], schema.dump(rows, many=True))
        if page.page is not None:
            break
        budget -= len(rows)
    return PullResult(
        page,
        reset=reset,
        more=page.page is not None,
        changes=_compact(changes),
        progress=_progress(scope, soon_start, page.page),
    )


def _send_soon(soon: Scope, changes: dict[str, dict[str, list[Any]]]) -> int:
    """Put the days ahead, whole, into a snapshot's first page (with the user and the catalogs,
    all the agenda and the visit screen need); how many rows. Nothing when no visit is that close."""
    if not soon.appointments:
        return 0
    changes["users"]["upsert"] = [UserOut().dump(soon.user)]
    sent = 1
    for table, (stmt, schema) in soon.upserts().items():
        rows = db.session.scalars(stmt).all()
        changes[table]["upsert"] = schema.dump(rows, many=True)
        sent += len(rows)
    return sent


def _merge(earlier: list[dict[str, Any]], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A page sends a row once, even when the days ahead already brought it."""
    if not earlier:
        return rows
    again = {row["id"] for row in rows}
    return [row for row in earlier if row["id"] not in again] + rows


def _progress(scope: Scope, soon_start: datetime, page: tuple[int, Any] | None) -> dict[str, int]:
    """How many of the scope's visits the phone holds once it applied this page (`page`: where
    the next one starts; None: the snapshot is complete)."""
    visits = TABLES.index("appointments")
    if page is None or page[0] > visits:
        sent: ColumnElement[bool] = literal(True)
    elif page[0] == visits and page[1] is not None:
        sent = or_(soon_visits(soon_start), Appointment.id <= page[1])
    else:
        sent = soon_visits(soon_start)
    total, done = db.session.execute(
        select(func.count(Appointment.id), func.coalesce(func.sum(case((sent, 1), else_=0)), 0)).where(
            *scope.visit_terms()
        )
    ).one()
    return {"visits_sent": min(int(done), int(total)), "visits_total": int(total)}


def _compact(changes: dict[str, dict[str, list[Any]]]) -> dict[str, dict[str, list[Any]]]:
    return {table: entry for table, entry in changes.items() if entry["upsert"] or entry["delete"]}
