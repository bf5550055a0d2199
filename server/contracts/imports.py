"""Customers, contracts and their items from a CSV or XLSX export of the store's sales system.

The columns (docs/import.md) are matched by name, ignoring case, accents and blanks; each line is
one contract item, or just a customer and contract when it has no item columns. A file is read
whole and every line checked before anything is written: one bad line and nothing is written.

Re-importing is idempotent: customers are found by CPF/CNPJ, contracts by number, items within
their contract by code (else description) and room; found rows are updated in place, never
duplicated. An import never deletes: an item missing from the file stays on its contract.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from flask import current_app
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from server.catalogs.models import CatalogEntry, CatalogKind
from server.common import brazil
from server.common.schemas import QUANTITY_MAX
from server.common.text import fold
from server.contracts.models import Contract, ContractItem
from server.customers.models import Customer
from server.customers.schemas import CustomerIn
from server.database import bump_store_version, utcnow
from server.errors import Problem, ValidationFailed
from server.extensions import db
from server.suppliers.models import Supplier, SupplierKind

# Column -> (field, accepted header names, folded and with blanks as "_").
COLUMNS: dict[str, tuple[str, ...]] = {
    "customer_document": ("cpf_cnpj", "cliente_cpf_cnpj", "documento", "cpf", "cnpj"),
    "customer_name": ("cliente", "cliente_nome", "nome"),
    "customer_phones": ("telefone", "telefones", "cliente_telefone", "celular"),
    "customer_email": ("email", "e_mail", "cliente_email"),
    "cep": ("cep",),
    "street": ("logradouro", "rua", "endereco"),
    "number": ("numero", "n"),
    "complement": ("complemento",),
    "district": ("bairro",),
    "city": ("cidade", "municipio"),
    "state": ("uf", "estado"),
    "contract_number": ("contrato", "contrato_numero", "numero_contrato"),
    "contract_delivery_date": ("contrato_entrega", "data_entrega_contrato"),
    "contract_notes": ("contrato_observacao", "observacao"),
    "room": ("ambiente",),
    "product_line": ("linha", "linha_de_produto"),
    "factory": ("fabrica", "fornecedor"),
    "code": ("codigo", "modulo", "codigo_modulo", "referencia"),
    "description": ("descricao", "item"),
    "finish": ("acabamento", "cor", "acabamento_cor"),
    "dimensions": ("medidas", "dimensoes"),
    "quantity": ("quantidade", "qtd", "qtde"),
    "factory_order_number": ("pedido_fabrica", "pedido_de_fabrica", "pedido"),
    "invoice_number": ("nf", "nfe", "nf_e", "nota_fiscal", "nf_numero"),
    "invoice_date": ("nf_data", "data_nf", "data_nota_fiscal"),
    "delivery_date": ("entrega", "data_entrega"),
    "installation_date": ("montagem", "data_montagem", "instalacao", "data_instalacao"),
}
REQUIRED = ("customer_document", "customer_name", "contract_number")
ADDRESS = ("cep", "street", "number", "complement", "district", "city", "state")
ITEM_FIELDS = (
    "room",
    "product_line",
    "factory",
    "code",
    "description",
    "finish",
    "dimensions",
    "quantity",
    "factory_order_number",
    "invoice_number",
    "invoice_date",
    "delivery_date",
    "installation_date",
)
LIMITS = {"code": 60, "description": 300, "finish": 80, "dimensions": 80, "factory_order_number": 40}
LIMITS |= {"invoice_number": 20, "contract_number": 40, "contract_notes": 2000, "factory": 120}
LABELS = {
    "customer_document": "CPF/CNPJ",
    "customer_name": "Cliente",
    "customer_phones": "Telefone",
    "customer_email": "E-mail",
    "contract_number": "Contrato",
    "contract_delivery_date": "Contrato entrega",
    "contract_notes": "Observação",
    "room": "Ambiente",
    "product_line": "Linha",
    "factory": "Fábrica",
    "code": "Código",
    "description": "Descrição",
    "finish": "Acabamento",
    "dimensions": "Medidas",
    "quantity": "Quantidade",
    "factory_order_number": "Pedido fábrica",
    "invoice_number": "NF-e",
    "invoice_date": "NF data",
    "delivery_date": "Entrega",
    "installation_date": "Montagem",
    "cep": "CEP",
    "street": "Logradouro",
    "number": "Número",
    "complement": "Complemento",
    "district": "Bairro",
    "city": "Cidade",
    "state": "UF",
}
XLSX_MAGIC = b"PK\x03\x04"
CUSTOMER = CustomerIn()  # one schema for every line: building it costs more than a line's check


def max_bytes() -> int:
    return int(current_app.config.get("IMPORT_MAX_BYTES", 5 * 1024 * 1024))


def too_large() -> Problem:
    limit = max_bytes()
    size = f"{limit // (1024 * 1024)} MB" if limit >= 1024 * 1024 else f"{max(1, limit // 1024)} KB"
    return Problem(413, f"O arquivo passa de {size}: divida-o em partes.")


def max_rows() -> int:
    return int(current_app.config.get("IMPORT_MAX_ROWS", 5000))


@dataclass
class Line:
    number: int  # as the office sees it in the file (the header is line 1)
    values: dict[str, Any]


@dataclass
class Plan:
    """A checked file: what it holds, and what is wrong with it, line by line."""

    lines: list[Line] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)
    customers: dict[str, dict[str, Any]] = field(default_factory=dict)  # document -> fields
    contracts: dict[str, dict[str, Any]] = field(default_factory=dict)  # number -> fields
    items: dict[str, list[tuple[Line, dict[str, Any]]]] = field(default_factory=dict)  # number -> items
    rooms: dict[str, int] = field(default_factory=dict)
    lines_of: dict[str, list[str]] = field(default_factory=dict)
    product_lines: dict[str, int] = field(default_factory=dict)
    suppliers: dict[str, int | None] = field(default_factory=dict)  # folded name -> id (None: new)
    supplier_names: dict[str, str] = field(default_factory=dict)

    def error(self, line: int, column: str | None, message: str) -> None:
        if len(self.errors) < 500:
            self.errors.append(
                {"line": line, "column": LABELS.get(column, column) if column else None, "message": message}
            )


# --- reading ------------------------------------------------------------------------------


def _header(name: Any) -> str:
    return "_".join(fold(str(name or "")).replace("-", " ").replace("/", " ").replace(".", " ").split())


def _rows(content: bytes) -> Iterator[list[Any]]:
    if content.startswith(XLSX_MAGIC):
        yield from _xlsx_rows(content)
        return
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="strict")  # Excel's "CSV" in Brazil
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    yield from csv.reader(io.StringIO(text), delimiter=delimiter)


def _xlsx_rows(content: bytes) -> Iterator[list[Any]]:
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a broken file
        raise ValidationFailed({"file": ["Não foi possível ler a planilha (XLSX)."]}) from error
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def read(content: bytes) -> tuple[dict[str, int], list[Line], list[str]]:
    """(field -> column index, the lines, ignored header names); 413/422 when out of bounds."""
    if len(content) > max_bytes():
        raise too_large()
    if not content.strip():
        raise ValidationFailed({"file": ["O arquivo está vazio."]})
    try:
        rows = _rows(content)
        header = next(rows, None)
    except (UnicodeDecodeError, csv.Error) as error:
        raise ValidationFailed({"file": ["Arquivo ilegível: envie um CSV (UTF-8 ou Windows) ou XLSX."]}) from error
    if not header:
        raise ValidationFailed({"file": ["O arquivo não tem a linha de títulos."]})
    aliases = {alias: name for name, names in COLUMNS.items() for alias in names}
    columns: dict[str, int] = {}
    ignored = []
    for index, title in enumerate(header):
        key = aliases.get(_header(title))
        if key is None:
            if title not in (None, ""):
                ignored.append(str(title))
        elif key not in columns:
            columns[key] = index
    missing = [LABELS[name] for name in REQUIRED if name not in columns]
    if missing:
        raise ValidationFailed({"file": [f"Faltam as colunas: {', '.join(missing)} (veja o modelo)."]})
    lines: list[Line] = []
    try:
        for number, row in enumerate(rows, start=2):
            if not any(cell not in (None, "") and str(cell).strip() for cell in row):
                continue
            if len(lines) >= max_rows():
                raise Problem(413, f"O arquivo passa de {max_rows()} linhas: divida-o em partes.")
            values = {name: row[index] if index < len(row) else None for name, index in columns.items()}
            lines.append(Line(number, values))
    except (UnicodeDecodeError, csv.Error) as error:
        raise ValidationFailed({"file": ["Arquivo ilegível: envie um CSV (UTF-8 ou Windows) ou XLSX."]}) from error
    return columns, lines, ignored


# --- checking -----------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a code typed as a number in a spreadsheet
    text = " ".join(str(value).split())
    return text or None


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d/%m/%y", "%d-%m-%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError("Data inválida: use dd/mm/aaaa.")


def _quantity(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    text = str(value).strip()
    if "," in text:
        text = text.replace(".", "").replace(",", ".")  # 1.234,5 → 1234.5
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError("Quantidade inválida.") from None
    if not number.is_finite() or number <= 0:
        raise ValueError("A quantidade deve ser maior que zero.")
    if number > QUANTITY_MAX or number != number.quantize(Decimal("0.001")):
        raise ValueError("Quantidade inválida: até 99.999,999, com no máximo 3 casas decimais.")
    return number


def _customer_fields(plan: Plan, line: Line) -> dict[str, Any] | None:
    v = line.values
    raw: dict[str, Any] = {"name": _text(v.get("customer_name")) or "", "document": _text(v.get("customer_document"))}
    phones = _text(v.get("customer_phones"))
    if phones:
        raw["phones"] = [p.strip() for p in phones.replace("/", ";").replace(",", ";").split(";") if p.strip()]
    if _text(v.get("customer_email")):
        raw["email"] = _text(v.get("customer_email"))
    address = {key: _text(v.get(key)) for key in ADDRESS if key in v}
    if any(address.values()):
        raw["address"] = {k: val for k, val in address.items() if val is not None}
    try:
        data: dict[str, Any] = CUSTOMER.load(raw)
    except ValidationError as error:
        columns = {"name": "customer_name", "document": "customer_document", "phones": "customer_phones"}
        columns |= {"email": "customer_email"}
        for key, messages in error.messages_dict.items():
            if key == "address" and isinstance(messages, dict):
                for part, texts in messages.items():
                    plan.error(line.number, part, "; ".join(_flat(texts)))
            else:
                plan.error(line.number, columns.get(key, key), "; ".join(_flat(messages)))
        return None
    if not data.get("document"):
        plan.error(line.number, "customer_document", "Informe o CPF/CNPJ: é a chave do cliente na importação.")
        return None
    return data


def _flat(messages: Any) -> list[str]:
    if isinstance(messages, str):
        return [messages]
    if isinstance(messages, dict):
        return [m for value in messages.values() for m in _flat(value)]
    return [m for value in messages for m in _flat(value)]


def _catalog(store_id: int) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    entries = db.session.scalars(
        select(CatalogEntry).where(
            CatalogEntry.store_id == store_id,
            CatalogEntry.deleted_at.is_(None),
            CatalogEntry.active.is_(True),
            CatalogEntry.kind.in_([CatalogKind.ROOMS.value, CatalogKind.PRODUCT_LINES.value]),
        )
    )
    rooms: dict[str, int] = {}
    lines: dict[str, int] = {}
    for entry in entries:
        (rooms if entry.kind == CatalogKind.ROOMS.value else lines)[fold(entry.name)] = entry.id
    suppliers = {
        s.sort_name: s.id
        for s in db.session.scalars(
            select(Supplier).where(Supplier.store_id == store_id, Supplier.deleted_at.is_(None))
        )
    }
    return rooms, lines, suppliers


def item_key(code: str | None, description: str | None, room_id: int | None) -> tuple[str, str, int | None]:
    """How an item is recognised again in its contract."""
    return ("code", fold(code), room_id) if code else ("description", fold(description), room_id)


def check(store_id: int, content: bytes) -> Plan:
    """Read and check the whole file, writing nothing."""
    _, lines, ignored = read(content)
    plan = Plan(lines=lines, ignored_columns=ignored)
    rooms, product_lines, suppliers = _catalog(store_id)
    seen_customers: dict[str, tuple[int, dict[str, Any]]] = {}
    seen_items: dict[tuple[str, tuple[str, str, int | None]], int] = {}
    contract_of: dict[str, tuple[int, str]] = {}  # number -> (line, customer document)
    for line in lines:
        v = line.values
        errors_before = len(plan.errors)
        customer = _customer_fields(plan, line)
        number = _text(v.get("contract_number"))
        if not number:
            plan.error(line.number, "contract_number", "Informe o número do contrato.")
        item: dict[str, Any] = {}
        for name in ("code", "description", "finish", "dimensions", "factory_order_number", "invoice_number"):
            item[name] = _text(v.get(name))
        for name in ("invoice_date", "delivery_date", "installation_date"):
            try:
                item[name] = _date(v.get(name))
            except ValueError as error:
                plan.error(line.number, name, str(error))
        try:
            item["quantity"] = _quantity(v.get("quantity"))
        except ValueError as error:
            plan.error(line.number, "quantity", str(error))
        contract_fields: dict[str, Any] = {"notes": _text(v.get("contract_notes"))}
        try:
            contract_fields["delivery_date"] = _date(v.get("contract_delivery_date"))
        except ValueError as error:
            plan.error(line.number, "contract_delivery_date", str(error))
        for name, limit in LIMITS.items():
            value = _text(v.get(name))
            if value is not None and len(value) > limit:
                plan.error(line.number, name, f"Texto longo demais: no máximo {limit} caracteres.")
        room_name, line_name, factory = _text(v.get("room")), _text(v.get("product_line")), _text(v.get("factory"))
        item["room_id"] = rooms.get(fold(room_name)) if room_name else None
        if room_name and item["room_id"] is None:
            plan.error(line.number, "room", f"Ambiente não cadastrado na loja: “{room_name}”.")
        item["product_line_id"] = product_lines.get(fold(line_name)) if line_name else None
        if line_name and item["product_line_id"] is None:
            plan.error(line.number, "product_line", f"Linha não cadastrada na loja: “{line_name}”.")
        if factory:
            plan.suppliers.setdefault(fold(factory), suppliers.get(fold(factory)))
            plan.supplier_names.setdefault(fold(factory), factory)
            item["factory"] = fold(factory)
        has_item = any(item.get(name) for name in ITEM_FIELDS if name != "factory") or bool(factory)
        if customer is not None and number:
            document = customer["document"]
            earlier = seen_customers.get(document)
            if earlier is not None and fold(earlier[1]["name"]) != fold(customer["name"]):
                plan.error(
                    line.number, "customer_name", f"Nome diferente do da linha {earlier[0]} para o mesmo CPF/CNPJ."
                )
            elif earlier is None:
                seen_customers[document] = (line.number, customer)
            owner = contract_of.get(number)
            if owner is not None and owner[1] != document:
                plan.error(
                    line.number,
                    "contract_number",
                    f"O contrato {number} já está na linha {owner[0]} com outro cliente.",
                )
            elif owner is None:
                contract_of[number] = (line.number, document)
            if has_item:
                if not item.get("code") and not item.get("description"):
                    plan.error(line.number, "code", "Informe o código ou a descrição do item.")
                else:
                    key = (number, item_key(item.get("code"), item.get("description"), item["room_id"]))
                    if key in seen_items:
                        plan.error(
                            line.number, "code", f"Item repetido no contrato {number} (linha {seen_items[key]})."
                        )
                    else:
                        seen_items[key] = line.number
        if len(plan.errors) == errors_before and customer is not None and number:
            plan.customers.setdefault(customer["document"], customer)
            known = plan.contracts.setdefault(
                number, {"document": customer["document"], "delivery_date": None, "notes": None}
            )
            for name, value in contract_fields.items():
                if value is not None:
                    known[name] = value
            if has_item:
                plan.items.setdefault(number, []).append((line, item))
    _check_existing_contracts(store_id, plan, contract_of)
    return plan


def _check_existing_contracts(store_id: int, plan: Plan, contract_of: dict[str, tuple[int, str]]) -> None:
    """A contract already in the store must be the same customer's."""
    if not contract_of:
        return
    rows = db.session.execute(
        select(Contract.number, Customer.document, Customer.name)
        .join(Customer, Customer.id == Contract.customer_id)
        .where(Contract.store_id == store_id, Contract.deleted_at.is_(None), Contract.number.in_(list(contract_of)))
    ).all()
    for number, document, name in rows:
        line, wanted = contract_of[number]
        if document != wanted:
            plan.error(line, "contract_number", f"O contrato {number} já existe na loja para outro cliente ({name}).")


