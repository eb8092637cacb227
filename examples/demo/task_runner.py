"""Run a Tekton Task of ``examples/tekton/tasks.yaml`` on this machine, step by step.

Steps that use the service's image run their real ``script`` with ``/bin/sh`` (so the demo runs
exactly the ``interceptor context …`` and ``interceptor event post …`` commands a cluster would,
with the same environment). Steps that need the network or a cluster (``git``, kaniko,
``kubectl``) are replaced by a stand-in from :mod:`examples.demo.step_stand_ins`. A failing step
ends the Task, as in Tekton.

What stands in for the cluster is a :class:`Cluster`: Secret values for ``secretKeyRef``, local
directories for ConfigMap volumes, and URL rewrites for cluster DNS names.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from examples.demo.errors import DemoError
from examples.demo.step_stand_ins import STAND_INS, StepContext
from examples.demo.substitution import Value, resolve_params, split_values, substitute, substitute_list

STEP_TIMEOUT_SECONDS = 120.0


@dataclass(frozen=True)
class Cluster:
    workdir: Path
    bin_dir: Path  # holds the `interceptor` command the steps call
    service_image: str  # steps with this image (any tag) run for real
    secrets: Mapping[str, Mapping[str, str]]  # Secret name → key → value
    config_maps: Mapping[str, Path]  # ConfigMap name → directory of its files
    urls: Mapping[str, str]  # cluster URL → local URL (the EventListener's Service)


@dataclass
class StepOutcome:
    task: str  # the pipeline task's name (or the Task's, for a TaskRun)
    step: str
    image: str
    exit_code: int
    commands: list[str] = field(default_factory=list)  # the `interceptor …` commands, from `sh -x`
    output: str = ""
    stand_in: str = ""  # what the stand-in did, for steps that were not run

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


@dataclass
class TaskOutcome:
    name: str  # the TaskRun's name
    task: str
    steps: list[StepOutcome]
    results: dict[str, str]

    @property
    def ok(self) -> bool:
        return all(step.ok for step in self.steps)


class TaskRunner:
    def __init__(self, tasks: Mapping[str, Mapping[str, Any]], cluster: Cluster) -> None:
        self._tasks = tasks
        self._cluster = cluster

    def run(
        self,
        task_name: str,
        given: Mapping[str, Value],
        workspaces: Mapping[str, Path],
        taskrun_name: str,
        after_step: Callable[[StepOutcome], None] | None = None,
        label: str = "",
    ) -> TaskOutcome:
        """Run every step in order; ``after_step(StepOutcome)`` is called after each one.
        ``label`` names the task in the outcome (the pipeline task's name; default the Task's)."""
        if task_name not in self._tasks:
            raise DemoError(f"TaskRun {taskrun_name}: no Task named {task_name!r} in examples/tekton")
        spec = self._tasks[task_name]["spec"]
        where = f"Task {task_name}"
        params = resolve_params(spec.get("params") or [], given, where)
        run_dir = self._cluster.workdir / "taskruns" / taskrun_name
        results_dir = run_dir / "results"
        results_dir.mkdir(parents=True, exist_ok=True)
        values, arrays = split_values(params)
        for workspace in spec.get("workspaces") or []:
            if workspace["name"] not in workspaces:
                raise DemoError(f"{where}: workspace {workspace['name']!r} was not bound")
            values[f"workspaces.{workspace['name']}.path"] = str(workspaces[workspace["name"]])
        for result in spec.get("results") or []:
            values[f"results.{result['name']}.path"] = str(results_dir / result["name"])
        values["context.taskRun.name"] = taskrun_name
        volumes = self._volumes(spec.get("volumes") or [], run_dir, where)
        template_env = (spec.get("stepTemplate") or {}).get("env") or []
        steps: list[StepOutcome] = []
        for step in spec["steps"]:
            step_where = f"{where} step {step['name']}"
            mounts = {m["mountPath"]: volumes[m["name"]] for m in step.get("volumeMounts") or []}
            env = self._env([*template_env, *(step.get("env") or [])], values, step_where)
            outcome = self._run_step(
                task_name, step, values, arrays, mounts, env, run_dir, params, workspaces
            )
            outcome.task = label or task_name
            steps.append(outcome)
            if after_step is not None:
                after_step(outcome)
            if not outcome.ok:
                break
        results = {p.name: p.read_text(encoding="utf-8") for p in sorted(results_dir.iterdir())}
        return TaskOutcome(taskrun_name, task_name, steps, results)

    def _volumes(self, declared: list[Mapping[str, Any]], run_dir: Path, where: str) -> dict[str, Path]:
        volumes: dict[str, Path] = {}
        for volume in declared:
            if "configMap" in volume:
                name = volume["configMap"]["name"]
                if name not in self._cluster.config_maps:
                    raise DemoError(f"{where}: ConfigMap {name!r} is not provided by the demo")
                volumes[volume["name"]] = self._cluster.config_maps[name]
            elif "emptyDir" in volume:
                path = run_dir / "volumes" / volume["name"]
                path.mkdir(parents=True, exist_ok=True)
                volumes[volume["name"]] = path
            else:
                raise DemoError(f"{where}: volume {volume['name']!r} has a kind the demo cannot provide")
        return volumes

    def _env(self, entries: list[Mapping[str, Any]], values: Mapping[str, str], where: str) -> dict[str, str]:
        env: dict[str, str] = {}
        for entry in entries:  # later entries (the step's own) override the stepTemplate's
            if "value" in entry:
                value = substitute(str(entry["value"]), values, where)
                env[entry["name"]] = self._cluster.urls.get(value, value)
                continue
            ref = (entry.get("valueFrom") or {}).get("secretKeyRef") or {}
            secret = self._cluster.secrets.get(ref.get("name", ""), {})
            if ref.get("key") not in secret:
                raise DemoError(
                    f"{where}: env {entry['name']} needs Secret {ref.get('name')}/{ref.get('key')}"
                )
            env[entry["name"]] = secret[ref["key"]]
        return env

    def _run_step(
        self,
        task_name: str,
        step: Mapping[str, Any],
        values: Mapping[str, str],
        arrays: Mapping[str, list[str]],
        mounts: Mapping[str, Path],
        env: dict[str, str],
        run_dir: Path,
        params: Mapping[str, Value],
        workspaces: Mapping[str, Path],
    ) -> StepOutcome:
        name, image = step["name"], step["image"]
        where = f"Task {task_name} step {name}"
        if image.rpartition(":")[0] != self._cluster.service_image:
            stand_in = STAND_INS.get((task_name, name))
            if stand_in is None:
                raise DemoError(f"{where}: image {image} cannot run here and the demo has no stand-in for it")
            context = StepContext(dict(env), dict(params), dict(mounts), dict(workspaces))
            description = stand_in(context)
            return StepOutcome(task_name, name, image, 0, stand_in=description)
        script = _mount(substitute(step["script"], values, where), mounts)
        args = [_mount(arg, mounts) for arg in substitute_list(step.get("args") or [], values, arrays, where)]
        script_path = run_dir / "scripts" / f"{name}.sh"
        script_path.parent.mkdir(parents=True, exist_ok=True)
        script_path.write_text(script, encoding="utf-8")
        full_env = {**env, "PATH": f"{self._cluster.bin_dir}:/usr/local/bin:/usr/bin:/bin"}
        try:
            done = subprocess.run(
                ["/bin/sh", "-x", str(script_path), *args],
                env=full_env,
                cwd=run_dir,
                capture_output=True,
                text=True,
                timeout=STEP_TIMEOUT_SECONDS,
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise DemoError(f"{where} did not finish within {STEP_TIMEOUT_SECONDS:g} s") from exc
        commands, other = _split_trace(done.stderr)
        output = "\n".join(part for part in (done.stdout.strip(), other) if part)
        return StepOutcome(task_name, name, image, done.returncode, commands=commands, output=output)


def _mount(text: str, mounts: Mapping[str, Path]) -> str:
    """Volume mount paths (``/ctx``, ``/etc/cicd/bases``) → the local directories behind them."""
    if not mounts:
        return text
    pattern = "|".join(re.escape(path) for path in sorted(mounts, key=len, reverse=True))
    return re.sub(rf"(?<![\w.\-/])({pattern})(?![\w.\-])", lambda m: str(mounts[m.group(1)]), text)


def _split_trace(stderr: str) -> tuple[list[str], str]:
    """``sh -x`` trace lines of ``interceptor`` commands, and every other stderr line."""
    commands: list[str] = []
    other: list[str] = []
    for line in stderr.splitlines():
        if line.startswith("+ "):
            if line.startswith("+ interceptor "):
                commands.append(line[2:])
            continue
        other.append(line)
    return commands, "\n".join(other).strip()
