"""Where a write cannot happen, the one-shot writer fails exactly as the store does: missing and
invalid ids, corrupt documents and Redis keys of the wrong type, unreachable or unusable stores,
bad URLs; and what only the store can do is ``Unsupported`` before any I/O."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from interceptor.errors import ConfigError, InterceptorError, NotFound
from interceptor.store import open_store
from interceptor.store.base import ContextStore, Document, Mutation
from interceptor.store.keys import ContextKeys
from interceptor.store.quick_write import QuickWriter, Unsupported
from tests.store.backends import CHANGE, Backend, redis_only
from tests.store.test_outage import closed_port


def touch(document: Document) -> Mutation:
    document["touched"] = True
    return Mutation(document, ["touched"])


# (name, async operation on a store, the same on a writer)
OPERATIONS = [
    pytest.param(
        lambda s, cid: s.update(cid, touch, CHANGE), lambda w, cid: w.update(cid, touch, CHANGE), id="update"
    ),
    pytest.param(
        lambda s, cid: s.update(cid, touch, CHANGE, lock_token=1),
        lambda w, cid: w.update(cid, touch, CHANGE, lock_token=1),
        id="update-with-token",
    ),
    pytest.param(lambda s, cid: s.lock(cid, 30), lambda w, cid: w.lock(cid, 30), id="lock"),
    pytest.param(lambda s, cid: s.unlock(cid, 1), lambda w, cid: w.unlock(cid, 1), id="unlock"),
]
StoreOperation = Callable[[ContextStore, str], Awaitable[Any]]
WriterOperation = Callable[[QuickWriter, str], Any]


async def _both(
    url: str,
    clock: Callable[[], float],
    context_id: str,
    on_store: StoreOperation,
    on_writer: WriterOperation,
) -> tuple[object, object]:
    """(the store's answer, the writer's answer): a value, or (error class, message)."""
    store = open_store(url, clock=clock)
    try:
        expected: object = await on_store(store, context_id)
    except InterceptorError as exc:
        expected = (type(exc), str(exc))
    finally:
        await store.close()
    try:
        actual: object = on_writer(QuickWriter(url, clock=clock), context_id)
    except InterceptorError as exc:
        actual = (type(exc), str(exc))
    return expected, actual


@pytest.mark.parametrize(("on_store", "on_writer"), OPERATIONS)
async def test_a_missing_context(
    backend: Backend, store: ContextStore, on_store: StoreOperation, on_writer: WriterOperation
) -> None:
    await store.create(backend.new_id("other"), {}, CHANGE)
    expected, actual = await _both(backend.url, backend.clock, backend.new_id("absent"), on_store, on_writer)
    assert actual == expected
    assert expected in [False] or expected[0].__name__ == "NotFound"  # type: ignore[index]


@pytest.mark.parametrize(("on_store", "on_writer"), OPERATIONS)
@pytest.mark.parametrize("context_id", ["", "x" * 1025])
async def test_an_invalid_id(
    backend: Backend, context_id: str, on_store: StoreOperation, on_writer: WriterOperation
) -> None:
    expected, actual = await _both(backend.url, backend.clock, context_id, on_store, on_writer)
    assert isinstance(expected, tuple) and expected[0].__name__ == "InvalidInput"
    assert actual == expected


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'"text"', b"\xff\xfe"])
async def test_a_corrupt_document_is_left_untouched(
    backend: Backend, store: ContextStore, raw: bytes
) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {}, CHANGE)
    backend.write_raw_document(context_id, raw)
    update = OPERATIONS[0].values
    expected, actual = await _both(backend.url, backend.clock, context_id, *update)  # type: ignore[arg-type]
    assert isinstance(expected, tuple) and expected[0].__name__ == "CorruptDocument"
    assert actual == expected
    assert backend.raw_document(context_id) == raw


@redis_only
@pytest.mark.parametrize("kind", ["doc", "history"])
@pytest.mark.parametrize(("on_store", "on_writer"), OPERATIONS[:2])
async def test_a_key_of_the_wrong_redis_type(
    backend: Backend, store: ContextStore, kind: str, on_store: StoreOperation, on_writer: WriterOperation
) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {}, CHANGE)
    assert backend.raw is not None
    keys = ContextKeys.of(context_id)
    if kind == "doc":
        backend.raw.delete(keys.doc)
        backend.raw.rpush(keys.doc, "x")
    else:
        backend.raw.delete(keys.history)
        backend.raw.hset(keys.history, "a", "b")
    expected, actual = await _both(backend.url, backend.clock, context_id, on_store, on_writer)
    assert isinstance(expected, tuple) and expected[0].__name__ == "CorruptDocument"
    assert actual == expected


@pytest.mark.parametrize(
    "template",
    [
        "redis://:s3cret@127.0.0.1:{port}/0",
        "redis+cluster://:s3cret@127.0.0.1:{port}",
        "sqlite:///{tmp}/a-directory",
        "sqlite:///{tmp}/not-a-database.db",
        "sqlite:///{tmp}/a-file/below/a-file.db",
    ],
)
@pytest.mark.parametrize(("on_store", "on_writer"), OPERATIONS)
async def test_an_unusable_store_is_unavailable_with_the_same_message(
    tmp_path: Path, template: str, on_store: StoreOperation, on_writer: WriterOperation
) -> None:
    (tmp_path / "a-directory").mkdir()
    (tmp_path / "not-a-database.db").write_bytes(b"this is not an SQLite database" * 100)
    (tmp_path / "a-file").write_text("")
    url = template.format(port=closed_port(), tmp=tmp_path)
    expected, actual = await _both(url, lambda: 1_700_000_000.0, "ctx-1", on_store, on_writer)
    assert isinstance(expected, tuple) and expected[0].__name__ == "StoreUnavailable"
    assert actual == expected
    assert "s3cret" not in str(actual)


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
    with pytest.raises(ConfigError) as from_writer:
        QuickWriter(url, ttl_days=ttl_days)
    assert str(from_writer.value) == str(from_store.value)


@pytest.mark.parametrize(
    "url",
    [
        "redis://127.0.0.1:{port}/0?socket_timeout=5",
        "redis://bob@127.0.0.1:{port}/0",
        "redis+cluster://bob@127.0.0.1:{port}",
    ],
)
@pytest.mark.parametrize("call", ["update", "lock", "unlock"])
def test_what_only_the_store_can_do_is_unsupported_before_any_io(url: str, call: str) -> None:
    """The port is closed: an attempt to connect would be StoreUnavailable, not Unsupported."""
    writer = QuickWriter(url.format(port=closed_port()))  # constructing never raises Unsupported
    operation = {
        "update": lambda: writer.update("ctx-1", touch, CHANGE),
        "lock": lambda: writer.lock("ctx-1", 30),
        "unlock": lambda: writer.unlock("ctx-1", 1),
    }[call]
    with pytest.raises(Unsupported):
        operation()


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sqlite_creates_the_file_as_the_store_does(backend: Backend) -> None:
    """A database that does not exist yet is created (and the id is then not found), as by the store."""
    assert backend.db_path is not None and not backend.db_path.exists()
    with pytest.raises(NotFound, match=r"^context ctx-1 not found$"):
        QuickWriter(backend.url).update("ctx-1", touch, CHANGE)
    assert backend.db_path.exists()
