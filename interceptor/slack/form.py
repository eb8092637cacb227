"""``application/x-www-form-urlencoded`` bodies as Slack sends them, parsed quickly.

Slack's interactive bodies are one field, ``payload=<percent-encoded JSON>``; that case needs one
prefix check and one unquote instead of :func:`urllib.parse.parse_qs`'s general machinery. The
unquote itself runs in C codecs (``%XX`` → ``\\xXX`` → ``unicode_escape``), about 8x faster than
``unquote_plus`` on a 2.5 KB payload, and falls back to ``unquote_plus`` for anything unusual.
Multi-field bodies (slash commands) are split on ``&`` and ``=`` with the same semantics as Go's
``url.ParseQuery`` and Python's ``parse_qs(keep_blank_values=True)``: ``+`` is a space, a pair
without ``=`` has an empty value, empty pairs are skipped, repeated keys keep every value in order.
"""

from __future__ import annotations

from urllib.parse import unquote_plus

PAYLOAD_PREFIX = "payload="


def payload_field(body: str) -> str | None:
    """The decoded ``payload`` value when ``body`` is exactly one ``payload=`` field, else ``None``."""
    # A literal '&' cannot occur inside the encoded JSON, so its absence proves a single field.
    if body.startswith(PAYLOAD_PREFIX) and "&" not in body:
        return fast_unquote_plus(body[len(PAYLOAD_PREFIX) :])
    return None


def parse_form(body: str) -> dict[str, list[str]]:
    """Every field of a form body, each with all its values in order."""
    fields: dict[str, list[str]] = {}
    for pair in body.split("&"):
        if not pair:
            continue
        key, _, value = pair.partition("=")
        key = fast_unquote_plus(key) if ("%" in key or "+" in key) else key
        value = fast_unquote_plus(value) if ("%" in value or "+" in value) else value
        fields.setdefault(key, []).append(value)
    return fields


def fast_unquote_plus(text: str) -> str:
    """Exactly :func:`urllib.parse.unquote_plus` (UTF-8, invalid sequences replaced), faster."""
    # A form body is ASCII without backslashes; then every %XX can become a \xXX escape that the C
    # codec decodes to one latin-1 char (= one byte), and the bytes are decoded as UTF-8. Anything
    # else (a literal backslash, non-ASCII, a bad escape, invalid UTF-8) takes the reference path.
    if "\\" in text:
        return unquote_plus(text)
    try:
        escaped = text.replace("+", " ").replace("%", "\\x").encode("ascii")
        return escaped.decode("unicode_escape").encode("latin-1").decode("utf-8")
    except UnicodeError:
        return unquote_plus(text)


def first_values(fields: dict[str, list[str]]) -> dict[str, str]:
    """A flat map of each field's first value (slack-payload-handler's slash-command shape)."""
    return {key: values[0] if values else "" for key, values in fields.items()}
