"""The one-shot reader answers exactly as the store's ``get``: same documents, same ``None``, same
error classes and messages, on a SQLite file, the shared Redis and a real Redis Cluster."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from interceptor.errors import ConfigError, CorruptDocument, InterceptorError, InvalidInput, StoreUnavailable
from interceptor.store import open_store
from interceptor.store.base import ContextStore
from interceptor.store.quick_read import QuickReader, Unsupported, read_document
from interceptor.store.redis_wire import Address, ServerError
from tests.store.backends import CHANGE, Backend, start_redis_server, stop
from tests.store.test_outage import closed_port

DOCUMENTS = [
    pytest.param({"state": {"appTag": "1.2.0"}}, id="nested"),
    pytest.param({}, id="empty"),
    pytest.param({"ünï": "cödé ✓", "list": [1, 2.5, None, True], "z": {"a": {"b": {}}}}, id="unicode"),
    pytest.param({"big": "x" * 200_000}, id="200kB"),
    pytest.param({"b": 1, "a": 2, "c": 3}, id="key-order"),
]
ODD_IDS = ["plain", "with space", "brace{tag}", "per%25cent", "ünï/cödé:1", "a" * 1024]


async def _both(backend: Backend, context_id: str, ttl_days: float | None = None) -> tuple[object, object]:
    """(the async store's answer, the quick reader's answer): a value or (error class, message)."""
    store = backend.open(ttl_days=ttl_days)
    try:
        expected: object = await store.get(context_id)
    except InterceptorError as exc:
        expected = (type(exc), str(exc))
    finally:
        await store.close()
    try:
        actual: object = read_document(backend.url, context_id, ttl_days=ttl_days, clock=backend.clock)
    except InterceptorError as exc:
        actual = (type(exc), str(exc))
    return expected, actual


@pytest.mark.parametrize("document", DOCUMENTS)
async def test_reads_what_the_store_wrote(backend: Backend, store: ContextStore, document: dict) -> None:
    context_id = backend.new_id()
    await store.create(context_id, document, CHANGE)
    expected, actual = await _both(backend, context_id)
    assert expected == document
    assert actual == expected
    assert list(actual) == list(document)  # key order kept  # type: ignore[call-overload]


@pytest.mark.parametrize("suffix", ODD_IDS)
async def test_ids_use_the_stores_key_encoding(backend: Backend, store: ContextStore, suffix: str) -> None:
    context_id = (backend.prefix + suffix)[:1024]
    await store.create(context_id, {"id": context_id}, CHANGE)
    expected, actual = await _both(backend, context_id)
    assert actual == expected == {"id": context_id}


async def test_a_missing_context_is_none(backend: Backend, store: ContextStore) -> None:
    await store.create(backend.new_id("other"), {}, CHANGE)  # the file and table exist
    expected, actual = await _both(backend, backend.new_id("absent"))
    assert actual is expected is None


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        pytest.param(b"not json", CorruptDocument, id="not-json"),
        pytest.param(b"[1, 2]", CorruptDocument, id="a-list"),
        pytest.param(b'"text"', CorruptDocument, id="a-string"),
        pytest.param(b"\xff\xfe", CorruptDocument, id="not-utf8"),
    ],
)
async def test_a_corrupt_document_raises_the_same_error(
    backend: Backend, store: ContextStore, raw: bytes, error: type
) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {}, CHANGE)
    backend.write_raw_document(context_id, raw)
    expected, actual = await _both(backend, context_id)
    assert isinstance(expected, tuple) and expected[0] is error
    assert actual == expected


@pytest.mark.parametrize("context_id", ["", "x" * 1025])
async def test_a_bad_id_raises_the_same_invalid_input(
    backend: Backend, store: ContextStore, context_id: str
) -> None:
    expected, actual = await _both(backend, context_id)
    assert isinstance(expected, tuple) and expected[0] is InvalidInput
    assert actual == expected


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
@pytest.mark.parametrize(("age_days", "found"), [(0.0, True), (2.9, True), (3.1, False)])
async def test_sqlite_honours_ttl_days_like_the_store(
    backend: Backend, store: ContextStore, age_days: float, found: bool
) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {"a": 1}, CHANGE)
    await backend.elapse(age_days * 86_400)
    expected, actual = await _both(backend, context_id, ttl_days=3)
    assert actual == expected == ({"a": 1} if found else None)


@pytest.mark.parametrize("backend", ["redis"], indirect=True)
async def test_a_key_of_the_wrong_redis_type_is_corrupt(backend: Backend, store: ContextStore) -> None:
    context_id = backend.new_id()
    assert backend.raw is not None
    backend.raw.rpush(f"ctx:{{{context_id}}}:doc", "x")
    expected, actual = await _both(backend, context_id)
    assert isinstance(expected, tuple) and expected[0] is CorruptDocument
    assert actual == expected


@pytest.mark.parametrize("backend", ["cluster"], indirect=True)
async def test_cluster_follows_moved_from_every_startup_node(backend: Backend, store: ContextStore) -> None:
    """Each id's slot is owned by one of three primaries; starting at any node must find it."""
    ids = [backend.new_id(str(n)) for n in range(12)]
    for context_id in ids:
        await store.create(context_id, {"id": context_id}, CHANGE)
    for port in (7101, 7102, 7103):
        for context_id in ids:
            assert read_document(f"redis+cluster://127.0.0.1:{port}", context_id) == {"id": context_id}


