"""Settings read from the environment, with safe embedded defaults.

Every setting is listed in the README. In production (`ASSISTEC_ENV=production`) nothing
secret has a default: the app refuses to start without `SECRET_KEY`.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

ENVIRONMENTS = ("development", "production", "testing")


class ConfigError(RuntimeError):
    """The configuration cannot run safely."""


def _bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def embedded_secret(instance_path: Path) -> str:
    """A key generated once into instance/ so that sessions survive a restart."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load_settings(instance_path: Path) -> dict[str, Any]:
    env = os.environ.get("ASSISTEC_ENV", "development")
    if env not in ENVIRONMENTS:
        raise ConfigError(f"ASSISTEC_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    production = env == "production"

    secret_key = os.environ.get("SECRET_KEY")
    if not secret_key and production:
        raise ConfigError("SECRET_KEY must be set in production")

    database_url = os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'assistec.db'}"
    if production and _unshared(database_url):
        # Sessions and login limits live in the database: every worker must see the same one.
        raise ConfigError("DATABASE_URL must name a database every worker shares (not SQLite in memory)")
    redis_url = os.environ.get("REDIS_URL")

    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret_key,  # None: create_app uses one generated into instance/
        "SQLALCHEMY_DATABASE_URI": _normalize_database_url(database_url),
        "SQLITE_BUSY_TIMEOUT_MS": int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "15000")),
        # Sessions: a technician may stay offline for a week and must still be logged in.
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        "PERMANENT_SESSION_LIFETIME": timedelta(days=int(os.environ.get("SESSION_DAYS", "30"))),
        # The cookie is sent again when the session row's expiry slides (server.auth.sessions),
        # not signed and sent again with every answer.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "REMEMBER_COOKIE_DURATION": timedelta(days=int(os.environ.get("SESSION_DAYS", "30"))),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": _bool("SESSION_COOKIE_SECURE", production),
        # CSRF: token in a header, valid for the whole session (phones work offline for days).
        "WTF_CSRF_TIME_LIMIT": None,
        "WTF_CSRF_HEADERS": ["X-CSRF-Token", "X-CSRFToken"],
        "WTF_CSRF_ENABLED": _bool("CSRF_ENABLED", True),
        # Login limits (server.auth.throttle), counted in the database that every worker shares:
        # failures per account, and different accounts failing per address.
        "RATELIMIT_ENABLED": _bool("RATELIMIT_ENABLED", True),
        "LOGIN_LIMIT_PER_EMAIL": os.environ.get("LOGIN_LIMIT_PER_EMAIL", "5 per minute"),
        "LOGIN_LIMIT_PER_IP": os.environ.get("LOGIN_LIMIT_PER_IP", "20 per hour"),
        # Passwords (server.auth.passwords): minimum length; how long an e-mailed reset link lasts.
        "PASSWORD_MIN_LENGTH": int(os.environ.get("PASSWORD_MIN_LENGTH", "8")),
        "PASSWORD_RESET_MINUTES": int(os.environ.get("PASSWORD_RESET_MINUTES", "60")),
        "PASSWORD_HASH_METHOD": os.environ.get("PASSWORD_HASH_METHOD", "scrypt"),
        # How many proxies (load balancer, nginx) put X-Forwarded-For in front of the app;
        # without it every client would share the proxy's address for rate limits.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(1024 * 1024))),
        # Photos and signatures: the upload view alone accepts this much (413 above it).
        "ATTACHMENT_MAX_BYTES": int(os.environ.get("ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))),
        # Pixels an uploaded image may declare, checked in its header before anything is decoded.
        "IMAGE_MAX_MEGAPIXELS": float(os.environ.get("IMAGE_MAX_MEGAPIXELS", "40")),
        # Unset: <instance_path>/uploads, resolved when used (server.attachments.storage).
        "UPLOAD_FOLDER": os.environ.get("UPLOAD_FOLDER") or None,
        # Offline sync (server.sync): visits from this many days ago onward reach the phone;
        # tombstones are kept this long (an older cursor gets a full snapshot); rows per pull page
        # (1000: a first sync of 500 visits comes in three pages, the day first, in about 90 KB gzip);
        # a snapshot's first page brings the visits of this many days from today (and their cases).
        "SYNC_WINDOW_DAYS": int(os.environ.get("SYNC_WINDOW_DAYS", "30")),
        "SYNC_TOMBSTONE_DAYS": int(os.environ.get("SYNC_TOMBSTONE_DAYS", "90")),
        "SYNC_PAGE_SIZE": int(os.environ.get("SYNC_PAGE_SIZE", "1000")),
        "SYNC_PRIORITY_DAYS": int(os.environ.get("SYNC_PRIORITY_DAYS", "7")),
        # Background jobs (server.jobs): Huey on Redis with REDIS_URL, else a SQLite file
        # (HUEY_SQLITE_PATH, default <instance>/huey.db); JOBS_IMMEDIATE runs them in the caller.
        "REDIS_URL": redis_url,
        "HUEY_SQLITE_PATH": os.environ.get("HUEY_SQLITE_PATH") or None,
        "JOBS_IMMEDIATE": _bool("JOBS_IMMEDIATE", False) if "JOBS_IMMEDIATE" in os.environ else None,
        # E-mail (server.documents.mail): SMTP when SMTP_HOST is set, else .eml files in MAIL_FOLDER.
        "MAIL_FROM": os.environ.get("MAIL_FROM", "Assistec <nao-responda@assistec.local>"),
        "MAIL_FOLDER": os.environ.get("MAIL_FOLDER") or None,
        "SMTP_HOST": os.environ.get("SMTP_HOST") or None,
        "SMTP_PORT": int(os.environ.get("SMTP_PORT", "587")),
        "SMTP_USERNAME": os.environ.get("SMTP_USERNAME") or None,
        "SMTP_PASSWORD": os.environ.get("SMTP_PASSWORD") or None,
        "SMTP_STARTTLS": _bool("SMTP_STARTTLS", True),
        "SMTP_TLS_VERIFY": _bool("SMTP_TLS_VERIFY", True),
        "SMTP_TIMEOUT": float(os.environ.get("SMTP_TIMEOUT", "20")),
        "EMAIL_RETRIES": int(os.environ.get("EMAIL_RETRIES", "5")),
        "EMAIL_RETRY_DELAY": float(os.environ.get("EMAIL_RETRY_DELAY", "30")),
        # Push (server.push): VAPID key pair from VAPID_PRIVATE_KEY, else generated into
        # instance/vapid_private.pem; the JWT's contact defaults to MAIL_FROM's address.
        # PUSH_ALLOW_LOOPBACK (tests only) lets endpoints be http(s)://127.0.0.1.
        "VAPID_PRIVATE_KEY": os.environ.get("VAPID_PRIVATE_KEY") or None,
        "VAPID_SUBJECT": os.environ.get("VAPID_SUBJECT")
        or "mailto:" + _address(os.environ.get("MAIL_FROM", "nao-responda@assistec.local")),
        "PUSH_ALLOW_LOOPBACK": _bool("PUSH_ALLOW_LOOPBACK", False) and not production,
        "PUSH_RETRIES": int(os.environ.get("PUSH_RETRIES", "5")),
        "PUSH_RETRY_DELAY": float(os.environ.get("PUSH_RETRY_DELAY", "30")),
        "PUSH_TIMEOUT": float(os.environ.get("PUSH_TIMEOUT", "10")),
        # The built PWA (`make pwa`): index.html, sw.js, manifest and hashed assets.
        "PWA_DIST": os.environ.get("PWA_DIST") or str(Path(__file__).resolve().parent.parent / "pwa" / "dist"),
        "PAGE_LIMIT_DEFAULT": 50,
        "PAGE_LIMIT_MAX": 200,
        "AGENDA_RANGE_LIMIT_MAX": 1000,  # the agenda between two dates: a busy week in one answer
        # OpenAPI (flask-smorest); its page /api/docs is server.web.docs.
        "API_TITLE": "Assistec API",
        "API_VERSION": "1.0",
        "OPENAPI_VERSION": "3.1.0",
        "OPENAPI_URL_PREFIX": "/api",
        "OPENAPI_JSON_PATH": "openapi.json",
    }


def _unshared(database_url: str) -> bool:
    """An in-memory SQLite database exists once per process."""
    if not database_url.startswith("sqlite"):
        return False
    path = database_url.split("://", 1)[-1].lstrip("/")
    return path in ("", ":memory:") or "mode=memory" in database_url


def _address(mailbox: str) -> str:
    """The bare address of "Name <address>"."""
    return mailbox.rsplit("<", 1)[-1].rstrip("> ").strip()


def _normalize_database_url(url: str) -> str:
    """Accept the common `postgres://` spelling and pick the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
