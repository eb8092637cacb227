"""The deprecated ``webhook`` interceptor (Tekton §3): a raw POST whose answer replaces the event.

1. The chain's extensions are merged into the body at ``extensions.<key>`` (sjson-style: the
   body's own bytes are kept and the object is appended before the closing brace).
2. The body is POSTed chunked with the current headers, mutated: ``Eventlistener-Request-Url``
   set, and each ``webhook.header[]`` entry set (string) or replaced by its list.
3. A 200 answer's body replaces the body and its headers replace all headers; anything else
   stops the trigger with ``request rejected; status: <status>; message: <body>``. 5 s in total.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import aiohttp

from interceptor.emulator.model import WebhookSpec
from interceptor.emulator.payload import go_header
from interceptor.emulator.resolution import Resolver
from interceptor.gojson import go_utf8, marshal

WEBHOOK_TIMEOUT_SECONDS = 5.0


class WebhookError(Exception):
    """The webhook call failed; the message is the one the Go sink logs."""


@dataclass(frozen=True)
class WebhookResult:
    url: str
    body: str
    header: dict[str, list[str]]


def extend_body_with_extensions(body: str, extensions: dict[str, Any]) -> str:
    """``extendBodyWithExtensions``: put every extension at ``extensions.<key>`` in the body."""
    if not extensions:
        return body
    stripped = body.strip()
    if not stripped:
        return marshal({"extensions": extensions})
    try:
        decoded = json.loads(stripped)
    except ValueError as exc:
        raise WebhookError(
            f"could not merge extensions with body: failed to sjson extensions to body: {exc}"
        ) from exc
    if not isinstance(decoded, dict):
        raise WebhookError(
            "could not merge extensions with body: failed to sjson extensions to body: not an object"
        )
    existing = decoded.get("extensions")
    if isinstance(existing, dict):  # rare: the sender already has an ``extensions`` key; re-encode
        decoded["extensions"] = {**existing, **extensions}
        return marshal(decoded)
    addition = ",".join(f"{marshal(k)}:{marshal(v)}" for k, v in sorted(extensions.items()))
    head = stripped[:-1].rstrip()
    separator = "" if head.endswith("{") else ","
    return f'{head}{separator}"extensions":{{{addition}}}}}'


def mutate_headers(header: dict[str, list[str]], spec: WebhookSpec, event_url: str) -> None:
    """Apply the webhook's headers in place, as the Go code does on the shared header map."""
    header["Eventlistener-Request-Url"] = [event_url]
    for entry in spec.headers:
        if isinstance(entry.value, str):
            header[entry.name] = [entry.value]
        else:
            header[entry.name] = [str(v) for v in entry.value]


async def call_webhook(
    session: aiohttp.ClientSession,
    resolver: Resolver,
    spec: WebhookSpec,
    body: str,
    header: dict[str, list[str]],
    extensions: dict[str, Any],
    event_url: str,
    trigger_namespace: str,
) -> WebhookResult:
    """Run one webhook interceptor. Raises :class:`WebhookError` with Tekton's message."""
    payload = extend_body_with_extensions(body, extensions)
    mutate_headers(header, spec, event_url)
    url = spec.url or resolver.service_url(
        spec.service_name, spec.service_namespace or trigger_namespace, "/", None, False
    ).replace(":80/", "/", 1)
    outgoing = [(k, v) for k, values in header.items() if k != "Content-Length" for v in values]
    if not any(k == "User-Agent" for k, _ in outgoing):
        outgoing.append(("User-Agent", "Go-http-client/1.1"))
    try:
        async with asyncio.timeout(WEBHOOK_TIMEOUT_SECONDS):
            async with session.post(
                url,
                data=_chunks(payload.encode("utf-8")),
                headers=outgoing,
                skip_auto_headers=("User-Agent", "Accept", "Accept-Encoding", "Content-Type"),
                allow_redirects=True,
            ) as response:
                raw = await response.read()
                if response.status != 200:
                    raise WebhookError(
                        f"request rejected; status: {response.status} {response.reason}; message: {go_utf8(raw)}"
                    )
                return WebhookResult(url, go_utf8(raw), go_header(response.raw_headers))
    except TimeoutError as exc:
        raise WebhookError(
            f'Post "{url}": context deadline exceeded (Client.Timeout exceeded while awaiting headers)'
        ) from exc
    except aiohttp.ClientError as exc:
        raise WebhookError(f'Post "{url}": {exc}') from exc


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    """An async body makes aiohttp send ``Transfer-Encoding: chunked``, as Go does here."""
    yield data
