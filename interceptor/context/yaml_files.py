"""Reading YAML (and JSON) files into JSON-compatible values.

Context documents are stored as JSON, so YAML is read with a safe loader that leaves timestamps
as the strings they were written as (``2021-11-02`` stays ``"2021-11-02"``, not a date object).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from interceptor.errors import InvalidInput


class YamlSyntaxError(ValueError):
    """The text is not YAML; the message is PyYAML's."""


@cache
def _loader() -> type:
    # PyYAML is imported on first use: `context get`/`set` without a config file never pay for it.
    import yaml

    class JsonCompatibleLoader(yaml.SafeLoader):
        """SafeLoader without the timestamp resolver: every value it produces is JSON-serialisable."""

    JsonCompatibleLoader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return JsonCompatibleLoader


def parse_yaml(text: str) -> Any:
    """Parse YAML text; raises :class:`YamlSyntaxError` for the caller to word."""
    import yaml

    try:
        return yaml.load(text, Loader=_loader())  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(str(exc)) from exc


def read_text(path: str | Path, what: str) -> str:
    """The file's text; :class:`InvalidInput` naming ``what`` the file is when it cannot be read."""
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise InvalidInput(f"{what} {path}: file not found") from exc
    except IsADirectoryError as exc:
        raise InvalidInput(f"{what} {path}: is a directory, expected a file") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{what} {path}: cannot read: {exc}") from exc


def read_yaml_mapping(path: str | Path, what: str) -> dict[str, Any]:
    """Read a YAML file whose top level must be a mapping (an empty file is ``{}``)."""
    text = read_text(path, what)
    try:
        data = parse_yaml(text)
    except YamlSyntaxError as exc:
        raise InvalidInput(f"{what} {path} is not valid YAML: {exc}".replace("\n", " ")) from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InvalidInput(f"{what} {path}: expected a mapping at the top level, got {type(data).__name__}")
    return json_keys(data)


def json_keys(value: Any) -> Any:
    """``value`` with every mapping key turned into a string, as JSON would store it (``1:`` → ``"1"``)."""
    if isinstance(value, dict):
        return {_key(k): json_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [json_keys(item) for item in value]
    return value


def _key(key: Any) -> str:
    if isinstance(key, bool):
        return "true" if key else "false"
    if key is None:
        return "null"
    return str(key)
