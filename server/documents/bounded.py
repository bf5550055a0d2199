"""Every render of a layout, bounded: in a render process (`pool`), within the work limits
(`render.Limits`), and served from the cache (`cache`) when nothing it depends on changed.

The limits come from the settings (environment, or the app's config): `RENDER_SECONDS`,
`RENDER_MEMORY_MB`, `RENDER_WORKERS`, `RENDER_QUEUE_SECONDS`, `RENDER_NICE`, `RENDER_MAX_STEPS`,
`RENDER_MAX_OUTPUT`, `RENDER_MAX_TEXT`, `RENDER_CACHE`. A layout that goes past one is refused
with a pt-BR problem naming it (`RenderRefused`, 422); the e-mail job records it as the reason
of a failed e-mail.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import current_app

from server.documents import cache
from server.documents.pool import Job, PoolBusy, PoolSettings, RenderFailure, pool
from server.documents.render import DocumentFetcher, Limits, thousands
from server.errors import Problem, ValidationFailed

SAVE_DETAIL = "O layout não pôde ser salvo."
RENDER_DETAIL = "O layout escolhido não pôde gerar este documento."


class RenderRefused(Problem):
    """The layout went past a render limit."""

    def __init__(self, detail: str) -> None:
        super().__init__(422, detail, slug="render-limit", errors={"html": [detail]})
        self.detail = detail


def _setting(name: str, default: float) -> float:
    value = current_app.config.get(name)
    if value is None:
        value = os.environ.get(name)
    return float(value) if value not in (None, "") else default


def pool_settings() -> PoolSettings:
    defaults = PoolSettings()
    return PoolSettings(
        workers=int(_setting("RENDER_WORKERS", defaults.workers)),
        seconds=_setting("RENDER_SECONDS", defaults.seconds),
        memory_mb=int(_setting("RENDER_MEMORY_MB", defaults.memory_mb)),
        queue_seconds=_setting("RENDER_QUEUE_SECONDS", defaults.queue_seconds),
        nice=int(_setting("RENDER_NICE", defaults.nice)),
    )


def limits() -> Limits:
    defaults = Limits()
    return Limits(
        steps=int(_setting("RENDER_MAX_STEPS", defaults.steps)),
        output=int(_setting("RENDER_MAX_OUTPUT", defaults.output)),
        text=int(_setting("RENDER_MAX_TEXT", defaults.text)),
    )


def start_pool() -> None:
    """Start this process's render processes now rather than at its first render (a web worker
    at boot): their start imports weasyprint in a fork server and holds the worker for a while."""
    pool(pool_settings())


def renders() -> int:
    """How many renders this process handed to a render process (the cache's hits are not)."""
    return pool(pool_settings()).renders


def _who(name: str | None) -> str:
    return f"O modelo “{name}”" if name else "O modelo em edição"


def _run(job: Job, fetcher: DocumentFetcher | None, name: str | None, detail: str) -> bytes:
    settings = pool_settings()

    def resolve(url: str) -> tuple[bytes, dict[str, str]] | None:
        if fetcher is None:
            return None
        try:
            response = fetcher.fetch(url)
        except ValueError:
            return None
        return response.read(), dict(response.headers.items())

    try:
        reply = pool(settings).run(job, resolve)
    except RenderFailure as failure:
        if failure.reason == "time":
            what = f"tempo ({thousands(int(settings.seconds))} s) para gerar o documento"
        else:
            what = f"memória ({thousands(settings.memory_mb)} MB) para gerar o documento"
        raise RenderRefused(f"{_who(name)} excedeu o limite de {what}.") from None
    except PoolBusy:
        raise Problem(
            503, "Muitos documentos sendo gerados agora: tente de novo em instantes.", slug="render-busy"
        ) from None
    if reply[0] == "limit":
        raise RenderRefused(f"{_who(name)} excedeu o limite de {reply[1]}.")
    if reply[0] == "invalid":
        raise ValidationFailed(reply[1], detail)
    if reply[0] == "error":
        raise ValidationFailed({"html": [f"O documento não pôde ser montado: {reply[1]}"]}, detail)
    pdf: bytes = reply[1]
    return pdf


def check_template(html: str, sample: Mapping[str, Any], name: str | None = None) -> None:
    """The layout rendered with sample data, in a render process: 422 if it fails or goes past a limit."""
    _run(Job(html, "", sample, limits(), pdf=False), None, name, SAVE_DETAIL)


def render_pdf(
    html: str,
    css: str,
    data: Mapping[str, Any],
    fetcher: DocumentFetcher,
    *,
    name: str | None = None,
    depends: Mapping[str, Any] | None = None,
) -> bytes:
    """The PDF, from the cache when everything it depends on is unchanged. `depends` names what
    the caller knows the document is about (kind, case and layout versions); the data, the
    layout's text, the store's logo and the attachments' checksums are added here."""
    job = Job(html, css, data, limits())
    use_cache = _setting("RENDER_CACHE", 1) != 0
    name_key = ""
    if use_cache:
        parts = {
            **(depends or {}),
            "html": html,
            "css": css,
            "limits": [job.limits.steps, job.limits.output, job.limits.text],
            "store": fetcher.store_id,
            "logo": str(fetcher.logo),
            "attachments": cache.attachment_versions(fetcher.attachments | ({fetcher.logo} if fetcher.logo else set())),
        }
        name_key = cache.key(parts, data)
        cached = cache.read(name_key)
        if cached is not None:
            return cached
    pdf = _run(job, fetcher, name, RENDER_DETAIL)
    if use_cache and not fetcher.refused:
        cache.write(name_key, pdf)
    return pdf
