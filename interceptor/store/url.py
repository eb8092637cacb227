"""Store URLs: which schemes we accept, how they are parsed, and how they are shown without secrets.

Accepted forms::

    sqlite:///abs/path/contexts.db        absolute path
    sqlite:///./rel/path/contexts.db      relative to the working directory
    redis://[user:password@]host[:port][/db][?option=value]
    rediss://...                          the same over TLS
    redis+cluster://[user:password@]host:port[,host:port...]    Redis Cluster (rediss+cluster: TLS)

Every error message shows URLs through :func:`redact_url`, which drops the password (from the
user-info part and from a ``password=`` query option).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from interceptor.errors import ConfigError

SQLITE_SCHEMES = ("sqlite",)
REDIS_SCHEMES = ("redis", "rediss")
CLUSTER_SCHEMES = ("redis+cluster", "rediss+cluster")
ACCEPTED_SCHEMES = SQLITE_SCHEMES + REDIS_SCHEMES + CLUSTER_SCHEMES
_SECRET_QUERY_KEYS = frozenset({"password", "pass", "pwd"})


def redact_url(url: str) -> str:
    """``url`` without its password; safe to log and to put in error messages."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<unparseable store URL>"
    netloc = parts.netloc
    userinfo, at, hosts = netloc.rpartition("@")
    if at:
        user = userinfo.partition(":")[0]
        netloc = f"{user}@{hosts}" if user else hosts
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = urlencode([(k, v) for k, v in pairs if k.lower() not in _SECRET_QUERY_KEYS], safe="/:,")
    # Rebuilt by hand: urlunsplit would turn "sqlite:///path" (empty host) into "sqlite:/path".
    return (
        f"{parts.scheme}://{netloc}{parts.path}"
        + (f"?{query}" if query else "")
        + (f"#{parts.fragment}" if parts.fragment else "")
    )


def scheme_of(url: str) -> str:
    """The URL's scheme, lower-cased. Raises :class:`ConfigError` for one we do not support."""
    scheme, sep, _ = url.partition("://")
    scheme = scheme.lower()
    if not sep or scheme not in ACCEPTED_SCHEMES:
        raise ConfigError(
            f"store.url {redact_url(url)!r}: unsupported scheme; expected one of "
            + ", ".join(f"{name}://" for name in ACCEPTED_SCHEMES)
        )
    return scheme


def sqlite_path(url: str) -> Path:
    """The database file named by a ``sqlite:///...`` URL (``sqlite:///./x`` is relative)."""
    _, _, rest = url.partition("://")
    if not rest.startswith("/") or rest == "/":
        raise ConfigError(
            f"store.url {redact_url(url)!r}: expected sqlite:///absolute/path or sqlite:///./relative/path"
        )
    path = unquote(rest)
    if path.startswith(("/./", "/../")):
        path = path[1:]
    return Path(path)


@dataclass(frozen=True)
class ClusterAddress:
    """What a ``redis+cluster://`` URL names: the startup nodes and the credentials."""

    nodes: list[tuple[str, int]]
    username: str | None
    password: str | None
    tls: bool


def cluster_address(url: str) -> ClusterAddress:
    """Parse ``redis+cluster://[user:pass@]host:port[,host:port...]``."""
    scheme, _, rest = url.partition("://")
    netloc = rest.split("/", 1)[0].split("?", 1)[0]
    userinfo, at, hosts = netloc.rpartition("@")
    username = password = None
    if at:
        user, _, secret = userinfo.partition(":")
        username = unquote(user) or None
        password = unquote(secret) or None
    nodes: list[tuple[str, int]] = []
    for item in hosts.split(","):
        host, colon, port = item.strip().rpartition(":")
        if not colon:
            host, port = item.strip(), "6379"
        host = host.strip("[]")
        if not host or not port.isdigit():
            raise ConfigError(
                f"store.url {redact_url(url)!r}: expected redis+cluster://host:port[,host:port...], "
                f"got node {item!r}"
            )
        nodes.append((host, int(port)))
    return ClusterAddress(
        nodes=nodes, username=username, password=password, tls=scheme.lower() == "rediss+cluster"
    )
