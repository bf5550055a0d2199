"""Where stored bytes live: one interface, a local folder (the embedded default) or an S3 bucket.

Anything stored (photos, signatures, thumbnails, logos, cached documents) goes through
`get_storage()` by key: `put`, `get` (None when missing), `delete` (missing is fine), `exists`,
`list_keys`. Attachments use `<store id>/<uuid>` and `<store id>/<uuid>.thumb` (`attachment_key`):
keys are built only from integer ids and UUIDs, so nothing a client sends (a file name, a content
type) ever names a stored object.

* `LocalStorage` (no `STORAGE_URL`): files under `UPLOAD_FOLDER` (default `<instance>/uploads`),
  written to a temporary file in the same folder and renamed over the final name, so a crash
  leaves either the whole file or none of it.
* `S3Storage` (`STORAGE_URL=s3://bucket/prefix`): any S3-compatible service through boto3, with
  `S3_ENDPOINT_URL`, `S3_REGION`, `S3_ACCESS_KEY_ID`, `S3_SECRET_ACCESS_KEY` (else boto3's own
  lookup: environment, instance role). A PUT of one object is atomic in S3.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
import threading
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

from flask import current_app

TEMP_PREFIX = ".tmp-"
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9._-]*(/[A-Za-z0-9_-][A-Za-z0-9._-]*)*")
_clients_lock = threading.Lock()


class StorageError(RuntimeError):
    """The storage could not be reached or refused the operation."""


class Storage(Protocol):
    def put(self, key: str, data: bytes, content_type: str | None = None) -> None: ...
    def get(self, key: str) -> bytes | None: ...
    def delete(self, key: str) -> None: ...
    def exists(self, key: str) -> bool: ...
    def list_keys(self, prefix: str = "") -> Iterator[str]: ...


def check_key(key: str) -> str:
    """Relative, slash-separated names of letters, digits, `._-`; no `..`, no leading dot."""
    if not isinstance(key, str) or not _KEY.fullmatch(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


def attachment_key(store_id: int, attachment_id: uuid.UUID, *, thumbnail: bool = False) -> str:
    if not isinstance(store_id, int) or not isinstance(attachment_id, uuid.UUID):
        raise TypeError("attachment keys are made of an integer store id and a UUID only")
    return f"{store_id}/{attachment_id}{'.thumb' if thumbnail else ''}"


def get_storage() -> Storage:
    """The app's storage: the bucket named by `STORAGE_URL`, else the local folder."""
    config = current_app.config
    url = config.get("STORAGE_URL")
    if not url:
        return LocalStorage(upload_root())
    settings = (
        url,
        config.get("S3_ENDPOINT_URL"),
        config.get("S3_REGION"),
        config.get("S3_ACCESS_KEY_ID"),
        config.get("S3_SECRET_ACCESS_KEY"),
        config.get("S3_ADDRESSING_STYLE", "path"),
    )
    cache: dict[tuple[Any, ...], S3Storage] = current_app.extensions.setdefault("assistec_storage", {})
    with _clients_lock:  # boto3 clients are thread-safe once made, but making one is not
        if settings not in cache:
            cache[settings] = S3Storage.from_settings(*settings)
        return cache[settings]


# --- the local folder ----------------------------------------------------------------------


def upload_root() -> Path:
    """`UPLOAD_FOLDER`, or `<instance_path>/uploads` when it is not set.

    Resolved when used rather than when the settings are read, so an app whose instance path
    is moved after it was created (the tests do that) keeps its files under the new one.
    """
    folder = current_app.config.get("UPLOAD_FOLDER")
    return Path(folder) if folder else Path(current_app.instance_path) / "uploads"


