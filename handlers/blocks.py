"""Handler configs as blocks: cicdstatemgr's single form and its map of named blocks.

A handler accepts one config, detected by its marker key (``message`` for notify, ``title`` for
manual-choice, ...) and run as the block named ``default``, or a map ``{name: config}`` of named
blocks. In the named form the keys ``enabled``, ``if``, ``when`` and ``optional`` beside the blocks
apply to every block (cicdstatemgr honoured only ``enabled: false`` there). A value in the named
form that is not a mapping is reported as a failed block, naming the key.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from handlers.gate import GATE_KEYS
from handlers.result import Status
from interceptor.json_types import describe_yaml_type

if TYPE_CHECKING:
    from handlers.runtime import Runtime
    from handlers.workspace import Workspace


class Outcome(NamedTuple):
    status: Status
    detail: str


Run = Callable[["Block", "Workspace", dict[str, Any], "Runtime"], Awaitable[Outcome]]


@dataclass(frozen=True)
class HandlerType:
    """One entry of the registry.

    ``keys`` are the config keys the handler reads (besides the gate keys); with ``extras`` any
    other key is passed to templates under ``context_key`` as cicdstatemgr does, otherwise an
    unknown key is reported in the result (the block still runs).
    """

    name: str
    marker: str
    context_key: str
    run: Run
    keys: frozenset[str]
    extras: bool = False


@dataclass
class Block:
    type: str
    name: str
    config: dict[str, Any] = field(default_factory=dict)
    type_config: dict[str, Any] = field(default_factory=dict)  # gate keys beside named blocks
    error: str = ""

    @property
    def label(self) -> str:
        return f"{self.type}.{self.name}" if self.type_config or self.name != "default" else self.type

    def levels(self) -> list[tuple[str, Mapping[str, Any]]]:
        """(label, config) pairs for the gate, outermost first."""
        outer = [(self.type, self.type_config)] if self.type_config else []
        return [*outer, (self.label, self.config)]

    def unknown_keys(self, handler: HandlerType) -> list[str]:
        if handler.extras:
            return []
        return [k for k in self.config if k not in handler.keys and k not in GATE_KEYS]


def split_blocks(handler: HandlerType, config: Any) -> list[Block]:
    """The blocks of one ``event-handlers.<event>.<handler>`` value, in YAML order."""
    name = handler.name
    if not isinstance(config, dict):
        return [Block(name, "default", error=f"{name}: expected a mapping, got {describe_yaml_type(config)}")]
    if handler.marker in config or _looks_single(handler, config):
        block = Block(name, "default", dict(config))
        if handler.marker not in config:
            block.error = f"{name}: missing required key {handler.marker!r}"
        return [block]
    type_config = {k: v for k, v in config.items() if k in GATE_KEYS}
    blocks = []
    for block_name, value in config.items():
        if block_name in GATE_KEYS:
            continue
        if isinstance(value, dict):
            block = Block(name, str(block_name), dict(value), type_config)
            if handler.marker not in value:
                block.error = f"{name}.{block_name}: missing required key {handler.marker!r}"
            blocks.append(block)
        else:
            known = ", ".join(sorted(handler.keys | set(GATE_KEYS)))
            blocks.append(
                Block(
                    name,
                    str(block_name),
                    type_config=type_config,
                    error=f"{name}.{block_name}: {describe_yaml_type(value)} is neither a named block (a mapping) "
                    f"nor a known {name} key ({known})",
                )
            )
    if not blocks:
        # Only gate keys: an inherited handler switched off or a config left empty.
        blocks.append(
            Block(name, "default", {}, type_config, error=f"{name}: missing required key {handler.marker!r}")
        )
    return blocks


def _looks_single(handler: HandlerType, config: Mapping[str, Any]) -> bool:
    """A single-form config whose marker is missing (``mesage:`` typo) rather than named blocks."""
    own = handler.keys - {handler.marker}
    return any(k in own and not isinstance(v, dict) for k, v in config.items())
