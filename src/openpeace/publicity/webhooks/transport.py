"""One webhook request on the wire, and the retry policy: no database here.

A webhook makes this server send a request to an address someone else chose, so the request is
guarded (Standard Webhooks, "Security considerations": SSRF): only `http` and `https` URLs, no
credentials in them, and, unless `OPENPEACE_WEBHOOKS_ALLOW_PRIVATE` is set (tests, an intranet),
only to public addresses: every address the host name resolves to must be global, and the
connection goes to the address that was checked, so a name that resolves again to a private
address between the check and the connection (DNS rebinding) gains nothing. An IPv6 address
that carries an IPv4 one is judged by the IPv4 host it leads to, or refused (`_public`), so
that no IPv6 spelling of 169.254.169.254 passes for a public address. Redirects are never
followed: a 3xx answer is a failed attempt, and the receiver registers its final URL. The
timeout is short (Standard Webhooks advises 15 to 30 seconds at most; a receiver should answer
at once and work afterwards).

The retry policy: exponential backoff with full jitter (the delay before attempt n+1 is drawn
uniformly from [0, min(cap, base · 2ⁿ⁻¹)]), so that receivers coming back from an outage are
not hit by every sender at once; a `Retry-After` (RFC 9110 §10.2.3, seconds or an HTTP date)
moves the next attempt later, never earlier.
"""

from __future__ import annotations

import datetime as dt
import http.client
import ipaddress
import random
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import SplitResult, urlsplit

from django.conf import settings
from django.utils.http import parse_http_date

TIMEOUT = 10.0
"""Seconds to connect, and then between two reads of the answer."""
MAX_ANSWER = 2048
"""Bytes of the answer's body kept for the officials (the receiver's error message)."""
BACKOFF_BASE = 60.0
BACKOFF_CAP = 12 * 3600.0
MAX_ATTEMPTS = 15
"""With the base and cap above, the last attempt comes at most about 2.7 days after the first
(Standard Webhooks suggests retrying over about three days)."""
MAX_RETRY_AFTER = 24 * 3600.0
"""A longer `Retry-After` is taken as one day, so that no answer parks a delivery for ever."""
_DELAY_SECONDS = re.compile(r"[0-9]+")
"""RFC 9110 §10.2.3 `delay-seconds`: ASCII digits, nothing else."""
USER_AGENT = "openpeace-webhooks/1"


class Refused(ValueError):
    """A URL this server will not call; the message says why."""


def _allow_private() -> bool:
    return bool(settings.OPENPEACE_WEBHOOKS_ALLOW_PRIVATE)


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
"""The NAT64 well-known prefix (RFC 6052 §2.1): the IPv4 address is the last 32 bits (§2.2),
and the translator sends the connection to it. A DNS64 resolver (RFC 6147) gives such addresses
for IPv4-only names to a server on an IPv6-only network, so they are how it reaches IPv4
receivers: the IPv4 address is extracted and must be global (RFC 6052 §3.1 forbids the prefix
for any other, but the translator is not ours to trust)."""
CARRIERS_REFUSED = (
    # Reserved by the IETF (RFC 4291 §2.4); holds the IPv4-compatible form ::a.b.c.d (deprecated,
    # §2.5.5.1) and SIIT's IPv4-translated ::ffff:0:a.b.c.d (RFC 2765 §2.1, obsolete).
    ipaddress.IPv6Network("::/8"),
    ipaddress.IPv6Network("2002::/16"),  # 6to4 (RFC 3056 §2); its relays deprecated (RFC 7526)
    ipaddress.IPv6Network("2001::/32"),  # Teredo (RFC 4380 §4): server and client (XORed) IPv4
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # NAT64 for local use (RFC 8215 §2)
)
"""IPv6 prefixes that carry an IPv4 address, refused whatever it is. Each leads to an IPv4 host
chosen by whoever wrote the address (169.254.169.254 as `[2002:a9fe:a9fe::]`, say), while
Python's `is_global` judges the IPv6 prefix, not that host (3.11 takes 6to4, the two forms in
::/8 and RFC 8215's prefix for global). No receiver needs them: the first three are transition
mechanisms deprecated or abandoned, a dual-stack server reaches their hosts by the IPv4 address
itself, and the last is an operator's own translator, whose format this server cannot know.
Refusing them whole, rather than extracting what they carry, also refuses what else they name
(Teredo's server, a 6to4 site's subnets)."""


