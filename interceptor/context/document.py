"""Building a new context document from an app pipeline config and its bases (``init``).

The document has cicdstatemgr's shape and key order: the selected ``cicd-contexts.<name>`` block's
own keys, then ``appPipelinesConfig`` (the unmerged app file), ``jinja2Macros`` (``byName`` and
``all``), ``state`` (``cicdContextDataId``, ``cicdContextName``) and, when the config has any,
``variables``, each rendered once, after the initial writes, with the document as context.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from interceptor.context.merge import MergeTrace, merge_config
from interceptor.context.paths import Assignment, apply_assignments
from interceptor.context.yaml_files import read_yaml_mapping
from interceptor.errors import InvalidInput

CONTEXTS_KEY = "cicd-contexts"
MACROS_KEY = "jinja2-macros"


def merged_app_config(app_config: Path, bases_dir: Path | None) -> tuple[dict[str, Any], dict[str, Any]]:
    """The app config merged over its ``bases`` (in order), and the app config as read."""
    app = read_yaml_mapping(app_config, "app config")
    bases = app.get("bases")
    trace = MergeTrace()
    merged: dict[str, Any] = {}
    if bases is not None:
        if not isinstance(bases, list) or not all(isinstance(name, str) and name for name in bases):
            raise InvalidInput(
                f"app config {app_config}: bases: expected a list of file names, got {bases!r}"
            )
        if bases and bases_dir is None:
            raise InvalidInput(
                f"app config {app_config} lists bases {bases} but no bases directory was given "
                "(--bases-dir, --init-bases-dir or CICDSTATEMGR_BASES_DIR_PATH)"
            )
        for name in bases:
            assert bases_dir is not None
            base_path = bases_dir / name
            merged = merge_config(merged, read_yaml_mapping(base_path, "base file"), str(base_path), trace)
    merged = merge_config(merged, app, str(app_config), trace)
    return merged, app


def build_document(
    context_id: str,
    context_name: str,
    app_config: Path,
    bases_dir: Path | None,
    assignments: Sequence[Assignment] = (),
) -> dict[str, Any]:
    """A new context document, ready to store. Raises :class:`InvalidInput` naming what is wrong."""
    if not context_id:
        raise InvalidInput("context id: expected a non-empty string")
    merged, app = merged_app_config(app_config, bases_dir)
    contexts = merged.get(CONTEXTS_KEY)
    if not isinstance(contexts, dict) or not isinstance(contexts.get(context_name), dict):
        available = ", ".join(sorted(contexts)) if isinstance(contexts, dict) else "none"
        raise InvalidInput(
            f"app config {app_config}: no {CONTEXTS_KEY}.{context_name} block after merging its bases "
            f"(available: {available})"
        )
    document: dict[str, Any] = copy.deepcopy(contexts[context_name])
    document["appPipelinesConfig"] = copy.deepcopy(app)
    document["jinja2Macros"] = _macros(merged.get(MACROS_KEY), app_config)
    document["state"] = {"cicdContextDataId": context_id, "cicdContextName": context_name}
    apply_assignments(document, assignments)
    variables = merged.get("variables")
    if variables:
        if not isinstance(variables, dict):
            raise InvalidInput(f"app config {app_config}: variables: expected a mapping, got {variables!r}")
        _render_variables(document, variables)
    return document


def _macros(macros: Any, app_config: Path) -> dict[str, Any]:
    by_name: dict[str, str] = {}
    if macros:
        if not isinstance(macros, dict):
            raise InvalidInput(f"app config {app_config}: {MACROS_KEY}: expected a mapping of name to macro")
        for name, source in macros.items():
            if not isinstance(source, str):
                raise InvalidInput(
                    f"app config {app_config}: {MACROS_KEY}.{name}: expected a string (a macro)"
                )
            by_name[name] = source
    # Stripped, then concatenated in merged order (base macros first), as cicdstatemgr does.
    return {"byName": by_name, "all": "".join(source.strip() for source in by_name.values())}


def _render_variables(document: dict[str, Any], variables: dict[str, Any]) -> None:
    from interceptor.templating import TemplateError, render

    macros = document["jinja2Macros"]["all"]
    for name, template in variables.items():
        rendered: Any = template
        if isinstance(template, str):
            try:
                rendered = render(template, document, macros=macros)
            except TemplateError as exc:
                raise InvalidInput(f"variables.{name}: {exc.message}") from exc
        target = document.setdefault("variables", {})
        if not isinstance(target, dict):
            raise InvalidInput(f"variables: the document already holds {target!r} there, expected an object")
        target[name] = rendered
