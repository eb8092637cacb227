"""Reading cel-eval's ``--http-request`` file: a raw HTTP/1.1 request."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from interceptor.errors import InvalidInput
from interceptor.protocol import canonical_header_key


@dataclass(frozen=True)
class RawRequest:
    method: str
    target: str
    header: dict[str, list[str]] = field(default_factory=dict)
    body: str = ""


_SPLIT = re.compile(rb"\r?\n\r?\n")


def parse_http_request(raw: bytes) -> RawRequest:
    """Split at the first blank line, canonicalise header keys (Go's textproto), drop ``Host``
    (Go moves it out of the map) and recompute ``Content-Length`` from the body, as cel-eval does."""
    found = _SPLIT.search(raw)
    head, body = (raw[: found.start()], raw[found.end() :]) if found else (raw, b"")
    lines = head.decode("utf-8", errors="replace").replace("\r\n", "\n").split("\n")
    request_line = lines[0].strip()
    parts = request_line.split()
    if len(parts) != 3 or not parts[2].startswith("HTTP/"):
        raise InvalidInput(
            f"--http-request: the first line must be 'METHOD TARGET HTTP/1.1', got {request_line!r}"
        )
    header: dict[str, list[str]] = {}
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        name, colon, value = line.partition(":")
        if not colon or not name.strip() or name != name.strip():
            raise InvalidInput(f"--http-request: line {number} is not a 'Name: value' header: {line!r}")
        key = canonical_header_key(name)
        if key in ("Content-Length", "Host"):
            continue
        header.setdefault(key, []).append(value.strip())
    text = body.decode("utf-8", errors="replace")
    if body:
        header["Content-Length"] = [str(len(body))]
    return RawRequest(parts[0], parts[1], header, text)
