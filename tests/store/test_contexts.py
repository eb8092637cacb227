"""Documents and history: the same behaviour on SQLite, Redis and Redis Cluster."""

from __future__ import annotations

import math
from typing import Any

import pytest

from interceptor.errors import AlreadyExists, CorruptDocument, InvalidInput, NotFound
from interceptor.store.base import Change, ContextStore, Document, Mutation
from interceptor.store.keys import ContextKeys
from tests.store.backends import CHANGE, Backend, redis_only

DOCUMENT: Document = {
    "channel": "release-dev",
    "pipelines": {"deploy": {"deployTask": {"targetNamespace": "apps-dev"}}},
    "state": {"cicdContextDataId": "x", "tags": ["a", "b"], "n": 5, "ratio": 0.5, "ok": True, "none": None},
    "variables": {"text": 'ünïcödé "quoted" $HOME `cmd` {{ x }}'},
}


def setter(path: str, value: Any) -> Any:
    """A mutate that sets the top-level ``path``, reporting it as the touched path."""

    def mutate(document: Document) -> Mutation:
        document[path] = value
        return Mutation(document, [path])

    return mutate


async def test_create_then_get_returns_the_same_document_with_key_order(
    backend: Backend, store: ContextStore
) -> None:
    context_id = backend.new_id()
    await store.create(context_id, DOCUMENT, CHANGE)
    stored = await store.get(context_id)
    assert stored == DOCUMENT
    assert list(stored) == list(DOCUMENT)


async def test_get_of_a_missing_context_is_none(backend: Backend, store: ContextStore) -> None:
    assert await store.get(backend.new_id()) is None


async def test_create_refuses_an_existing_id_unless_forced(backend: Backend, store: ContextStore) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {"v": 1}, CHANGE)
    with pytest.raises(AlreadyExists, match=f"context {context_id} already exists"):
        await store.create(context_id, {"v": 2}, CHANGE)
    assert await store.get(context_id) == {"v": 1}
    await store.create(context_id, {"v": 3}, CHANGE, force=True)
    assert await store.get(context_id) == {"v": 3}
    assert len(await store.history(context_id)) == 2  # force keeps the audit trail and appends


@pytest.mark.parametrize(
    "operation",
    [
        pytest.param(lambda s, i: s.update(i, setter("a", 1), CHANGE), id="update"),
        pytest.param(lambda s, i: s.history(i), id="history"),
        pytest.param(lambda s, i: s.lock(i, 30), id="lock"),
    ],
)
async def test_operations_on_a_missing_context_raise_not_found(
    backend: Backend, store: ContextStore, operation: Any
) -> None:
    context_id = backend.new_id()
    with pytest.raises(NotFound, match=f"context {context_id} not found"):
        await operation(store, context_id)


async def test_update_applies_mutate_and_returns_the_stored_document(
    backend: Backend, store: ContextStore
) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {"state": {"a": "1"}}, CHANGE)

    def mutate(document: Document) -> Mutation:
        document["state"]["b"] = ["x", 2]
        return Mutation(document, ["state.b"])

    returned = await store.update(context_id, mutate, CHANGE)
    assert returned == {"state": {"a": "1", "b": ["x", 2]}}
    assert await store.get(context_id) == returned


async def test_a_mutate_that_raises_leaves_the_document_and_history_untouched(
    backend: Backend, store: ContextStore
) -> None:
    context_id = backend.new_id()
    await store.create(context_id, DOCUMENT, CHANGE)
    before = backend.raw_document(context_id)

    def explode(document: Document) -> Mutation:
        document["state"] = "half-written"
        raise ValueError("handler failed")

    with pytest.raises(ValueError, match="handler failed"):
        await store.update(context_id, explode, CHANGE)
    assert backend.raw_document(context_id) == before
    assert len(await store.history(context_id)) == 1


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(math.nan, "not JSON-serialisable", id="nan"),
        pytest.param({1, 2}, "not JSON-serialisable", id="set"),
        pytest.param(b"raw", "not JSON-serialisable", id="bytes"),
    ],
)
async def test_a_mutation_that_is_not_json_is_refused_before_writing(
    backend: Backend, store: ContextStore, value: Any, expected: str
) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {"a": 1}, CHANGE)
    with pytest.raises(InvalidInput, match=expected):
        await store.update(context_id, setter("a", value), CHANGE)
    assert await store.get(context_id) == {"a": 1}