def _public(address: str) -> bool:
    """Whether the host at `address` is public. An IPv4-mapped address (RFC 4291 §2.5.5.2, as a
    dual-stack socket writes an IPv4 peer) and one under the NAT64 prefix are the IPv4 host they
    carry, judged as such; one of `CARRIERS_REFUSED` never is."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return ip.ipv4_mapped.is_global
        if ip in NAT64:
            return ipaddress.IPv4Address(int(ip) & 0xFFFF_FFFF).is_global
        if any(ip in prefix for prefix in CARRIERS_REFUSED):
            return False
    return ip.is_global


def check_url(url: str) -> SplitResult:
    """The URL's parts, if this server may call it as far as the URL alone tells; `Refused`
    naming the problem otherwise. The addresses are checked again when it is called."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise Refused(f"{url!r} is not a valid URL: {error}") from None
    if parts.scheme not in ("http", "https"):
        raise Refused(f"a webhook URL starts with https:// (or http://), not {url[:20]!r}")
    if not parts.hostname:
        raise Refused(f"{url!r} names no host")
    if parts.username is not None or parts.password is not None:
        raise Refused("a webhook URL carries no user name or password: the signature "
                      "authenticates the sender")
    if port == 0:
        raise Refused("a webhook URL's port is 1 to 65535")
    host = parts.hostname
    if not _allow_private():
        local = host == "localhost" or host.endswith(".localhost")  # RFC 6761 §6.3
        try:
            literal = not _public(host)
        except ValueError:  # a name, not an address: checked when it is resolved
            literal = False
        if local or literal:
            raise Refused(f"{host} is a loopback, private or reserved address: a webhook is "
                          "sent to a public address")
    return parts


def _addresses(host: str, port: int) -> list[tuple[int, str]]:
    """The addresses `host` resolves to, as (family, address), all public unless allowed."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise OSError(f"cannot resolve {host}: {error.strerror}") from None
    addresses: list[tuple[int, str]] = list(dict.fromkeys(
        (family, str(sockaddr[0])) for family, _, _, _, sockaddr in found))
    if not _allow_private():
        private = [address for _, address in addresses if not _public(address)]
        if private:
            raise Refused(f"{host} resolves to a private or reserved address ({private[0]}): "
                          "a webhook is sent to a public address")
    return addresses


class _Pinned(http.client.HTTPConnection):
    """An HTTP connection to one checked address, whatever the host name resolves to now."""

    def __init__(self, host: str, port: int, address: str) -> None:
        super().__init__(host, port, timeout=TIMEOUT)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), TIMEOUT)


class _PinnedTLS(_Pinned):
    """The same over TLS, the certificate checked against the host name (not the address)."""

    default_port = http.client.HTTPS_PORT
    context = ssl.create_default_context()

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host)


@dataclass(frozen=True)
class Answer:
    status: int
    retry_after: str | None
    location: str | None
    text: str


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body` to `url` once, redirects not followed; raises `Refused` for a URL this server
    will not call, `OSError` (timeouts, refused connections, TLS failures) or
    `http.client.HTTPException` when no answer came."""
    parts = check_url(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection_class = _PinnedTLS if parts.scheme == "https" else _Pinned
    failure: OSError = OSError(f"{host} has no address")
    for _family, address in _addresses(host, port):
        connection = connection_class(host, port, address)
        try:
            connection.request("POST", target, body=body,
                               headers={**headers, "user-agent": USER_AGENT})
            response = connection.getresponse()
            text = response.read(MAX_ANSWER).decode("utf-8", "replace")
            return Answer(response.status, response.getheader("retry-after"),
                          response.getheader("location"), text)
        except ConnectionRefusedError as error:  # the next address may answer
            failure = error
        finally:
            connection.close()
    raise failure


def retry_delay(attempts: int, rng: random.Random) -> float:
    """Seconds to wait after the `attempts`-th failed attempt: full jitter (uniform in
    [0, min(cap, base · 2^(attempts-1))])."""
    ceiling = min(BACKOFF_CAP, BACKOFF_BASE * 2.0 ** min(attempts - 1, 64))
    return rng.uniform(0.0, ceiling)


def retry_after_seconds(value: str | None, now: dt.datetime) -> float | None:
    """A `Retry-After` value as seconds from `now`, at most `MAX_RETRY_AFTER`; None when it is
    absent or is not one, and then the backoff alone applies.

    RFC 9110 §10.2.3: `Retry-After = HTTP-date / delay-seconds`, `delay-seconds = 1*DIGIT`, and
    DIGIT is 0-9 in ASCII (RFC 5234 B.1); `str.isdigit` is not that test, since it also takes
    "²" or "١٢", which `float` then refuses or reads. An HTTP-date is one of the three forms of
    §5.6.7 (`django.utils.http.parse_http_date`), not whatever `email.utils` can make a date of.
    A sign, a fraction, an exponent or any other text is not a Retry-After. Only the SP and HTAB
    around the value are dropped (§5.5: they are not part of a field value). A date already past
    means now; a larger delay than `MAX_RETRY_AFTER` is taken as that much, whatever its digits.
    """
    if value is None:
        return None
    value = value.strip(" \t")
    if _DELAY_SECONDS.fullmatch(value):
        seconds = float(value)  # ASCII digits: never refused (inf when too many, then capped)
    else:
        try:
            seconds = parse_http_date(value) - now.timestamp()
        except ValueError:
            return None
    return min(max(seconds, 0.0), MAX_RETRY_AFTER)
