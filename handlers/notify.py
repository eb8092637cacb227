"""``notify``: render ``message``, render ``configData.templates.notify``, post it, capture the reply.

Keys: ``message`` (jinja2), ``capture-response-data``, ``url`` (ours: post to a webhook instead of
``configData.slack.url``), the gate keys, and any extra key (visible raw as ``notify.<key>``).
"""

from __future__ import annotations

from typing import Any

from handlers.blocks import Block, Outcome
from handlers.message import post_and_capture, render_payload, target
from handlers.runtime import Runtime
from handlers.workspace import Workspace

KEYS = frozenset({"message", "capture-response-data", "url"})


async def run(block: Block, workspace: Workspace, context: dict[str, Any], runtime: Runtime) -> Outcome:
    context["notify"]["message"] = workspace.render(
        block.config["message"], context, f"{block.label}.message"
    )
    request = target(block, workspace, context, runtime)
    payload = render_payload(block, workspace, context, "notify")
    return await post_and_capture(block, workspace, runtime, request, payload)
