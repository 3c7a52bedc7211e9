"""Which hosts a webhook may reach: one rule for saving an alert and for the relay calling it.

Standard library only, so the relay's bundle ships it without the API's validation.
"""

from __future__ import annotations

import ipaddress
import socket

# Plain http only to this machine's loopback (make run), IPv4, IPv6 or by name: the request
# never leaves it. Anything else must be https.
LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# DNS: a name of at most 253 characters (without its final dot), as the resolver receives it.
MAX_HOST_NAME_CHARS = 253


def resolvable(host: str) -> bool:
    """Whether a resolver can be asked for ``host``: encoded as the socket module encodes a
    name (IDNA), every label 1 to 63 characters and the name at most 253. A name that fails
    this can never be called, so storing it would only fill the dead-letter queue."""
    try:
        encoded = host.encode("idna")
    except UnicodeError:
        return False
    return len(encoded.rstrip(b".")) <= MAX_HOST_NAME_CHARS


def ip_literal(host: str) -> Address | None:
    """The IP address ``host`` writes, in any form a resolver reads it (``2852039166`` and
    ``0xa9.0xfe.0xa9.0xfe`` are 169.254.169.254, the metadata service; a final dot, DNS's root,
    changes nothing), or None for a name."""
    host = host.removesuffix(".")
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None


# IPv6 prefixes that stand for an IPv4 address in their last 32 bits: a NAT64 gateway (RFC 6052)
# or an IPv4-compatible address (RFC 4291) takes a packet on to that IPv4 address.
_IPV4_CARRIERS = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("::/96"))
# The network's own: local-use NAT64 (RFC 8215), site-local (RFC 3879). Python's is_global
# does not know them before 3.12.4.
_LOCAL_IPV6 = (ipaddress.IPv6Network("64:ff9b:1::/48"), ipaddress.IPv6Network("fec0::/10"))


def is_public(address: Address) -> bool:
    """Whether a webhook may be POSTed to ``address``: a call from inside AWS to a private,
    link-local, shared or reserved address would reach the network the caller runs in, and so
    would an IPv6 address that carries such an IPv4 address (mapped, NAT64, 6to4, compatible)."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in network for network in _LOCAL_IPV6):
            return False
        carried = address.ipv4_mapped or address.sixtofour
        if carried is None and any(address in network for network in _IPV4_CARRIERS):
            carried = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if carried is not None:
            return carried.is_global
    return address.is_global


def internal_address(host: str) -> bool:
    """Whether ``host`` is an IP address that is not public; a name is the relay's to check
    when it calls, since what it resolves to can change after the alert was saved."""
    address = ip_literal(host)
    return address is not None and not is_public(address)
