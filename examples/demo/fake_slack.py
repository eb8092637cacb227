"""A fake Slack for the demo: the Web API methods the handlers call, and ``response_url``.

Runs as its own process (``FAKE_SLACK_TOKEN=… python -m examples.demo.fake_slack --port 0``; the first stdout line
is its URL) and keeps every message in memory, the way a Slack workspace would show them:

* ``POST /api/chat.postMessage`` needs ``Authorization: Bearer <token>``; it gives the message a
  ``ts``, maps the channel name to an id, fills in the ``action_id``/``block_id`` Slack generates
  for buttons that have none, and answers ``{"ok": true, "channel", "ts", "message"}``;
* ``POST /api/chat.update`` replaces a message's content;
* ``POST /actions/<channel>/<ts>/<nonce>`` is a ``response_url``: ``replace_original`` replaces
  the message, ``delete_original`` deletes it, anything else posts a new one (5 uses, as Slack);
* ``GET /_fake/log`` lists every call in order, ``GET /_fake/messages`` the current messages.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import signal
import time
from typing import Any

from aiohttp import web

RESPONSE_URL_USES = 5


class Workspace:
    """The fake workspace's state: messages by (channel id, ts), and a log of every call."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.messages: list[dict[str, Any]] = []
        self.log: list[dict[str, Any]] = []
        self.channel_names: dict[str, str] = {}
        self._uses: dict[str, int] = {}
        self._sequence = 0

    def channel_id(self, channel: str) -> str:
        """Slack answers with channel ids; a name always maps to the same invented id."""
        if channel in self.channel_names:
            return channel
        name = channel.lstrip("#")
        cid = "C0" + hashlib.sha256(name.encode()).hexdigest()[:9].upper()
        self.channel_names[cid] = name
        return cid

    def next_ts(self) -> str:
        self._sequence += 1
        return f"{int(time.time())}.{self._sequence:06d}"

    def find(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages if m["channel"] == channel and m["ts"] == ts), None)

    def record(self, kind: str, request: dict[str, Any], reply: Any, message: dict[str, Any] | None) -> None:
        self.log.append(
            {
                "seq": len(self.log) + 1,
                "kind": kind,
                "request": request,
                "reply": reply,
                "channel": message["channel"] if message else None,
                "channelName": message["channelName"] if message else None,
                "ts": message["ts"] if message else None,
            }
        )

    def use_response_url(self, key: str) -> bool:
        self._uses[key] = self._uses.get(key, 0) + 1
        return self._uses[key] <= RESPONSE_URL_USES


def _with_generated_ids(blocks: list[Any], ts: str) -> list[Any]:
    """Slack fills in ``block_id`` and ``action_id`` when a message leaves them out."""
    filled = []
    for b_index, block in enumerate(blocks):
        if not isinstance(block, dict):
            filled.append(block)
            continue
        block = dict(block)
        block.setdefault("block_id", hashlib.sha256(f"{ts}/{b_index}".encode()).hexdigest()[:5])
        elements = []
        for e_index, element in enumerate(block.get("elements") or []):
            if isinstance(element, dict) and element.get("type") == "button":
                element = dict(element)
                seed = f"{ts}/{b_index}/{e_index}"
                element.setdefault("action_id", hashlib.sha256(seed.encode()).hexdigest()[:5])
            elements.append(element)
        if "elements" in block:
            block["elements"] = elements
        filled.append(block)
    return filled


def _content(body: dict[str, Any], ts: str) -> dict[str, Any]:
    content: dict[str, Any] = {"text": body.get("text", "")}
    if isinstance(body.get("blocks"), list):
        content["blocks"] = _with_generated_ids(body["blocks"], ts)
    if isinstance(body.get("attachments"), list):
        content["attachments"] = [
            {**a, "blocks": _with_generated_ids(a.get("blocks") or [], ts)} if isinstance(a, dict) else a
            for a in body["attachments"]
        ]
    return content


