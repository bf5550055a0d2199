"""Importing customers, contracts and their items from CSV/XLSX: a preview that writes nothing,
an import that writes nothing when a line is bad, and re-imports that update in place."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from flask import Flask
from openpyxl import Workbook
from sqlalchemy import func, select

from server.contracts.models import Contract, ContractItem
from server.customers.models import Customer
from server.extensions import db
from server.suppliers.models import Supplier
from tests.conftest import ApiClient

EXAMPLE = Path(__file__).parent / "data" / "contracts-import.csv"


def counts() -> tuple[int, int, int]:
    db.session.expire_all()
    return (
        db.session.scalar(select(func.count(Customer.id))) or 0,
        db.session.scalar(select(func.count(Contract.id))) or 0,
        db.session.scalar(select(func.count(ContractItem.id))) or 0,
    )


def post(client: ApiClient, url: str, content: bytes) -> Any:
    return client.post(url, data=content, headers={"Content-Type": "text/csv"})


def test_preview_reports_and_writes_nothing(as_scheduler: ApiClient, app: Flask) -> None:
    response = post(as_scheduler, "/api/imports/preview", EXAMPLE.read_bytes())
    assert response.status_code == 200, response.json
    body = response.json
    assert body["valid"] is True and body["errors"] == []
    assert body["rows"] == 4
    assert body["customers"] == {"new": 2, "updated": 0}
    assert body["contracts"] == {"new": 3, "updated": 0}
    assert body["items"] == 3
    assert body["new_factories"] == ["Móveis Serra", "Vale Planejados"]
    assert counts() == (0, 0, 0)


def test_a_valid_file_becomes_rows(as_scheduler: ApiClient) -> None:
    response = post(as_scheduler, "/api/imports?filename=vendas.csv", EXAMPLE.read_bytes())
    assert response.status_code == 202, response.json
    job = as_scheduler.get(f"/api/imports/{response.json['id']}").json
    assert job["status"] == "done"
    assert (job["total_rows"], job["processed_rows"]) == (4, 4)
    assert job["summary"]["items_new"] == 3
    assert counts() == (2, 3, 3)
    contract = db.session.scalar(select(Contract).where(Contract.number == "V-2030-001"))
    assert contract is not None
    item = db.session.scalar(select(ContractItem).where(ContractItem.code == "AER-80-BR"))
    assert item is not None and item.invoice_number == "554433" and str(item.invoice_date) == "2030-01-10"
    factory = db.session.get_one(Supplier, item.supplier_id)
    assert (factory.name, factory.kind) == ("Móveis Serra", "factory")
    maria = db.session.scalar(select(Customer).where(Customer.document == "52998224725"))
    assert maria is not None and maria.phones == ["11987654321"] and maria.address["city"] == "São Paulo"


def test_the_same_file_twice_makes_no_duplicates_and_updates_in_place(as_scheduler: ApiClient) -> None:
    post(as_scheduler, "/api/imports", EXAMPLE.read_bytes())
    item_id = db.session.scalar(select(ContractItem.id).where(ContractItem.code == "BAL-120"))
    changed = EXAMPLE.read_text(encoding="utf-8").replace("Balcão 120 cm pia;Branco TX", "Balcão 120 cm pia;Grafite")
    preview = post(as_scheduler, "/api/imports/preview", changed.encode()).json
    assert preview["customers"] == {"new": 0, "updated": 2}
    assert preview["contracts"] == {"new": 0, "updated": 3}
    response = post(as_scheduler, "/api/imports", changed.encode())
    assert as_scheduler.get(f"/api/imports/{response.json['id']}").json["status"] == "done"
    assert counts() == (2, 3, 3)
    db.session.expire_all()
    item = db.session.get_one(ContractItem, item_id)
    assert item.finish == "Grafite"
    assert db.session.scalar(select(func.count(Supplier.id))) == 2


def test_a_file_with_bad_lines_writes_nothing_and_reports_each_line(as_scheduler: ApiClient) -> None:
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace("529.982.247-25", "529.982.247-26")  # a wrong check digit
    lines[3] = lines[3].replace("02/02/2030", "31/02/2030").replace("Dormitório casal", "Sótão")
    content = ("\n".join(lines) + "\n").encode()
    preview = post(as_scheduler, "/api/imports/preview", content).json
    assert preview["valid"] is False
    assert preview["errors"] == [
        {"line": 3, "column": "CPF/CNPJ", "message": "CPF inválido: confira os dígitos."},
        {"line": 4, "column": "NF data", "message": "Data inválida: use dd/mm/aaaa."},
        {"line": 4, "column": "Ambiente", "message": "Ambiente não cadastrado na loja: “Sótão”."},
    ]
    response = post(as_scheduler, "/api/imports", content)
    assert response.status_code == 202
    job = as_scheduler.get(f"/api/imports/{response.json['id']}").json
    assert job["status"] == "failed"
    assert [e["line"] for e in job["errors"]] == [3, 4, 4]
    assert counts() == (0, 0, 0)
    assert db.session.scalar(select(func.count(Supplier.id))) == 0


def test_xlsx_is_read_like_csv(as_scheduler: ApiClient) -> None:
    book = Workbook()
    sheet = book.active
    for row in EXAMPLE.read_text(encoding="utf-8").splitlines():
        sheet.append(row.split(";"))
    out = io.BytesIO()
    book.save(out)
    response = as_scheduler.post("/api/imports/preview", data=out.getvalue())
    assert response.json["valid"] is True and response.json["items"] == 3


def test_missing_columns_and_oversized_files_are_refused(as_scheduler: ApiClient, app: Flask) -> None:
    response = post(as_scheduler, "/api/imports/preview", b"Nome;Telefone\nMaria;11987654321\n")
    assert response.status_code == 422
    assert response.json["errors"]["file"] == ["Faltam as colunas: CPF/CNPJ, Contrato (veja o modelo)."]
    app.config["IMPORT_MAX_ROWS"] = 2
    too_many = post(as_scheduler, "/api/imports/preview", EXAMPLE.read_bytes())
    assert too_many.status_code == 413
    app.config["IMPORT_MAX_BYTES"] = 100
    too_big = post(as_scheduler, "/api/imports", EXAMPLE.read_bytes())
    assert too_big.status_code == 413
    assert too_big.json["detail"] == "O arquivo passa de 1 KB: divida-o em partes."
    assert counts() == (0, 0, 0)


def test_another_stores_import_is_404(as_scheduler: ApiClient, as_outsider: ApiClient) -> None:
    response = post(as_scheduler, "/api/imports", EXAMPLE.read_bytes())
    assert as_outsider.get(f"/api/imports/{response.json['id']}").status_code == 404
    assert as_scheduler.get(f"/api/imports/{response.json['id']}").status_code == 200