@pytest.fixture(scope="module")
def password_redis(tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """A throwaway redis-server requiring the password ``s3cret``; its port."""
    port = closed_port()
    process = start_redis_server(port, tmp_path_factory.mktemp("redis-auth"), "--requirepass", "s3cret")
    try:
        yield port
    finally:
        stop(process)


@pytest.mark.parametrize(
    "template",
    [
        pytest.param("redis://:wrong@127.0.0.1:{port}/0", id="wrong-password"),
        pytest.param("redis://bob:wrong@127.0.0.1:{port}/0", id="wrong-user"),
        pytest.param("redis://127.0.0.1:{port}/0", id="no-password"),
        pytest.param("redis://127.0.0.1:{port}/0?password=wrong", id="query-password"),
        pytest.param("redis://:s3cret@127.0.0.1:{port}/99", id="db-out-of-range"),
        pytest.param("redis://:s3cret@127.0.0.1:{port}/3", id="right-password"),
        pytest.param("redis://default:s3cret@127.0.0.1:{port}/0", id="right-user"),
    ],
)
async def test_authentication_matches_the_store(password_redis: int, template: str) -> None:
    url = template.format(port=password_redis)
    store = open_store(url)
    try:
        try:
            expected: object = await store.get("ctx-auth")
        except StoreUnavailable as exc:
            expected = str(exc)
    finally:
        await store.close()
    try:
        actual: object = read_document(url, "ctx-auth")
    except StoreUnavailable as exc:
        actual = str(exc)
    assert actual == expected
    assert "s3cret" not in str(actual) and "wrong" not in str(actual)


@pytest.mark.parametrize(
    ("template", "shown"),
    [
        ("redis://app:s3cret@127.0.0.1:{port}/0", "redis://app@127.0.0.1:{port}/0"),
        ("redis://127.0.0.1:{port}/2?password=s3cret", "redis://127.0.0.1:{port}/2"),
        ("redis+cluster://:s3cret@127.0.0.1:{port}", "redis+cluster://127.0.0.1:{port}"),
    ],
    ids=["redis", "redis-query-password", "cluster"],
)
async def test_a_closed_port_raises_the_stores_message(template: str, shown: str) -> None:
    url = template.format(port=closed_port())
    store = open_store(url)
    try:
        with pytest.raises(StoreUnavailable) as from_store:
            await store.get("ctx-1")
    finally:
        await store.close()
    with pytest.raises(StoreUnavailable) as from_quick:
        read_document(url, "ctx-1")
    assert str(from_quick.value) == str(from_store.value)
    assert str(from_quick.value).startswith(f"store {shown.format(port=url.split(':')[-1].split('/')[0])} ")
    assert "s3cret" not in str(from_quick.value)


@pytest.mark.parametrize(
    ("make_url", "reason"),
    [
        pytest.param(lambda tmp: f"sqlite:///{tmp}/none-yet.db", "no database file", id="no-file"),
        pytest.param(lambda tmp: f"sqlite:///{tmp}/empty.db", "no contexts table", id="no-table"),
        pytest.param(lambda tmp: "redis://127.0.0.1:6379/0?socket_timeout=5", "URL options", id="option"),
        pytest.param(lambda tmp: "redis://bob@127.0.0.1:6379/0", "without a password", id="user-only"),
    ],
)
def test_what_only_the_store_can_answer_is_unsupported(tmp_path: Path, make_url: object, reason: str) -> None:
    (tmp_path / "empty.db").write_bytes(b"")
    url = make_url(tmp_path)  # type: ignore[operator]
    reader = QuickReader(url)  # constructing never raises Unsupported: only reading does
    with pytest.raises(Unsupported, match=reason):
        reader.read("ctx-1")
    assert not (tmp_path / "none-yet.db").exists()  # the reader never creates anything


@pytest.mark.parametrize(
    ("url", "ttl_days"),
    [
        ("mysql://db/x", None),
        ("sqlite://relative", None),
        ("redis://127.0.0.1:99999/0", None),
        ("redis://127.0.0.1:6379/0?db=x", None),
        ("redis+cluster://127.0.0.1:x", None),
        ("redis://127.0.0.1:6379/0", -1),
    ],
)
def test_a_bad_url_is_the_stores_config_error_before_any_io(url: str, ttl_days: float | None) -> None:
    with pytest.raises(ConfigError) as from_store:
        open_store(url, ttl_days=ttl_days)
    with pytest.raises(ConfigError) as from_quick:
        QuickReader(url, ttl_days=ttl_days)
    assert str(from_quick.value) == str(from_store.value)


async def test_an_unusable_sqlite_file_raises_the_stores_message(tmp_path: Path) -> None:
    path = tmp_path / "contexts.db"
    path.write_bytes(b"this is not an SQLite database" * 100)
    url = f"sqlite:///{path}"
    store = open_store(url)
    try:
        with pytest.raises(StoreUnavailable) as from_store:
            await store.get("ctx-1")
    finally:
        await store.close()
    with pytest.raises(StoreUnavailable) as from_quick:
        read_document(url, "ctx-1")
    assert str(from_quick.value) == str(from_store.value)


@pytest.mark.parametrize("backend", ["sqlite", "redis"], indirect=True)
def test_no_asyncio_and_no_redis_py_are_imported(backend: Backend) -> None:
    program = (
        "import sys\n"
        "from interceptor.store.quick_read import read_document\n"
        f"print(read_document({backend.url!r}, 'no-such-id-{backend.prefix}'))\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('asyncio', 'redis', 'aiohttp')))\n"
    )
    if backend.kind == "sqlite":  # an existing database, so the reader answers and does not defer
        assert backend.db_path is not None
        backend.db_path.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(backend.db_path)) as conn:
            conn.execute("CREATE TABLE contexts (id TEXT PRIMARY KEY, document TEXT, updated_at REAL)")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["None", "[]"]