@pytest.mark.parametrize("document", [["a"], "text", None], ids=["list", "string", "null"])
async def test_create_refuses_a_document_that_is_not_an_object(
    backend: Backend, store: ContextStore, document: Any
) -> None:
    with pytest.raises(InvalidInput, match="must be a JSON object"):
        await store.create(backend.new_id(), document, CHANGE)


@pytest.mark.parametrize(
    ("context_id", "expected"),
    [("", "must not be empty"), (42, "expected a string"), ("x" * 2000, "at most 1024")],
    ids=["empty", "not-a-string", "too-long"],
)
async def test_bad_ids_are_refused_with_a_clear_message(
    store: ContextStore, context_id: Any, expected: str
) -> None:
    with pytest.raises(InvalidInput, match=f"context id: {expected}"):
        await store.get(context_id)


async def test_delete_removes_document_and_history(backend: Backend, store: ContextStore) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {"a": 1}, CHANGE)
    assert await store.delete(context_id) is True
    assert await store.get(context_id) is None
    assert context_id not in await store.list_ids()
    with pytest.raises(NotFound):
        await store.history(context_id)
    assert await store.delete(context_id) is False


@pytest.mark.parametrize(
    "label",
    [
        "plain",
        "with{brace",
        "with}brace",
        "{both}",
        "%7B-escaped",
        "colon:doc",
        "space and ünïcode",
        "a*b?[c]",
    ],
)
async def test_list_ids_returns_every_id_exactly_sorted(
    backend: Backend, store: ContextStore, label: str
) -> None:
    ids = [backend.prefix + label + suffix for suffix in ("-2", "-1", "-3")]
    for context_id in ids:
        await store.create(context_id, {"id": context_id}, CHANGE)
    listed = [i for i in await store.list_ids() if i.startswith(backend.prefix)]
    assert listed == sorted(ids)
    for context_id in ids:
        assert await store.get(context_id) == {"id": context_id}


async def test_history_records_every_write_in_order(backend: Backend, store: ContextStore) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {}, Change(actor="init", source="cli", paths=[]))
    await backend.elapse(0.01)
    await store.update(context_id, setter("a", 1), Change(actor="bob", source="slack", paths=["ignored"]))
    await backend.elapse(0.01)
    await store.update(
        context_id, lambda doc: Mutation(doc), Change(actor="carol", source="event", paths=["state.x"])
    )
    await store.update(
        context_id, lambda doc: Mutation(doc, []), Change(actor="dave", source="event", paths=["state.y"])
    )
    await store.update(context_id, lambda doc: Mutation(doc), Change(actor="erin", source="event", paths=[]))
    await store.create(context_id, {"b": 2}, Change(actor="init", source="cli", paths=["b"]), force=True)
    history = await store.history(context_id)
    assert [(h.actor, h.source, h.paths) for h in history] == [
        ("init", "cli", ["."]),  # create with no paths: the whole document
        ("bob", "slack", ["a"]),  # the mutation's paths win over the change's
        ("carol", "event", ["state.x"]),  # the mutation states no paths: the change's
        ("dave", "event", []),  # the mutation wrote nothing, and says so
        ("erin", "event", []),  # an update never claims the whole document
        ("init", "cli", ["b"]),
    ]
    times = [h.at for h in history]
    assert times == sorted(times)
    assert history[0].to_json() == {"at": times[0], "actor": "init", "paths": ["."], "source": "cli"}


