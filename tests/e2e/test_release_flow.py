"""``make demo``'s release flow, end to end: every expected step happens, in order, exactly once."""

from __future__ import annotations

import pytest

from examples.demo.expectations import EXPECTATIONS
from tests.e2e.conftest import Played

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("name", [name for name, _ in EXPECTATIONS])
def test_expected_step_happened(played: Played, name: str) -> None:
    (outcome,) = [o for o in played.outcomes if o.name == name]
    assert outcome.ok, f"{name}: {outcome.detail}\n\n{played.timeline}"


@pytest.mark.parametrize(
    ("target", "trigger", "context_name"),
    [
        ("start", "git-tag-push", "dev"),
        ("build", "trigger-pipeline-build", "dev"),
        ("deploy", "slack-deploy", "dev"),
        ("start", "slack-promote", "prod"),
    ],
)
def test_each_run_was_created_once_by_its_trigger(
    played: Played, target: str, trigger: str, context_name: str
) -> None:
    runs = [(c, r) for c, r in played.record.runs_of(target) if c.trigger == trigger]
    assert len(runs) == 1, played.timeline
    created, outcome = runs[0]
    assert outcome.ok
    labels = created.resource["metadata"]["labels"]
    assert labels["cicd.example.com/context"] == context_name
    assert labels["triggers.tekton.dev/trigger"] == trigger


def test_runs_happen_in_release_order(played: Played) -> None:
    order = [(r.target, c.params.get("cicdContextName")) for c, r in played.record.runs]
    assert order == [("start", "dev"), ("build", "dev"), ("deploy", "dev"), ("start", "prod")]


@pytest.mark.parametrize(
    ("pipeline", "commands"),
    [
        ("start", ["interceptor context init", "interceptor event post", "interceptor event post"]),
        ("build", ["interceptor event post", "interceptor context load", "interceptor event post"]),
        ("deploy", ["interceptor event post", "interceptor context load", "interceptor event post"]),
    ],
)
def test_task_steps_ran_the_cli_commands_of_the_tasks(
    played: Played, pipeline: str, commands: list[str]
) -> None:
    _, outcome = played.record.runs_of(pipeline)[0]
    ran = [c for task in outcome.tasks for step in task.steps for c in step.commands]
    assert [" ".join(c.split()[:3]) for c in ran] == commands


def test_contexts_are_linked_and_audited(played: Played) -> None:
    contexts = {doc["state"]["cicdContextName"]: (cid, doc) for cid, doc in played.record.contexts.items()}
    dev_id, dev = contexts["dev"]
    prod_id, prod = contexts["prod"]
    assert prod_id == dev_id.replace("-dev-", "-prod-")
    assert prod["state"]["appTag"] == dev["state"]["appTag"] == played.record.release.tag
    (start_run,) = prod["state"]["start"].values()
    assert start_run["params"]["relatedCicdContextDataId"] == dev_id
    assert dev["state"]["approvals"]["dev"]["approvedBy"] == played.record.clicks[0].user.id


def test_timeline_shows_triggers_params_and_slack(played: Played) -> None:
    for expected in (
        "✓ trigger git-tag-push → PipelineRun start-dev-orders-",
        "✓ trigger trigger-pipeline-build → PipelineRun build-dev-orders-",
        "✓ trigger slack-deploy → PipelineRun deploy-dev-orders-",
        "✓ trigger slack-promote → PipelineRun start-prod-orders-",
        "params: appTag=2.7.0, cicdContextName=dev",
        "✉ Slack response_url #orders-release-dev (replace_original)",
        "[buttons: Apply 2.7.0 to: apps-prod]",
    ):
        assert expected in played.timeline
