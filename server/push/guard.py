"""The SSRF guard: a push endpoint is a URL the browser gave us and the server will POST to, so
it must point at a public push service, never at the server's own network.

Rule: `https://`, no user or password in the URL, not `localhost`, and every address the host
name resolves to is public — not private, loopback, link-local, reserved, multicast or
unspecified (IPv4-mapped IPv6 addresses are judged by their IPv4 address). The job checks again
before each send, since DNS answers change, and connects to the address it checked
(transport.py). `PUSH_ALLOW_LOOPBACK` (tests only) also lets `http://` and `https://` reach
127.0.0.1 / ::1, and nothing else.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeEndpoint(ValueError):
    """The endpoint may not be used; the message is pt-BR, for the 422."""


def _public(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return _public(ip.ipv4_mapped)
        for embedded in (ip.sixtofour, ip.teredo[1] if ip.teredo else None):
            if embedded is not None and not _public(embedded):
                return False
    return ip.is_global and not (
        ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved or ip.is_multicast or ip.is_unspecified
    )


def _loopback(ip: IPAddress) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the host resolves to (an IP literal is itself)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise UnsafeEndpoint("O endereço do serviço de notificações não foi encontrado.") from None
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def check_endpoint(url: str, *, allow_loopback: bool = False) -> list[IPAddress]:
    """Raise UnsafeEndpoint unless the server may POST to `url` (see the module's rule); else the
    addresses it resolved to, all checked: the sender connects to one of them (transport.py)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise UnsafeEndpoint("Endereço de notificação inválido.") from None
    host = (parts.hostname or "").rstrip(".").lower()
    if parts.scheme not in ("https", "http") or not host:
        raise UnsafeEndpoint("O endereço de notificação deve começar com https://.")
    if parts.username is not None or parts.password is not None:
        raise UnsafeEndpoint("O endereço de notificação não pode conter usuário ou senha.")
    if parts.scheme == "http" and not allow_loopback:
        raise UnsafeEndpoint("O endereço de notificação deve começar com https://.")
    if (host == "localhost" or host.endswith(".localhost")) and not allow_loopback:
        raise UnsafeEndpoint("O endereço de notificação deve ser um serviço público, não a rede interna.")
    addresses = resolve(host, port or (443 if parts.scheme == "https" else 80))
    if not addresses:
        raise UnsafeEndpoint("O endereço do serviço de notificações não foi encontrado.")
    for ip in addresses:
        if allow_loopback and _loopback(ip):
            continue
        if parts.scheme == "http" or not _public(ip):
            raise UnsafeEndpoint("O endereço de notificação deve ser um serviço público, não a rede interna.")
    return addresses
