"""Where attachment bytes live: `<UPLOAD_FOLDER>/<store_id>/<uuid>` and `<uuid>.thumb`.

Paths are built only from the store's integer id and the attachment's UUID, so nothing a
client sends (a file name, a content type) ever reaches the file system. Files are written to
a temporary file in the same folder and renamed over the final name, so a crash leaves either
the whole file or none of it.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterable
from pathlib import Path

from flask import current_app

TEMP_PREFIX = ".tmp-"


def upload_root() -> Path:
    """`UPLOAD_FOLDER`, or `<instance_path>/uploads` when it is not set.

    Resolved when used rather than when the settings are read, so an app whose instance path
    is moved after it was created (the tests do that) keeps its files under the new one.
    """
    folder = current_app.config.get("UPLOAD_FOLDER")
    return Path(folder) if folder else Path(current_app.instance_path) / "uploads"


def file_path(store_id: int, attachment_id: uuid.UUID, *, thumbnail: bool = False) -> Path:
    if not isinstance(store_id, int) or not isinstance(attachment_id, uuid.UUID):
        raise TypeError("attachment paths are made of an integer store id and a UUID only")
    name = str(attachment_id) + (".thumb" if thumbnail else "")
    return upload_root() / str(store_id) / name


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


def remove(paths: Iterable[Path]) -> None:
    """Delete files that may or may not exist (cleanup after a failed save, or a delete)."""
    for path in paths:
        try:
            path.unlink(missing_ok=True)
        except OSError:  # a file we cannot delete is left behind, not an error for the user
            current_app.logger.warning("could not remove %s", path, exc_info=True)


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
