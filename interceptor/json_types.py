"""How our error messages name the type of a value someone sent or wrote (``got a list``).

One classification (:func:`json_type`), several vocabularies, each in its readers' words: JSON's
(``an object``) for request bodies, Slack payloads, params and stored context values; YAML's
(``a mapping``) for config files. Where a message must match Go's exact text (``cannot unmarshal
array into ...``), :func:`interceptor.gojson_errors.json_kind` gives Go's names.
"""

from __future__ import annotations

from typing import Any

_PREVIEW_CHARS = 40
_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "boolean"),
    (int, "integer"),
    (float, "float"),
    (str, "string"),
    (dict, "object"),
    (list, "array"),
)

_JSON_WORDS = {
    "null": "null",
    "boolean": "a boolean",
    "integer": "a number",
    "float": "a number",
    "string": "a string",
    "object": "an object",
    "array": "a list",
}
# YAML keeps 1 and 1.0 apart (a config merge refuses to mix them), so its words do too.
_YAML_WORDS = {**_JSON_WORDS, "integer": "an integer", "float": "a float", "object": "a mapping"}


def json_type(value: Any) -> str | None:
    """``null``, ``boolean``, ``integer``, ``float``, ``string``, ``object`` or ``array``; ``None``
    for a value JSON has no type for."""
    if value is None:
        return "null"
    # bool before int: True is an int to Python, a boolean to JSON.
    return next((kind for cls, kind in _KINDS if isinstance(value, cls)), None)


def describe_json_type(value: Any) -> str:
    """``an object``, ``a list``, ``a string``, ``a number``, ``a boolean`` or ``null``."""
    return _JSON_WORDS.get(json_type(value) or "", type(value).__name__)


def describe_yaml_type(value: Any) -> str:
    """``a mapping``, ``a list``, ``a string``, ``an integer``, ``a float``, ``a boolean`` or ``null``."""
    return _YAML_WORDS.get(json_type(value) or "", type(value).__name__)


def preview(value: Any) -> str:
    """A short look at a value for error messages: ``'1.2.0'``, ``3 entries``, cut at 40 characters."""
    text = f"{len(value)} entries" if isinstance(value, dict | list) else repr(value)
    return text if len(text) <= _PREVIEW_CHARS else text[: _PREVIEW_CHARS - 3] + "..."
