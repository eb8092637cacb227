"""The hop signature between our own components: DESIGN §2's exact form, and replay refusal."""

import hashlib
import hmac
from pathlib import Path

import pytest

from interceptor import hop_signature
from interceptor.errors import Unauthenticated
from interceptor.store import open_store

NOW = 1_767_225_600.0
BODY = b'{"contextId":"orders-1","pipeline":"build","event":"success"}'


def test_signed_request_verifies_with_any_configured_secret() -> None:
    headers = hop_signature.sign("s2", BODY, NOW)
    hop = hop_signature.verify(
        ["s1", "s2"],
        BODY,
        headers["X-Interceptor-Timestamp"],
        headers["X-Interceptor-Signature"],
        lambda: NOW + 299,
    )
    assert hop.timestamp == int(NOW)


def test_the_v1_base_string_is_designs() -> None:
    # DESIGN §2: v1=<hex HMAC-SHA256(listener.secret, "v1:" + timestamp + ":" + raw body)>
    base = b"v1:" + str(int(NOW)).encode() + b":" + BODY
    expected = "v1=" + hmac.new(b"s", base, hashlib.sha256).hexdigest()
    assert hop_signature.sign("s", BODY, NOW) == {
        "X-Interceptor-Timestamp": str(int(NOW)),
        "X-Interceptor-Signature": expected,
    }


@pytest.mark.parametrize(
    ("secrets", "body", "timestamp", "signature", "now", "message"),
    [
        ([], BODY, None, None, NOW, "listener.secret is not configured"),
        (["s"], BODY, None, "", NOW, "missing X-Interceptor-Signature"),
        (["s"], BODY, "soon", None, NOW, "must be unix seconds"),
        (["s"], BODY, None, None, NOW + 301, "301 s away from now"),
        (["s"], BODY, None, None, NOW - 400, "400 s away from now"),
        (["s"], BODY + b" ", None, None, NOW, "does not match the body"),
        (["other"], BODY, None, None, NOW, "does not match the body"),
        # The timestamp is signed: moving it forward (to stretch the window) breaks the signature.
        (["s"], BODY, str(int(NOW) + 60), None, NOW, "does not match the body"),
    ],
)
def test_each_failed_check_is_named(
    secrets: list[str], body: bytes, timestamp: str | None, signature: str | None, now: float, message: str
) -> None:
    signed = hop_signature.sign("s", BODY, NOW)
    with pytest.raises(Unauthenticated, match=message):
        hop_signature.verify(
            secrets,
            body,
            signed["X-Interceptor-Timestamp"] if timestamp is None else timestamp,
            signed["X-Interceptor-Signature"] if signature is None else signature,
            lambda: now,
        )


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("first", "second", "replayed"),
    [
        pytest.param(("n", "trigger-a"), ("n", "trigger-a"), True, id="same-signature-same-trigger"),
        pytest.param(("n", "trigger-a"), ("n", "trigger-b"), False, id="other-trigger-of-one-delivery"),
        pytest.param(("n", "trigger-a"), ("m", "trigger-a"), False, id="other-signature"),
        pytest.param(("n", ""), ("n", ""), True, id="no-trigger-id"),
    ],
)
async def test_refuse_replay_claims_a_signature_once_per_trigger(
    tmp_path: Path, first: tuple[str, str], second: tuple[str, str], replayed: bool
) -> None:
    clock = Clock(NOW)
    store = open_store(f"sqlite:///{tmp_path}/hops.db", clock=clock)
    signatures = {
        "n": hop_signature.sign("s", BODY, NOW)["X-Interceptor-Signature"],
        "m": hop_signature.sign("s", BODY + b" ", NOW)["X-Interceptor-Signature"],
    }
    try:
        await hop_signature.refuse_replay(
            store, hop_signature.VerifiedHop(int(NOW), signatures[first[0]]), first[1], clock
        )
        hop = hop_signature.VerifiedHop(int(NOW), signatures[second[0]])
        if replayed:
            with pytest.raises(
                Unauthenticated, match=r"^replayed request: this signed request was already delivered$"
            ):
                await hop_signature.refuse_replay(store, hop, second[1], clock)
        else:
            await hop_signature.refuse_replay(store, hop, second[1], clock)
    finally:
        await store.close()


@pytest.mark.parametrize(
    ("signed_at", "replay_after", "replayed"),
    [
        # The claim lasts until the timestamp leaves the window (+ margin), wherever in it it was seen.
        pytest.param(NOW, hop_signature.WINDOW_SECONDS, True, id="seen-on-time-replayed-at-window-end"),
        pytest.param(NOW + 300, 2 * hop_signature.WINDOW_SECONDS, True, id="sender-clock-ahead"),
        pytest.param(
            NOW,
            hop_signature.WINDOW_SECONDS + hop_signature.REPLAY_MARGIN_SECONDS + 1,
            False,
            id="expired-after-the-window",
        ),
    ],
)
async def test_the_replay_claim_outlives_the_signature_window(
    tmp_path: Path, signed_at: float, replay_after: float, replayed: bool
) -> None:
    clock = Clock(NOW)
    store = open_store(f"sqlite:///{tmp_path}/hops.db", clock=clock)
    hop = hop_signature.VerifiedHop(
        int(signed_at), hop_signature.sign("s", BODY, signed_at)["X-Interceptor-Signature"]
    )
    try:
        await hop_signature.refuse_replay(store, hop, "t", clock)
        clock.now = NOW + replay_after - 1
        still_valid = abs(clock.now - signed_at) <= hop_signature.WINDOW_SECONDS
        if replayed:
            assert still_valid, "the case must replay inside the window"
            with pytest.raises(Unauthenticated, match="replayed request"):
                await hop_signature.refuse_replay(store, hop, "t", clock)
        else:
            assert not still_valid  # the signature check refuses it from here on
            clock.now = NOW + replay_after
            await hop_signature.refuse_replay(store, hop, "t", clock)
    finally:
        await store.close()
