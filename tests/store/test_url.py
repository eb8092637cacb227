"""Store URLs: scheme dispatch, parsing, and redaction."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from interceptor.errors import ConfigError
from interceptor.store import open_store, redact_url
from interceptor.store.url import cluster_address, sqlite_path


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("redis://user:pa55@host:6379/0", "redis://user@host:6379/0"),
        ("redis://:pa55@host:6379/0", "redis://host:6379/0"),
        (
            "rediss://user:p%40ss@host/1?password=x&ssl_cert_reqs=none",
            "rediss://user@host/1?ssl_cert_reqs=none",
        ),
        ("redis+cluster://u:pw@a:7101,b:7102", "redis+cluster://u@a:7101,b:7102"),
        ("redis://host:6379/0", "redis://host:6379/0"),
        ("sqlite:///var/lib/contexts.db", "sqlite:///var/lib/contexts.db"),
    ],
)
def test_redact_url_drops_the_password(url: str, expected: str) -> None:
    assert redact_url(url) == expected


@pytest.mark.parametrize(
    "url", ["mysql://root:topsecret@db/ctx", "contexts.db", "http://user:topsecret@x", "memory://"]
)
def test_an_unknown_scheme_names_the_url_and_the_accepted_schemes(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        open_store(url)
    message = str(caught.value)
    assert redact_url(url) in message
    assert "sqlite://, redis://, rediss://, redis+cluster://" in message
    assert "topsecret" not in message


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///abs/dir/contexts.db", Path("/abs/dir/contexts.db")),
        ("sqlite:///./rel/contexts.db", Path("rel/contexts.db")),
        ("sqlite:///../up/contexts.db", Path("../up/contexts.db")),
        ("sqlite:///abs/with%20space.db", Path("/abs/with space.db")),
    ],
)
def test_sqlite_paths(url: str, expected: Path) -> None:
    assert sqlite_path(url) == expected


@pytest.mark.parametrize("url", ["sqlite://relative.db", "sqlite:///"])
def test_a_malformed_sqlite_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError, match=r"expected sqlite:///absolute/path or sqlite:///\./relative/path"):
        open_store(url)


@pytest.mark.parametrize(
    ("url", "nodes", "username", "password", "tls"),
    [
        ("redis+cluster://127.0.0.1:7101", [("127.0.0.1", 7101)], None, None, False),
        ("redis+cluster://a:1,b:2,c", [("a", 1), ("b", 2), ("c", 6379)], None, None, False),
        ("rediss+cluster://u:p%3Aw@a:1/0", [("a", 1)], "u", "p:w", True),
    ],
)
def test_cluster_addresses(
    url: str, nodes: list[tuple[str, int]], username: str | None, password: str | None, tls: bool
) -> None:
    address = cluster_address(url)
    assert (address.nodes, address.username, address.password, address.tls) == (
        nodes,
        username,
        password,
        tls,
    )


def test_a_bad_cluster_node_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="got node 'b:port'"):
        open_store("redis+cluster://:secret@a:1,b:port")


def test_a_sqlite_store_does_not_import_redis(tmp_path: Path) -> None:
    """``interceptor context get`` on the embedded store must stay light."""
    program = (
        "import asyncio, sys\n"
        "from interceptor.store import open_store\n"
        f"store = open_store('sqlite:///{tmp_path}/c.db')\n"
        "asyncio.run(store.get('x'))\n"
        "print(sorted(m for m in sys.modules if m == 'redis' or m.startswith('redis.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
