"""URL canonicalisation (tracking parameters removed) and the private-network guard. See docs/dedup.md"""

from __future__ import annotations

import ipaddress
import re
import socket
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from vigie.exceptions import UnsafeURL

TRACKING_PREFIXES = ("utm_", "mtm_", "pk_", "hsa_", "_hs", "vero_")
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "igsh", "mc_cid", "mc_eid",
    "_ga", "_gl", "ref_src", "ref_url", "spm", "cmpid", "xtor", "at_medium", "at_campaign", "oc",
    "ocid", "share", "s_cid", "icid", "twclid", "li_fat_id", "wt_mc", "wt.mc_id", "__twitter_impression",
})
_DEFAULT_PORTS = {"http": 80, "https": 443}
_PLAIN_PATH = re.compile(r"[A-Za-z0-9/:@!$&'()*+,;=._~-]*\Z")


# The common shape (http(s), lower-case ASCII host, no port or user, plain path, printable query):
# canonicalised without urlsplit, with exactly the result of the general path below.
_SIMPLE = re.compile(r"https?://(?:www\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*)([A-Za-z0-9/:@!$&'()*+,;=._~-]*)"
                     r"(?:\?([!-\"$-~]*))?(?:#[!-~]*)?\Z")


def canonical_url(url: str | None) -> str | None:
    """The form two links to the same page share: lower-case host without www., no default port,
    no fragment, no tracking parameters, remaining parameters sorted. Idempotent."""
    if not url:
        return None
    url = url.strip()
    simple = _SIMPLE.match(url)
    if simple is not None and (not simple[2] or simple[2][0] == "/"):
        host, path, query = simple.groups()
        if len(path) > 1 and path.endswith("/"):
            path = path.rstrip("/") or "/"
        if query and not _only_tracking(query):
            pairs = [(k, v) for k, v in parse_qsl(query, keep_blank_values=True) if not _is_tracking(k)]
            pairs.sort()
            query = urlencode(pairs)
        else:
            query = ""
        return f"https://{host}{path or '/'}?{query}" if query else f"https://{host}{path or '/'}"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname.lower().rstrip(".")
    if host.startswith("www."):
        host = host[4:]
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    if port and port != _DEFAULT_PORTS.get(scheme):
        host = f"{host}:{port}"
    query_string = ""
    if parts.query and not _only_tracking(parts.query):
        query = [
            (k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _is_tracking(k)
        ]
        query.sort()
        query_string = urlencode(query)
    path = parts.path
    if not _PLAIN_PATH.match(path):  # re-quote only paths with escapes or non-ASCII characters
        path = quote(unquote(path), safe="/%:@!$&'()*+,;=-._~")
    path = path or "/"
    if len(path) > 1 and path.endswith("/"):
        path = path.rstrip("/") or "/"
    # Both schemes serve the same page nearly everywhere; https is the one to keep.
    return urlunsplit(("https", host, path, query_string, ""))


def _is_tracking(key: str) -> bool:
    key = key.lower()
    return key in TRACKING_PARAMS or key.startswith(TRACKING_PREFIXES)


def _only_tracking(query: str) -> bool:
    """True when every parameter is a tracking one: the common case of a shared link, decided
    without decoding the query string."""
    for part in query.split("&"):  # a plain loop: a generator costs more than the test on one or two parts
        if part and not _is_tracking(part.partition("=")[0]):
            return False
    return True


def _is_public(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast
                or ip.is_reserved or ip.is_unspecified)


def check_public_url(url: str, allow_private_networks: bool = False) -> None:
    """Refuse a URL whose host resolves to a loopback, private or link-local address.

    NOTE: the check resolves the name itself, so a DNS answer that changes between this
    check and the connection (rebinding) is not covered; the HTTP client re-checks every
    redirect hop.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise UnsafeURL(f"only http and https URLs are accepted: {url!r}")
    if allow_private_networks:
        return
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or 443, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise UnsafeURL(f"cannot resolve {parts.hostname!r}: {exc}") from None
    for info in infos:
        if not _is_public(str(info[4][0])):
            raise UnsafeURL(
                f"{parts.hostname} resolves to a private or loopback address ({info[4][0]}); "
                "set allow_private_networks to permit it"
            )
