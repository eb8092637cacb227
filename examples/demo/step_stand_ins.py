"""Stand-ins for the Task steps that need a network or a cluster: ``git clone``, kaniko, ``kubectl``.

Each stand-in does the part of its step that later steps depend on (the ``start`` clone leaves the
app's ``app-pipeline-config.yaml`` and a commit id in the workspace) and says what the real step
would have done. The values they report come from sourcing the context files that the previous
``interceptor context load`` step wrote, with ``/bin/sh``, as the real scripts do.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from examples.demo.errors import DemoError

APP_DIR = Path(__file__).resolve().parents[1] / "tekton" / "app"


@dataclass(frozen=True)
class StepContext:
    env: dict[str, str]
    params: Mapping[str, object]
    mounts: dict[str, Path]  # mountPath → local directory
    workspaces: dict[str, Path]

    def workspace(self, name: str = "source") -> Path:
        return self.workspaces[name]


def sourced(files: list[Path], *names: str) -> dict[str, str]:
    """The values of ``names`` after ``. file`` for each file (what the real scripts see)."""
    if not files:
        raise DemoError("no sourceable context file (*.sh) was written by `interceptor context load`")
    script = 'for f in "$@"; do . "$f"; done; printf "%s\\0" ' + " ".join(f'"${{{n}-}}"' for n in names)
    done = subprocess.run(
        ["/bin/sh", "-c", script, "sh", *map(str, files)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise DemoError(f"sourcing {', '.join(map(str, files))} failed: {done.stderr.strip()}")
    return dict(zip(names, done.stdout.split("\0")[: len(names)], strict=True))


def commit_id(clone_url: str, tag: str) -> str:
    """A stable, made-up commit id for the tag (a real clone would read it from git)."""
    return hashlib.sha1(f"{clone_url}@{tag}".encode()).hexdigest()  # noqa: S324 - an id, not security


def clone_app(step: StepContext) -> str:
    """cicd-start/clone: the app repository's config, and the commit id the next step reads."""
    workspace = step.workspace()
    shutil.copytree(APP_DIR, workspace / "app", dirs_exist_ok=True)
    commit = commit_id(step.env["GIT_CLONE_URL"], step.env["APP_TAG"])
    (workspace / "commit-id").write_text(commit + "\n", encoding="utf-8")
    return (
        f"git clone --branch {step.env['APP_TAG']} {step.env['GIT_CLONE_URL']} "
        f"→ stand-in: copied examples/tekton/app/, commit {commit[:7]}"
    )


def clone_source(step: StepContext) -> str:
    """cicd-build/clone: reads the tag and URL from the loaded context, as the script does."""
    found = sourced(
        sorted((step.workspace() / "ctx").glob("*.sh")), "CICD_state__appTag", "CICD_state__gitCloneUrl"
    )
    return f"git clone --branch {found['CICD_state__appTag']} {found['CICD_state__gitCloneUrl']} → stand-in: not cloned"


def build_and_push(step: StepContext) -> str:
    """cicd-build/build-and-push: kaniko would push variables.imageRef."""
    found = sourced(sorted((step.workspace() / "ctx").glob("*.sh")), "CICD_variables__imageRef")
    if not found["CICD_variables__imageRef"]:
        raise DemoError("cicd-build: CICD_variables__imageRef is empty in the loaded context")
    return f"kaniko --destination={found['CICD_variables__imageRef']} → stand-in: not built"


def apply_deployment(step: StepContext) -> str:
    """cicd-deploy/apply: kubectl would roll the image out to the context's target namespace."""
    names = (
        "CICD_pipelines__deploy__deployTask__targetNamespace",
        "CICD_state__gitAppName",
        "CICD_variables__imageRef",
    )
    found = sourced(sorted(step.mounts["/ctx"].glob("*.sh")), *names)
    namespace, app, image = (found[n] for n in names)
    if not (namespace and app and image):
        raise DemoError(
            f"cicd-deploy: the loaded context lacks {', '.join(n for n in names if not found[n])}"
        )
    return f"kubectl -n {namespace} apply deployment/{app} --image={image} → stand-in: not applied"


STAND_INS: dict[tuple[str, str], Callable[[StepContext], str]] = {
    ("cicd-start", "clone"): clone_app,
    ("cicd-build", "clone"): clone_source,
    ("cicd-build", "build-and-push"): build_and_push,
    ("cicd-deploy", "apply"): apply_deployment,
}
