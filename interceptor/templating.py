"""Jinja2 rendering for app configs, sandboxed because the templates come from app repositories.

The environment matches cicdstatemgr's (``loopcontrols``, default ``Undefined``, no autoescape,
its custom filters) so existing configs render the same, with ``from_base64`` added. Differences:
templates run in a :class:`SandboxedEnvironment`, so reaching Python internals fails with a clear
:class:`TemplateError` instead of executing; and a broken template raises instead of rendering as
``<jinja2 parse error> <template>`` unless the caller asks for cicdstatemgr's ``blank_on_error``.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import jinja2
import yaml
from jinja2.sandbox import SandboxedEnvironment

from interceptor.errors import InvalidInput


class TemplateError(InvalidInput):
    """A template failed to parse, render, or tried to escape the sandbox."""


def to_nice_yaml(value: Any, *args: Any, indent: int = 2, **kwargs: Any) -> str:
    # cicdstatemgr accepts (and ignores) default_flow_style; block style is always used.
    return str(yaml.safe_dump(value, default_flow_style=False, sort_keys=False, indent=indent))


def from_json(value: str) -> Any:
    try:
        return json.loads(value)
    except (TypeError, ValueError) as exc:
        raise TemplateError(f"from_json: expected a JSON string, got {str(value)[:80]!r}: {exc}") from exc


def json_dumps(value: Any, indent: int | None = None, stripLeadingTrailingQuotes: bool = False) -> str:
    text = json.dumps(value, indent=indent)
    return text[1:-1] if stripLeadingTrailingQuotes else text


def kv_comma_pairs_to_json(value: str) -> str:
    pairs: dict[str, str] = {}
    for pair in str(value).split(","):
        if "=" in pair:
            parts = pair.split("=")
            pairs[parts[0]] = parts[1]
    return json.dumps(pairs)


def to_base64(value: str) -> str:
    if not isinstance(value, str):
        raise TemplateError(f"to_base64: expected a string, got {type(value).__name__}")
    return base64.b64encode(value.encode()).decode()


def from_base64(value: str) -> str:
    try:
        return base64.b64decode(str(value), validate=False).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise TemplateError(f"from_base64: {str(value)[:80]!r} is not base64 of UTF-8 text: {exc}") from exc


FILTERS = {
    "to_nice_yaml": to_nice_yaml,
    "from_json": from_json,
    "json_dumps": json_dumps,
    "kv_comma_pairs_to_json": kv_comma_pairs_to_json,
    "to_base64": to_base64,
    "from_base64": from_base64,
}


class _StrictSandbox(SandboxedEnvironment):
    """Jinja's sandbox renders a *read* of an unsafe attribute (``''.__class__``) as undefined;
    here it is refused like any other escape attempt, so probing templates fail loudly."""

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise jinja2.exceptions.SecurityError(
            f"access to attribute {attribute!r} of {type(obj).__name__!r} object is unsafe"
        )


def _environment() -> SandboxedEnvironment:
    env = _StrictSandbox(extensions=["jinja2.ext.loopcontrols"], autoescape=False)
    env.filters.update(FILTERS)
    return env


_ENV = _environment()


@lru_cache(maxsize=2048)
def _compile(source: str) -> jinja2.Template:
    return _ENV.from_string(source)


def render(
    template: str, context: Mapping[str, Any], *, macros: str = "", blank_on_error: bool = False
) -> str:
    """Render ``template`` with ``context``; ``macros`` (``jinja2Macros.all``) is prepended.

    Raises :class:`TemplateError` with the cause, unless ``blank_on_error`` (cicdstatemgr's ``if``
    gates), which returns ``""`` for a broken template but never for a sandbox violation.
    """
    source = f"{macros}{template}" if macros else template
    try:
        return _compile(source).render(dict(context))
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"template refused by the sandbox: {exc}") from exc
    except jinja2.TemplateSyntaxError as exc:
        if blank_on_error:
            return ""
        raise TemplateError(
            f"template syntax error at line {exc.lineno}: {exc.message}: {template[:120]!r}"
        ) from exc
    except (jinja2.TemplateError, TypeError, ValueError, KeyError, AttributeError, ZeroDivisionError) as exc:
        if blank_on_error:
            return ""
        raise TemplateError(f"template failed to render: {exc}: {template[:120]!r}") from exc
