"""The incoming event as the Go sink sees it: headers, payload validation, form-to-JSON.

* Headers: Go-canonical keys, values in arrival order, ``Host`` and ``Transfer-Encoding`` removed
  (Go's server moves them out of the header map).
* Validation (§2.1): unless the EventListener has ``tekton.dev/payload-validation: "false"``, a
  body that does not decode as a JSON object (``null`` does) is refused with 400 and Go's error.
* Form conversion (§2.2): exact ``Content-Type: application/x-www-form-urlencoded``, more than one
  key, and not a webhook-first chain without extensions; the body becomes the JSON of
  ``map[string][]string``.
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Iterable

from interceptor.gojson import go_utf8, marshal
from interceptor.gojson_errors import GoJsonError, loads, type_mismatch
from interceptor.protocol import canonical_header_key

FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"
_HIDDEN_HEADERS = ("Host", "Transfer-Encoding")


def go_header(raw_headers: Iterable[tuple[bytes, bytes]]) -> dict[str, list[str]]:
    """``http.Request.Header`` of a Go server for these raw header lines."""
    header: dict[str, list[str]] = {}
    for raw_key, raw_value in raw_headers:
        key = canonical_header_key(go_utf8(raw_key))
        if key in _HIDDEN_HEADERS:
            continue
        header.setdefault(key, []).append(go_utf8(raw_value).strip(" \t"))
    return header


def payload_error(body: bytes) -> str | None:
    """``Invalid event body format : <go error>`` for a body that is not a JSON object, else None."""
    try:
        value = loads(go_utf8(body))
    except GoJsonError as exc:
        return f"Invalid event body format : {exc}"
    if value is None or isinstance(value, dict):
        return None
    return f"Invalid event body format : {type_mismatch(value, 'map[string]interface {}')}"


def parse_query(body: str) -> dict[str, list[str]]:
    """Go's ``url.ParseQuery``: ``&``-separated, ``+`` is a space, entries that fail are skipped."""
    values: dict[str, list[str]] = {}
    for part in body.split("&"):
        if not part or ";" in part:  # Go reports "invalid semicolon separator" and skips the entry
            continue
        raw_key, _, raw_value = part.partition("=")
        try:
            key = _unescape(raw_key)
            value = _unescape(raw_value)
        except ValueError:
            continue
        values.setdefault(key, []).append(value)
    return values


def _unescape(text: str) -> str:
    raw = text.encode("utf-8")
    if b"%" in raw:
        for i in range(len(raw)):
            if raw[i] == 0x25 and not _is_hex(raw[i + 1 : i + 3]):
                raise ValueError(f"invalid URL escape {raw[i : i + 3]!r}")
    return go_utf8(urllib.parse.unquote_to_bytes(text.replace("+", " ")))


def _is_hex(pair: bytes) -> bool:
    return len(pair) == 2 and all(c in b"0123456789abcdefABCDEF" for c in pair)


def converted_form(
    header: dict[str, list[str]], body: str, *, webhook_first: bool, has_extensions: bool
) -> str | None:
    """The JSON body the sink substitutes for a form body, or None when it keeps the raw body."""
    content_type = header.get("Content-Type", [""])
    if not content_type or content_type[0] != FORM_CONTENT_TYPE:
        return None
    if webhook_first and not has_extensions:  # v0.37.0: a webhook interceptor gets the raw form
        return None
    values = parse_query(body)
    if len(values) <= 1:
        return None
    return marshal(values)
