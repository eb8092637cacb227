"""``interceptor emulate`` as a user runs it: a subprocess on a free port."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import signal
import sys
from pathlib import Path

import aiohttp
import pytest
import yaml

from interceptor.emulator.options import EmulatorOptions, load
from tests.emulator.conftest import write_manifests

REPO = Path(__file__).resolve().parents[2]
LISTENER = """
apiVersion: triggers.tekton.dev/v1beta1
kind: EventListener
metadata: {name: gh, namespace: ci}
spec:
  triggers:
    - name: push
      interceptors:
        - ref: {name: github}
          params:
            - {name: secretRef, value: {secretName: hook, secretKey: token}}
            - {name: eventTypes, value: [push]}
      bindings: [{ref: push}]
      template: {ref: build}
---
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerBinding
metadata: {name: push, namespace: ci}
spec:
  params: [{name: revision, value: $(body.after)}]
---
apiVersion: triggers.tekton.dev/v1beta1
kind: TriggerTemplate
metadata: {name: build, namespace: ci}
spec:
  params: [{name: revision}]
  resourcetemplates:
    - apiVersion: tekton.dev/v1
      kind: PipelineRun
      metadata: {generateName: build-}
      spec: {params: [{name: revision, value: $(tt.params.revision)}]}
"""


@pytest.mark.parametrize(("secret", "status"), [("s3cret", "created"), ("wrong", "stopped")])
async def test_cli_serves_until_sigterm(tmp_path: Path, secret: str, status: str) -> None:
    manifests = write_manifests(tmp_path / "manifests", LISTENER)
    out = tmp_path / "out"
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "interceptor", "emulate", "--manifests", str(manifests), "--port", "0",
        "--out", str(out), "--secret", f"ci/hook/token={secret}",
        cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    try:
        assert process.stdout is not None
        first = (await asyncio.wait_for(process.stdout.readline(), 30)).decode()
        assert first.startswith("emulating EventListener ci/gh on http://127.0.0.1:"), first
        base = first.split(" on ")[1].strip().rstrip("/")
        body = b'{"after": "abc123", "ref": "refs/heads/main"}'
        signature = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
        headers = {
            "Content-Type": "application/json",
            "X-GitHub-Event": "push",
            "X-Hub-Signature-256": signature,
        }
        async with aiohttp.ClientSession() as session:
            async with session.post(base + "/", data=body, headers=headers) as reply:
                assert reply.status == 202
                event_id = (await reply.json())["eventID"]
            async with session.get(f"{base}/emulator/events/{event_id}?wait=1") as reply:
                (trigger,) = (await reply.json())["triggers"]
        assert trigger["status"] == status
        if status == "created":
            (written,) = list((out / event_id).glob("*.yaml"))
            assert yaml.safe_load(written.read_text())["spec"]["params"] == [
                {"name": "revision", "value": "abc123"}
            ]
        else:
            assert trigger["stop"] == {
                "interceptor": "github",
                "code": 9,
                "message": "payload signature check failed",
            }
    finally:
        process.send_signal(signal.SIGTERM)
        _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 0
    logged = stderr.decode()
    if status == "stopped":
        assert (
            "interceptor stopped trigger processing: rpc error: code = FailedPrecondition "
            "desc = payload signature check failed" in logged
        )
    assert secret not in logged


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--manifests", "/nonexistent-dir"], "--manifests /nonexistent-dir: not a directory"),
        (["--manifests", "MANIFESTS", "--resolve", "bad"], "--resolve 'bad': expected NAME=URL"),
        (["--manifests", "MANIFESTS", "--secret", "ci/x=1"], "--secret: expected NAMESPACE/NAME/KEY=VALUE"),
    ],
)
async def test_cli_refuses_bad_options_with_one_line(tmp_path: Path, args: list[str], message: str) -> None:
    manifests = write_manifests(tmp_path / "manifests", LISTENER)
    argv = [str(manifests) if a == "MANIFESTS" else a for a in args]
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "interceptor", "emulate", *argv, "--port", "0",
        cwd=REPO, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    _, stderr = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 2
    lines = stderr.decode().strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_the_project_example_loads() -> None:
    """examples/tekton (our own EventListener) with our ClusterInterceptors from manifests/base."""
    example, base = REPO / "examples" / "tekton", REPO / "manifests" / "base"
    if not (example / "eventlistener.yaml").exists() or not base.is_dir():
        pytest.skip("examples/tekton is not in this checkout")
    loaded = load(EmulatorOptions((example, base)))
    used = {use.ref_name for t in loaded.listener.triggers if t.inline for use in t.inline.interceptors}
    assert {"cicd-slack", "cicd-context", "cicd-event", "cicd-cel", "cel", "github"} <= used
    assert {"cicd-slack", "cicd-context", "cicd-event", "cicd-cel"} <= set(
        loaded.manifests.cluster_interceptors
    )
