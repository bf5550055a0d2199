"""gzip for the API's JSON answers: a first sync is hundreds of KB of repetitive JSON that a phone
on a slow network would otherwise wait for (the browser's fetch decodes gzip by itself).

Only buffered JSON bodies are compressed: files (photos, PDFs, the PWA's assets) are sent as
they are, streamed or conditional, and an answer that carries an ETag keeps its bytes, so a
validator always names one representation.
"""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_BYTES = 1024  # below this, the gzip header and a round of CPU are not worth it
LEVEL = 6
TYPES = {"application/json", "application/problem+json"}


def _wanted(response: Response) -> bool:
    return (
        response.mimetype in TYPES
        and 200 <= response.status_code < 300
        and not response.direct_passthrough
        and not response.is_streamed
        and "Content-Encoding" not in response.headers
        and "ETag" not in response.headers
        and request.accept_encodings["gzip"] > 0
    )


def register_compression(app: Flask) -> None:
    @app.after_request
    def _gzip(response: Response) -> Response:
        if response.mimetype in TYPES:
            response.vary.add("Accept-Encoding")  # a cache must not hand gzip to a client that did not ask
        if not _wanted(response):
            return response
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        response.set_data(gzip.compress(body, compresslevel=LEVEL, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        return response
