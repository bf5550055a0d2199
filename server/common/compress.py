"""Compressed answers (Flask-Compress): the API's JSON and the PWA's shell, as the client accepts.

A first sync is hundreds of KB of repetitive JSON that a phone on a slow network would otherwise
wait for; the browser's fetch decodes br and gzip by itself. Flask-Compress honours
Accept-Encoding (q=0 refuses), adds `Vary: Accept-Encoding`, and gives a compressed answer's
strong ETag a suffix of its encoding, re-evaluating If-None-Match, so a validator always names
one representation.

What stays as it is: photos, PDFs and other files (not in `MIMETYPES`), streamed answers, answers
that already carry a Content-Encoding, and bodies under `MIN_BYTES` (the header and a round of
CPU are not worth it).

An answer kept in this process's answers (server.common.answer_cache) is compressed once per
encoding and kept beside it (`cached_json`): compressing a phone's agenda cost more than finding it.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Hashable

import brotli
from flask import Flask, Response, current_app, request
from flask_compress import Compress

from server.common.answer_cache import answers

MIN_BYTES = 1024
MIMETYPES = [
    "application/json",
    "application/problem+json",
    "application/manifest+json",
    "text/html",  # the shell
    "text/css",
    "text/javascript",
    "application/javascript",
]

compress = Compress()


def register_compression(app: Flask) -> None:
    app.config.setdefault("COMPRESS_MIMETYPES", MIMETYPES)
    app.config.setdefault("COMPRESS_MIN_SIZE", MIN_BYTES)
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])  # both in every browser; br the smaller
    app.config.setdefault("COMPRESS_BR_LEVEL", 4)  # close to gzip's speed, smaller output
    app.config.setdefault("COMPRESS_LEVEL", 6)
    app.config.setdefault("COMPRESS_STREAMS", False)  # a streamed file is sent as it is
    compress.init_app(app)


def cached_json(key: Hashable, build: Callable[[], bytes]) -> Response:
    """A JSON answer from this process's answers, in the encoding the client prefers (br or gzip,
    each compressed once per answer); Flask-Compress leaves an encoded answer as it is."""
    body = answers().get_or_build(key, build)
    encoding = request.accept_encodings.best_match(current_app.config["COMPRESS_ALGORITHM"])
    if encoding is None or len(body) < current_app.config["COMPRESS_MIN_SIZE"]:
        return Response(body, mimetype="application/json")
    packed = answers().get_or_build((key, encoding), lambda: _compress(body, encoding))
    response = Response(packed, mimetype="application/json")
    response.headers["Content-Encoding"] = encoding
    return response


def _compress(body: bytes, encoding: str) -> bytes:
    config = current_app.config
    if encoding == "br":
        return bytes(brotli.compress(body, quality=config["COMPRESS_BR_LEVEL"]))
    return gzip.compress(body, config["COMPRESS_LEVEL"])
