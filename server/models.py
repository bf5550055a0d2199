"""Every model, imported together so that relationships named by string always resolve.

`server/__init__.py` imports this module first: a service that builds loader options at import
time (e.g. selectinload(OccurrenceItem.order)) then finds every mapper ready.
"""

from server.appointments.models import Appointment, AppointmentExit, CalendarToken
from server.attachments.models import Attachment
from server.auth.models import User
from server.cases.models import CaseEvent, ServiceCase
from server.catalogs.models import CatalogEntry
from server.claims.models import Claim, ClaimCredit, ClaimItem, ClaimTotals
from server.contracts.models import Contract, ContractImport, ContractItem
from server.customers.models import Customer
from server.customers.words import CustomerVocabulary, CustomerWord
from server.database import index_versions
from server.documents.models import DocumentEmail, PrintLayout
from server.occurrences.models import Occurrence, OccurrenceItem
from server.orders.models import PartsOrder
from server.push.models import PushDelivery, PushNotification, PushSubscription
from server.stores.models import Store
from server.suppliers.models import Supplier
from server.sync.models import Rejection, SyncClient

index_versions()

__all__ = [
    "Appointment",
    "AppointmentExit",
    "Attachment",
    "CalendarToken",
    "CaseEvent",
    "CatalogEntry",
    "Claim",
    "ClaimCredit",
    "ClaimItem",
    "ClaimTotals",
    "Contract",
    "ContractImport",
    "ContractItem",
    "Customer",
    "CustomerVocabulary",
    "CustomerWord",
    "DocumentEmail",
    "Occurrence",
    "OccurrenceItem",
    "PartsOrder",
    "PrintLayout",
    "PushDelivery",
    "PushNotification",
    "PushSubscription",
    "Rejection",
    "ServiceCase",
    "Store",
    "Supplier",
    "SyncClient",
    "User",
]
