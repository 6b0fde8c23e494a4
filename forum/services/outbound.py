"""POSTs to URLs an admin typed in (webhooks), kept away from this host and its private network.

Such a request is made by this server on the admin's behalf, so a URL that names or resolves to
a loopback, private, link-local or cloud-metadata address would let the delivery log probe the
internal network. `check_url` refuses those when an endpoint is saved; `post` checks again at
every delivery: it resolves the name, refuses when any address it resolves to is internal,
connects to an address it checked (a DNS answer that changes between the check and the connection
can't move it), keeps the name for the Host header and for TLS, and follows no redirect. What
goes wrong comes back as one of a few fixed sentences, never the socket's own text, so the log
can't tell which ports are open behind the firewall.

An on-premises CRM has a private address: `allow_private` (an admin setting) lets loopback and
private addresses through, never link-local, metadata, unspecified, multicast or reserved ones.
"""

import http.client
import ipaddress
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_URL_LENGTH = 500
INVALID_URL = "An http(s) URL, e.g. https://crm.example.com/hooks/peercare"
PRIVATE_REFUSED = ("The address is internal (loopback or private network) and private addresses are not "
                   "allowed: refused, nothing was sent.")
ALWAYS_REFUSED = ("The address is link-local, cloud metadata, unspecified, multicast or reserved: refused, "
                  "nothing was sent.")
UNRESOLVED = "The host name did not resolve."
TIMED_OUT = "The endpoint did not answer in time (timeout)."
NO_CONNECTION = "Could not connect to the endpoint."
TLS_FAILED = "The TLS handshake with the endpoint failed (certificate or protocol)."
BAD_ANSWER = "The endpoint's answer was not valid HTTP."

# Cloud instance metadata services (AWS, GCP and Azure use 169.254.169.254, which link-local covers).
METADATA_ADDRESSES = frozenset(ipaddress.ip_address(a) for a in (
    "169.254.169.254", "169.254.170.2", "fd00:ec2::254", "100.100.100.200"))
SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT: private in practice
THIS_NETWORK = ipaddress.ip_network("0.0.0.0/8")  # Linux connects 0.0.0.0 to this host itself
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f]")


class Refused(Exception):
    """The request was not made, or failed; `message` is a fixed sentence safe to show and store."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Target:
    """Where a URL points: the name to resolve and send as Host, the port, and the request path."""

    tls: bool
    host: str
    port: int
    path: str


def parse(url: str) -> Target:
    """Split an http(s) URL; Refused(INVALID_URL) for anything else (spaces, credentials, a bad port…)."""
    if not url or len(url) > MAX_URL_LENGTH or _UNSAFE_CHARACTERS.search(url):
        raise Refused(INVALID_URL)
    try:
        parts = urlsplit(url)
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):  # "http://[::1/bad", a port past 65535, a label too long for IDNA
        raise Refused(INVALID_URL) from None
    if parts.scheme not in ("http", "https") or not host or "@" in parts.netloc:
        raise Refused(INVALID_URL)
    tls = parts.scheme == "https"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return Target(tls=tls, host=host, port=port or (443 if tls else 80), path=path)


def refusal(address: Address, *, allow_private: bool) -> str | None:
    """Why a connection to this address is refused (None when it is allowed)."""
    embedded = _embedded_ipv4(address)
    if embedded is not None:
        return refusal(embedded, allow_private=allow_private)
    if (address in METADATA_ADDRESSES or address.is_link_local or address.is_unspecified or address.is_multicast
            or (address.is_reserved and not address.is_loopback) or address in THIS_NETWORK):
        return ALWAYS_REFUSED
    if address.is_global and address not in SHARED_ADDRESS_SPACE:
        return None
    return None if allow_private else PRIVATE_REFUSED


def _embedded_ipv4(address: Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one reaches (mapped, 6to4 or NAT64), judged in its place."""
    if address.version != 6:
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def resolve(host: str, port: int) -> list[Address]:
    """Every address the name resolves to (a literal address is itself); Refused(UNRESOLVED) if none.

    "localhost" and names under it are loopback whatever the resolver says (RFC 6761).
    """
    name = host.rstrip(".")
    if name == "localhost" or name.endswith(".localhost"):
        return [ipaddress.ip_address("127.0.0.1"), ipaddress.ip_address("::1")]
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        raise Refused(UNRESOLVED) from None
    addresses = [ipaddress.ip_address(sockaddr[0].partition("%")[0]) for *_, sockaddr in answers]
    if not addresses:
        raise Refused(UNRESOLVED)
    return list(dict.fromkeys(addresses))


def checked_addresses(target: Target, *, allow_private: bool) -> list[Address]:
    """The addresses to connect to, once every one the name resolves to is allowed."""
    addresses = resolve(target.host, target.port)
    for address in addresses:
        reason = refusal(address, allow_private=allow_private)
        if reason is not None:
            raise Refused(reason)
    return addresses


def check_url(url: str, *, allow_private: bool) -> str:
    """The URL, stripped, when it may be saved as an endpoint; Refused with the reason otherwise.

    A name that doesn't resolve yet is accepted (the CRM's DNS may come later): every delivery
    resolves and checks it again.
    """
    url = (url or "").strip()
    target = parse(url)
    try:
        checked_addresses(target, allow_private=allow_private)
    except Refused as exc:
        if exc.message != UNRESOLVED:
            raise
    return url


class _PinnedConnection(http.client.HTTPConnection):
    """An HTTP(S) connection to addresses already checked, whatever the name resolves to by now.

    The name is still what the Host header and TLS (SNI and the certificate check) use.
    """

    def __init__(self, target: Target, addresses: list[Address], timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._addresses = addresses
        self._tls = ssl.create_default_context() if target.tls else None
        if target.tls:
            self.default_port = 443  # so the Host header leaves out the port only when it is the default

    def connect(self) -> None:
        sock = _connect_first(self._addresses, self.port, self.timeout)
        if self._tls is not None:
            try:
                sock = self._tls.wrap_socket(sock, server_hostname=self.host)
            except BaseException:
                sock.close()
                raise
        self.sock = sock


def _connect_first(addresses: list[Address], port: int, timeout: float) -> socket.socket:
    failure: OSError = ConnectionError("no address")
    for address in addresses:
        sock = socket.socket(socket.AF_INET6 if address.version == 6 else socket.AF_INET, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect((str(address), port))
        except OSError as exc:
            sock.close()
            failure = exc
        else:
            return sock
    raise failure


def post(url: str, body: bytes, headers: dict[str, str], *, timeout: float, allow_private: bool) -> int:
    """POST the body and return the answer's status code (a redirect is returned, not followed).

    Raises Refused, with a fixed sentence, when the URL or any address it resolves to is not
    allowed, or when the request fails (timeout, no connection, TLS, an answer that isn't HTTP).
    """
    target = parse(url)
    connection = _PinnedConnection(target, checked_addresses(target, allow_private=allow_private), timeout)
    try:
        connection.request("POST", target.path, body=body, headers=headers)
        with connection.getresponse() as response:
            response.read(64 * 1024)  # a little of the answer, so the receiver isn't cut off mid-write
            return response.status
    except TimeoutError:
        raise Refused(TIMED_OUT) from None
    except (ssl.SSLError, ssl.CertificateError):
        raise Refused(TLS_FAILED) from None
    except OSError:
        raise Refused(NO_CONNECTION) from None
    except http.client.HTTPException:
        raise Refused(BAD_ANSWER) from None
    finally:
        connection.close()
