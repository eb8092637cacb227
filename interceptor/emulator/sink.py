"""The EventListener's event pipeline (Tekton's sink, §2.1-2.9), without Kubernetes.

``accept`` validates the payload, assigns the event id, starts one background task per trigger
and per trigger group, and returns the 202 reply at once, exactly as ``HandleEvent`` does. Each
task runs the interceptor chain, resolves the bindings, renders the TriggerTemplate, writes every
resource to ``out_dir/<eventID>/`` and records every decision in the :class:`EventLog` and the
JSON log.
"""

from __future__ import annotations

import asyncio
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from interceptor.emulator.bindings import BindingError, binding_params, event_document, resolve_params
from interceptor.emulator.chain import ChainOutcome, ChainRunner
from interceptor.emulator.events import EventLog, EventRecord, TriggerResult
from interceptor.emulator.model import EventListener, Manifests, Trigger, TriggerGroup, TriggerSelector
from interceptor.emulator.payload import go_header, payload_error
from interceptor.emulator.templates import find_template, render
from interceptor.gojson import Ordered, go_utf8, marshal

log = logging.getLogger("interceptor.emulator")


@dataclass(frozen=True)
class SinkReply:
    status: int
    body: str
    event_id: str = ""


@dataclass
class Sink:
    listener: EventListener
    manifests: Manifests
    chain: ChainRunner
    out_dir: Path
    events: EventLog = field(default_factory=EventLog)
    new_event_id: Callable[[], str] = lambda: str(uuid.uuid4())
    clock: Callable[[], float] = time.time
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    def accept(
        self, method: str, event_url: str, raw_headers: list[tuple[bytes, bytes]], body: bytes
    ) -> SinkReply:
        """Handle one incoming request synchronously up to the sender's reply."""
        el = self.listener
        if el.payload_validation:
            problem = payload_error(body)
            if problem is not None:
                log.info("payload validation failed", extra={"eventListener": el.name, "reason": problem})
                reply = Ordered(
                    eventListener=el.name, namespace=el.namespace, eventListenerUID="", errorMessage=problem
                )
                return SinkReply(400, marshal(reply) + "\n")
        event_id = self.new_event_id()
        record = EventRecord(event_id, method, event_url, self.clock())
        self.events.add(record)
        header = go_header(raw_headers)
        text = go_utf8(body)
        jobs: list[Any] = []
        for trigger in self.listener_triggers():
            result = TriggerResult(trigger.name, trigger.namespace, _trigger_id(trigger))
            jobs.append(self._process_trigger(record, result, trigger, text, header, None))
            record.results.append(result)
        for group in el.groups:
            result = TriggerResult(group.name, el.namespace, _group_id(el, group), kind="triggerGroup")
            record.results.append(result)
            jobs.append(self._process_group(record, result, group, text, header))
        log.info(
            "event received",
            extra={"eventID": event_id, "eventListener": el.name, "path": event_url, "jobs": len(jobs)},
        )
        for job in jobs:
            self._start(record, job)
        if not jobs:
            record.done.set()
        reply = Ordered(
            eventListener=el.name, namespace=el.namespace, eventListenerUID=el.uid, eventID=event_id
        )
        return SinkReply(202, marshal(reply) + "\n", event_id)

    def _start(self, record: EventRecord, job: Any) -> None:
        record.pending += 1
        task = asyncio.get_running_loop().create_task(job)
        self._tasks.add(task)

        def finished(done: asyncio.Task[None]) -> None:
            self._tasks.discard(done)
            record.pending -= 1
            if record.pending == 0:
                record.done.set()

        task.add_done_callback(finished)

    async def close(self) -> None:
        """Cancel what is still running (on shutdown)."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def listener_triggers(self) -> list[Trigger]:
        """Selected Trigger objects first, then ``spec.triggers`` (inline or ``triggerRef``)."""
        el = self.listener
        triggers = select_triggers(self.manifests, el.selector, el.namespace)
        for entry in el.triggers:
            if entry.inline is not None:
                triggers.append(entry.inline)
                continue
            found = self.manifests.triggers.get((el.namespace, entry.trigger_ref))
            if found is None:
                log.error(
                    f"Error getting Trigger {entry.trigger_ref} in Namespace {el.namespace}: "
                    f'trigger.triggers.tekton.dev "{entry.trigger_ref}" not found'
                )
                continue
            triggers.append(found)
        return triggers

    async def _process_group(
        self,
        record: EventRecord,
        result: TriggerResult,
        group: TriggerGroup,
        body: str,
        header: dict[str, list[str]],
    ) -> None:
        outcome = await self._run_chain(
            record, result, group.interceptors, body, header, None, self.listener.namespace
        )
        if not outcome.passed:
            return
        result.status = "passed"
        for trigger in select_triggers(self.manifests, group.selector, self.listener.namespace):
            child = TriggerResult(trigger.name, trigger.namespace, _trigger_id(trigger), group=group.name)
            record.results.append(child)
            seed = dict(outcome.extensions)
            self._start(record, self._process_trigger(record, child, trigger, body, outcome.header, seed))

    async def _process_trigger(
        self,
        record: EventRecord,
        result: TriggerResult,
        trigger: Trigger,
        body: str,
        header: dict[str, list[str]],
        seed: dict[str, Any] | None,
    ) -> None:
        outcome = await self._run_chain(
            record, result, trigger.interceptors, body, header, seed, trigger.namespace
        )
        if not outcome.passed:
            return
        context = {"eventID": record.event_id, "trigger": trigger.name, "namespace": trigger.namespace}
        if not trigger.template_ref and trigger.template_spec is None:
            self._fail(result, "No template or trigger processed", context)
            return
        try:
            template = find_template(trigger, self.manifests)
            document = event_document(outcome.body, outcome.header, outcome.extensions, record.event_id)
            params = resolve_params(binding_params(trigger, self.manifests), template, document)
            rendering = render(
                template, params, trigger=trigger, listener=self.listener.name, event_id=record.event_id
            )
        except BindingError as exc:
            self._fail(result, f"Failed to resolve trigger resources: {exc}", context)
            return
        result.params = [{"name": p.name, "value": p.value, "source": p.source} for p in params]
        result.warnings.extend(rendering.warnings)
        directory = self.out_dir / record.event_id
        for index, resource in enumerate(rendering.resources):
            result.resources.append(resource.summary())
            label = resource.name or resource.generate_name.rstrip("-") or "resource"
            path = directory / f"{trigger.name or 'trigger'}-{index}-{resource.kind.lower()}-{label}.yaml"
            await asyncio.to_thread(_write, path, resource.to_yaml())
            result.files.append(str(path))
        result.status = "created"
        log.info(
            "trigger rendered resources",
            extra={
                **context,
                "resources": [f"{r.kind}/{r.name or r.generate_name}" for r in rendering.resources],
                "files": result.files,
                "warnings": rendering.warnings,
            },
        )

    async def _run_chain(
        self,
        record: EventRecord,
        result: TriggerResult,
        uses: Any,
        body: str,
        header: dict[str, list[str]],
        seed: dict[str, Any] | None,
        namespace: str,
    ) -> ChainOutcome:
        outcome = await self.chain.run(
            uses, body=body, header=header, seed_extensions=seed, event_url=record.event_url,
            event_id=record.event_id, trigger_id=result.trigger_id, namespace=namespace,
        )  # fmt: skip
        result.steps, result.form_converted = outcome.steps, outcome.form_converted
        context = {"eventID": record.event_id, result.kind: result.name, "namespace": result.namespace}
        if outcome.error:
            self._fail(result, outcome.error, context)
        elif outcome.stopped_by is not None:
            stop = outcome.stopped_by
            result.status = "stopped"
            result.stop = {"interceptor": outcome.steps[-1].name, "code": stop.code, "message": stop.message}
            log.info(
                f"interceptor stopped trigger processing: {stop.status_error}",
                extra={**context, "interceptor": outcome.steps[-1].name},
            )
        return outcome

    def _fail(self, result: TriggerResult, message: str, context: dict[str, Any]) -> None:
        result.status, result.error = "error", message
        log.error(message, extra=context)


def select_triggers(manifests: Manifests, selector: TriggerSelector, default_namespace: str) -> list[Trigger]:
    """Tekton's ``retrieveTriggers``: ``["*"]`` = all namespaces; no namespaces and no label
    selector selects nothing; a label selector alone selects in ``default_namespace``."""
    if selector.namespaces == ("*",):
        namespaces = None
    elif selector.namespaces:
        namespaces = set(selector.namespaces)
    elif selector.labels is not None:
        namespaces = {default_namespace}
    else:
        return []
    return [
        trigger
        for (namespace, _), trigger in sorted(manifests.triggers.items())
        if (namespaces is None or namespace in namespaces)
        and (selector.labels is None or selector.labels.matches(trigger.labels))
    ]


def _trigger_id(trigger: Trigger) -> str:
    return f"namespaces/{trigger.namespace}/triggers/{trigger.name}"


def _group_id(listener: EventListener, group: TriggerGroup) -> str:
    return f"namespaces/{listener.namespace}/triggerGroups/{group.name}"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
