"""Response capture for notify and manual-choice (cicdstatemgr's ``capture_http_response_data``).

Rules are ``{from: <jinja2>, to: <jinja2 path>}``: first ``configData.<handler>.auto-capture-response-data``,
then the block's ``capture-response-data``. The template context is a snapshot of the document
taken before any rule runs, plus ``configData`` and ``body`` (the parsed reply); no tmpl-ctx-vars
and no handler config, exactly as in cicdstatemgr. A ``from`` that renders empty (after
stripping) sets nothing. ``to`` may end in ``:=`` to store the value as typed JSON
(``to: state.slack.lastResponse:=`` with ``from: "{{ body|tojson }}"``).
"""

from __future__ import annotations

import copy
from typing import Any

from handlers.workspace import Workspace
from interceptor.errors import InvalidInput


def capture_rules(
    workspace: Workspace, handler_name: str, block_config: dict[str, Any]
) -> list[tuple[str, Any]]:
    """(label, rule) pairs in the order they apply."""
    rules: list[tuple[str, Any]] = []
    defaults = workspace.config_data.get(handler_name)
    if isinstance(defaults, dict):
        for index, rule in enumerate(defaults.get("auto-capture-response-data") or []):
            rules.append((f"configData.{handler_name}.auto-capture-response-data[{index}]", rule))
    for index, rule in enumerate(block_config.get("capture-response-data") or []):
        rules.append((f"capture-response-data[{index}]", rule))
    return rules


def capture(workspace: Workspace, handler_name: str, block_config: dict[str, Any], body: Any) -> list[str]:
    """Apply the capture rules to the working copy; returns the paths written."""
    context = copy.deepcopy(workspace.document)
    context["configData"] = workspace.config_data
    context["body"] = body
    written = []
    for label, rule in capture_rules(workspace, handler_name, block_config):
        if not isinstance(rule, dict) or "from" not in rule or "to" not in rule:
            raise InvalidInput(f"{label}: expected a mapping with 'from' and 'to', got {rule!r}"[:300])
        unknown = sorted(set(rule) - {"from", "to"})
        if unknown:
            raise InvalidInput(f"{label}: unknown key {unknown[0]!r} (expected 'from' and 'to')")
        value = workspace.render(rule["from"], context, f"{label}.from")
        if not value.strip():
            continue
        target = workspace.render(rule["to"], context, f"{label}.to")
        path = workspace.write_rendered(target, value, label)
        if path:
            written.append(path)
    return written
