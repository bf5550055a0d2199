"""How a search term finds customers: every word in the folded search text, and a CPF/CNPJ or a
phone typed whole by equality on its own indexed column.

A phone is found by its last 8 digits (`customer_phones.tail`), so "(11) 98765-4321",
"98765-4321", "11987654321", "+55 11 98765-4321" and the number without the mobile's 9 all find
it; a term that names an area code (DDD) keeps to phones of that DDD. The equality lookups are
added to the LIKE with a UNION, never an OR: each side then reads its own index, where an OR
across a subquery leaves the planner a scan of every customer."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_, select, true, union

from server.common import brazil
from server.common.text import digits, fold, like_pattern
from server.customers.models import PHONE_TAIL, Customer, CustomerPhone

DOCUMENT_LENGTHS = (11, 14)  # CPF, CNPJ
NARROW_DIGITS = 8  # a term with this many digits or more (a CPF, CNPJ or phone) names few records


def search_is_broad(term: str) -> bool:
    """Whether the term may match many records (words), rather than a few (a document, a phone)."""
    return len(digits(term)) < NARROW_DIGITS


def search_condition(column: Any, term: str) -> Any:
    """`column` (a folded search blob) contains every word of the term, in any order — or the
    term's digits together, so that "529.982.247-25" and "(11) 98765-4321" match too."""
    words = and_(true(), *(column.like(like_pattern(word), escape="\\") for word in fold(term).split()))
    number = digits(term)
    if any(c.isalpha() for c in term):  # "PL-0100" is a code, not a phone
        document = "".join(c for c in fold(term) if c not in brazil.PUNCTUATION)
        if len(document) == 14 and document.isalnum():  # "12.ABC.345/01DE-35", an alphanumeric CNPJ
            return or_(words, column.like(f"%{document}%"))
        return words
    if len(number) < 3:
        return words
    return or_(words, column.like(f"%{number}%"))


def phone_key(term: str) -> tuple[str, str | None] | None:
    """The tail and the area code (None when not typed) of a term typed as a phone, else None."""
    if any(c.isalpha() for c in term):
        return None
    number = digits(term)
    if len(number) in (12, 13) and number.startswith("55"):  # +55, Brazil's country code
        number = number[2:]
    elif len(number) in (11, 12) and number.startswith("0"):  # 0 before the DDD, as dialled
        number = number[1:]
    if not PHONE_TAIL <= len(number) <= 11:
        return None
    if len(number) == 9 and number[0] != "9":  # without a DDD, only a mobile has 9 digits
        return None
    if len(number) == 11 and number[2] != "9":  # a mobile after its DDD; else a CPF, say
        return None
    area = number[:2] if len(number) >= 10 else None
    return number[-PHONE_TAIL:], area


def exact_matches(term: str, store_ids: list[int] | None = None) -> list[Select[Any]]:
    """Customer ids found by equality: the CPF/CNPJ typed whole, the phone typed whole. The
    stores, when known, narrow each lookup inside its index."""
    found: list[Select[Any]] = []
    number = digits(term)
    if not any(c.isalpha() for c in term) and len(number) in DOCUMENT_LENGTHS:
        by_document = select(Customer.id).where(Customer.document == number, Customer.deleted_at.is_(None))
        if store_ids is not None:
            by_document = by_document.where(Customer.store_id.in_(store_ids))
        found.append(by_document)
    key = phone_key(term)
    if key is not None:
        tail, area = key
        by_phone = select(CustomerPhone.customer_id).where(CustomerPhone.tail == tail)
        if store_ids is not None:
            by_phone = by_phone.where(CustomerPhone.store_id.in_(store_ids))
        if area is not None:  # stored phones always begin with their DDD (brazil.normalize_phone)
            by_phone = by_phone.where(CustomerPhone.digits.startswith(area))
        found.append(by_phone)
    return found


def matching_ids(term: str, store_ids: list[int] | None = None) -> Any:
    """The ids of the customers the term finds, as a subquery."""
    by_text = select(Customer.id).where(search_condition(Customer.search_text, term))
    exact = exact_matches(term, store_ids)
    return union(*exact, by_text) if exact else by_text


def customer_matches(term: str, store_ids: list[int] | None = None) -> ColumnElement[bool]:
    """The condition on `customers` for the Clientes search: the plain LIKE for words (read along
    the name's order, it stops after a page), the UNION of index reads for a document or phone."""
    if not exact_matches(term, store_ids):
        condition: ColumnElement[bool] = search_condition(Customer.search_text, term)
        return condition
    return Customer.id.in_(matching_ids(term, store_ids))
