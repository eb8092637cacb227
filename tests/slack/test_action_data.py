"""Structured data in button values: JSON, or cicdstatemgr's ``prefix|base64(JSON)``."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from interceptor.slack.action_data import decode_action_data

DEPLOY = {
    "cicdContextDataId": "orders-2.7.0-v1-dev-9f2c1e7",
    "cicdContextName": "dev",
    "targetAppName": "orders",
    "targetAppTag": "2.7.0",
    "trigger": "deploy",
}
# cicdstatemgr's tojson: sorted keys, ", " separators; then base64.
CICD_B64 = base64.b64encode(json.dumps(DEPLOY, sort_keys=True).encode()).decode()
URLSAFE = base64.urlsafe_b64encode(json.dumps({"k": "??>>"}).encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (f"deploy-v1-orders|{CICD_B64}", DEPLOY),
        (f"a|b|{CICD_B64}", DEPLOY),  # the part after the LAST bar
        (f"deploy-v1-orders|{CICD_B64.rstrip('=')}", DEPLOY),  # padding optional
        (f"x|{URLSAFE}", {"k": "??>>"}),  # URL-safe alphabet
        ('{"trigger": "deploy", "n": 1}', {"trigger": "deploy", "n": 1}),
        ('  [1, "two"] ', [1, "two"]),
        ('deploy|{"targetAppTag": "1.2.0"}', {"targetAppTag": "1.2.0"}),
        ("deploy|orders-2.7.0-v1-dev-9f2c1e7|prod", None),  # 'prod' is not base64 of JSON
        ("rollback|orders-2.6.4", None),
        ("prod", None),
        ("42", None),  # scalars stay in action.value only
        ("true", None),
        ('"quoted"', None),
        ("{not json", None),
        ("x|" + base64.b64encode(b"\xff\xfe").decode(), None),  # not UTF-8
        ("x|" + base64.b64encode(b"42").decode(), None),  # base64 of a scalar
        ("x|", None),
        ("|", None),
        ("", None),
        (None, None),
    ],
)
def test_decode_action_data(value: str | None, expected: Any) -> None:
    assert decode_action_data(value) == expected
