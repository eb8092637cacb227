"""Context ids and record keys, and the Redis key layout built from them.

Ids are free-form (cicdstatemgr accepts anything), but Redis Cluster hashes only the text between
the first ``{`` and the next ``}`` of a key. So that the hash tag is always exactly the id, and all
of one context's keys live in one slot (a requirement for its atomic scripts), the characters
``%``, ``{`` and ``}`` are percent-encoded inside the tag. Every other character is kept, so keys
stay readable in ``redis-cli``::

    ctx:{<id>}:doc       the document, a JSON string
    ctx:{<id>}:history   a list of JSON history entries, oldest first
    ctx:{<id>}:lease     the current lease, JSON {token, expires_at, nonce, released}
    ctx:{<id>}:fence     the fencing-token counter (INCR); it outlives leases
    rec:{<key>}          a record (put_record), a JSON string
    rec:{<key>}:claim    a claim (claim); separate from the record of the same key
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from interceptor.errors import InvalidInput

_ESCAPES = {"%": "%25", "{": "%7B", "}": "%7D"}
_UNESCAPES = {escaped: char for char, escaped in _ESCAPES.items()}
_ESCAPED = re.compile("|".join(_UNESCAPES))
MAX_ID_LENGTH = 1024
DOC_KEY_PATTERN = "ctx:*:doc"


def check_id(value: object, what: str = "context id") -> str:
    """Return ``value`` if it is a usable id; raise :class:`InvalidInput` naming the problem."""
    if not isinstance(value, str):
        raise InvalidInput(f"{what}: expected a string, got {type(value).__name__}")
    if not value:
        raise InvalidInput(f"{what}: must not be empty")
    if len(value) > MAX_ID_LENGTH:
        raise InvalidInput(f"{what}: at most {MAX_ID_LENGTH} characters, got {len(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(f"{what}: not valid Unicode text ({exc.reason})") from exc
    return value


def encode_tag(value: str) -> str:
    """``value`` with ``%``, ``{`` and ``}`` percent-encoded, safe inside a hash tag."""
    return "".join(_ESCAPES.get(char, char) for char in value)


def decode_tag(value: str) -> str:
    """The inverse of :func:`encode_tag`."""
    return _ESCAPED.sub(lambda match: _UNESCAPES[match.group(0)], value)


@dataclass(frozen=True)
class ContextKeys:
    """The Redis keys of one context; all share the hash tag, hence one Cluster slot."""

    doc: str
    history: str
    lease: str
    fence: str

    @classmethod
    def of(cls, context_id: str) -> ContextKeys:
        tag = "ctx:{" + encode_tag(check_id(context_id)) + "}"
        return cls(doc=tag + ":doc", history=tag + ":history", lease=tag + ":lease", fence=tag + ":fence")


def id_from_doc_key(key: str) -> str | None:
    """The context id a ``ctx:{<id>}:doc`` key belongs to, or ``None`` for any other key."""
    if not (key.startswith("ctx:{") and key.endswith("}:doc")):
        return None
    tag = key[len("ctx:{") : -len("}:doc")]
    if not tag or "}" in tag or "{" in tag:
        return None
    return decode_tag(tag)


def record_key(key: str) -> str:
    return "rec:{" + encode_tag(check_id(key, "record key")) + "}"


def claim_key(key: str) -> str:
    return "rec:{" + encode_tag(check_id(key, "claim key")) + "}:claim"
