"""The project's one small error hierarchy.

Every error a user can cause or meet carries a one-line, specific message (naming the field and
what was expected) and a gRPC status code, so the HTTP edge can turn it into a Tekton
``continue: false`` status and the CLI into one line on stderr.  Business outcomes such as "the
filter did not match" are *values*, not exceptions; these classes are for things that went wrong.
"""

from __future__ import annotations

from enum import IntEnum


class Code(IntEnum):
    """gRPC status codes, exactly as Tekton's InterceptorResponse carries them (0-16)."""

    OK = 0
    CANCELLED = 1
    UNKNOWN = 2
    INVALID_ARGUMENT = 3
    DEADLINE_EXCEEDED = 4
    NOT_FOUND = 5
    ALREADY_EXISTS = 6
    PERMISSION_DENIED = 7
    RESOURCE_EXHAUSTED = 8
    FAILED_PRECONDITION = 9
    ABORTED = 10
    OUT_OF_RANGE = 11
    UNIMPLEMENTED = 12
    INTERNAL = 13
    UNAVAILABLE = 14
    DATA_LOSS = 15
    UNAUTHENTICATED = 16


class InterceptorError(Exception):
    """Base class. ``code`` is the gRPC code an interceptor reports for it; ``exit_code`` the CLI's."""

    code: Code = Code.UNKNOWN
    exit_code: int = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(InterceptorError):
    """A configuration file, key or value is wrong. Raised at startup, naming the dotted key path."""

    code = Code.FAILED_PRECONDITION
    exit_code = 2


class InvalidInput(InterceptorError):
    """A request, parameter, path or value the user sent is malformed."""

    code = Code.INVALID_ARGUMENT


class NotFound(InterceptorError):
    """A context, key or handler block that was asked for does not exist."""

    code = Code.NOT_FOUND
    exit_code = 3


class AlreadyExists(InterceptorError):
    code = Code.ALREADY_EXISTS


class Conflict(InterceptorError):
    """A write lost a race it could not retry (a lock held by someone else, a stale fencing token)."""

    code = Code.ABORTED


class Unauthenticated(InterceptorError):
    """A signature or token did not verify. The message says which check failed."""

    code = Code.UNAUTHENTICATED


class StoreUnavailable(InterceptorError):
    """The context store could not be reached. The message names the URL without its password."""

    code = Code.UNAVAILABLE


class CorruptDocument(InterceptorError):
    """A stored document is not the JSON object it must be; it is left untouched."""

    code = Code.DATA_LOSS


class OutboundError(InterceptorError):
    """An HTTP call to Slack, a webhook or the EventListener failed after its retries."""

    code = Code.UNAVAILABLE