def create_app(workspace: Workspace) -> web.Application:
    app = web.Application()

    def authorised(request: web.Request) -> bool:
        return request.headers.get("Authorization", "") == f"Bearer {workspace.token}"

    async def post_message(request: web.Request) -> web.Response:
        body = await request.json()
        if not authorised(request):
            reply: dict[str, Any] = {"ok": False, "error": "invalid_auth"}
            workspace.record("chat.postMessage", body, reply, None)
            return web.json_response(reply)
        if not body.get("channel") or not (body.get("text") or body.get("blocks") or body.get("attachments")):
            reply = {"ok": False, "error": "channel_not_found" if not body.get("channel") else "no_text"}
            workspace.record("chat.postMessage", body, reply, None)
            return web.json_response(reply)
        channel = workspace.channel_id(str(body["channel"]))
        ts = workspace.next_ts()
        message = {
            "type": "message",
            "channel": channel,
            "channelName": workspace.channel_names[channel],
            "ts": ts,
            "user": "U0DEMOBOT",
            "bot_id": "B0DEMOBOT",
            **({"thread_ts": body["thread_ts"]} if body.get("thread_ts") else {}),
            **_content(body, ts),
            "history": [],
        }
        workspace.messages.append(message)
        public = {k: v for k, v in message.items() if k not in ("channel", "channelName", "history")}
        reply = {"ok": True, "channel": channel, "ts": ts, "message": public}
        workspace.record("chat.postMessage", body, reply, message)
        return web.json_response(reply)

    async def update(request: web.Request) -> web.Response:
        body = await request.json()
        message = workspace.find(workspace.channel_id(str(body.get("channel", ""))), str(body.get("ts", "")))
        if not authorised(request) or message is None:
            reply: dict[str, Any] = {
                "ok": False,
                "error": "invalid_auth" if not authorised(request) else "message_not_found",
            }
            workspace.record("chat.update", body, reply, message)
            return web.json_response(reply)
        _replace(message, _content(body, message["ts"]), "chat.update")
        reply = {"ok": True, "channel": message["channel"], "ts": message["ts"], "text": message["text"]}
        workspace.record("chat.update", body, reply, message)
        return web.json_response(reply)

    async def response_url(request: web.Request) -> web.Response:
        channel, ts = request.match_info["channel"], request.match_info["ts"]
        body = await request.json()
        message = workspace.find(channel, ts)
        if not workspace.use_response_url(request.path):
            workspace.record("response_url", body, {"ok": False, "error": "used_url"}, message)
            return web.json_response({"ok": False, "error": "used_url"}, status=404)
        if message is None:
            workspace.record("response_url", body, {"ok": False, "error": "expired_url"}, None)
            return web.json_response({"ok": False, "error": "expired_url"}, status=404)
        if _flag(body.get("delete_original")):
            message["deleted"] = True
        elif _flag(body.get("replace_original")):
            _replace(message, _content(body, ts), "response_url")
        else:
            reply_ts = workspace.next_ts()
            workspace.messages.append(
                {
                    "type": "message",
                    "channel": channel,
                    "channelName": message["channelName"],
                    "ts": reply_ts,
                    "ephemeral": body.get("response_type", "ephemeral") == "ephemeral",
                    **_content(body, reply_ts),
                    "history": [],
                }
            )
        workspace.record("response_url", body, "ok", message)
        return web.Response(text="ok")

    async def fake_log(request: web.Request) -> web.Response:
        return web.json_response({"log": workspace.log})

    async def fake_messages(request: web.Request) -> web.Response:
        return web.json_response({"messages": workspace.messages})

    app.router.add_post("/api/chat.postMessage", post_message)
    app.router.add_post("/api/chat.update", update)
    app.router.add_post("/actions/{channel}/{ts}/{nonce}", response_url)
    app.router.add_get("/_fake/log", fake_log)
    app.router.add_get("/_fake/messages", fake_messages)
    return app


def _flag(value: Any) -> bool:
    # Slack accepts "true" as well as true (cicdstatemgr's templates send strings).
    return value is True or value == "true"


def _replace(message: dict[str, Any], content: dict[str, Any], how: str) -> None:
    previous = {k: message.pop(k) for k in ("text", "blocks", "attachments") if k in message}
    message["history"].append({"replacedBy": how, "previous": previous})
    message.update(content)


async def _serve(host: str, port: int, token: str) -> None:
    runner = web.AppRunner(create_app(Workspace(token)), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    print(f"fake Slack on http://{host}:{bound}", flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m examples.demo.fake_slack", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    token = os.environ.get("FAKE_SLACK_TOKEN", "")
    if not token:
        parser.error("set FAKE_SLACK_TOKEN to the bot token the chat.* methods accept")
    asyncio.run(_serve(args.host, args.port, token))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
