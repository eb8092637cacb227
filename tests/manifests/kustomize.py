"""A small kustomize renderer for the tests, so they need no kustomize binary.

It implements exactly the subset manifests/ and examples/ use (resources, components,
configMapGenerator with a stable name, JSON6902 patches with a target, images) and REFUSES any other
field, so a manifest change that needs more is caught here instead of being rendered wrongly.
When ``kubectl`` is installed the tests also compare its output with this one.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

Resource = dict[str, Any]

KUSTOMIZATION_KEYS = {
    "apiVersion",
    "kind",
    "resources",
    "components",
    "configMapGenerator",
    "patches",
    "images",
}


class KustomizeError(Exception):
    """The kustomization cannot be rendered (missing directory, unsupported field, bad patch)."""


def load_documents(path: Path) -> list[Resource]:
    """Every non-empty YAML document of ``path``."""
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc is not None]


def render(directory: Path) -> list[Resource]:
    """Render the Kustomization in ``directory``, like ``kustomize build``."""
    return _build(directory, expected_kind="Kustomization")


def _build(directory: Path, expected_kind: str) -> list[Resource]:
    kustomization = _read_kustomization(directory, expected_kind)
    resources: list[Resource] = []
    for entry in kustomization.get("resources", []):
        resources += _load_resource(directory / entry)
    for entry in kustomization.get("components", []):
        resources = _apply_component(directory / entry, resources)
    for generator in kustomization.get("configMapGenerator", []):
        resources.append(_config_map(directory, generator))
    for patch in kustomization.get("patches", []):
        _apply_patch(directory, patch, resources)
    for image in kustomization.get("images", []):
        _set_image(resources, image)
    _check_unique(resources, directory)
    return resources


def _read_kustomization(directory: Path, expected_kind: str) -> dict[str, Any]:
    path = directory / "kustomization.yaml"
    if not path.is_file():
        raise KustomizeError(f"{directory}: no kustomization.yaml (must build at directory)")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if data.get("kind", "Kustomization") != expected_kind:
        raise KustomizeError(f"{path}: expected kind {expected_kind}, got {data.get('kind')}")
    unsupported = sorted(set(data) - KUSTOMIZATION_KEYS)
    if unsupported:
        raise KustomizeError(f"{path}: fields not supported by the test renderer: {', '.join(unsupported)}")
    return data


def _load_resource(path: Path) -> list[Resource]:
    if path.is_dir():
        return _build(path, expected_kind="Kustomization")
    if not path.is_file():
        raise KustomizeError(f"resource {path} does not exist")
    return load_documents(path)


def _apply_component(directory: Path, resources: list[Resource]) -> list[Resource]:
    """A Component's resources join the parent's, then its patches apply to all of them."""
    component = _read_kustomization(directory, expected_kind="Component")
    combined = list(resources)
    for entry in component.get("resources", []):
        combined += _load_resource(directory / entry)
    for patch in component.get("patches", []):
        _apply_patch(directory, patch, combined)
    return combined


def _config_map(directory: Path, generator: dict[str, Any]) -> Resource:
    options = generator.get("options", {})
    if options.get("disableNameSuffixHash") is not True:
        raise KustomizeError(
            f"configMapGenerator {generator['name']}: the test renderer needs disableNameSuffixHash"
        )
    data = {}
    for entry in generator.get("files", []):
        key, _, file_name = entry.rpartition("=") if "=" in entry else (Path(entry).name, "", entry)
        data[key] = (directory / file_name).read_text(encoding="utf-8")
    metadata: dict[str, Any] = {"name": generator["name"]}
    if "namespace" in generator:
        metadata["namespace"] = generator["namespace"]
    if options.get("labels"):
        metadata["labels"] = dict(options["labels"])
    return {"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data}


def _apply_patch(directory: Path, spec: dict[str, Any], resources: list[Resource]) -> None:
    if "target" not in spec:
        raise KustomizeError(f"{directory}: the test renderer supports only targeted JSON6902 patches")
    text = (directory / spec["path"]).read_text(encoding="utf-8") if "path" in spec else spec["patch"]
    operations = yaml.safe_load(text)
    if not isinstance(operations, list):
        raise KustomizeError(f"{directory}: patch is not a JSON6902 list of operations")
    targets = [r for r in resources if _matches(r, spec["target"])]
    if not targets:
        raise KustomizeError(f"{directory}: patch target {spec['target']} matches no resource")
    for resource in targets:
        for operation in operations:
            _json_patch(resource, operation)


def _matches(resource: Resource, target: dict[str, Any]) -> bool:
    group, _, version = resource["apiVersion"].rpartition("/")
    checks = {
        "group": group,
        "version": version,
        "kind": resource["kind"],
        "name": resource["metadata"].get("name"),
        "namespace": resource["metadata"].get("namespace"),
    }
    for key, value in target.items():
        if key == "labelSelector":
            wanted = dict(pair.split("=", 1) for pair in value.split(","))
            labels = resource["metadata"].get("labels") or {}
            if any(labels.get(k) != v for k, v in wanted.items()):
                return False
        elif key not in checks:
            raise KustomizeError(f"patch target field {key!r} is not supported by the test renderer")
        elif checks[key] != value:
            return False
    return True


def _json_patch(document: Resource, operation: dict[str, Any]) -> None:
    """RFC 6902 add / replace / remove on ``document`` in place."""
    parts = [p.replace("~1", "/").replace("~0", "~") for p in operation["path"].split("/")[1:]]
    parent: Any = document
    for part in parts[:-1]:
        if isinstance(parent, list):
            parent = parent[int(part)]
        else:
            if operation["op"] == "add" and part not in parent:
                parent[part] = {}  # kustomize creates missing parents for add
            parent = parent[part]
    last, op = parts[-1], operation["op"]
    value = copy.deepcopy(operation.get("value"))
    if isinstance(parent, list):
        if op == "add":
            parent.insert(len(parent) if last == "-" else int(last), value)
        elif op == "replace":
            parent[int(last)] = value
        elif op == "remove":
            del parent[int(last)]
        else:
            raise KustomizeError(f"unsupported JSON6902 op {op!r}")
    elif op in ("add", "replace"):
        if op == "replace" and last not in parent:
            raise KustomizeError(f"replace of missing path {operation['path']}")
        parent[last] = value
    elif op == "remove":
        del parent[last]
    else:
        raise KustomizeError(f"unsupported JSON6902 op {op!r}")


def _set_image(resources: list[Resource], image: dict[str, Any]) -> None:
    for resource in resources:
        for container in _containers(resource):
            name, _, _tag = container["image"].partition(":")
            if name == image["name"]:
                container["image"] = f"{image.get('newName', name)}:{image['newTag']}"


def _containers(resource: Resource) -> list[dict[str, Any]]:
    spec = resource.get("spec") or {}
    pod = (spec.get("template") or {}).get("spec") or spec
    return [*(pod.get("containers") or []), *(pod.get("initContainers") or [])]


def _check_unique(resources: list[Resource], directory: Path) -> None:
    seen: set[tuple[str, str, str]] = set()
    for resource in resources:
        key = (resource["kind"], resource["metadata"].get("namespace", ""), resource["metadata"]["name"])
        if key in seen:
            raise KustomizeError(f"{directory}: resource {key} is defined twice")
        seen.add(key)
