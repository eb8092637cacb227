"""``trigger-pipeline``: POST a JSON body of string arguments to ``configData.trigger.url``.

The body starts with ``configData.trigger.auto-args`` and the block's ``args`` override them, every
value rendered from ``str(value)`` (so ``3`` → ``"3"``, ``true`` → ``"True"``, as cicdstatemgr).
Headers: ``Content-Type: application/json``, ``Accept: */*``, ``Cache-Control: no-cache`` and each
``configData.trigger.headers[]`` ``{name, value}``, whose values are rendered with ``secretData``
(the secrets file's ``cicdstatemgr:`` subtree) added to the context — the only place it is visible.
The document is not changed.
"""

from __future__ import annotations

import json
from typing import Any

from handlers.blocks import Block, Outcome
from handlers.delivery import HttpRequest
from handlers.runtime import Runtime
from handlers.workspace import Workspace
from interceptor.errors import InvalidInput

KEYS = frozenset({"name", "args"})


async def run(block: Block, workspace: Workspace, context: dict[str, Any], runtime: Runtime) -> Outcome:
    trigger = workspace.config_data.get("trigger")
    if not isinstance(trigger, dict) or not trigger.get("url"):
        raise InvalidInput(f"{block.label}: configData.trigger.url is not configured")
    payload: dict[str, str] = {}
    for source, args in (
        ("configData.trigger.auto-args", trigger.get("auto-args")),
        (f"{block.label}.args", block.config.get("args")),
    ):
        if args is None:
            continue
        if not isinstance(args, dict):
            raise InvalidInput(f"{source}: expected a mapping of name: template, got {type(args).__name__}")
        for name, value in args.items():
            payload[str(name)] = workspace.render(str(value), context, f"{source}.{name}")
    headers = {"Content-Type": "application/json", "Accept": "*/*", "Cache-Control": "no-cache"}
    context["secretData"] = runtime.secret_data
    for index, header in enumerate(trigger.get("headers") or []):
        where = f"configData.trigger.headers[{index}]"
        if not isinstance(header, dict) or "name" not in header or "value" not in header:
            raise InvalidInput(f"{where}: expected a mapping with 'name' and 'value'")
        headers[str(header["name"])] = workspace.render(str(header["value"]), context, f"{where}.value")
    request = HttpRequest(str(trigger["url"]), headers, json.dumps(payload), slack=False)
    delivered = await runtime.delivery.send(request, purpose=f"trigger-pipeline {block.name}")
    return Outcome(delivered.status, delivered.detail)
