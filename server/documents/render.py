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

And the work is bounded: loops and calls spend one budget per render, built strings and the
output are measured (`Limits`). The functions here render in the calling process; the app
renders through `server.documents.bounded`, which runs them in a render process with a time
and a memory limit (`server.documents.pool`).
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import weasyprint  # type: ignore[import-untyped]
from jinja2 import Template, TemplateError, TemplateSyntaxError, Undefined, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
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


@dataclass(frozen=True)
class Limits:
    """How much work one render may do, whatever the nesting: `steps` counts every loop
    iteration and every call (macros included) of the whole render; `output` caps the characters
    written; `text` caps any one string or list a repeat, `+` or `~` builds."""

    steps: int = 100_000
    output: int = 5_000_000
    text: int = 200_000


class LimitExceeded(Exception):
    """The layout asked for more work than `Limits` allows; `what` names the limit in pt-BR."""

    def __init__(self, what: str) -> None:
        super().__init__(what)
        self.what = what


def thousands(number: int) -> str:
    return f"{number:,}".replace(",", ".")


class Budget:
    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.left = limits.steps

    def spend(self, steps: int = 1) -> None:
        self.left -= steps
        if self.left < 0:
            raise LimitExceeded(
                f"{thousands(self.limits.steps)} passos (laços e chamadas, somados em todo o documento)"
            )

    def check_length(self, length: int) -> None:
        if length > self.limits.text:
            raise LimitExceeded(f"{thousands(self.limits.text)} caracteres num mesmo texto montado pelo modelo")

    def check_size(self, value: Any) -> Any:
        if isinstance(value, (str, list, tuple)):
            self.check_length(len(value))
        return value


_BUDGET: ContextVar[Budget | None] = ContextVar("render_budget", default=None)


def _budget() -> Budget:
    budget = _BUDGET.get()
    if budget is None:
        raise SecurityError("um modelo só roda dentro de uma geração de documento")
    return budget


def _budgeted(iterable: Any) -> Any:
    """Every `for` of a layout iterates through here: the iterations of all loops, nested or not,
    come out of one budget per render."""
    budget = _budget()
    try:
        size = len(iterable)
    except TypeError:
        return _counted(iterable, budget)
    budget.spend(size)
    return iterable


def _counted(iterable: Any, budget: Budget) -> Iterator[Any]:
    for item in iterable:
        budget.spend()
        yield item


def _sized(value: Any) -> Any:
    return _budget().check_size(value)


class DocumentEnvironment(ImmutableSandboxedEnvironment):
    """The sandbox, where a key of the data wins over a dict's method (`occurrence.items` is the
    occurrence's items, not `dict.items`), underscores are refused outright, and the cheap ways to
    exhaust memory or time (`range(10**5)` nested, `'x' * 10**9`, `2 ** 10**9`, `'%9999999d' % 1`)
    fail instead of running. Loops and calls spend the render's budget and strings built by
    repeats and joins are measured (`Limits`), so no nesting or chaining escapes them."""

    intercepted_binops = frozenset({"*", "**", "%", "+"})

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        template = super()._parse(source, name, filename)
        for loop in template.find_all(nodes.For):
            loop.iter = nodes.Filter(loop.iter, "budgeted", [], [], None, None, lineno=loop.lineno)
        return _wrap_concats(template)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _budget().spend()
        return super().call(__context, __obj, *args, **kwargs)

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
            sequence = left if count is right else right
            if isinstance(sequence, (str, list, tuple)):
                _budget().check_length(len(sequence) * max(count, 0))
        if operator == "+" and isinstance(left, (str, list, tuple)) and isinstance(right, (str, list, tuple)):
            _budget().check_length(len(left) + len(right))
        return _sized(super().call_binop(context, operator, left, right))

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


def _wrap_concats(template: nodes.Template) -> nodes.Template:
    """`a ~ b` is measured once built, so a chain of joins stops at the text limit."""

    class Wrap(NodeTransformer):
        def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
            self.generic_visit(node)
            return nodes.Filter(node, "sized", [], [], None, None, lineno=node.lineno)

    wrapped: nodes.Template = Wrap().visit(template)
    return wrapped


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
_ENV.filters["budgeted"] = _budgeted
_ENV.filters["sized"] = _sized


def check_template(html: str, sample: Mapping[str, Any], limits: Limits | None = None) -> None:
    """Compile and render the layout with sample data; a 422 with a pt-BR message if it fails."""
    _render_checked(html, sample, "O layout não pôde ser salvo.", limits or Limits())


@functools.lru_cache(maxsize=64)
def _compiled(html: str) -> Template:
    """Compiling takes longer than rendering: layouts are compiled once per process."""
    return _ENV.from_string(html)


def _render_limited(html: str, data: Mapping[str, Any], limits: Limits) -> str:
    token = _BUDGET.set(Budget(limits))
    try:
        parts: list[str] = []
        written = 0
        for chunk in _compiled(html).generate(**data):
            written += len(chunk)
            if written > limits.output:
                raise LimitExceeded(f"{thousands(limits.output)} caracteres no documento gerado")
            parts.append(chunk)
        return "".join(parts)
    finally:
        _BUDGET.reset(token)


def _render_checked(html: str, data: Mapping[str, Any], detail: str, limits: Limits) -> str:
    try:
        return _render_limited(html, data, limits)
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
    except RecursionError:
        raise LimitExceeded("chamadas aninhadas (o modelo chama a si mesmo sem fim)") from None
    except (TypeError, ValueError, AttributeError, ArithmeticError, LookupError) as error:
        raise ValidationFailed({"html": [f"O modelo falhou com os dados do documento: {error}"]}, detail) from None


def render_html(html: str, data: Mapping[str, Any], limits: Limits | None = None) -> str:
    """The layout filled with the document's data, every value escaped (422 if the layout fails)."""
    return _render_checked(html, data, "O layout escolhido não pôde gerar este documento.", limits or Limits())


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


def render_pdf(
    html: str, css: str, data: Mapping[str, Any], fetcher: URLFetcher, limits: Limits | None = None
) -> bytes:
    """In this process: callers go through `server.documents.bounded`, which runs it in a render process."""
    document = render_html(html, data, limits)
    pdf: bytes = weasyprint.HTML(string=document, base_url=SCHEME, url_fetcher=fetcher).write_pdf(
        stylesheets=[weasyprint.CSS(string=css, url_fetcher=fetcher, base_url=SCHEME)] if css else None
    )
    return pdf
