"""JSON log lines: one object per record, the request id, and secrets masked whatever logs them."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from interceptor.log_format import JsonFormatter, is_secret_key, request_id


def render(message: str, **extra: object) -> dict[str, object]:
    record = logging.LogRecord("interceptor.test", logging.WARNING, __file__, 1, message, None, None)
    for key, value in extra.items():
        setattr(record, key, value)
    return dict(json.loads(JsonFormatter().format(record)))


@pytest.mark.parametrize(
    ("key", "secret"),
    [
        ("token", True),
        ("botToken", True),
        ("signingSecret", True),
        ("Authorization", True),
        ("x_slack_signature", True),
        ("password", True),
        ("cookie", True),
        ("reason", False),
        ("host", False),
        ("user", False),
    ],
)
def test_secret_keys_are_recognised(key: str, secret: bool) -> None:
    assert is_secret_key(key) is secret


def test_extras_are_fields_and_secrets_are_masked() -> None:
    token = request_id.set("req-42")
    try:
        line = render("forward failed", host="el", authorization="Bearer xoxb-123", signingSecret="s3cr3t")
    finally:
        request_id.reset(token)
    assert line["message"] == "forward failed"
    assert line["level"] == "warning"
    assert line["requestId"] == "req-42"
    assert line["host"] == "el"
    assert line["authorization"] == "***"
    assert line["signingSecret"] == "***"
    assert "xoxb-123" not in json.dumps(line)


async def test_the_service_never_logs_its_secrets(caplog: pytest.LogCaptureFixture, tmp_path: Path) -> None:
    """A refused Slack request and a refused hop are logged with their reasons, never the secrets."""
    import aiohttp
    from aiohttp.test_utils import TestServer

    from interceptor.settings import load_settings
    from interceptor.web.app import create_app

    config = tmp_path / "config.yaml"
    config.write_text(
        f"store: {{url: 'sqlite:///{tmp_path}/c.db'}}\n"
        "slack: {signingSecret: sign-SECRET-1, botToken: bot-TOKEN-2}\n"
        "listener: {secret: hop-SECRET-3}\n"
    )
    server = TestServer(create_app(load_settings(str(config), environ={})), host="127.0.0.1")
    await server.start_server()
    caplog.set_level(logging.DEBUG)
    try:
        async with aiohttp.ClientSession() as http:
            async with http.post(
                server.make_url("/slack"),
                data=b"payload=%7B%7D",
                headers={
                    "X-Slack-Request-Timestamp": "1",
                    "X-Slack-Signature": "v0=00",
                    "Authorization": "Bearer x",
                },
            ) as resp:
                assert resp.status == 401
            envelope = {
                "body": "{}",
                "header": {"X-Interceptor-Signature": ["v1=00"], "X-Interceptor-Timestamp": ["1"]},
                "context": {"event_id": "e1", "trigger_id": "namespaces/ci/triggers/t"},
            }
            async with http.post(server.make_url("/interceptors/event"), json=envelope) as resp:
                assert (await resp.json())["status"]["code"] == 16
    finally:
        await server.close()
    logged = caplog.text + "".join(JsonFormatter().format(r) for r in caplog.records)
    assert "slack request refused" in logged
    for secret in ("sign-SECRET-1", "bot-TOKEN-2", "hop-SECRET-3"):
        assert secret not in logged
