"""Slack v0 signatures: Slack's published vector, the reference vectors, and every rejection."""

from __future__ import annotations

import pytest
from slack_sdk.signature import SignatureVerifier

from interceptor.errors import Code, Unauthenticated
from interceptor.slack.signature import compute_signature, verify_slack_signature
from tests.slack import examples

NOW = float(examples.TIMESTAMP)


def test_slack_published_known_answer() -> None:
    body = examples.KNOWN_ANSWER_BODY.encode()
    signature = compute_signature(examples.KNOWN_ANSWER_SECRET, examples.KNOWN_ANSWER_TIMESTAMP, body)
    assert signature == examples.KNOWN_ANSWER_SIGNATURE
    oracle = SignatureVerifier(examples.KNOWN_ANSWER_SECRET)
    assert oracle.generate_signature(timestamp=examples.KNOWN_ANSWER_TIMESTAMP, body=body) == signature
    verify_slack_signature(
        [examples.KNOWN_ANSWER_SECRET],
        body,
        examples.KNOWN_ANSWER_TIMESTAMP,
        signature,
        lambda: 1531420618 + 299,
    )


@pytest.mark.parametrize(("name", "body", "content_type", "length", "signature"), examples.VECTORS)
def test_reference_vectors(name: str, body: str, content_type: str, length: int, signature: str) -> None:
    assert len(body) == length
    assert compute_signature(examples.SECRET, examples.TIMESTAMP, body.encode()) == signature
    assert (
        SignatureVerifier(examples.SECRET).generate_signature(timestamp=examples.TIMESTAMP, body=body)
        == signature
    )
    verify_slack_signature([examples.SECRET], body.encode(), examples.TIMESTAMP, signature, lambda: NOW)


BODY = examples.SLASH_COMMAND_BODY.encode()
GOOD = compute_signature(examples.SECRET, examples.TIMESTAMP, BODY)


@pytest.mark.parametrize(
    ("secrets", "body", "timestamp", "signature", "now", "message"),
    [
        ([], BODY, examples.TIMESTAMP, GOOD, NOW, "cannot be checked: slack.signingSecret is not configured"),
        ([examples.SECRET], BODY, examples.TIMESTAMP, "", NOW, "missing X-Slack-Signature header"),
        ([examples.SECRET], BODY, "", GOOD, NOW, "missing X-Slack-Request-Timestamp header"),
        (
            [examples.SECRET],
            BODY,
            "17672256OO",
            GOOD,
            NOW,
            "X-Slack-Request-Timestamp must be unix seconds, got",
        ),
        ([examples.SECRET], BODY, "-1767225600", GOOD, NOW, "must be unix seconds"),
        ([examples.SECRET], BODY, examples.TIMESTAMP, GOOD, NOW + 512, "is 512 s old (max 300)"),
        ([examples.SECRET], BODY, examples.TIMESTAMP, GOOD, NOW - 301, "is 301 s in the future (max 300)"),
        ([examples.SECRET], BODY, examples.TIMESTAMP, "v1=" + GOOD[3:], NOW, "must start with 'v0='"),
        ([examples.SECRET], BODY + b"&x=1", examples.TIMESTAMP, GOOD, NOW, "Slack signature mismatch"),
        (["another-secret"], BODY, examples.TIMESTAMP, GOOD, NOW, "Slack signature mismatch"),
        ([examples.SECRET], BODY, examples.TIMESTAMP, GOOD.upper().replace("V0=", "v0="), NOW, "mismatch"),
        ([examples.SECRET], BODY, examples.TIMESTAMP, "v0=é" + GOOD[4:], NOW, "Slack signature mismatch"),
        # The body Slack signed, re-encoded (a decoded '+' is a space): no longer the same bytes.
        ([examples.SECRET], BODY.replace(b"+", b"%20"), examples.TIMESTAMP, GOOD, NOW, "mismatch"),
    ],
)
def test_rejections_say_which_check_failed(
    secrets: list[str], body: bytes, timestamp: str, signature: str, now: float, message: str
) -> None:
    with pytest.raises(Unauthenticated) as failure:
        verify_slack_signature(secrets, body, timestamp, signature, lambda: now)
    assert message in failure.value.message
    assert failure.value.code == Code.UNAUTHENTICATED


@pytest.mark.parametrize("skew", [-300, 0, 300])
def test_window_edges_are_accepted(skew: int) -> None:
    verify_slack_signature([examples.SECRET], BODY, examples.TIMESTAMP, GOOD, lambda: NOW + skew)


def test_any_configured_secret_verifies_for_rotation() -> None:
    verify_slack_signature(["new-secret", examples.SECRET], BODY, examples.TIMESTAMP, GOOD, lambda: NOW)


def test_custom_max_age() -> None:
    with pytest.raises(Unauthenticated, match=r"is 61 s old \(max 60\)"):
        verify_slack_signature(
            [examples.SECRET], BODY, examples.TIMESTAMP, GOOD, lambda: NOW + 61, max_age=60
        )
