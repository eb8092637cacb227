"""The generic ``/interceptors/{name}`` contract, over real HTTP against the real app."""

from __future__ import annotations

import dataclasses

import pytest

from interceptor.settings import Settings
from tests.web.conftest import Service, ServiceFactory

# Tekton's documented example exchange (reference §1.3): the second interceptor of a chain.
GITHUB_EXAMPLE = (
    b'{"body":"{\\"action\\": \\"opened\\", \\"pull_request\\":{\\"head\\":{\\"sha\\": '
    b'\\"28911bbb5a3e2ea034daf1f6be0a822d50e31e73\\"}},\\"repository\\":{\\"clone_url\\": '
    b'\\"https://github.com/tektoncd/triggers.git\\"}}","header":{"Accept":["*/*"],"Content-Length":["168"],'
    b'"Content-Type":["application/json"],"User-Agent":["curl/8.5.0"],"X-Github-Event":["pull_request"],'
    b'"X-Hub-Signature-256":["sha256=c26dd919ebe335852219c49f74c4b24f1c62c93c77294be3ac6d8f2e4691a023"]},'
    b'"extensions":{"source":{"team":"platform"}},"interceptor_params":{"filter":"body.action in '
    b"['opened', 'reopened'] \\u0026\\u0026 header.match('X-GitHub-Event', 'pull_request')\",\"overlays\":"
    b'[{"key":"truncated_sha","expression":"body.pull_request.head.sha.truncate(7)"}]},"context":'
    b'{"event_url":"/","event_id":"5b3f8a2e-6c1d-4f0e-9a7b-2d4c6e8f0a1b","trigger_id":'
    b'"namespaces/default/triggers/github-listener"}}'
)


async def post_raw(service: Service, path: str, body: bytes) -> tuple[int, dict[str, object], str]:
    async with service.http.post(f"{service.url}{path}", data=body) as resp:
        return resp.status, await resp.json(content_type=None), resp.headers.get("X-Request-Id", "")


async def test_tekton_example_exchange_gives_tektons_answer(service: Service) -> None:
    status, answer, request_id = await post_raw(service, "/interceptors/cel", GITHUB_EXAMPLE)
    assert status == 200
    assert answer == {"extensions": {"truncated_sha": "28911bb"}, "continue": True, "status": {}}
    assert request_id


async def test_route_name_is_case_insensitive_like_tektons_core_server(service: Service) -> None:
    status, answer, _ = await post_raw(service, "/interceptors/CEL", b'{"context": {}}')
    assert (status, answer) == (200, {"continue": True, "status": {}})


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"body": "{}", "header": ', "failed to parse body as InterceptorRequest: Expecting value"),
        (b"[]", "expected a JSON object, got a list"),
        (b'{"body": {"a": 1}}', "InterceptorRequest.body: expected a string"),
        (b'{"header": {"X": "v"}}', "InterceptorRequest.header.X: expected a list of strings"),
        (b'{"extensions": []}', "InterceptorRequest.extensions: expected an object"),
        (b'{"interceptor_params": "f"}', "InterceptorRequest.interceptor_params: expected an object"),
        (b'{"context": 1}', "InterceptorRequest.context: expected an object or null"),
        (b'{"context": {"trigger_id": []}}', "InterceptorRequest.context.trigger_id: expected a string"),
        (b"", "failed to parse body as InterceptorRequest"),
    ],
)
async def test_malformed_envelope_is_400_naming_the_problem(
    service: Service, body: bytes, message: str
) -> None:
    status, answer, _ = await post_raw(service, "/interceptors/context", body)
    assert status == 400
    assert message in str(answer["error"])


async def test_unknown_interceptor_is_404_listing_the_known_ones(service: Service) -> None:
    status, answer, _ = await post_raw(service, "/interceptors/github", b"{}")
    assert status == 404
    assert (
        answer["error"] == "path did not match any interceptors: 'github' (known: cel, context, event, slack)"
    )


async def test_oversize_body_is_413(start_service: ServiceFactory, settings: Settings) -> None:
    small = dataclasses.replace(settings, server=dataclasses.replace(settings.server, maxBodyBytes=1024))
    service = await start_service(small)
    status, answer, _ = await post_raw(service, "/interceptors/cel", b'{"body": "' + b"x" * 4096 + b'"}')
    assert status == 413
    assert "1024" in str(answer["error"])


async def test_refusals_are_200_with_a_grpc_status(service: Service) -> None:
    envelope = b'{"body":"{}","interceptor_params":{"filter":"false"},"context":{"event_id":"e1"}}'
    status, answer, _ = await post_raw(service, "/interceptors/cel", envelope)
    assert (status, answer) == (
        200,
        {"continue": False, "status": {"code": 9, "message": "expression false did not return true"}},
    )
