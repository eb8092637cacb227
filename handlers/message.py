"""Rendering a handler's payload from ``configData.templates`` and posting it.

Shared by notify, manual-choice and respond. The rendered payload must be valid JSON before
anything is sent; the error names the handler, the block and the line and column. The body sent
is the rendered text itself, byte for byte what cicdstatemgr sent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from handlers.blocks import Block, Outcome
from handlers.capture import capture
from handlers.delivery import Delivered, HttpRequest, json_error
from handlers.result import FAILED, OK
from handlers.runtime import Runtime
from handlers.workspace import Workspace
from interceptor.errors import InvalidInput


def slack_headers(token: str) -> dict[str, str]:
    """cicdstatemgr's headers for notify, manual-choice and respond."""
    return {
        "Content-Type": "application/json; charset=UTF-8",
        "Accept": "*/*",
        "Authorization": f"Bearer {token}",
        "Cache-Control": "no-cache",
        "Connection": "keep-alive",
    }


def webhook_headers() -> dict[str, str]:
    """Headers for a block or handler-level ``url`` (a Teams or plain JSON webhook: no Slack token)."""
    return {"Content-Type": "application/json; charset=UTF-8", "Accept": "*/*", "Cache-Control": "no-cache"}


def render_payload(block: Block, workspace: Workspace, context: Mapping[str, Any], template_key: str) -> str:
    templates = workspace.config_data.get("templates")
    template = templates.get(template_key) if isinstance(templates, dict) else None
    if not isinstance(template, str):
        raise InvalidInput(f"{block.label}: configData.templates.{template_key} is not configured")
    payload = workspace.render(template, context, f"{block.label}: templates.{template_key}")
    problem = json_error(payload)
    if problem:
        raise InvalidInput(
            f"{block.type} block {block.name!r}: rendered templates.{template_key} is not valid JSON "
            f"({problem}); nothing was sent"
        )
    return payload


def target(block: Block, workspace: Workspace, context: Mapping[str, Any], runtime: Runtime) -> HttpRequest:
    """Where a notify/manual-choice message goes: the block's ``url``, else
    ``configData.<handler>.url`` (webhooks: no token), else ``configData.slack.url`` (Slack)."""
    defaults = workspace.config_data.get(block.type)
    url = block.config.get("url") or (defaults.get("url") if isinstance(defaults, dict) else None)
    if url:
        rendered = workspace.render(url, context, f"{block.label}.url").strip()
        return HttpRequest(rendered, webhook_headers(), "", slack=False)
    slack = workspace.config_data.get("slack")
    slack_url = slack.get("url") if isinstance(slack, dict) else None
    if not slack_url:
        raise InvalidInput(
            f"{block.label}: configData.slack.url is not configured (nor a url for {block.type})"
        )
    return HttpRequest(str(slack_url), slack_headers(runtime.delivery.token), "", slack=True)


async def post_and_capture(
    block: Block, workspace: Workspace, runtime: Runtime, request: HttpRequest, payload: str
) -> Outcome:
    """Send ``payload``; on success apply the capture rules to the reply."""
    sent = HttpRequest(request.url, request.headers, payload, request.slack)
    delivered: Delivered = await runtime.delivery.send(sent, purpose=f"{block.type} {block.name}")
    if delivered.status != OK or delivered.reply is None:
        return Outcome(delivered.status, delivered.detail)
    try:
        paths = capture(workspace, block.type, block.config, delivered.reply)
    except InvalidInput as exc:
        return Outcome(FAILED, f"{delivered.detail}, but capturing the reply failed: {exc.message}")
    captured = f"; captured {', '.join(paths)}" if paths else ""
    return Outcome(OK, delivered.detail + captured)
