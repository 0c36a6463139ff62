"""Which webhook addresses Grappe agrees to call (no SSRF into the hosting network).

Only http(s), no credentials in the URL, and every address the host name resolves to must
be public: private, loopback, link-local, shared, multicast, reserved and unspecified
ranges are refused (IPv4-mapped IPv6 addresses are checked as IPv4). The check runs when
the address is registered and again at each delivery, and the delivery connects to the
very address that was checked, so a DNS answer that changes in between (rebinding) cannot
redirect it. ``WEBHOOKS_ALLOW_PRIVATE_TARGETS`` lifts the address check, for development.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class UnsafeTarget(ValueError):
    """The address may not be called; the message says why, in French."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str  # path and query, as sent in the request line
    addresses: tuple[str, ...]  # checked addresses, in resolver order


def _refused(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_multicast
        or ip.is_reserved
        or ip.is_unspecified
        or not ip.is_global
    )


def resolve(host: str, port: int) -> list[str]:
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise UnsafeTarget(f"Le nom « {host} » ne se résout pas.") from exc
    seen: list[str] = []
    for info in infos:
        address = info[4][0].split("%", 1)[0]  # drop an IPv6 zone index
        if address not in seen:
            seen.append(address)
    return seen


def check_url(url: str, *, allow_private: bool | None = None) -> Target:
    """Parse and resolve ``url``; raise ``UnsafeTarget`` unless Grappe may call it."""
    if allow_private is None:
        allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise UnsafeTarget("Adresse invalide.") from exc
    if parts.scheme not in ("http", "https"):
        raise UnsafeTarget("Seules les adresses http:// et https:// sont acceptées.")
    if parts.username or parts.password:
        raise UnsafeTarget("L'adresse ne doit pas contenir d'identifiants.")
    host = parts.hostname
    if not host:
        raise UnsafeTarget("L'adresse doit nommer un hôte.")
    port = port or (443 if parts.scheme == "https" else 80)
    addresses = resolve(host, port)
    if not addresses:
        raise UnsafeTarget(f"Le nom « {host} » ne se résout pas.")
    if not allow_private:
        for address in addresses:
            if _refused(ipaddress.ip_address(address)):
                raise UnsafeTarget(
                    f"L'adresse {address} (de « {host} ») est privée, locale ou réservée : "
                    "Grappe n'y envoie rien."
                )
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(parts.scheme, host, port, path, tuple(addresses))
