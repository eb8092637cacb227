"""Configuration files for one benchmark run, all under the run's work directory.

One cicdstatemgr ``config.yaml`` + ``secrets.yaml`` pair (Redis primary, yamlfile local cache, as
cicdstatemgr needs) serves BOTH CLIs: ours accepts a cicdstatemgr config as-is and maps
``datasources.redis`` to its store URL. The service gets its own config (server, store, Slack,
listener) beside the same ``cicdstatemgr:`` subtree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from payloads import LISTENER_SECRET, SIGNING_SECRET

REDIS_HOST = "127.0.0.1"
REDIS_PORT = 6379

NOTIFY_TEMPLATE = """{
  "channel": {{ (notify.channel or channel) | tojson }},
  "text": {{ notify.message | tojson }}
}"""

APP_CONFIG: dict[str, Any] = {
    "bases": ["core.yaml"],
    "variables": {"imageRef": "registry.local/{{ state.appName }}:{{ state.appTag }}"},
    "cicd-contexts": {
        "dev": {
            "channel": "C06B4N7R2PD",
            "pipelines": {
                "deploy": {
                    "deployTask": {"targetNamespace": "apps-dev"},
                    "event-handlers": {
                        "success": {
                            "notify": {"message": "{{ state.appName }} {{ state.appTag }} deployed to dev"},
                            "set-values": {"set": [{"from": "deployed", "to": "state.deployStatus"}]},
                        }
                    },
                }
            },
        }
    },
}
BASE_CORE: dict[str, Any] = {
    "jinja2-macros": {"tagOf": "{%- macro tagOf() -%}{{ state.appTag }}{%- endmacro -%}"},
    "cicd-contexts": {"dev": {"channel": "C00BASE"}},
}


@dataclass(frozen=True)
class Files:
    config: Path  # cicdstatemgr's config.yaml, also valid for our CLI
    secrets: Path
    app_config: Path
    bases_dir: Path
    local_dir: Path  # where cicdstatemgr's yamlfile/jsonfile cache lives


def _dump(path: Path, data: Any) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def cicdstatemgr_subtree(slack_url: str, local_dir: Path) -> dict[str, Any]:
    return {
        "datasources": {
            "redis": {"host": REDIS_HOST, "port": REDIS_PORT, "db": 0, "isPrimary": True},
            "yamlfile": {"path": str(local_dir / "cicdContextData.yaml"), "isPrimary": False},
            "jsonfile": {"path": str(local_dir / "cicdContextData.json"), "isPrimary": False},
            "shellfile": {
                "path": str(local_dir / "cicdContextData.sh"),
                "isPrimary": False,
                "excludeKeyNames": ["jinja2Macros"],
            },
            "idfile": {"path": str(local_dir / "cicdContextDataId"), "isPrimary": False},
        },
        "slack": {"url": slack_url, "orgUrl": "https://northwind.slack.com"},
        "templates": {"notify": NOTIFY_TEMPLATE},
    }


def cli_files(work: Path, slack_url: str) -> Files:
    """The cicdstatemgr config pair, the app config and its bases dir."""
    local = work / "local"
    local.mkdir(parents=True, exist_ok=True)
    config = _dump(work / "config.yaml", {"cicdstatemgr": cicdstatemgr_subtree(slack_url, local)})
    secrets = _dump(work / "secrets.yaml", {"cicdstatemgr": {"slack": {"token": "bench-bot-token"}}})
    bases = work / "bases"
    _dump(bases / "core.yaml", BASE_CORE)
    app = _dump(work / "app-pipeline-config.yaml", APP_CONFIG)
    return Files(config, secrets, app, bases, local)


def service_config(
    work: Path,
    name: str,
    *,
    store_url: str,
    listener_url: str,
    slack_api: str,
    deadline: float = 3.0,
) -> Path:
    """The service's config: our keys beside the same cicdstatemgr subtree."""
    data = {
        "server": {"deadlineSeconds": deadline, "shutdownTimeoutSeconds": 10.0},
        "store": {"url": store_url},
        "slack": {"signingSecret": SIGNING_SECRET, "botToken": "bench-bot-token", "apiUrl": slack_api},
        "listener": {"url": listener_url, "secret": LISTENER_SECRET, "retries": 2, "timeoutSeconds": 10.0},
        "cicdstatemgr": cicdstatemgr_subtree(f"{slack_api}/chat.postMessage", work / "local"),
    }
    return _dump(work / f"{name}.yaml", data)
