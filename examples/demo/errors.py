"""The one error the demo raises: a step that could not happen, named in the message."""

from __future__ import annotations


class DemoError(Exception):
    """A step of the demo could not happen; the message says which and why."""
