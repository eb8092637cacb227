"""Static checks of an app pipeline config and its bases, for ``interceptor check --app-config``.

Builds every ``cicd-contexts.<name>`` document exactly as ``context init`` would (so merge type
conflicts, missing bases and broken ``variables`` templates surface here, before a pipeline runs),
then walks each ``pipelines.<p>.event-handlers.<event>`` and reports handler types and keys that
the handlers would refuse or ignore at run time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from interceptor.context.document import CONTEXTS_KEY, build_document, merged_app_config
from interceptor.errors import InvalidInput


def check_app_config(app_config: str, bases_dir: str | None) -> list[str]:
    """Lines describing the config; raises :class:`InvalidInput` on the first problem found."""
    from handlers.blocks import split_blocks
    from handlers.registry import HANDLERS

    app_path = Path(app_config)
    bases_path = Path(bases_dir) if bases_dir else None
    merged, _ = merged_app_config(app_path, bases_path)
    contexts = merged.get(CONTEXTS_KEY)
    if not isinstance(contexts, dict) or not contexts:
        raise InvalidInput(f"app config {app_config}: no {CONTEXTS_KEY} after merging its bases")
    lines = [f"app config OK ({app_config})"]
    problems: list[str] = []
    for name in contexts:
        document = build_document(f"check-{name}", name, app_path, bases_path)
        pipelines = document.get("pipelines") or {}
        lines.append(f"  context {name}: pipelines {', '.join(pipelines) or '(none)'}")
        for pipeline, pipeline_config in _mapping(pipelines).items():
            events = _mapping(_mapping(pipeline_config).get("event-handlers"))
            for event, handler_configs in events.items():
                where = f"{CONTEXTS_KEY}.{name}.pipelines.{pipeline}.event-handlers.{event}"
                for handler_name, config in _mapping(handler_configs).items():
                    handler = HANDLERS.get(handler_name)
                    if handler is None:
                        problems.append(
                            f"{where}.{handler_name}: unknown handler type (expected one of: {', '.join(HANDLERS)})"
                        )
                        continue
                    for block in split_blocks(handler, config):
                        if block.error:
                            problems.append(f"{where}.{block.label}: {block.error}")
                        unknown = block.unknown_keys(handler)
                        if unknown:
                            problems.append(f"{where}.{block.label}: unknown keys {', '.join(unknown)}")
    if problems:
        raise InvalidInput(f"app config {app_config}: " + "; ".join(problems))
    return lines


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}