def preview(store_id: int, content: bytes) -> dict[str, Any]:
    plan = check(store_id, content)
    existing_customers = set(
        db.session.scalars(
            select(Customer.document).where(
                Customer.store_id == store_id,
                Customer.deleted_at.is_(None),
                Customer.document.in_(list(plan.customers)),
            )
        )
    )
    existing_contracts = set(
        db.session.scalars(
            select(Contract.number).where(
                Contract.store_id == store_id, Contract.deleted_at.is_(None), Contract.number.in_(list(plan.contracts))
            )
        )
    )
    return {
        "rows": len(plan.lines),
        "valid": not plan.errors,
        "errors": sorted(plan.errors, key=lambda e: e["line"]),
        "ignored_columns": plan.ignored_columns,
        "customers": {"new": len(set(plan.customers) - existing_customers), "updated": len(existing_customers)},
        "contracts": {"new": len(set(plan.contracts) - existing_contracts), "updated": len(existing_contracts)},
        "items": sum(len(items) for items in plan.items.values()),
        "new_factories": sorted(plan.supplier_names[k] for k, v in plan.suppliers.items() if v is None),
    }


# --- writing ------------------------------------------------------------------------------


def _factories(store_id: int, plan: Plan) -> None:
    """Factories named in the file and not yet suppliers of the store become ones (kind fábrica)."""
    for folded, supplier_id in plan.suppliers.items():
        if supplier_id is None:
            supplier = Supplier(store_id=store_id, kind=SupplierKind.FACTORY.value, order_emails=[], claim_emails=[])
            supplier.set_name(plan.supplier_names[folded])
            db.session.add(supplier)
            db.session.flush()
            plan.suppliers[folded] = supplier.id


