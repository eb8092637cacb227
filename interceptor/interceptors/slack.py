"""The ``slack`` interceptor: verify a Slack request, decode it, and return ``extensions.slack``.

Unlike Tekton's core ``slack`` interceptor (which only checks that ``X-Slack-Signature`` exists,
tektoncd/triggers#2029), the signature is verified. Any one of these is accepted:

(a) a valid Slack ``v0`` signature over the raw body (``payload=`` forms and Events API JSON);
(b) a valid ``X-Interceptor-Signature`` over ``{"slack": …}`` forwarded by our ``/slack``, whose
    signature this trigger has not seen before (a replayed forward is refused, code 16; the claim is in
    the store, so an unreachable store is code 14);
(c) the param ``verify: false``.

A slash command that reached the EventListener directly was rewritten as JSON before the chain
(Tekton §2.2), so its signature can no longer be checked: the refusal says so and what to do.
"""

from __future__ import annotations

import json

from interceptor import hop_signature
from interceptor.errors import Code, InterceptorError, Unauthenticated
from interceptor.interceptors.params import bool_param
from interceptor.protocol import InterceptorRequest, InterceptorResponse
from interceptor.services import Services
from interceptor.slack.payload import decode_body, is_converted_form
from interceptor.slack.signature import SIGNATURE_HEADER, TIMESTAMP_HEADER, verify_for_service

CONVERTED_SLASH_COMMAND = (
    "slash command was converted to JSON by the EventListener: its Slack signature cannot be verified; "
    "route Slack to /slack instead or set verify: false"
)
CONVERTED_FORM = (
    "form body was converted to JSON by the EventListener: its Slack signature cannot be verified; "
    "route Slack to /slack instead or set verify: false"
)
NO_SIGNATURE = (
    f"no signature to check: expected {SIGNATURE_HEADER} (a request from Slack) or "
    f"{hop_signature.SIGNATURE_HEADER} (forwarded by /slack); set verify: false to skip the check"
)


class SlackInterceptor:
    def __init__(self, services: Services) -> None:
        self._services = services

    async def process(self, request: InterceptorRequest) -> InterceptorResponse:
        try:
            if bool_param(request.params, "verify", default=True):
                await self._verify(request)
            event = decode_body(request.body)
        except InterceptorError as exc:
            return InterceptorResponse.stop(exc.code, exc.message)
        if event.is_control:
            return InterceptorResponse.stop(
                Code.FAILED_PRECONDITION,
                f"Slack {event.type} request: nothing to trigger (Slack's request URL /slack answers these)",
            )
        return InterceptorResponse.proceed({"slack": event.to_extension()})

    async def _verify(self, request: InterceptorRequest) -> None:
        """Raise :class:`Unauthenticated` naming the failed check, unless (a) or (b) holds."""
        services = self._services
        if request.first_header(hop_signature.SIGNATURE_HEADER):
            await hop_signature.verify_delivery(
                request, services.settings.listener.secret, services.store, services.clock
            )
            return
        # Go's encoding/json wrote the body as UTF-8, so encoding it again restores the raw bytes.
        raw = request.body.encode("utf-8", errors="surrogatepass")
        slack_sig = request.first_header(SIGNATURE_HEADER)
        slack_ts = request.first_header(TIMESTAMP_HEADER)
        if not (slack_sig or slack_ts):
            self._refuse_converted(request.body)
            raise Unauthenticated(NO_SIGNATURE)
        try:
            verify_for_service(self._services, raw, slack_ts, slack_sig)
        except Unauthenticated:
            self._refuse_converted(request.body)
            raise

    @staticmethod
    def _refuse_converted(body: str) -> None:
        """Explain the failure when the EventListener rewrote a form as ``{"k": ["v"]}`` JSON."""
        if not body.lstrip().startswith("{"):
            return
        try:
            data = json.loads(body)
        except ValueError:
            return
        if is_converted_form(data):
            raise Unauthenticated(CONVERTED_SLASH_COMMAND if "command" in data else CONVERTED_FORM)
