"""Probes and metrics over real HTTP."""

from __future__ import annotations

import dataclasses
import socket

from interceptor.settings import Settings
from interceptor.store import open_store
from tests.web.conftest import Service, ServiceFactory


async def test_live_and_ready_with_a_working_store(service: Service) -> None:
    for path in ("/live", "/ready"):
        async with service.http.get(f"{service.url}{path}") as resp:
            assert resp.status == 200
            assert (await resp.json())["status"] == "ok"


async def test_ready_is_503_naming_the_store_when_it_is_down(
    start_service: ServiceFactory, settings: Settings
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    url = f"redis://:hunter2@127.0.0.1:{port}/0"
    down = dataclasses.replace(settings, store=dataclasses.replace(settings.store, url=url))
    store = open_store(url)
    service = await start_service(down, store=store)
    async with service.http.get(f"{service.url}/ready") as resp:
        answer = await resp.json()
    async with service.http.get(f"{service.url}/live") as live:
        assert live.status == 200
    await store.close()
    assert resp.status == 503
    assert answer["status"] == "unavailable"
    assert "hunter2" not in str(answer)
    assert f"127.0.0.1:{port}" in answer["store"]


async def test_metrics_count_requests_and_decisions(service: Service) -> None:
    await service.post_json("/interceptors/cel", {"interceptor_params": {"filter": "false"}, "context": {}})
    async with service.http.get(f"{service.url}/metrics") as resp:
        text = await resp.text()
    assert resp.status == 200
    assert 'interceptor_decisions_total{code="9",continue="false",interceptor="cel"} 1.0' in text
    assert 'interceptor_http_requests_total{route="/interceptors/{name}",status="200"} 1.0' in text
    assert "interceptor_http_request_seconds_bucket" in text
