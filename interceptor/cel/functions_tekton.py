"""Tekton's own CEL functions (``pkg/interceptors/cel/triggers.go``), quirks included."""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import re2
import yaml
from celpy import celtypes

from interceptor.cel.library import CelRuntimeError, Function, NoSuchOverload
from interceptor.cel.operators import map_lookup
from interceptor.cel.values import is_int, to_cel, to_python, type_name
from interceptor.gojson import marshal
from interceptor.gojson_errors import GoJsonError, go_quote, loads, type_mismatch
from interceptor.protocol import canonical_header_key

_QUIET = re2.Options()
_QUIET.log_errors = False


def _header_first(header: Any, name: Any) -> str:
    """``http.Header(receiver).Get(name)``: canonicalise the lookup name only, first value."""
    if not isinstance(header, dict) or not isinstance(name, str):
        raise NoSuchOverload
    for key, values in header.items():
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise CelRuntimeError(
                f"failed to convert to http.Header: type conversion error from "
                f"'{type_name(values)}' to '[]string' for key {key}"
            )
    # map_lookup, not header.get: cel-python's MapType.get raises KeyError for a missing key.
    found, values = map_lookup(header, canonical_header_key(str(name)))
    return str(values[0]) if found and values else ""


def match(header: Any, name: Any, value: Any) -> Any:
    if not isinstance(value, str):
        raise NoSuchOverload
    return celtypes.BoolType(_header_first(header, name) == value)


def canonical(header: Any, name: Any) -> Any:
    return celtypes.StringType(_header_first(header, name))


def truncate(text: Any, length: Any) -> Any:
    """First ``length`` bytes (not characters); only the int overload exists."""
    if not isinstance(text, str) or not is_int(length):
        raise NoSuchOverload
    if int(length) < 0:
        raise CelRuntimeError(f"runtime error: slice bounds out of range [:{int(length)}]")
    raw = text.encode("utf-8")[: int(length)]
    return celtypes.StringType(raw.decode("utf-8", errors="replace"))


SecretGetter = Callable[[str, str], str]


def make_compare_secret(secrets: Mapping[str, Mapping[str, str]] | None) -> Function:
    """``compareSecret(key, secretName[, namespace])`` over ``settings.cel.secrets``.

    ``secrets=None`` means cel-eval's behaviour: every secret reads as empty.
    """

    def compare_secret(received: Any, key: Any, name: Any, namespace: Any = None) -> Any:
        if not all(isinstance(arg, str) for arg in (received, key, name)):
            raise NoSuchOverload
        if namespace is not None and not isinstance(namespace, str):
            raise NoSuchOverload
        # The namespace argument is ignored, exactly as Tekton does (issue #1555, PR #748).
        if secrets is None:
            expected = ""
        else:
            ref = f'v1beta1.SecretRef{{SecretKey:"{key}", SecretName:"{name}"}}'
            data = secrets.get(str(name))
            if data is None:
                raise CelRuntimeError(
                    f"failed to find secret '{ref}' in compareSecret: secrets \"{name}\" not found"
                )
            if str(key) not in data:
                raise CelRuntimeError(
                    f"failed to find secret '{ref}' in compareSecret: cannot find {key} key in secret {name}"
                )
            expected = str(data[str(key)])
        return celtypes.BoolType(hmac.compare_digest(str(received).encode(), expected.encode()))

    return compare_secret


def _decode_object(text: str, function: str, parsed: Any, error: str | None) -> Any:
    if error is None and not isinstance(parsed, dict) and parsed is not None:
        error = type_mismatch(parsed, "map[string]interface {}")
    if error is not None:
        raise CelRuntimeError(f"failed to decode '{text}' in {function}: {error}")
    return to_cel(parsed or {})


def parse_json(text: Any) -> Any:
    if not isinstance(text, str):
        raise NoSuchOverload
    try:
        parsed, error = loads(str(text)), None
    except GoJsonError as exc:
        parsed, error = None, str(exc)
    return _decode_object(str(text), "parseJSON", parsed, error)


def parse_yaml(text: Any) -> Any:
    if not isinstance(text, str):
        raise NoSuchOverload
    try:
        parsed, error = yaml.safe_load(str(text)), None
    except yaml.YAMLError as exc:
        parsed, error = None, f"error converting YAML to JSON: yaml: {_yaml_problem(exc)}"
    return _decode_object(str(text), "parseYAML", parsed, error)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    return f"line {mark.line + 1}: {problem}" if mark is not None else str(problem)


