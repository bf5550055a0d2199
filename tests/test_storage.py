"""Stored bytes through one interface, on the local folder and on a real S3-compatible server
(moto's, on loopback): the same attachment tests on both, the key rules, `flask storage migrate`."""

from __future__ import annotations

import io
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from flask import Flask
from PIL import Image

from server.attachments import storage
from server.auth.models import User
from server.stores.models import Store
from tests.conftest import ApiClient
from tests.s3_server import S3_CREDENTIALS, s3_server
from tests.test_attachments import jpeg, put
from tests.test_documents import build_case, pdf_images


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    with s3_server() as endpoint:
        yield endpoint


def new_bucket(endpoint: str) -> str:
    name = f"assistec-{uuid.uuid4().hex[:12]}"
    boto3.client("s3", endpoint_url=endpoint, **_boto_credentials()).create_bucket(Bucket=name)
    return name


def _boto_credentials() -> dict[str, str]:
    return {
        "aws_access_key_id": S3_CREDENTIALS["S3_ACCESS_KEY_ID"],
        "aws_secret_access_key": S3_CREDENTIALS["S3_SECRET_ACCESS_KEY"],
        "region_name": S3_CREDENTIALS["S3_REGION"],
    }


def use_s3(app: Flask, endpoint: str, prefix: str = "uploads") -> str:
    bucket = new_bucket(endpoint)
    app.config.update(STORAGE_URL=f"s3://{bucket}/{prefix}", S3_ENDPOINT_URL=endpoint, **S3_CREDENTIALS)
    return bucket


@pytest.fixture(params=["local", "s3"])
def backend(request: pytest.FixtureRequest, app: Flask, tmp_path: Path) -> str:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    if request.param == "s3":
        use_s3(app, request.getfixturevalue("s3_endpoint"))
    return str(request.param)


def stored_keys() -> list[str]:
    return sorted(storage.get_storage().list_keys())


# --- the same attachment tests on both backends ----------------------------------------------


def test_upload_stores_the_file_and_its_thumbnail(backend: str, as_technician: ApiClient, store: Store) -> None:
    attachment_id = uuid.uuid4()
    response = put(as_technician, jpeg((1200, 900)), attachment_id)
    assert response.status_code == 200, response.json
    assert stored_keys() == [f"{store.id}/{attachment_id}", f"{store.id}/{attachment_id}.thumb"]
    original = as_technician.get(f"/api/attachments/{attachment_id}")
    assert original.status_code == 200 and original.mimetype == "image/jpeg"
    assert Image.open(io.BytesIO(original.data)).size == (1200, 900)
    assert original.data == storage.get_storage().get(f"{store.id}/{attachment_id}")
    thumbnail = as_technician.get(f"/api/attachments/{attachment_id}/thumbnail")
    assert thumbnail.status_code == 200
    assert max(Image.open(io.BytesIO(thumbnail.data)).size) == 320
    again = as_technician.get(f"/api/attachments/{attachment_id}", headers={"If-None-Match": original.headers["ETag"]})
    assert again.status_code == 304


def test_same_id_and_hash_is_200_once_another_hash_is_409(backend: str, as_technician: ApiClient, store: Store) -> None:
    attachment_id, data = uuid.uuid4(), jpeg(color="blue")
    assert put(as_technician, data, attachment_id).status_code == 200
    stored = storage.get_storage().get(f"{store.id}/{attachment_id}")
    assert put(as_technician, data, attachment_id).status_code == 200
    conflict = put(as_technician, jpeg(color="green"), attachment_id)
    assert conflict.status_code == 409
    assert conflict.json["type"].endswith("/attachment-conflict")
    assert storage.get_storage().get(f"{store.id}/{attachment_id}") == stored
    assert len(stored_keys()) == 2


def test_delete_removes_both_objects(backend: str, as_technician: ApiClient) -> None:
    attachment_id = uuid.uuid4()
    assert put(as_technician, jpeg(), attachment_id).status_code == 200
    assert as_technician.delete(f"/api/attachments/{attachment_id}").status_code == 204
    assert stored_keys() == []
    assert as_technician.get(f"/api/attachments/{attachment_id}").status_code == 404


def test_a_missing_object_is_404_not_500(backend: str, as_technician: ApiClient, store: Store) -> None:
    attachment_id = uuid.uuid4()
    assert put(as_technician, jpeg(), attachment_id).status_code == 200
    storage.get_storage().delete(f"{store.id}/{attachment_id}")
    response = as_technician.get(f"/api/attachments/{attachment_id}")
    assert response.status_code == 404
    assert response.json["detail"] == "O arquivo deste anexo não está disponível."
    assert as_technician.get(f"/api/attachments/{attachment_id}/thumbnail").status_code == 200