DETAILS = {
    "event": "deploy=success",
    "handlers": [
        {"type": "notify", "block": "default", "status": "failed", "detail": "HTTP 500 after 3 attempts"},
        {"type": "set-values", "block": "ünï", "status": "skipped", "detail": "if: false"},
    ],
}


@pytest.mark.parametrize(
    ("write", "paths"),
    [
        pytest.param("create", ["."], id="create"),
        pytest.param("update-wrote-nothing", [], id="update-wrote-nothing"),
        pytest.param("update-wrote", ["a"], id="update-wrote"),
    ],
)
async def test_details_are_stored_with_the_history_entry(
    backend: Backend, store: ContextStore, write: str, paths: list[str]
) -> None:
    context_id = backend.new_id()
    change = Change(
        actor="event-interceptor", source="/interceptors/event deploy=success", paths=[], details=DETAILS
    )
    if write == "create":
        await store.create(context_id, {"a": 0}, change)
    else:
        await store.create(context_id, {"a": 0}, CHANGE)
        mutate = setter("a", 1) if write == "update-wrote" else (lambda doc: Mutation(doc, []))
        await store.update(context_id, mutate, change)
    entry = (await store.history(context_id))[-1]
    assert (entry.paths, entry.details) == (paths, DETAILS)
    assert entry.to_json() == {
        "at": entry.at,
        "actor": "event-interceptor",
        "paths": paths,
        "source": "/interceptors/event deploy=success",
        "details": DETAILS,
    }


async def test_entries_without_details_keep_their_shape(backend: Backend, store: ContextStore) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {}, CHANGE)
    (entry,) = await store.history(context_id)
    assert entry.details == {}
    assert list(entry.to_json()) == ["at", "actor", "paths", "source"]


@pytest.mark.parametrize("write", ["create", "update"])
async def test_details_that_are_not_json_write_nothing(
    backend: Backend, store: ContextStore, write: str
) -> None:
    context_id = backend.new_id()
    bad = Change(actor="x", source="y", paths=[], details={"when": math.nan})
    if write == "create":
        with pytest.raises(InvalidInput, match="history entry: not JSON-serialisable"):
            await store.create(context_id, {"a": 0}, bad)
        assert await store.get(context_id) is None
        return
    await store.create(context_id, {"a": 0}, CHANGE)
    with pytest.raises(InvalidInput, match="history entry: not JSON-serialisable"):
        await store.update(context_id, setter("a", 1), bad)
    assert await store.get(context_id) == {"a": 0}
    assert len(await store.history(context_id)) == 1


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[1, 2]", b'"a string"', b"42", b"\xff\xfe\x00"],
    ids=["garbage", "list", "string", "number", "not-utf8"],
)
async def test_a_corrupt_stored_value_is_reported_and_left_untouched(
    backend: Backend, store: ContextStore, raw: bytes
) -> None:
    context_id = backend.new_id()
    await store.create(context_id, {"a": 1}, CHANGE)
    backend.write_raw_document(context_id, raw)
    with pytest.raises(CorruptDocument, match=f"context {context_id}: the stored value"):
        await store.get(context_id)
    with pytest.raises(CorruptDocument, match=f"context {context_id}"):
        await store.update(context_id, setter("a", 2), CHANGE)
    with pytest.raises(AlreadyExists):
        await store.create(context_id, {"a": 3}, CHANGE)
    assert backend.raw_document(context_id) == raw
    assert len(await store.history(context_id)) == 1


@redis_only
async def test_a_wrongly_typed_redis_key_is_corruption_not_an_outage(
    backend: Backend, store: ContextStore
) -> None:
    assert backend.raw is not None
    context_id = backend.new_id()
    backend.raw.hset(ContextKeys.of(context_id).doc, "field", "value")
    with pytest.raises(
        CorruptDocument, match=f"context {context_id}: a stored key holds the wrong Redis type"
    ):
        await store.get(context_id)
    with pytest.raises(CorruptDocument):
        await store.update(context_id, setter("a", 1), CHANGE)
    assert backend.raw.type(ContextKeys.of(context_id).doc) == b"hash"
