"""The sync pull's cursor (docs/sync.md).

**Cursor.** Opaque to the phone: base64url JSON `{"s": schema_version, "t": issued_at (unix),
"v": {store_id: version}, "u": user's updated_at}` plus, while a full snapshot is being paged,
`"p": [table name, last id]` and `"d"`: the start (unix) of the snapshot's days ahead, and
`"r"`: the highest mutation id whose rejection the phone was
sent (a rejection is sent again until a pull arrives with a cursor past it, so a lost answer
loses no rejection). A record changed since the cursor has `version > v[store_id]`
(a store missing from `v` counts as 0). The new cursor holds the stores' versions read as the pull
began, before its snapshot: a write committed later has a higher version and is sent next time.

**Reset.** A missing or unreadable cursor, one from another schema version, or one issued longer
ago than `SYNC_TOMBSTONE_DAYS` (its tombstones may be pruned by now) answers `reset: true` with a
full snapshot: every in-scope row, no deletes; the phone replaces its data.
"""

from __future__ import annotations

import base64
import binascii
import json
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from flask import current_app

from server.sync.scope import TABLES

SCHEMA_VERSION = 1  # of the rows a pull sends; another version in a cursor means a reset
PROTOCOL = 1


@dataclass
class Cursor:
    versions: dict[int, int]
    issued_at: int
    user_stamp: str | None = None
    page: tuple[int, Any] | None = None  # (index in TABLES, last primary key sent) while paging
    rejected: int = 0  # the highest mutation id whose rejection this answer carried (or earlier ones)
    soon: int | None = None  # while paging: the start of the snapshot's "days ahead" (unix), for progress

    def encode(self) -> str:
        data: dict[str, Any] = {
            "s": SCHEMA_VERSION,
            "t": self.issued_at,
            "v": {str(k): v for k, v in self.versions.items()},
            "u": self.user_stamp,
            "r": self.rejected,
        }
        if self.page is not None:
            data["p"] = [TABLES[self.page[0]], self.page[1]]
            data["d"] = self.soon
        return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


def _load(raw: str) -> Any:
    return json.loads(base64.urlsafe_b64decode(raw + "=" * (-len(raw) % 4)))


def acknowledged_rejections(raw: str | None) -> int:
    """The rejection watermark of a cursor the phone sends back, even a stale one: the phone got
    (and keeps in Pendências) every rejection up to it."""
    try:
        value = _load(raw).get("r", 0) if raw else 0
        return value if isinstance(value, int) else 0
    except (ValueError, TypeError, AttributeError, binascii.Error, UnicodeDecodeError):
        return 0


def decode_cursor(raw: str | None, schema_version: int) -> Cursor | None:
    """The cursor, or None when the client must start over (missing, garbage, stale, other schema)."""
    if not raw:
        return None
    try:
        data = _load(raw)
        if not isinstance(data, dict) or data.get("s") != schema_version:
            return None
        issued_at = int(data["t"])
        versions = {int(k): int(v) for k, v in data["v"].items()}
        stamp = data.get("u")
        page = data.get("p")
        # A table index (an older server's order) is not a name: that snapshot starts over.
        parsed_page = (TABLES.index(page[0]), page[1]) if page is not None else None
        soon = int(data["d"]) if parsed_page is not None and data.get("d") is not None else None
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, binascii.Error, UnicodeDecodeError):
        return None
    if time.time() - issued_at > timedelta(days=current_app.config["SYNC_TOMBSTONE_DAYS"]).total_seconds():
        return None
    return Cursor(versions, issued_at, stamp if isinstance(stamp, str) else None, parsed_page, soon=soon)
