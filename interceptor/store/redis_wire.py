"""A minimal blocking RESP2 connection to one Redis node, for one-shot CLI calls (no asyncio, no redis-py).

Only what :mod:`interceptor.store.redis_link` needs: connect (optionally over TLS), ``HELLO 2 [AUTH
user pass]`` and ``SELECT`` sent in one round trip, then single commands. Failures are reported in
redis-py's words (``Error 111 connecting to host:port. ...``, ``Timeout reading from host:port``,
server errors without their ``ERR``/``WRONGPASS`` prefix), so a store error reads the same whichever
client met it.
"""

from __future__ import annotations

import socket
from typing import Any, NamedTuple

CONNECT_TIMEOUT_SECONDS = 2.0
COMMAND_TIMEOUT_SECONDS = 2.0
# Error prefixes redis-py strips from the message (its parser's EXCEPTION_CLASSES).
_STRIPPED_CODES = frozenset(
    {"ERR", "OOM", "WRONGPASS", "EXECABORT", "LOADING", "NOSCRIPT", "READONLY", "NOAUTH", "NOPERM"}
    | {"ASK", "TRYAGAIN", "MOVED", "CLUSTERDOWN", "CROSSSLOT", "MASTERDOWN"}
)
_REDIRECTIONS = ("MOVED", "ASK")


class Address(NamedTuple):
    host: str
    port: int

    def resolve(self, current: Address) -> Address:
        """A redirection target; an empty host (``-MOVED 12 :7002``) means the current node's host."""
        return self if self.host else Address(current.host, self.port)

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


class WireError(Exception):
    """The node could not be reached or talked to. ``retryable``: a connection or timeout error."""

    def __init__(self, message: str, *, retryable: bool = False) -> None:
        super().__init__(message)
        self.retryable = retryable


class ServerError(Exception):
    """An error reply. ``text`` is the whole line; ``str()`` is what redis-py would show."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.code = text.split(" ", 1)[0]
        super().__init__(text[len(self.code) + 1 :] if self.code in _STRIPPED_CODES else text)

    @property
    def retryable(self) -> bool:
        """The replies redis-py raises as connection errors, which its retry policy retries."""
        return self.code == "LOADING" or self.text == "ERR max number of clients reached"

    def redirection(self) -> Address | None:
        """The target of a ``-MOVED slot host:port`` or ``-ASK slot host:port`` reply, else ``None``."""
        parts = self.text.split(" ")
        if self.code not in _REDIRECTIONS or len(parts) != 3:
            return None
        host, _, port = parts[2].rpartition(":")
        return Address(host.strip("[]"), int(port)) if port.isdigit() else None


def _format_connect_error(address: Address, exc: OSError) -> str:
    """redis-py's ``format_error_message``."""
    if not exc.args:
        return f"Error connecting to {address}."
    if len(exc.args) == 1:
        return f"Error {exc.args[0]} connecting to {address}."
    return f"Error {exc.args[0]} connecting to {address}. {exc.args[1]}."


def _connect_socket(address: Address) -> socket.socket:
    """Connect to the first address that answers; errors worded as asyncio's ``create_connection``."""
    # An ASCII host passed as bytes spares loading the idna codec (str hosts are IDNA-encoded).
    host = address.host.encode("ascii") if address.host.isascii() else address.host
    infos = socket.getaddrinfo(host, address.port, type=socket.SOCK_STREAM)
    errors: list[OSError] = []
    for family, kind, proto, _, sockaddr in infos:
        sock = socket.socket(family, kind, proto)
        sock.settimeout(CONNECT_TIMEOUT_SECONDS)
        try:
            sock.connect(sockaddr)
        except TimeoutError:
            sock.close()
            raise
        except OSError as exc:
            sock.close()
            errors.append(OSError(exc.errno, f"Connect call failed {sockaddr}"))
            continue
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    if len(errors) == 1 or len({str(error) for error in errors}) == 1:
        raise errors[0]
    raise OSError(f"Multiple exceptions: {', '.join(str(error) for error in errors)}")


class RedisWire:
    """One open connection; use :meth:`open`, then :meth:`call`, then :meth:`close`."""

    def __init__(self, sock: socket.socket, address: Address) -> None:
        self.address = address
        self._sock = sock
        self._reader = sock.makefile("rb")

    @classmethod
    def open(cls, address: Address, *, tls: bool, auth: tuple[str, str] | None, db: int) -> RedisWire:
        """Connect, greet (``HELLO 2``, authenticating if ``auth``) and ``SELECT db`` when db is not 0."""
        try:
            sock = _connect_socket(address)
            if tls:
                import ssl

                sock = ssl.create_default_context().wrap_socket(sock, server_hostname=address.host)
        except TimeoutError as exc:
            raise WireError("Timeout connecting to server", retryable=True) from exc
        except OSError as exc:
            raise WireError(_format_connect_error(address, exc), retryable=True) from exc
        wire = cls(sock, address)
        try:
            commands: list[tuple[str | int, ...]] = [("HELLO", 2, "AUTH", *auth) if auth else ("HELLO", 2)]
            if db:
                commands.append(("SELECT", db))
            wire._send(*commands)
            for _ in commands:
                wire._read_reply()
        except BaseException:
            wire.close()
            raise
        return wire

    def call(self, *args: str | int) -> Any:
        """Send one command and return its reply; an error reply raises :class:`ServerError`."""
        self._send(args)
        return self._read_reply()

    def close(self) -> None:
        self._reader.close()
        self._sock.close()

    def _send(self, *commands: tuple[str | int, ...]) -> None:
        chunks: list[bytes] = []
        for command in commands:
            chunks.append(b"*%d\r\n" % len(command))
            for arg in command:
                data = str(arg).encode("utf-8")
                chunks.append(b"$%d\r\n%s\r\n" % (len(data), data))
        self._sock.settimeout(COMMAND_TIMEOUT_SECONDS)
        try:
            self._sock.sendall(b"".join(chunks))
        except TimeoutError as exc:
            raise WireError("Timeout writing to socket", retryable=True) from exc
        except OSError as exc:
            raise WireError(f"Error while writing to {self.address} : {exc.args}", retryable=True) from exc

    def _read_reply(self) -> Any:
        try:
            return self._parse()
        except TimeoutError as exc:
            raise WireError(f"Timeout reading from {self.address}", retryable=True) from exc
        except OSError as exc:
            raise WireError(f"Error while reading from {self.address} : {exc.args}", retryable=True) from exc

    def _line(self) -> bytes:
        line = self._reader.readline()
        if not line.endswith(b"\r\n"):
            raise WireError("Connection closed by server.", retryable=True)
        return line[:-2]

    def _parse(self) -> Any:
        line = self._line()
        kind, rest = line[:1], line[1:]
        if kind == b"+":
            return rest.decode("utf-8", "replace")
        if kind == b"-":
            raise ServerError(rest.decode("utf-8", "replace"))
        if kind == b":":
            return int(rest)
        if kind == b"$":
            length = int(rest)
            if length < 0:
                return None
            data = self._reader.read(length + 2)
            if len(data) != length + 2:
                raise WireError("Connection closed by server.", retryable=True)
            return data[:-2]
        if kind == b"*":
            count = int(rest)
            if count < 0:
                return None
            return [self._parse() for _ in range(count)]
        raise WireError(f"Protocol Error: {line[:80]!r}")
