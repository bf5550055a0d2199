"""What a user's phone holds: the sync pull's scope (docs/sync.md).

**Scope.** A technician: their technical-assistance visits (not cancelled) starting
`SYNC_WINDOW_DAYS` ago or later; the cases of those visits and the live cases assigned to them
(open, or changed within the window); those cases' customers, contracts, occurrences, items and
attachment metadata (photos of the occurrences, signatures of the visits) and claim items (which of
those occurrences' items are claimed from the factory, and how the claim stands; no amounts); the
active catalogs and
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
"""

from __future__ import annotations

from dataclasses import dataclass
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
    cast,
    false,
    literal,
    or_,
    select,
    union,
    union_all,
)
from sqlalchemy.orm import selectinload

from server.appointments.models import TECHNICAL_ASSISTANCE, Appointment, AppointmentExit, AppointmentStatus
from server.appointments.schemas import AppointmentOut
from server.appointments.service import LOAD as APPOINTMENT_LOAD
from server.attachments.models import Attachment
from server.attachments.schemas import AttachmentOut
from server.auth.models import Role, User
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

# Each table's schema, built once: building one costs more than dumping a small pull's rows with it.
CATALOG_ENTRY, SUPPLIER, CUSTOMER, CONTRACT = CatalogEntryOut(), SupplierOut(), CustomerOut(), ContractOut()
CASE, APPOINTMENT, ITEM, ATTACHMENT = CaseOut(), AppointmentOut(), ItemOut(), AttachmentOut()
OCCURRENCE = OccurrenceOut(exclude=("items", "attachments"))  # sent as tables of their own


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
                CATALOG_ENTRY,
            ),
            "suppliers": (
                select(Supplier).where(
                    Supplier.store_id.in_(self.store_ids),
                    Supplier.deleted_at.is_(None),
                    Supplier.active.is_(True),
                    self.changed(Supplier),
                ),
                SUPPLIER,
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
                CUSTOMER,
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
                CONTRACT,
            ),
            "cases": (select(ServiceCase).where(ServiceCase.id.in_(sent)).options(*CASE_LOAD), CASE),
            "appointments": (
                select(Appointment)
                .where(
                    Appointment.id.in_(scope_appointments),
                    or_(self.changed(Appointment), Appointment.case_id.in_(sent)),  # a visit embeds its case
                )
                .options(*APPOINTMENT_LOAD),
                APPOINTMENT,
            ),
            "occurrences": (
                select(Occurrence)
                .where(
                    Occurrence.id.in_(in_scope_occurrences),
                    or_(self.changed(Occurrence), Occurrence.case_id.in_(sent)),
                )
                .options(*OCCURRENCE_LOAD, selectinload(Occurrence.case).selectinload(ServiceCase.store)),
                OCCURRENCE,
            ),
            "occurrence_items": (
                select(OccurrenceItem).where(
                    OccurrenceItem.occurrence_id.in_(in_scope_occurrences),
                    OccurrenceItem.deleted_at.is_(None),
                    or_(self.changed(OccurrenceItem), OccurrenceItem.occurrence_id.in_(sent_occurrences)),
                ),
                ITEM,
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
                ATTACHMENT,
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
