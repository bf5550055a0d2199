"""`flask backup` and `flask restore` for the embedded setup: a SQLite database and its stored files.

The archive (`.tar.gz`) holds `manifest.json` (when, the schema's revision, what is inside),
`assistec.db` — a consistent copy made with SQLite's online backup API while the app keeps running
— and `files/<key>` for every stored object (the local folder or the bucket). Restoring copies the
database back through the same API and makes the storage hold exactly the archive's files; stop the
web and worker processes first, and run `flask db upgrade` after restoring an older archive.

PostgreSQL is backed up with its own tools (`pg_dump`, `pg_restore`) and the bucket with the storage
service's (versioning, replication, `aws s3 sync`); docs/production.md says how.
"""

from __future__ import annotations

import io
import json
import sqlite3
import tarfile
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

from server.attachments.storage import check_key, get_storage
from server.extensions import db

FORMAT = 1
DATABASE_MEMBER = "assistec.db"
FILES_PREFIX = "files/"


class BackupError(RuntimeError):
    """The backup or restore cannot be done; the message says why and what to do."""


@dataclass
class Summary:
    revision: str | None
    files: int
    database_bytes: int


def sqlite_path() -> Path:
    url = db.engine.url
    if url.get_backend_name() != "sqlite":
        raise BackupError(
            f"`flask backup` copies SQLite databases; this one is {url.get_backend_name()}: "
            "use pg_dump and the bucket's own copies (docs/production.md)"
        )
    if not url.database or url.database == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(url.database)


def _revision() -> str | None:
    try:
        return db.session.execute(text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        db.session.rollback()


def backup(archive: Path) -> Summary:
    source = sqlite_path()
    revision = _revision()
    storage = get_storage()
    archive.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        copy = Path(work) / DATABASE_MEMBER
        _sqlite_copy(source, copy)
        keys = sorted(storage.list_keys())
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "database": "sqlite",
            "revision": revision,
            "files": len(keys),
        }
        partial = archive.with_name(archive.name + ".partial")
        with tarfile.open(partial, "w:gz") as tar:
            _add_bytes(tar, "manifest.json", json.dumps(manifest, indent=2).encode())
            tar.add(copy, arcname=DATABASE_MEMBER)
            stored = 0
            for key in keys:
                data = storage.get(key)
                if data is not None:  # deleted since it was listed
                    _add_bytes(tar, FILES_PREFIX + key, data)
                    stored += 1
        partial.replace(archive)
        return Summary(revision, stored, copy.stat().st_size)


def restore(archive: Path) -> Summary:
    target = sqlite_path()
    with tarfile.open(archive, "r:gz") as tar, tempfile.TemporaryDirectory() as work:
        manifest = _manifest(tar)
        database = tar.extractfile(DATABASE_MEMBER) if DATABASE_MEMBER in tar.getnames() else None
        if database is None:
            raise BackupError(f"{archive} holds no {DATABASE_MEMBER}")
        copy = Path(work) / DATABASE_MEMBER
        copy.write_bytes(database.read())
        files: dict[str, bytes] = {}
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith(FILES_PREFIX):
                try:
                    key = check_key(member.name[len(FILES_PREFIX) :])  # a crafted name cannot escape
                except ValueError:
                    raise BackupError(f"{archive} names a file outside the storage: {member.name!r}") from None
                extracted = tar.extractfile(member)
                assert extracted is not None
                files[key] = extracted.read()
        db.session.remove()
        db.engine.dispose()
        _sqlite_copy(copy, target)
        db.engine.dispose()
    storage = get_storage()
    for key in set(storage.list_keys()) - set(files):
        storage.delete(key)
    for key, data in files.items():
        storage.put(key, data)
    return Summary(manifest.get("revision"), len(files), copy_size(target))


def copy_size(path: Path) -> int:
    return path.stat().st_size if path.exists() else 0


def _manifest(tar: tarfile.TarFile) -> dict[str, Any]:
    try:
        member = tar.extractfile("manifest.json")
    except KeyError:
        member = None
    if member is None:
        raise BackupError("not an Assistec backup: manifest.json is missing")
    manifest: dict[str, Any] = json.loads(member.read())
    if manifest.get("format") != FORMAT or manifest.get("database") != "sqlite":
        raise BackupError(f"unknown backup format: {manifest.get('format')!r} / {manifest.get('database')!r}")
    return manifest


def _sqlite_copy(source: Path, target: Path) -> None:
    """Page by page through SQLite's online backup API: consistent even while others write."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=1024)
    src.close()
    dst.close()


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))