def parse_url(text: Any) -> Any:
    """Go's ``url.Parse`` spread into Tekton's keys; ``auth`` only when userinfo is present."""
    if not isinstance(text, str):
        raise NoSuchOverload
    raw = str(text)
    try:
        parts = urlsplit(raw)
        host = parts.netloc.rpartition("@")[2]
        username, password = parts.username, parts.password
    except ValueError as exc:
        raise CelRuntimeError(f"failed to decode '{raw}' in parseURL: parse {go_quote(raw)}: {exc}") from exc
    if re.search(r"%(?![0-9A-Fa-f]{2})", raw):
        bad = re.search(r"%.{0,2}", raw[raw.index("%") :])
        escape = bad.group(0) if bad else "%"
        raise CelRuntimeError(
            f"failed to decode '{raw}' in parseURL: parse {go_quote(raw)}: invalid URL escape {go_quote(escape)}"
        )
    query_strings: dict[str, list[str]] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        query_strings.setdefault(key, []).append(value)
    result: dict[str, Any] = {
        "scheme": parts.scheme,
        "host": host,
        "path": unquote(parts.path),
        "rawQuery": parts.query,
        "fragment": unquote(parts.fragment),
        "queryStrings": query_strings,
        "query": {key: ",".join(values) for key, values in query_strings.items()},
    }
    if "@" in parts.netloc:
        result["auth"] = {"username": unquote(username or ""), "password": unquote(password or "")}
    return to_cel(result)


def marshal_json(value: Any) -> Any:
    if not isinstance(value, dict | list):
        raise NoSuchOverload
    try:
        return celtypes.StringType(marshal(to_python(value)))
    except (TypeError, ValueError) as exc:
        raise CelRuntimeError(str(exc)) from exc


def first(values: Any) -> Any:
    if not isinstance(values, list):
        raise NoSuchOverload
    return values[0] if values else None


def last(values: Any) -> Any:
    if not isinstance(values, list):
        raise NoSuchOverload
    return values[-1] if values else None


def translate(text: Any, pattern: Any, replacement: Any) -> Any:
    """Go's ``regexp.ReplaceAllString`` with Go's ``$1`` / ``${name}`` template expansion."""
    if not all(isinstance(arg, str) for arg in (text, pattern, replacement)):
        raise NoSuchOverload
    try:
        regex = re2.compile(str(pattern), _QUIET)
    except re2.error as exc:
        reason = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise CelRuntimeError(
            f"failed to parse regular expression for translation: error parsing regexp: {reason}"
        ) from exc
    source = str(text)
    out: list[str] = []
    position = 0
    previous_end = -1
    for found in regex.finditer(source):
        start, end = found.span()
        # Go ignores an empty match that abuts the preceding match.
        if start == end and start == previous_end:
            continue
        out.append(source[position:start])
        out.append(_expand(str(replacement), found, regex.groupindex))
        position = end
        previous_end = end
    out.append(source[position:])
    return celtypes.StringType("".join(out))


_NAME = re.compile(r"[A-Za-z0-9_]+")


def _expand(template: str, found: Any, names: Mapping[str, int]) -> str:
    out: list[str] = []
    index = 0
    while index < len(template):
        char = template[index]
        if char != "$":
            out.append(char)
            index += 1
            continue
        rest = template[index + 1 :]
        if rest.startswith("$"):
            out.append("$")
            index += 2
            continue
        if rest.startswith("{"):
            close = rest.find("}")
            name = rest[1:close] if close > 0 else ""
            if close <= 0 or not _NAME.fullmatch(name):
                out.append("$")
                index += 1
                continue
            index += close + 2
        else:
            matched = _NAME.match(rest)
            if matched is None:
                out.append("$")
                index += 1
                continue
            name = matched.group(0)
            index += 1 + len(name)
        out.append(_group(found, names, name))
    return "".join(out)


def _group(found: Any, names: Mapping[str, int], name: str) -> str:
    if name.isdigit():
        number = int(name)
        if number > found.re.groups:
            return ""
    elif name in names:
        number = names[name]
    else:
        return ""
    value = found.group(number)
    return value or ""


MEMBER: dict[str, Function] = {
    "match": match,
    "canonical": canonical,
    "truncate": truncate,
    "parseJSON": parse_json,
    "parseYAML": parse_yaml,
    "parseURL": parse_url,
    "marshalJSON": marshal_json,
    "first": first,
    "last": last,
    "translate": translate,
}
GLOBAL: dict[str, Function] = {}
