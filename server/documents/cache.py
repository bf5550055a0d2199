"""Rendered PDFs kept by what they depend on, so an unchanged document is not rendered again.

The key is a SHA-256 over everything a render reads: the layout's HTML and CSS (and its id and
version), the document's kind, the case's id and version, the whole data handed to the template
(customer, occurrences, items, captions, visits, signatures… whatever the document kind
includes), the store and its logo, each attachment the layout may fetch with its checksum and
version, the limits, and the renderer itself (this module's version and the static files). A
change to any of them is a new key; nothing is invalidated by hand. The one thing left out is
the data's `generated_at` (the minute of printing): a document served from the cache shows when
it was first generated.

The PDFs live in the app's storage (the local folder or the bucket, `server/attachments/storage.py`)
under `pdf-cache/`. On the local folder the oldest are removed beyond `RENDER_CACHE_FILES` (looked
at every `PRUNE_EVERY` writes); a bucket expires them by its own lifecycle rule on that prefix
(docs/production.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import os
import uuid
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select

from server.attachments.models import Attachment
from server.attachments.storage import LocalStorage, get_storage
from server.documents.render import STATIC
from server.extensions import db

RENDERER_VERSION = 1  # raise when a change to the renderer changes the PDFs
UNKEYED = ("generated_at",)


def _static_stamp() -> list[tuple[str, int]]:
    if not STATIC.is_dir():
        return []
    return sorted((path.name, path.stat().st_mtime_ns) for path in STATIC.iterdir() if path.is_file())


def attachment_versions(attachment_ids: Iterable[uuid.UUID]) -> list[list[str]]:
    ids = sorted(set(attachment_ids))
    if not ids:
        return []
    rows = db.session.execute(
        select(Attachment.id, Attachment.sha256, Attachment.version, Attachment.deleted_at).where(
            Attachment.id.in_(ids)
        )
    ).all()
    return sorted([str(row.id), row.sha256, str(row.version), str(row.deleted_at)] for row in rows)


def key(parts: Mapping[str, Any], data: Mapping[str, Any]) -> str:
    keyed = {
        "renderer": RENDERER_VERSION,
        "static": _static_stamp(),
        **parts,
        "data": {k: v for k, v in data.items() if k not in UNKEYED},
    }
    text = json.dumps(keyed, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


PREFIX = "pdf-cache"
# Writes between two looks at the local folder: listing 2,000 cached files took 4.5 ms, which
# every render paid. The folder may hold this many more per process than it keeps.
PRUNE_EVERY = 50
_writes = itertools.count()


def _key(name: str) -> str:
    return f"{PREFIX}/{name[:2]}/{name}.pdf"


def read(name: str) -> bytes | None:
    return get_storage().get(_key(name))


def write(name: str, pdf: bytes) -> None:
    storage = get_storage()
    storage.put(_key(name), pdf, "application/pdf")
    if isinstance(storage, LocalStorage) and next(_writes) % PRUNE_EVERY == 0:
        keep = current_app.config.get("RENDER_CACHE_FILES") or os.environ.get("RENDER_CACHE_FILES") or 2000
        _prune(storage.root / PREFIX, int(keep))


def _prune(folder: Path, keep: int) -> None:
    files = [path for path in folder.glob("*/*.pdf")]
    if len(files) <= keep:
        return
    files.sort(key=lambda path: path.stat().st_mtime)
    for path in files[: len(files) - keep]:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