def _customer(store_id: int, data: dict[str, Any], found: dict[str, Customer]) -> Customer:
    customer = found.get(data["document"])
    if customer is None:
        customer = Customer(store_id=store_id, phones=[])
        db.session.add(customer)
        found[data["document"]] = customer
    for key, value in data.items():
        if key == "phones" and not value:
            continue
        setattr(customer, key, value)
    customer.document_type = brazil.normalize_document(data["document"])[0]
    customer.assistance_only = False
    customer.refresh_search()
    return customer


def write(store_id: int, plan: Plan, progress: Any = None, chunk: int = 250) -> dict[str, int]:
    """Write a checked plan (no errors), contract by contract; `progress(lines_done)` is called
    after each chunk of about `chunk` lines (the job commits there)."""
    assert not plan.errors
    bump_store_version(db.session, store_id)
    _factories(store_id, plan)
    customers = {
        c.document: c
        for c in db.session.scalars(
            select(Customer).where(
                Customer.store_id == store_id,
                Customer.deleted_at.is_(None),
                Customer.document.in_(list(plan.customers)),
            )
        )
        if c.document
    }
    counts = {"customers": len(plan.customers), "contracts": len(plan.contracts), "items_new": 0, "items_updated": 0}
    for data in plan.customers.values():
        _customer(store_id, data, customers)
    db.session.flush()
    done = 0
    pending = 0
    numbers = list(plan.contracts)
    for start in range(0, len(numbers), 50):
        batch = numbers[start : start + 50]
        contracts = {
            c.number: c
            for c in db.session.scalars(
                select(Contract)
                .where(Contract.store_id == store_id, Contract.deleted_at.is_(None), Contract.number.in_(batch))
                .options(selectinload(Contract.items))
            )
        }
        for number in batch:
            fields = plan.contracts[number]
            customer = customers[fields["document"]]
            contract = contracts.get(number)
            if contract is None:
                contract = Contract(
                    store_id=store_id,
                    number=number,
                    customer_id=customer.id,
                    delivery_address=customer.address,
                    items=[],
                )
                db.session.add(contract)
            for key in ("delivery_date", "notes"):
                if fields[key] is not None:
                    setattr(contract, key, fields[key])
            new, updated = _items(contract, plan, plan.items.get(number, []))
            counts["items_new"] += new
            counts["items_updated"] += updated
            if new or updated:
                contract.updated_at = utcnow()  # the items travel in the contract's version
            lines = max(1, len(plan.items.get(number, [])))
            done += lines
            pending += lines
        if progress is not None and pending >= chunk:
            db.session.flush()
            progress(done)
            bump_store_version(db.session, store_id)
            pending = 0
    db.session.flush()
    return counts


def _items(contract: Contract, plan: Plan, lines: list[tuple[Line, dict[str, Any]]]) -> tuple[int, int]:
    existing = {item_key(i.code, i.description, i.room_id): i for i in contract.items}
    new = updated = 0
    items = list(contract.items)
    for _, data in lines:
        data = dict(data)
        factory = data.pop("factory", None)
        data["supplier_id"] = plan.suppliers.get(factory) if factory else None
        key = item_key(data.get("code"), data.get("description"), data.get("room_id"))
        item = existing.get(key)
        if item is None:
            item = ContractItem(position=len(items))
            items.append(item)
            existing[key] = item
            new += 1
        else:
            updated += 1
        for name, value in data.items():
            if value is not None or name in ("room_id",):
                setattr(item, name, value)
    contract.items = items
    return new, updated
