"""``manual-choice``: a message offering buttons, from static ``choices`` and ``choice-generators``.

Keys: ``title``, ``choices: {name: {header, options: [{text, value, ...}]}}``,
``choice-generators: {name: {foreach, iterator, template}}``, ``capture-response-data`` and the
gate keys. Steps (as cicdstatemgr): render ``title``; run the generators; render every choice's
``header`` and every option's ``text`` and ``value``; render ``configData.templates.manual-choice``;
post; capture with the handler name ``manual-choice``.

A generator renders ``foreach`` into a JSONPath that must select a mapping in the **live** document
(cicdstatemgr re-read a possibly stale local file), binds each item to the rendered ``iterator``
name, renders ``template`` and parses it as YAML: its first key is the new choice's name.
"""

from __future__ import annotations

from typing import Any

import yaml

from handlers.blocks import Block, Outcome
from handlers.message import post_and_capture, render_payload, target
from handlers.runtime import Runtime
from handlers.workspace import Workspace
from interceptor.context.reads import NO_MATCH, collapse, find
from interceptor.errors import InvalidInput

KEYS = frozenset({"title", "choices", "choice-generators", "capture-response-data", "url"})


async def run(block: Block, workspace: Workspace, context: dict[str, Any], runtime: Runtime) -> Outcome:
    own = context["manualChoice"]
    own["title"] = workspace.render(block.config["title"], context, f"{block.label}.title")
    choices = own.get("choices")
    if choices is None:
        choices = own["choices"] = {}
    if not isinstance(choices, dict):
        raise InvalidInput(f"{block.label}.choices: expected a mapping of choice name: {{header, options}}")
    generators = own.get("choice-generators") or {}
    if not isinstance(generators, dict):
        raise InvalidInput(f"{block.label}.choice-generators: expected a mapping of generator name: config")
    for name, generator in generators.items():
        _generate(f"{block.label}.choice-generators.{name}", generator, workspace, context, choices)
    for name, choice in choices.items():
        where = f"{block.label}.choices.{name}"
        if not isinstance(choice, dict):
            raise InvalidInput(f"{where}: expected a mapping with 'header' and 'options'")
        if "header" in choice:
            choice["header"] = workspace.render(choice["header"], context, f"{where}.header")
        for index, option in enumerate(choice.get("options") or []):
            if not isinstance(option, dict):
                raise InvalidInput(f"{where}.options[{index}]: expected a mapping with 'text' and 'value'")
            for key in ("value", "text"):
                if isinstance(option.get(key), str):
                    option[key] = workspace.render(option[key], context, f"{where}.options[{index}].{key}")
    request = target(block, workspace, context, runtime)
    payload = render_payload(block, workspace, context, "manual-choice")
    return await post_and_capture(block, workspace, runtime, request, payload)


def _generate(
    where: str, generator: Any, workspace: Workspace, context: dict[str, Any], choices: dict[str, Any]
) -> None:
    if not isinstance(generator, dict):
        raise InvalidInput(f"{where}: expected a mapping with foreach, iterator and template")
    for key in ("foreach", "iterator", "template"):
        if key not in generator:
            raise InvalidInput(
                f"{where}: missing required key {key!r} (expected foreach, iterator, template)"
            )
    unknown = sorted(set(generator) - {"foreach", "iterator", "template"})
    if unknown:
        raise InvalidInput(f"{where}: unknown key {unknown[0]!r} (expected foreach, iterator, template)")
    path = workspace.render(generator["foreach"], context, f"{where}.foreach").strip()
    selected = collapse(find(workspace.document, path))
    if selected is NO_MATCH:
        raise InvalidInput(f"{where}.foreach: {path!r} selects nothing in the context document")
    if not isinstance(selected, dict):
        raise InvalidInput(f"{where}.foreach: {path!r} must select a mapping, got {type(selected).__name__}")
    variable = workspace.render(generator["iterator"], context, f"{where}.iterator").strip()
    if not variable.isidentifier():
        raise InvalidInput(f"{where}.iterator: {variable!r} is not a usable variable name")
    for item in selected.values():
        context[variable] = item
        text = workspace.render(generator["template"], context, f"{where}.template")
        try:
            generated = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InvalidInput(
                f"{where}.template: rendered text is not YAML: {exc}".replace("\n", " ")
            ) from exc
        if not isinstance(generated, dict) or not generated:
            raise InvalidInput(
                f"{where}.template: expected YAML of the form 'choiceName: {{header, options}}'"
            )
        name, choice = next(iter(generated.items()))
        choices[str(name)] = choice
