"""Every handler type, by the key it has under ``event-handlers.<event>``. The one table."""

from __future__ import annotations

from handlers import manual_choice, notify, respond, set_values, trigger_pipeline
from handlers.blocks import HandlerType

HANDLERS: dict[str, HandlerType] = {
    "notify": HandlerType("notify", "message", "notify", notify.run, notify.KEYS, extras=True),
    "manual-choice": HandlerType(
        "manual-choice", "title", "manualChoice", manual_choice.run, manual_choice.KEYS
    ),
    "set-values": HandlerType("set-values", "set", "set-values", set_values.run, set_values.KEYS),
    "trigger-pipeline": HandlerType(
        "trigger-pipeline",
        "name",
        "triggerPipeline",
        trigger_pipeline.run,
        trigger_pipeline.KEYS,
        extras=True,
    ),
    "respond": HandlerType("respond", "message", "respond", respond.run, respond.KEYS, extras=True),
}
