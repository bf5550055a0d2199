"""`GET /api/meta`: the labels of the API's codes, public, and the same document the PWA builds in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from server.occurrences.models import PAYER_LABELS, Payer

BUILT_IN = Path(__file__).resolve().parents[1] / "pwa" / "src" / "data" / "meta.json"


def test_meta_lists_every_code_with_the_servers_label(client: Any) -> None:
    response = client.get("/api/meta")  # no login: the phone's login screen and the office may ask
    assert response.status_code == 200, response.json
    meta = response.json
    assert list(meta["payer"]) == [p.value for p in Payer]
    assert meta["payer"]["factory"] == PAYER_LABELS[Payer.FACTORY] == "Paga pela Fábrica"
    assert meta["appointment_status"]["in_progress"] == "Em andamento"
    assert meta["item_action"] == {"replace": "Substituir", "repair": "Reparar", "adjust": "Ajustar"}
    assert meta["email_status"]["queued"] == "Na fila"
    assert set(meta) >= {"case_status", "order_status", "supplier_kind", "role", "document_kind"}


def test_meta_is_documented_in_the_openapi(client: Any) -> None:
    spec = client.get("/api/openapi.json").json
    operation = spec["paths"]["/api/meta"]["get"]
    schema_ref = operation["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][schema_ref.rsplit("/", 1)[-1]]
    assert "payer" in schema["properties"] and "appointment_status" in schema["required"]


def test_the_pwa_builds_in_the_same_document(client: Any) -> None:
    """The technician's app needs the labels offline, so its build carries this document; regenerate
    it with `python -m scripts.export_meta` when an enum or a label changes."""
    assert json.loads(BUILT_IN.read_text(encoding="utf-8")) == client.get("/api/meta").json
