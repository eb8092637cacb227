"""The ``context`` interceptor over real HTTP: the service app on loopback, real stores."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from interceptor.settings import Settings
from interceptor.store import open_store
from interceptor.store.base import Change, ContextStore
from interceptor.web.app import create_app
from tests.context.conftest import unique_id

Post = Callable[..., Awaitable[dict[str, Any]]]
DOCUMENT = {
    "channel": "release-dev",
    "pipelines": {"build": {}},
    "state": {"cicdContextDataId": "x", "appTag": "1.2.0"},
    "variables": {"imageRef": "registry.local/orders:1.2.0"},
}


@pytest.fixture
async def context_store(store_url: str) -> AsyncIterator[ContextStore]:
    store = open_store(store_url)
    yield store
    await store.close()


@pytest.fixture
async def stored_id(context_store: ContextStore) -> AsyncIterator[str]:
    context_id = unique_id("icpt")
    await context_store.create(context_id, DOCUMENT, Change("test", "test", []))
    yield context_id
    await context_store.delete(context_id)


async def _server(store: ContextStore) -> TestServer:
    server = TestServer(create_app(Settings(), store=store), host="127.0.0.1", port=0)
    await server.start_server()
    return server


@pytest.fixture
async def post(context_store: ContextStore) -> AsyncIterator[Post]:
    server = await _server(context_store)
    async with aiohttp.ClientSession() as session:

        async def call(body: Any, params: dict[str, Any] | None = None, **envelope: Any) -> dict[str, Any]:
            payload = {"body": json.dumps(body), "header": {}, "interceptor_params": params or {}, **envelope}
            async with session.post(server.make_url("/interceptors/context"), json=payload) as response:
                assert response.status == 200
                result: dict[str, Any] = await response.json()
                return result

        yield call
    await server.close()


async def test_default_params_select_state_and_variables(post: Post, stored_id: str) -> None:
    result = await post({"contextId": stored_id})
    assert result == {
        "extensions": {
            "context": {
                "id": stored_id,
                "found": True,
                "state": DOCUMENT["state"],
                "variables": DOCUMENT["variables"],
            }
        },
        "continue": True,
        "status": {},
    }


@pytest.mark.parametrize(
    ("params", "keys"),
    [
        ({"select": ["channel", "pipelines"]}, ["id", "found", "channel", "pipelines"]),
        ({"select": "channel, state"}, ["id", "found", "channel", "state"]),
        ({"select": ["missing", "channel"]}, ["id", "found", "channel"]),
        ({"select": []}, ["id", "found"]),
    ],
)
async def test_select(post: Post, stored_id: str, params: dict[str, Any], keys: list[str]) -> None:
    result = await post({"contextId": stored_id}, params)
    assert list(result["extensions"]["context"]) == keys


@pytest.mark.parametrize(
    ("params", "body", "envelope"),
    [
        ({"contextId": "body.data.ctx"}, {"data": {"ctx": "ID"}}, {}),
        ({"contextId": "header['X-Context-Id'][0]"}, {}, {"header": {"X-Context-Id": ["ID"]}}),
        (
            {"contextId": "extensions.slack.action.data.cicdContextDataId"},
            {},
            {"extensions": {"slack": {"action": {"data": {"cicdContextDataId": "ID"}}}}},
        ),
    ],
)
async def test_context_id_expression(
    post: Post, stored_id: str, params: dict[str, Any], body: Any, envelope: dict[str, Any]
) -> None:
    text = json.dumps([body, envelope]).replace('"ID"', json.dumps(stored_id))
    body, envelope = json.loads(text)
    result = await post(body, params, **envelope)
    assert result["continue"] is True, result
    assert result["extensions"]["context"]["id"] == stored_id


async def test_context_id_built_by_expression(post: Post, stored_id: str) -> None:
    prefix, suffix = stored_id.rsplit("-", 1)
    result = await post({"app": prefix, "sha": suffix}, {"contextId": "body.app + '-' + body.sha"})
    assert result["extensions"]["context"]["state"]["appTag"] == "1.2.0"


@pytest.mark.parametrize("required", [True, "true", "TRUE", None])
async def test_missing_context_required(post: Post, required: Any) -> None:
    params = {} if required is None else {"required": required}
    result = await post({"contextId": "no-such-context-xyz"}, params)
    assert result["continue"] is False
    assert result["status"]["code"] == 5 and "no-such-context-xyz" in result["status"]["message"]


@pytest.mark.parametrize("required", [False, "false", "False"])
async def test_missing_context_not_required(post: Post, required: Any) -> None:
    result = await post({"contextId": "no-such-context-xyz"}, {"required": required})
    assert result == {
        "extensions": {"context": {"id": "no-such-context-xyz", "found": False}},
        "continue": True,
        "status": {},
    }


@pytest.mark.parametrize(
    ("body", "params", "fragment"),
    [
        ({"contextId": 1}, {}, "expected a non-empty string"),
        ({}, {}, "body.contextId"),  # no such key: CEL's message
        ({"x": 1}, {"contextId": "body.x +"}, "failed to parse"),
        ({"contextId": "a"}, {"required": "maybe"}, "param required: expected true or false"),
        ({"contextId": "a"}, {"select": [1]}, "param select"),
        ({"contextId": "a"}, {"contextId": 5}, "param contextId"),
        ("not an object", {}, "body"),
    ],
)
async def test_bad_input_is_code_3(post: Post, body: Any, params: dict[str, Any], fragment: str) -> None:
    result = await post(body, params)
    assert result["continue"] is False
    assert result["status"]["code"] == 3 and fragment in result["status"]["message"], result


async def test_store_outage_is_code_14_without_password() -> None:
    store = open_store("redis://user:s3cr3t-pw@127.0.0.1:1/0")
    server = await _server(store)
    try:
        async with aiohttp.ClientSession() as session:
            payload = {"body": json.dumps({"contextId": "abc"}), "header": {}}
            async with session.post(server.make_url("/interceptors/context"), json=payload) as response:
                result = await response.json()
    finally:
        await server.close()
        await store.close()
    assert response.status == 200 and result["continue"] is False
    assert result["status"]["code"] == 14
    assert "127.0.0.1:1" in result["status"]["message"] and "s3cr3t-pw" not in result["status"]["message"]
