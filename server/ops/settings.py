"""The operations settings (logs, metrics, storage, worker shutdown), read from the environment.

Applied with `setdefault`, so what `create_app(config)` was given (the tests) wins.
"""

from __future__ import annotations

import os
from typing import Any


def ops_settings() -> dict[str, Any]:
    production = os.environ.get("ASSISTEC_ENV", "development") == "production"
    return {
        "LOG_FORMAT": os.environ.get("LOG_FORMAT") or ("json" if production else "text"),
        "LOG_FORMAT_SET": bool(os.environ.get("LOG_FORMAT")),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN") or None,
        # Unset: the local folder (UPLOAD_FOLDER); s3://bucket/prefix: any S3-compatible service.
        "STORAGE_URL": os.environ.get("STORAGE_URL") or None,
        "S3_ENDPOINT_URL": os.environ.get("S3_ENDPOINT_URL") or None,
        "S3_REGION": os.environ.get("S3_REGION") or None,
        "S3_ACCESS_KEY_ID": os.environ.get("S3_ACCESS_KEY_ID") or None,
        "S3_SECRET_ACCESS_KEY": os.environ.get("S3_SECRET_ACCESS_KEY") or None,
        "S3_ADDRESSING_STYLE": os.environ.get("S3_ADDRESSING_STYLE", "path"),
    }


def apply_ops_settings(config: Any) -> None:
    for key, value in ops_settings().items():
        config.setdefault(key, value)