def test_a_pdf_embeds_the_photos_from_the_storage(
    backend: str, as_scheduler: ApiClient, store: Store, scheduler: User, technician: User
) -> None:
    world = build_case(store, scheduler, technician)
    assert f"{store.id}/{world['photo']}.thumb" in stored_keys()
    response = as_scheduler.get(
        f"/api/cases/{world['case']}/documents/visit_report.pdf?appointment_id={world['visit']}"
    )
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert len(pdf_images(response)) == 2  # the photo's thumbnail and the signature
    cached = [key for key in stored_keys() if key.startswith("pdf-cache/")]
    assert len(cached) == 1 and storage.get_storage().get(cached[0]) == response.data


def test_an_unreachable_bucket_is_503_and_leaves_no_row(app: Flask, as_technician: ApiClient) -> None:
    app.config.update(STORAGE_URL="s3://nowhere", S3_ENDPOINT_URL="http://127.0.0.1:1", **S3_CREDENTIALS)
    attachment_id = uuid.uuid4()
    response = put(as_technician, jpeg(), attachment_id)
    assert response.status_code == 503
    assert response.json["detail"].startswith("O armazenamento de arquivos está indisponível")
    app.config["STORAGE_URL"] = None
    assert put(as_technician, jpeg(), attachment_id).status_code == 200  # the id was not taken


# --- the interface -----------------------------------------------------------------------------


def test_put_get_exists_delete_and_keys(backend: str, app: Flask) -> None:
    store = storage.get_storage()
    assert store.get("documents/1/a.pdf") is None and not store.exists("documents/1/a.pdf")
    store.put("documents/1/a.pdf", b"%PDF-1.7", "application/pdf")
    store.put("documents/2/b.pdf", b"%PDF-1.7 b")
    store.put("7/x.thumb", b"t")
    assert store.get("documents/1/a.pdf") == b"%PDF-1.7" and store.exists("documents/1/a.pdf")
    assert sorted(store.list_keys("documents/")) == ["documents/1/a.pdf", "documents/2/b.pdf"]
    store.delete("documents/1/a.pdf")
    store.delete("documents/1/a.pdf")  # a missing key is fine
    assert sorted(store.list_keys()) == ["7/x.thumb", "documents/2/b.pdf"]


@pytest.mark.parametrize("key", ["", "/etc/passwd", "../x", "a/../b", ".hidden", "a//b", "a b", "a/", 7])
def test_keys_that_could_escape_or_hide_are_refused(backend: str, key: Any) -> None:
    with pytest.raises(ValueError):
        storage.get_storage().put(key, b"x")


def test_s3_keys_live_under_the_prefix(app: Flask, s3_endpoint: str) -> None:
    bucket = use_s3(app, s3_endpoint, prefix="loja/arquivos")
    storage.get_storage().put("1/a", b"x")
    listed = boto3.client("s3", endpoint_url=s3_endpoint, **_boto_credentials()).list_objects_v2(Bucket=bucket)
    assert [item["Key"] for item in listed["Contents"]] == ["loja/arquivos/1/a"]


# --- flask storage migrate ---------------------------------------------------------------------


def test_storage_migrate_copies_the_folder_once(
    app: Flask, as_technician: ApiClient, store: Store, s3_endpoint: str, tmp_path: Path
) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    ids = [uuid.uuid4(), uuid.uuid4()]
    for attachment_id in ids:
        assert put(as_technician, jpeg(), attachment_id).status_code == 200
    (tmp_path / "uploads" / str(store.id) / ".tmp-abc").write_bytes(b"half a file")
    local = {key: storage.get_storage().get(key) for key in storage.get_storage().list_keys()}
    assert len(local) == 4
    use_s3(app, s3_endpoint)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["storage", "migrate"])
    assert first.exit_code == 0, first.output
    assert "copied 4, already there 0" in first.output
    second = runner.invoke(args=["storage", "migrate"])
    assert "copied 0, already there 4" in second.output
    assert {key: storage.get_storage().get(key) for key in storage.get_storage().list_keys()} == local
    response = as_technician.get(f"/api/attachments/{ids[0]}")  # now served from the bucket
    assert response.status_code == 200 and response.data == local[f"{store.id}/{ids[0]}"]


def test_storage_migrate_needs_a_bucket(app: Flask) -> None:
    app.config["STORAGE_URL"] = None
    result = app.test_cli_runner().invoke(args=["storage", "migrate"])
    assert result.exit_code != 0
    assert "STORAGE_URL" in result.output
