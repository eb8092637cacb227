"""What a user would see in the fake Slack: its messages, buttons, and the calls it received."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from examples.demo.errors import DemoError
from examples.demo.http_client import get_json


@dataclass(frozen=True)
class Button:
    """A button as Slack shows it, and the message (with its ``ts``) that holds it."""

    message: dict[str, Any]
    block_id: str
    element: dict[str, Any]

    @property
    def text(self) -> str:
        return str((self.element.get("text") or {}).get("text", ""))

    @property
    def action_id(self) -> str:
        return str(self.element["action_id"])

    @property
    def value(self) -> str:
        return str(self.element.get("value", ""))


def buttons_of(message: dict[str, Any]) -> Iterator[Button]:
    """Buttons in the message's blocks and in its attachments' blocks."""
    blocks = list(message.get("blocks") or [])
    for attachment in message.get("attachments") or []:
        blocks.extend(attachment.get("blocks") or [])
    for block in blocks:
        if block.get("type") != "actions":
            continue
        for element in block.get("elements") or []:
            if element.get("type") == "button":
                yield Button(message, str(block.get("block_id", "")), element)


def button_labels(message: dict[str, Any]) -> list[str]:
    """The labels of a message's buttons (also of a chat.postMessage request body)."""
    return [button.text for button in buttons_of(message)]


class SlackView:
    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._read = 0

    def messages(self) -> list[dict[str, Any]]:
        return list(get_json(f"{self.url}/_fake/messages")["messages"])

    def calls(self) -> list[dict[str, Any]]:
        """Every Web API and response_url call, oldest first."""
        return list(get_json(f"{self.url}/_fake/log")["log"])

    def new_calls(self) -> list[dict[str, Any]]:
        """The calls since the previous ``new_calls``."""
        calls = self.calls()
        fresh = calls[self._read :]
        self._read = len(calls)
        return fresh

    def button(self, text: str) -> Button:
        """The newest visible button whose label contains ``text``."""
        for message in reversed(self.messages()):
            if message.get("deleted"):
                continue
            for button in buttons_of(message):
                if text in button.text:
                    return button
        raise DemoError(f"no Slack message shows a button labelled {text!r}")

    def message(self, channel: str, ts: str) -> dict[str, Any]:
        for message in self.messages():
            if message["channel"] == channel and message["ts"] == ts:
                return message
        raise DemoError(f"no Slack message {channel}/{ts}")
