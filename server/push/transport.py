"""How a notice reaches a push service: never through a redirect, and only to the address the
SSRF guard checked.

Checking a host name and then letting the HTTP client resolve it again leaves a gap: a name that
answered with a public address for the check can answer with an internal one a moment later (DNS
rebinding). So the connection goes to the checked address itself; the URL's host still travels
in the `Host` header and, over TLS, in SNI and the certificate check.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit, urlunsplit

import requests
from requests.adapters import HTTPAdapter

from server.push.guard import IPAddress


class _PinnedAddress(HTTPAdapter):
    def __init__(self, address: IPAddress, hostname: str) -> None:
        self.address, self.hostname = address, hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        # TLS talks to the host name (SNI, certificate) while the socket goes to the address;
        # urllib3 drops these two for plain http.
        kwargs.update(server_hostname=self.hostname, assert_hostname=self.hostname)
        super().init_poolmanager(*args, **kwargs)

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        parts = urlsplit(request.url or "")
        host = f"[{self.address}]" if self.address.version == 6 else str(self.address)
        request.url = urlunsplit(parts._replace(netloc=f"{host}:{parts.port}" if parts.port else host))
        request.headers["Host"] = parts.netloc
        return super().send(request, *args, **kwargs)


class PushSession(requests.Session):
    """A session for one endpoint: no redirects (one could lead into the server's own network),
    and every connection to `address`, the one the guard approved."""

    def __init__(self, endpoint: str, address: IPAddress) -> None:
        super().__init__()
        parts = urlsplit(endpoint)
        adapter = _PinnedAddress(address, parts.hostname or "")
        self.mount(f"{parts.scheme}://", adapter)

    def request(self, *args: Any, **kwargs: Any) -> requests.Response:
        kwargs["allow_redirects"] = False
        return super().request(*args, **kwargs)
