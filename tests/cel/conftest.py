"""A real HTTP server routing POST /interceptors/cel to CelInterceptor, plus shared objects."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from interceptor.cel import CelEnvironment
from interceptor.cel.values import to_python, type_name
from interceptor.errors import InvalidInput
from interceptor.interceptors.cel import CelInterceptor
from interceptor.protocol import parse_request
from interceptor.services import Services
from interceptor.settings import Settings

SECRETS = {"github-secret": {"token": "s3cr3t-value"}, "gitlab": {"token": "gl-s3cr3t"}}


def shape(value: Any) -> Any:
    """A value's CEL type names all the way down, with the Python types and plain values: tells
    2 from 2.0, a map from a list, and a converted string from a raw one."""
    if isinstance(value, dict):
        return ("map", [(shape(k), shape(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [shape(item) for item in value])
    if isinstance(value, tuple):  # (key, value) pairs from items()
        return ("pair", [shape(item) for item in value])
    return (type_name(value), type(value), repr(to_python(value)))


def make_interceptor(env: CelEnvironment) -> CelInterceptor:
    services = Services(settings=Settings(), store=None, cel=env, outbound=None, metrics=None)  # type: ignore[arg-type]
    return CelInterceptor(services)


@pytest.fixture(scope="session")
def cel_env() -> CelEnvironment:
    return CelEnvironment(secrets=SECRETS)


@pytest.fixture
def cel_interceptor(cel_env: CelEnvironment) -> CelInterceptor:
    return make_interceptor(cel_env)


PostFn = Callable[[bytes], Awaitable[tuple[int, dict[str, Any]]]]


@pytest.fixture
async def post_cel(cel_interceptor: CelInterceptor) -> AsyncIterator[PostFn]:
    """POST raw InterceptorRequest bytes to a loopback server; returns (status, JSON body)."""

    async def handle(request: web.Request) -> web.Response:
        try:
            parsed = parse_request(await request.read())
        except InvalidInput as exc:
            return web.Response(status=400, text=exc.message)
        response = await cel_interceptor.process(parsed)
        return web.json_response(response.to_json())

    app = web.Application()
    app.router.add_post("/interceptors/cel", handle)
    server = TestServer(app, host="127.0.0.1", port=0)
    await server.start_server()
    async with aiohttp.ClientSession() as session:

        async def post(raw: bytes) -> tuple[int, dict[str, Any]]:
            url = server.make_url("/interceptors/cel")
            async with session.post(url, data=raw, headers={"Content-Type": "application/json"}) as resp:
                return resp.status, await resp.json(content_type=None)

        yield post
    await server.close()
