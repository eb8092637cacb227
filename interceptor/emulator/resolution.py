"""Where an interceptor ref sends its InterceptorRequest (Tekton §2.3), plus local overrides.

Tekton's order: ``status.address.url`` if set, else ``clientConfig.url`` verbatim, else the
Service URL ``http://<svc>.<ns>.svc:<port or 80>/<path>`` (``https`` and 8443 with a caBundle).

``--resolve`` maps names to local addresses, in two forms:

* ``NAME=URL`` where NAME has no dot: the (Cluster)Interceptor called NAME is sent to URL
  verbatim (this also overrides the in-process core interceptors ``cel``, ``github``, ...).
* ``SERVICE.NAMESPACE=BASE`` where the key has a dot: every Service URL for that Service keeps
  its path and is sent to ``BASE + path`` (webhook ``objectRef`` services too).

Core interceptor names that are not overridden run in-process, whether or not a ClusterInterceptor
of that name is among the manifests (the core server owns those objects in a real cluster).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from interceptor.emulator.model import (
    CLUSTER_INTERCEPTOR,
    CORE_INTERCEPTORS,
    InterceptorObject,
    InterceptorUse,
    Manifests,
)
from interceptor.errors import ConfigError


class ResolutionError(Exception):
    """URL resolution failed; the message is Tekton's (``url resolution failed for ...``)."""


@dataclass(frozen=True)
class Target:
    """``url`` for an HTTP interceptor; ``core`` names an in-process core interceptor."""

    url: str = ""
    core: str = ""


def parse_resolve_options(options: list[str]) -> dict[str, str]:
    """``["cicd-cel=http://127.0.0.1:8080/interceptors/cel", ...]`` → mapping; bad entries raise."""
    mapping: dict[str, str] = {}
    for option in options:
        name, sep, url = option.partition("=")
        if not sep or not name or not url:
            raise ConfigError(f"--resolve {option!r}: expected NAME=URL (or SERVICE.NAMESPACE=BASE-URL)")
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"--resolve {option!r}: the URL must start with http:// or https://")
        mapping[name] = url
    return mapping


class Resolver:
    """Turns an interceptor ref into a :class:`Target` using the manifests and ``--resolve``."""

    def __init__(self, manifests: Manifests, overrides: Mapping[str, str]) -> None:
        self._manifests = manifests
        self._overrides = dict(overrides)

    def resolve(self, use: InterceptorUse, listener_namespace: str) -> Target:
        name = use.ref_name
        if name in self._overrides:
            return Target(url=self._overrides[name])
        if use.ref_kind == CLUSTER_INTERCEPTOR:
            if name in CORE_INTERCEPTORS:
                return Target(core=name)
            found = self._manifests.cluster_interceptors.get(name)
            if found is None:
                raise ResolutionError(
                    f"url resolution failed for interceptor {name} with: "
                    f'clusterinterceptor.triggers.tekton.dev "{name}" not found'
                )
        else:  # a namespaced Interceptor is looked up in the EventListener's namespace
            found = self._manifests.interceptors.get((listener_namespace, name))
            if found is None:
                raise ResolutionError(
                    f"url resolution failed for interceptor {name} with: "
                    f'interceptor.triggers.tekton.dev "{name}" not found'
                )
        return Target(url=self.object_url(found))

    def object_url(self, obj: InterceptorObject) -> str:
        if obj.status_url:
            return obj.status_url
        if obj.url:
            return obj.url
        if not obj.service_name:
            raise ResolutionError(
                f"url resolution failed for interceptor {obj.name} with: interceptor URL was nil"
            )
        path = (
            obj.service_path
            if obj.service_path.startswith("/") or not obj.service_path
            else "/" + obj.service_path
        )
        return self.service_url(
            obj.service_name, obj.service_namespace, path, obj.service_port, bool(obj.ca_bundle)
        )

    def service_url(self, name: str, namespace: str, path: str, port: int | None, tls: bool) -> str:
        """The cluster URL of a Service, or its ``--resolve SERVICE.NAMESPACE=BASE`` replacement."""
        base = self._overrides.get(f"{name}.{namespace}")
        if base is not None:
            return base.rstrip("/") + (path or "/")
        scheme, default_port = ("https", 8443) if tls else ("http", 80)
        return f"{scheme}://{name}.{namespace}.svc:{port or default_port}{path}"
