"""Layouts to PDF: a sandboxed Jinja template, plain data, and a URL fetcher that reaches nothing else.

Three walls keep an admin's layout from reaching what it should not:

* The template runs in `ImmutableSandboxedEnvironment` with autoescape on: no attribute that
  starts with `_`, no method that mutates, and every value printed is HTML-escaped (a customer
  named `<b>Ana</b>` prints as text). `check_template` runs at save time, so a syntax error or a
  sandbox escape is a 422 then, not a broken PDF later.
* The data is plain dicts, lists and strings built here (`server.documents.data`), never ORM
  objects: there is nothing behind them to walk to.
* Images and stylesheets come through `DocumentFetcher`, which serves only `assistec:` URLs —
  the store's logo, the project's static files and the case's own attachments (by id, read from
  storage) — and
  `data:` URLs. `file://`, `http(s)://` (any host) and another store's attachment are refused
  and listed in `refused`.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import weasyprint  # type: ignore[import-untyped]
from jinja2 import Template, TemplateError, TemplateSyntaxError, Undefined
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from weasyprint.urls import URLFetcher, URLFetcherResponse  # type: ignore[import-untyped]

from server.attachments import storage
from server.errors import ValidationFailed

STATIC = Path(__file__).resolve().parent / "static"
SCHEME = "assistec:"
STATIC_TYPES = {".css": "text/css", ".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg"}


class DocumentUndefined(Undefined):
    """A missing value prints as nothing; attributes of it are missing too (a layout for another
    kind of document still renders)."""

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return self

    __getitem__ = __getattr__


MAX_RANGE = 1000  # a document never needs longer loops than its data; range() beyond this is refused
MAX_REPEAT = 1000  # 'x' * n, [..] * n
DROPPED_FILTERS = ("format", "center", "indent", "wordwrap")  # sizes taken from the template: memory bombs


class DocumentEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, where a key of the data wins over a dict's method (`occurrence.items` is the
    occurrence's items, not `dict.items`), underscores are refused outright, and the cheap ways to
    exhaust memory or time (`range(10**5)` nested, `'x' * 10**9`, `2 ** 10**9`, `'%9999999d' % 1`)
    fail instead of running."""

    intercepted_binops = frozenset({"*", "**", "%"})

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "%":
            raise SecurityError("o operador % não é permitido em layouts")
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (left, right))
        if operator == "**" and not (numbers and abs(right) <= 64 and abs(left) <= 10**6):
            raise SecurityError("potência grande demais")
        if operator == "*" and not numbers:
            count = right if isinstance(right, int) else left if isinstance(left, int) else None
            if count is None or count > MAX_REPEAT:
                raise SecurityError("repetição grande demais")
        return super().call_binop(context, operator, left, right)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if attribute.startswith("_"):
            raise SecurityError(f"acesso a {attribute!r} não é permitido")
        if isinstance(obj, dict) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(argument, str) and argument.startswith("_"):
            raise SecurityError(f"acesso a {argument!r} não é permitido")
        return super().getitem(obj, argument)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        """Jinja's sandbox prints an unsafe attribute as nothing; here it is an error, so that the
        layout is refused when saved instead of quietly printing blanks."""
        raise SecurityError(f"acesso a {attribute!r} não é permitido")


def _range(*args: int) -> range:
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise SecurityError(f"range() com mais de {MAX_RANGE} itens não é permitido")
    return numbers


_ENV = DocumentEnvironment(autoescape=True, undefined=DocumentUndefined)
for _name in ("lipsum", "cycler", "joiner"):  # nothing a document needs
    _ENV.globals.pop(_name, None)
_ENV.globals["range"] = _range
for _name in DROPPED_FILTERS:
    _ENV.filters.pop(_name, None)


def check_template(html: str, sample: Mapping[str, Any]) -> None:
    """Compile and render the layout with sample data; a 422 with a pt-BR message if it fails."""
    _render_checked(html, sample, "O layout não pôde ser salvo.")


@functools.lru_cache(maxsize=64)
def _compiled(html: str) -> Template:
    """Compiling takes longer than rendering: layouts are compiled once per process."""
    return _ENV.from_string(html)


def _render_checked(html: str, data: Mapping[str, Any], detail: str) -> str:
    try:
        return _compiled(html).render(**data)
    except TemplateSyntaxError as error:
        raise ValidationFailed(
            {"html": [f"Erro de sintaxe no modelo (linha {error.lineno}): {error.message}"]},
            detail,
        ) from None
    except SecurityError as error:
        raise ValidationFailed(
            {
                "html": [
                    f"O modelo usa algo não permitido em layouts ({error}): só os dados do documento podem ser lidos."
                ]
            },
            detail,
        ) from None
    except TemplateError as error:
        raise ValidationFailed({"html": [f"O modelo não pôde ser gerado: {error}"]}, detail) from None
    except (TypeError, ValueError, AttributeError, ArithmeticError, LookupError) as error:
        raise ValidationFailed({"html": [f"O modelo falhou com os dados do documento: {error}"]}, detail) from None


def render_html(html: str, data: Mapping[str, Any]) -> str:
    """The layout filled with the document's data, every value escaped (422 if the layout fails)."""
    return _render_checked(html, data, "O layout escolhido não pôde gerar este documento.")


class DocumentFetcher(URLFetcher):
    """Serves `assistec:logo` (the store's), `assistec:static/<file>`, `assistec:attachment/<uuid>`
    (or `thumbnail/<uuid>`) of the allowed attachments, and `data:` URLs; refuses everything else."""

    def __init__(self, store_id: int, attachments: set[uuid.UUID], logo: uuid.UUID | None = None) -> None:
        super().__init__(timeout=1, allowed_protocols=["data"], allow_redirects=False)
        self.store_id = store_id
        self.logo = logo
        self.attachments = attachments
        self.refused: list[str] = []

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        if url.startswith(SCHEME):
            resource = self._local(url[len(SCHEME) :])
            if resource is not None:
                return resource
        self.refused.append(url)
        raise ValueError(f"URL não permitida em documentos: {url[:200]}")

    def _local(self, path: str) -> URLFetcherResponse | None:
        where, _, name = path.partition("/")
        if where == "logo" and not name and self.logo is not None:
            logo = storage.get_storage().get(storage.attachment_key(self.store_id, self.logo))
            return URLFetcherResponse(SCHEME + path, logo) if logo is not None else None
        if where == "static":
            candidate = (STATIC / name).resolve()
            if candidate.parent == STATIC and candidate.is_file() and candidate.suffix in STATIC_TYPES:
                return URLFetcherResponse(
                    SCHEME + path, candidate.read_bytes(), {"Content-Type": STATIC_TYPES[candidate.suffix]}
                )
            return None
        if where in ("attachment", "thumbnail"):
            try:
                attachment_id = uuid.UUID(name)
            except ValueError:
                return None
            if attachment_id not in self.attachments:
                return None
            key = storage.attachment_key(self.store_id, attachment_id, thumbnail=where == "thumbnail")
            data = storage.get_storage().get(key)
            return URLFetcherResponse(SCHEME + path, data) if data is not None else None
        return None


def render_pdf(html: str, css: str, data: Mapping[str, Any], fetcher: DocumentFetcher) -> bytes:
    document = render_html(html, data)
    pdf: bytes = weasyprint.HTML(string=document, base_url=SCHEME, url_fetcher=fetcher).write_pdf(
        stylesheets=[weasyprint.CSS(string=css, url_fetcher=fetcher, base_url=SCHEME)] if css else None
    )
    return pdf