@pytest.mark.parametrize(
    ("reply", "shown", "target", "retryable"),
    [
        ("ERR DB index is out of range", "DB index is out of range", None, False),
        ("WRONGPASS invalid username-password pair", "invalid username-password pair", None, False),
        ("WRONGTYPE Operation against a key", "WRONGTYPE Operation against a key", None, False),
        (
            "LOADING Redis is loading the dataset in memory",
            "Redis is loading the dataset in memory",
            None,
            True,
        ),
        ("ERR max number of clients reached", "max number of clients reached", None, True),
        ("MOVED 3999 127.0.0.1:6381", "3999 127.0.0.1:6381", Address("127.0.0.1", 6381), False),
        ("ASK 3999 10.0.0.2:7000", "3999 10.0.0.2:7000", Address("10.0.0.2", 7000), False),
        ("MOVED 3999 :7002", "3999 :7002", Address("", 7002), False),
        ("MOVED 3999 [::1]:7002", "3999 [::1]:7002", Address("::1", 7002), False),
    ],
)
def test_server_errors_read_as_redis_py_shows_them(
    reply: str, shown: str, target: Address | None, retryable: bool
) -> None:
    error = ServerError(reply)
    assert (str(error), error.redirection(), error.retryable) == (shown, target, retryable)
    if target is not None:  # an empty host is the node that answered
        assert target.resolve(Address("10.9.9.9", 1)).host == (target.host or "10.9.9.9")
