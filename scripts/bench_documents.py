"""Render time of a Solicitação de Assistência with the store's default layout, against weasyprint
rendering the same text as bare HTML, measured in one run (`make bench`; goal: ratio ≤ 1.5).

The issue's baseline is the document's words in one unstyled paragraph. A second baseline keeps
the document's lines, each its own unstyled paragraph: weasyprint's cost follows the number of
boxes it lays out, so this one shows how much of the gap the layout's styling adds on top of
merely having the text in separate lines. Font subsetting uses HarfBuzz when Debian's
libharfbuzz-subset0 is installed (`.ci/run` installs it); without it weasyprint falls back to
fontTools and every render, of either kind, takes about three times as long.

Runs on a fresh SQLite database in a temporary folder: a store, a customer with a contract, a case
with two occurrences of three items each. Each figure is the median of ROUNDS renders after a
warm-up; the document's time includes reading the case from the database.
"""

from __future__ import annotations

import ctypes.util
import html
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

import weasyprint  # type: ignore[import-untyped]
from flask_migrate import upgrade
from sqlalchemy import select

from server import create_app
from server.auth.models import Role
from server.auth.service import create_user
from server.cases.service import open_case
from server.catalogs.models import CatalogEntry
from server.contracts.service import create_contract
from server.customers.service import create_customer
from server.documents.render import render_html
from server.documents.service import _layout_for, build_document, render_document
from server.extensions import db
from server.occurrences.service import create_occurrence
from server.stores.service import create_store

ROUNDS = 15
ADDRESS = {
    "cep": "01310100",
    "street": "Avenida Paulista",
    "number": "1000",
    "complement": "Apto 42",
    "district": "Bela Vista",
    "city": "São Paulo",
    "state": "SP",
}


def medians(first: Callable[[], object], second: Callable[[], object]) -> tuple[float, float]:
    """Median seconds of each, measured alternately (a busy machine slows both alike)."""
    first(), second()  # warm-up: fonts, caches
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(ROUNDS):
        for action, bucket in ((first, times[0]), (second, times[1])):
            start = time.perf_counter()
            action()
            bucket.append(time.perf_counter() - start)
    return statistics.median(times[0]), statistics.median(times[1])


def harfbuzz_subset() -> bool:
    """Whether weasyprint can subset fonts with HarfBuzz (Debian's libharfbuzz-subset0)."""
    return ctypes.util.find_library("harfbuzz-subset") is not None


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {
                "TESTING": True,
                "SECRET_KEY": "bench",
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{Path(folder) / 'bench.db'}",
                "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1000",
                "RENDER_CACHE": 0,  # every round renders: the cache has its own figure (bench.renders)
            }
        )
        app.instance_path = folder
        with app.app_context():
            upgrade(directory=str(Path(__file__).resolve().parent.parent / "migrations"))
            store = create_store({"name": "Loja Bench", "cnpj": "11222333000181", "address": ADDRESS})
            user = create_user(
                {"name": "Bench", "email": "bench@assistec.test", "password": "senha-bench-123", "role": Role.ADMIN},
                stores=[store],
            )
            customer = create_customer(
                store,
                {"name": "Maria da Silva", "document": "52998224725", "phones": ["11987654321"], "address": ADDRESS},
            )
            contract = create_contract(user, {"number": "C-1", "customer_id": customer.id})
            case = open_case(
                {"customer_id": customer.id, "contract_id": contract.id, "reported_issue": "Porta raspando no piso."},
                user,
            )
            occurrence_type = db.session.scalar(
                select(CatalogEntry.id).where(
                    CatalogEntry.store_id == store.id, CatalogEntry.kind == "occurrence_types"
                )
            )
            for payer in ("store", "factory"):
                items = [
                    {"description": f"Peça {n}", "quantity": "2", "action": "replace", "unit_cost": "19.90"}
                    for n in range(3)
                ]
                create_occurrence(
                    case,
                    {
                        "occurrence_type_id": occurrence_type,
                        "payer": payer,
                        "expected_fix_date": date.today(),
                        "report": "Dobradiças quebradas.",
                        "resolved": False,
                        "unresolved_reason": "Aguardando peça.",
                        "items": items,
                    },
                    user,
                )

            document, _ = build_document(user, case, "service_request", {})
            layout = _layout_for(case, "service_request", None)
            filled = render_html(layout.html, document.data)
            words = " ".join(html.escape(html.unescape(part)) for part in re.sub(r"<[^>]+>", " ", filled).split())
            bare = f"<html><body><p>{words}</p></body></html>"
            # Block-level tags end a line; every other tag is dropped.
            text = re.sub(r"<[^>]+>", " ", re.sub(r"</?(?:tr|br|div|p|h[1-6]|section|header)\b[^>]*>", "\n", filled))
            lines = (" ".join(html.escape(html.unescape(part)) for part in line.split()) for line in text.splitlines())
            by_line = "<html><body>" + "".join(f"<p>{line}</p>" for line in lines if line) + "</body></html>"

            def full() -> object:
                return render_document(user, case, "service_request", {})

            def plain() -> object:
                return weasyprint.HTML(string=bare).write_pdf()

            def plain_lines() -> object:
                return weasyprint.HTML(string=by_line).write_pdf()

            document_time, bare_time = medians(full, plain)
            _, lines_time = medians(full, plain_lines)
    print("Documentos (weasyprint), mediana de", ROUNDS, "renderizações:")
    print(f"  Solicitação de Assistência, layout padrão (com leitura do banco): {document_time * 1000:7.1f} ms")
    print(f"  o mesmo texto em HTML sem estilo:                                 {bare_time * 1000:7.1f} ms")
    print(f"  razão: {document_time / bare_time:.2f} (meta ≤ 1,5)")
    print(f"  o mesmo texto, uma linha por parágrafo sem estilo:                 {lines_time * 1000:7.1f} ms")
    print(f"  razão contra as linhas: {document_time / lines_time:.2f}")
    print(f"  subconjunto de fontes por HarfBuzz: {'sim' if harfbuzz_subset() else 'não (fontTools, ~3× mais lento)'}")


if __name__ == "__main__":
    main()
