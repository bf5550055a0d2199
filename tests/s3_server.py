"""A real S3-compatible server on loopback for the tests: moto's standalone server.

moto rather than SeaweedFS: it is a pure-Python wheel (no 100 MB Go binary to fetch per platform),
starts in well under a second in a thread of the test process, and speaks the S3 REST API over real
HTTP, so boto3 goes through its whole stack (signing, retries, error codes) as it would against
AWS, MinIO or SeaweedFS.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager

S3_CREDENTIALS = {"S3_ACCESS_KEY_ID": "test-key", "S3_SECRET_ACCESS_KEY": "test-secret", "S3_REGION": "us-east-1"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def s3_server() -> Iterator[str]:
    """The endpoint URL of a moto server listening on 127.0.0.1, stopped afterwards."""
    from moto.server import ThreadedMotoServer

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
