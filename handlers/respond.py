"""``respond``: answer an interaction through its ``response_url`` (or any URL).

Keys: ``url`` and ``message`` (jinja2), the gate keys, and extra keys, which are rendered too
(``isSlackSlashCommand: "{{ ... }}"``) and visible as ``respond.<key>``; non-string extras are
passed as they are (cicdstatemgr raised a TypeError). An empty message or URL skips the block.
"""

from __future__ import annotations

from typing import Any

from handlers.blocks import Block, Outcome
from handlers.delivery import HttpRequest
from handlers.gate import GATE_KEYS
from handlers.message import render_payload, slack_headers
from handlers.result import SKIPPED
from handlers.runtime import Runtime
from handlers.workspace import Workspace

KEYS = frozenset({"message", "url"})


async def run(block: Block, workspace: Workspace, context: dict[str, Any], runtime: Runtime) -> Outcome:
    own = context["respond"]
    message = workspace.render(block.config["message"], context, f"{block.label}.message").strip()
    if not message:
        return Outcome(SKIPPED, f"{block.label}.message rendered empty")
    own["message"] = message
    for key, value in list(own.items()):
        if key not in KEYS and key not in GATE_KEYS and isinstance(value, str):
            own[key] = workspace.render(value, context, f"{block.label}.{key}")
    url = workspace.render(block.config.get("url") or "", context, f"{block.label}.url").strip()
    if not url:
        return Outcome(SKIPPED, f"{block.label}.url rendered empty")
    payload = render_payload(block, workspace, context, "respond")
    request = HttpRequest(url, slack_headers(runtime.delivery.token), payload, slack=True)
    delivered = await runtime.delivery.send(request, purpose=f"respond {block.name}")
    return Outcome(delivered.status, delivered.detail)