class LocalStorage:
    def __init__(self, root: Path) -> None:
        self.root = root

    def path(self, key: str) -> Path:
        return self.root / check_key(key)

    def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        write_atomic(self.path(key), data)

    def get(self, key: str) -> bytes | None:
        try:
            return self.path(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    def delete(self, key: str) -> None:
        try:
            self.path(key).unlink(missing_ok=True)
        except OSError:  # a file we cannot delete is left behind, not an error for the user
            current_app.logger.warning("could not remove %s", key, exc_info=True)

    def exists(self, key: str) -> bool:
        return self.path(key).is_file()

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        if not self.root.is_dir():
            return
        for path in sorted(self.root.rglob("*")):
            if path.is_file() and not path.name.startswith(TEMP_PREFIX):
                key = path.relative_to(self.root).as_posix()
                if key.startswith(prefix) and _KEY.fullmatch(key):
                    yield key


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to `path` through a temporary file and a rename in the same folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=TEMP_PREFIX)
    try:
        with os.fdopen(fd, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable (POSIX); a no-op where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# --- S3-compatible services ----------------------------------------------------------------


class S3Storage:
    def __init__(self, client: Any, bucket: str, prefix: str = "") -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""

    @classmethod
    def from_settings(
        cls,
        url: str,
        endpoint_url: str | None = None,
        region: str | None = None,
        access_key_id: str | None = None,
        secret_access_key: str | None = None,
        addressing_style: str = "path",
    ) -> S3Storage:
        import boto3
        from botocore.config import Config

        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.netloc:
            raise ValueError("STORAGE_URL must look like s3://bucket or s3://bucket/prefix")
        client = boto3.client(
            "s3",
            endpoint_url=endpoint_url,
            region_name=region,
            aws_access_key_id=access_key_id,
            aws_secret_access_key=secret_access_key,
            config=Config(
                s3={"addressing_style": addressing_style},
                retries={"max_attempts": 4, "mode": "standard"},
                connect_timeout=5,
                read_timeout=30,
            ),
        )
        return cls(client, parts.netloc, parts.path)

    def _name(self, key: str) -> str:
        return self.prefix + check_key(key)

    def put(self, key: str, data: bytes, content_type: str | None = None) -> None:
        extra = {"ContentType": content_type} if content_type else {}
        self._call("put_object", Bucket=self.bucket, Key=self._name(key), Body=data, **extra)

    def get(self, key: str) -> bytes | None:
        try:
            response = self._call("get_object", Bucket=self.bucket, Key=self._name(key))
        except _Missing:
            return None
        body: bytes = response["Body"].read()
        return body

    def delete(self, key: str) -> None:
        try:
            self._call("delete_object", Bucket=self.bucket, Key=self._name(key))
        except (StorageError, _Missing):  # left behind, like a local file we cannot delete
            current_app.logger.warning("could not remove %s", key, exc_info=True)

    def exists(self, key: str) -> bool:
        try:
            self._call("head_object", Bucket=self.bucket, Key=self._name(key))
        except _Missing:
            return False
        return True

    def list_keys(self, prefix: str = "") -> Iterator[str]:
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix + prefix):
            for item in page.get("Contents", []):
                yield item["Key"][len(self.prefix) :]

    def _call(self, operation: str, **kwargs: Any) -> Any:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            return getattr(self.client, operation)(**kwargs)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            if code in ("NoSuchKey", "404", "NotFound"):
                raise _Missing from None
            raise StorageError(f"{operation} failed: {code}") from error
        except BotoCoreError as error:
            raise StorageError(f"{operation} failed: {type(error).__name__}") from error


class _Missing(Exception):
    """The object is not in the bucket."""


def copy_all(source: Storage, target: Storage, keys: Iterable[str] | None = None) -> tuple[int, int]:
    """Copy what `target` lacks (by key; stored objects never change under a key). (copied, skipped)"""
    copied = skipped = 0
    for key in keys if keys is not None else source.list_keys():
        if target.exists(key):
            skipped += 1
            continue
        data = source.get(key)
        if data is None:  # removed meanwhile
            continue
        target.put(key, data)
        copied += 1
    return copied, skipped
