"""Every error as application/problem+json (RFC 9457).

A body has `type`, `title`, `status` and `detail`; validation failures add `errors`, a map from
the field's dotted path to its messages. Titles and details are pt-BR: the office and the phone
show them to people. Services raise `Problem` (or its subclasses); views never build errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app, json
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException, InternalServerError

PROBLEM_BASE = "https://assistec.com.br/problems/"

TITLES = {
    400: "Requisição inválida",
    401: "Sessão expirada ou inexistente",
    403: "Acesso negado",
    404: "Não encontrado",
    405: "Método não permitido",
    409: "Conflito",
    413: "Conteúdo grande demais",
    415: "Tipo de conteúdo não suportado",
    422: "Dados inválidos",
    429: "Muitas tentativas",
    500: "Erro interno",
    503: "Serviço indisponível",
}

DETAILS = {
    400: "A requisição não pôde ser entendida.",
    401: "Faça login para continuar.",
    403: "Você não tem permissão para esta ação.",
    404: "O recurso pedido não existe ou não está disponível para você.",
    405: "Este método não é aceito neste endereço.",
    409: "A ação conflita com o estado atual do registro.",
    413: "O conteúdo enviado excede o tamanho permitido.",
    415: "O tipo de conteúdo enviado não é aceito.",
    422: "Verifique os campos destacados.",
    429: "Muitas tentativas. Aguarde um pouco e tente de novo.",
    500: "Ocorreu um erro inesperado. Tente novamente em instantes.",
    503: "O serviço está temporariamente indisponível. Tente novamente em instantes.",
}

SLUGS = {
    400: "bad-request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "payload-too-large",
    415: "unsupported-media-type",
    422: "validation",
    429: "rate-limited",
    500: "internal",
    503: "unavailable",
}


# The few messages webargs writes itself (marshmallow's are set in server.common.messages).
LIBRARY_MESSAGES = {"Invalid JSON body.": "O corpo da requisição não é um JSON válido."}


class Problem(HTTPException):
    """An error a service raises; the handler turns it into problem+json."""

    def __init__(
        self,
        status: int,
        detail: str | None = None,
        *,
        slug: str | None = None,
        title: str | None = None,
        errors: Mapping[str, list[str]] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(description=detail)
        self.code = status
        self.data = {"detail": detail, "slug": slug, "title": title, "errors": errors, "extra": extra}


class ValidationFailed(Problem):
    """422 with messages per field, e.g. {"contract_id": ["Contrato não encontrado."]}."""

    def __init__(self, errors: Mapping[str, list[str] | str], detail: str | None = None) -> None:
        normalized = {k: [v] if isinstance(v, str) else list(v) for k, v in errors.items()}
        super().__init__(422, detail, errors=normalized)


class NotFound(Problem):
    def __init__(self, detail: str | None = None) -> None:
        super().__init__(404, detail)


class Forbidden(Problem):
    def __init__(self, detail: str | None = None) -> None:
        super().__init__(403, detail)


class Conflict(Problem):
    def __init__(self, detail: str, *, slug: str = "conflict", **extra: Any) -> None:
        super().__init__(409, detail, slug=slug, extra=extra or None)


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """Marshmallow's nested messages as {"address.cep": ["…"]}; the request location is dropped."""
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_schema": list(messages)}
    if isinstance(messages, str):
        return {prefix or "_schema": [messages]}
    flat: dict[str, list[str]] = {}
    items = messages.items() if isinstance(messages, Mapping) else enumerate(messages)
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        flat.update(flatten_messages(value, path))
    return flat


def _problem_body(error: HTTPException) -> tuple[dict[str, Any], dict[str, str]]:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers: dict[str, str] = dict(data.get("headers") or {})
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + (data.get("slug") or SLUGS.get(status, "http-error")),
        "title": data.get("title") or TITLES.get(status, error.name),
        "status": status,
        "detail": data.get("detail") or DETAILS.get(status, error.description),
    }
    if data.get("errors"):
        body["errors"] = dict(data["errors"])
    elif "messages" in data:  # webargs: {"json": {...}} or {"query": {...}}
        body["errors"] = {
            path: [LIBRARY_MESSAGES.get(m, m) for m in msgs]
            for location in data["messages"].values()
            for path, msgs in flatten_messages(location).items()
        }
    if data.get("extra"):
        body.update(data["extra"])
    return body, headers


def problem_response(error: HTTPException) -> ResponseReturnValue:
    body, headers = _problem_body(error)
    response = current_app.response_class(json.dumps(body), status=body["status"], mimetype="application/problem+json")
    response.headers.update(headers)
    # Headers werkzeug put on the exception (Allow on 405, Retry-After on 429) are kept.
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers.setdefault(name, value)
    return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(Exception)
    def _unexpected(error: Exception) -> ResponseReturnValue:
        if isinstance(error, HTTPException):
            return problem_response(error)
        if isinstance(error, IntegrityError):
            # A uniqueness race the services' checks could not see (two requests at once).
            app.logger.warning("integrity error: %s", error.orig)
            return problem_response(
                Problem(409, "Outro registro igual foi salvo ao mesmo tempo. Confira os dados e tente de novo.")
            )
        app.logger.exception("unhandled error")
        return problem_response(InternalServerError())
