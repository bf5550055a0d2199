"""`flask backup` → wipe → `flask restore` gives back the same rows and the same files (SQLite);
on PostgreSQL the command refuses and points at pg_dump."""

from __future__ import annotations

import io
import tarfile
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from server.attachments import storage
from server.auth.models import User
from server.database import Base
from server.extensions import db
from server.stores.models import Store
from tests.conftest import ApiClient, _empty_tables
from tests.test_documents import build_case


def all_rows() -> dict[str, list[tuple[Any, ...]]]:
    db.session.commit()
    rows = {
        table.name: sorted((tuple(row) for row in db.session.execute(select(table))), key=repr)
        for table in Base.metadata.sorted_tables
    }
    db.session.commit()
    return rows


def all_files() -> dict[str, bytes | None]:
    store = storage.get_storage()
    return {key: store.get(key) for key in store.list_keys()}


@pytest.fixture
def sqlite_only(app: Flask) -> None:
    if db.engine.dialect.name != "sqlite":
        pytest.skip("backup/restore of PostgreSQL is pg_dump's (test_postgresql_is_pg_dumps_job)")


def test_backup_wipe_restore_gives_the_same_rows_and_files(
    sqlite_only: None,
    app: Flask,
    as_scheduler: ApiClient,
    store: Store,
    scheduler: User,
    technician: User,
    tmp_path: Path,
) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    build_case(store, scheduler, technician)
    rows, files = all_rows(), all_files()
    assert len(files) == 4 and rows["cases"] and rows["attachments"]  # a photo and a signature, with thumbnails
    archive = tmp_path / "backup.tar.gz"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["backup", str(archive)])
    assert result.exit_code == 0, result.output
    assert "4 files" in result.output

    _empty_tables()
    for key in list(storage.get_storage().list_keys()):
        storage.get_storage().delete(key)
    assert all_files() == {} and not all_rows()["cases"]

    result = runner.invoke(args=["restore", str(archive), "--yes"])
    assert result.exit_code == 0, result.output
    assert all_rows() == rows
    assert all_files() == files
    assert as_scheduler.get("/api/cases").status_code == 200  # the app reads the restored database


def test_restore_removes_files_the_backup_did_not_have(sqlite_only: None, app: Flask, tmp_path: Path) -> None:
    app.config["UPLOAD_FOLDER"] = str(tmp_path / "uploads")
    storage.get_storage().put("1/kept", b"a")
    archive = tmp_path / "b.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    storage.get_storage().put("1/later", b"b")
    assert app.test_cli_runner().invoke(args=["restore", str(archive), "--yes"]).exit_code == 0
    assert all_files() == {"1/kept": b"a"}


def test_restore_asks_first_and_refuses_what_is_not_a_backup(sqlite_only: None, app: Flask, tmp_path: Path) -> None:
    archive = tmp_path / "b.tar.gz"
    assert app.test_cli_runner().invoke(args=["backup", str(archive)]).exit_code == 0
    declined = app.test_cli_runner().invoke(args=["restore", str(archive)], input="n\n")
    assert declined.exit_code != 0 and "Aborted" in declined.output
    bogus = tmp_path / "bogus.tar.gz"
    with tarfile.open(bogus, "w:gz") as tar:
        info = tarfile.TarInfo("files/../../escape")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    refused = app.test_cli_runner().invoke(args=["restore", str(bogus), "--yes"])
    assert refused.exit_code != 0 and "manifest.json is missing" in refused.output
    assert not (tmp_path.parent / "escape").exists()
    crafted = tmp_path / "crafted.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(crafted, "w:gz") as tar:
        for member in source.getmembers():
            tar.addfile(member, source.extractfile(member))
        info = tarfile.TarInfo("files/../escape")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    refused = app.test_cli_runner().invoke(args=["restore", str(crafted), "--yes"])
    assert refused.exit_code != 0 and "names a file outside the storage" in refused.output


def test_postgresql_is_pg_dumps_job(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "b.tar.gz")])
    if db.engine.dialect.name == "sqlite":
        assert result.exit_code == 0, result.output
    else:
        assert result.exit_code != 0
        assert "use pg_dump" in result.output
