"""br/gzip for the API's JSON answers and the PWA's shell, as the client accepts (server.common.compress)."""

from __future__ import annotations

import gzip
import json
import uuid
from pathlib import Path
from typing import Any

import brotli
from flask import Flask

from server.common import compress
from tests.conftest import login, make_case, make_customer
from tests.test_appointments import DAY, book_ok
from tests.test_attachments import jpeg, upload_ok, uploads  # noqa: F401  (the fixture keeps files in tmp)

PULL = {"protocol": 1, "schema_version": 1, "cursor": None}


def test_a_pull_comes_back_compressed_and_decodes_to_the_same_json(app: Flask, scheduler, technician, store):
    """Accept-Encoding names br or gzip → that encoding, smaller, and the same answer once decoded."""
    for n in range(5):
        make_case(scheduler, make_customer(store, name=f"Cliente {n}"), assignee_id=technician.id)
    phone = login(app, technician)
    body = {**PULL, "client_id": str(uuid.uuid4())}
    plain = phone.post("/api/sync/pull", json=body)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    expected = plain.json
    expected.pop("cursor")  # holds the second it was issued at
    for accepted, encoding, decode in (
        ("gzip, deflate, br", "br", brotli.decompress),
        ("gzip", "gzip", gzip.decompress),
    ):
        packed = phone.post("/api/sync/pull", json=body, headers={"Accept-Encoding": accepted})
        assert packed.status_code == 200
        assert packed.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert int(packed.headers["Content-Length"]) < len(plain.data) / 3
        decoded: dict[str, Any] = json.loads(decode(packed.data))
        decoded.pop("cursor")
        assert decoded == expected and decoded["changes"]["cases"]["upsert"]


def test_the_shell_comes_compressed_and_its_etag_names_the_encoding(app: Flask, tmp_path: Path):
    """The PWA's index.html: gzip when asked, an ETag of its own, and a 304 for that ETag."""
    dist = tmp_path / "dist"
    (dist / "assets").mkdir(parents=True)
    shell = "<!doctype html><title>Assistec</title>" + "<div class=app>Assistec</div>" * 200
    (dist / "index.html").write_text(shell)
    app.config["PWA_DIST"] = str(dist)
    web = app.test_client()
    plain = web.get("/")
    packed = web.get("/", headers={"Accept-Encoding": "gzip"})
    assert plain.status_code == packed.status_code == 200
    assert "Content-Encoding" not in plain.headers and plain.data.decode() == shell
    assert packed.headers["Content-Encoding"] == "gzip" and gzip.decompress(packed.data).decode() == shell
    assert packed.headers["ETag"] != plain.headers["ETag"]
    again = web.get("/", headers={"Accept-Encoding": "gzip", "If-None-Match": packed.headers["ETag"]})
    assert again.status_code == 304


def test_small_answers_and_clients_that_refuse_gzip_get_plain_json(app: Flask, technician):
    me = login(app, technician)
    small = me.get("/api/auth/me", headers={"Accept-Encoding": "gzip"})
    assert small.status_code == 200 and "Content-Encoding" not in small.headers
    body = {**PULL, "client_id": str(uuid.uuid4())}
    refused = me.post("/api/sync/pull", json=body, headers={"Accept-Encoding": "gzip;q=0, identity"})
    assert refused.status_code == 200 and "Content-Encoding" not in refused.headers
    assert len(refused.data) > 1024 and refused.json["reset"] is True  # big enough to be worth it


def test_files_and_conditional_answers_are_sent_as_they_are(app: Flask, as_technician):
    """A photo keeps its bytes, its ETag and its 304: gzip is for JSON only."""
    photo = upload_ok(as_technician, jpeg())
    served = as_technician.get(f"/api/attachments/{photo['id']}", headers={"Accept-Encoding": "gzip"})
    assert served.status_code == 200 and "Content-Encoding" not in served.headers
    assert served.data[:2] == b"\xff\xd8"  # JPEG
    again = as_technician.get(
        f"/api/attachments/{photo['id']}", headers={"Accept-Encoding": "gzip", "If-None-Match": served.headers["ETag"]}
    )
    assert again.status_code == 304


def test_a_kept_answer_is_compressed_once_per_encoding_the_clients_ask_for(
    app: Flask, scheduler, technician, store, monkeypatch
):
    """The agenda kept in this process's answers: br for a phone, gzip when br is refused, plain
    when nothing is accepted, each decoding to the same JSON; a repeat compresses nothing."""
    case = make_case(scheduler, make_customer(store, name="Cliente Agenda"), assignee_id=technician.id)
    office = login(app, scheduler)
    for hour in range(8, 16):
        book_ok(office, case, technician, f"{hour:02d}:00", f"{hour:02d}:30", subject=f"Visita das {hour} horas")
    calls: list[str] = []
    real = compress._compress
    monkeypatch.setattr(compress, "_compress", lambda body, encoding: calls.append(encoding) or real(body, encoding))
    phone = login(app, technician)
    url = f"/api/appointments?assignee=me&from={DAY}&to={DAY}"
    plain = phone.get(url, headers={"Accept-Encoding": "identity"})
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert len(plain.json["items"]) == 8
    for accepted, encoding, decode in (
        ("gzip, deflate, br", "br", brotli.decompress),
        ("br;q=0, gzip", "gzip", gzip.decompress),
        ("gzip, deflate, br", "br", brotli.decompress),
    ):
        packed = phone.get(url, headers={"Accept-Encoding": accepted})
        assert packed.status_code == 200
        assert packed.headers["Content-Encoding"] == encoding
        assert "Accept-Encoding" in packed.headers["Vary"]
        assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data) / 3
        assert json.loads(decode(packed.data)) == plain.json
    assert calls == ["br", "gzip"]
