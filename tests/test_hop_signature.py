import pytest

from interceptor import hop_signature
from interceptor.errors import Unauthenticated

NOW = 1_767_225_600.0
BODY = b'{"contextId":"orders-1","pipeline":"build","event":"success"}'


def test_signed_request_verifies_with_any_configured_secret() -> None:
    headers = hop_signature.sign("s2", BODY, NOW)
    hop_signature.verify(
        ["s1", "s2"],
        BODY,
        headers["X-Interceptor-Timestamp"],
        headers["X-Interceptor-Signature"],
        lambda: NOW + 299,
    )


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
