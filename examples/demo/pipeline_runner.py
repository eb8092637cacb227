"""Run a PipelineRun (or TaskRun) that the EventListener emulator rendered, like Tekton would.

The run's Pipeline comes from ``examples/tekton/pipelines.yaml``. Its tasks run one after the
other in ``runAfter`` order, each through the :class:`TaskRunner`; a failed task skips the rest,
then the ``finally`` tasks run whose ``when`` expressions hold (``$(tasks.status)`` is
``Succeeded`` or ``Failed``). Params flow as in Tekton: ``$(params.x)``,
``$(context.pipelineRun.name)`` and ``$(tasks.<task>.results.<name>)``.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from examples.demo.errors import DemoError
from examples.demo.substitution import Value, resolve_params, split_values, substitute, substitute_list
from examples.demo.task_runner import StepOutcome, TaskOutcome, TaskRunner

NAME_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits


@dataclass
class RunOutcome:
    kind: str  # PipelineRun or TaskRun
    name: str
    target: str  # the Pipeline's or Task's name
    params: dict[str, Value]
    tasks: list[TaskOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(task.ok for task in self.tasks)


def load_objects(directory: Path, kind: str) -> dict[str, dict[str, Any]]:
    """Every object of ``kind`` in the directory's YAML files, by ``metadata.name``."""
    found: dict[str, dict[str, Any]] = {}
    for path in sorted(directory.glob("*.yaml")):
        for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
            if isinstance(document, dict) and document.get("kind") == kind:
                found[document["metadata"]["name"]] = document
    return found


def generated_name(resource: Mapping[str, Any]) -> str:
    """``metadata.name``, or ``generateName`` plus five random characters (the API server's rule)."""
    metadata = resource.get("metadata") or {}
    if metadata.get("name"):
        return str(metadata["name"])
    suffix = "".join(secrets.choice(NAME_SUFFIX_ALPHABET) for _ in range(5))
    return f"{metadata.get('generateName', 'run-')}{suffix}"


class PipelineRunner:
    def __init__(self, pipelines: Mapping[str, Mapping[str, Any]], tasks: TaskRunner, workdir: Path) -> None:
        self._pipelines = pipelines
        self._tasks = tasks
        self._workdir = workdir

    def run(
        self, resource: Mapping[str, Any], after_step: Callable[[StepOutcome], None] | None = None
    ) -> RunOutcome:
        kind = resource.get("kind")
        name = generated_name(resource)
        spec = resource.get("spec") or {}
        given = {p["name"]: _value(p["value"]) for p in spec.get("params") or []}
        if kind == "TaskRun":
            task = spec["taskRef"]["name"]
            outcome = RunOutcome("TaskRun", name, task, dict(given))
            outcome.tasks.append(self._tasks.run(task, given, {}, name, after_step))
            return outcome
        if kind != "PipelineRun":
            raise DemoError(f"cannot run a {kind}: only PipelineRuns and TaskRuns")
        pipeline_name = spec["pipelineRef"]["name"]
        if pipeline_name not in self._pipelines:
            raise DemoError(f"PipelineRun {name}: no Pipeline named {pipeline_name!r} in examples/tekton")
        pipeline = self._pipelines[pipeline_name]["spec"]
        params = resolve_params(pipeline.get("params") or [], given, f"Pipeline {pipeline_name}")
        outcome = RunOutcome("PipelineRun", name, pipeline_name, params)
        workspaces = {}
        for workspace in pipeline.get("workspaces") or []:
            path = self._workdir / "pipelineruns" / name / "workspaces" / workspace["name"]
            path.mkdir(parents=True, exist_ok=True)
            workspaces[workspace["name"]] = path
        values, arrays = split_values(params)
        values["context.pipelineRun.name"] = name
        for task in _in_order(pipeline.get("tasks") or []):
            if not outcome.ok:
                outcome.skipped.append(task["name"])
                continue
            outcome.tasks.append(self._run_task(task, name, values, arrays, workspaces, after_step))
        values["tasks.status"] = "Succeeded" if outcome.ok else "Failed"
        for task in pipeline.get("finally") or []:
            if _when_holds(task.get("when") or [], values, f"{pipeline_name} finally {task['name']}"):
                outcome.tasks.append(self._run_task(task, name, values, arrays, workspaces, after_step))
            else:
                outcome.skipped.append(task["name"])
        return outcome

    def _run_task(
        self,
        task: Mapping[str, Any],
        run_name: str,
        values: dict[str, str],
        arrays: Mapping[str, list[str]],
        workspaces: Mapping[str, Path],
        after_step: Callable[[StepOutcome], None] | None,
    ) -> TaskOutcome:
        where = f"PipelineRun {run_name} task {task['name']}"
        given: dict[str, Value] = {}
        for param in task.get("params") or []:
            value = param["value"]
            if isinstance(value, list):
                given[param["name"]] = substitute_list([str(v) for v in value], values, arrays, where)
            else:
                given[param["name"]] = substitute(str(value), values, where)
        bound = {w["name"]: workspaces[w["workspace"]] for w in task.get("workspaces") or []}
        outcome = self._tasks.run(
            task["taskRef"]["name"],
            given,
            bound,
            f"{run_name}-{task['name']}",
            after_step,
            label=task["name"],
        )
        for result, text in outcome.results.items():
            values[f"tasks.{task['name']}.results.{result}"] = text
        return outcome


def _value(value: Any) -> Value:
    return [str(v) for v in value] if isinstance(value, list) else str(value)


def _in_order(tasks: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Tasks in an order that honours ``runAfter`` (stable for independent tasks)."""
    pending = list(tasks)
    done: set[str] = set()
    ordered: list[Mapping[str, Any]] = []
    while pending:
        ready = next((t for t in pending if set(t.get("runAfter") or []) <= done), None)
        if ready is None:
            raise DemoError(f"runAfter cycle or unknown task among {[t['name'] for t in pending]}")
        pending.remove(ready)
        ordered.append(ready)
        done.add(ready["name"])
    return ordered


def _when_holds(expressions: Iterable[Mapping[str, Any]], values: Mapping[str, str], where: str) -> bool:
    for expression in expressions:
        actual = substitute(str(expression["input"]), values, where)
        inside = actual in [str(v) for v in expression.get("values") or []]
        if inside != (expression.get("operator", "in") == "in"):
            return False
    return True
