"""HTTPS whose certificate can be rotated without a restart.

Tekton's EventListener trusts only the ``caBundle`` of https-labelled ClusterInterceptors, and
certificates get rotated (``interceptor certs generate`` again, or cert-manager). The server
context's SNI callback checks the files' modification times (at most once a second) and hands new
handshakes a freshly loaded context, so a replaced cert/key pair is served on the next connection.
"""

from __future__ import annotations

import logging
import os
import ssl
import time
from collections.abc import Callable

from interceptor.errors import ConfigError
from interceptor.settings import TlsSettings

log = logging.getLogger(__name__)


def _load(cert: str, key: str) -> ssl.SSLContext:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2  # as Tekton's interceptor servers require
    try:
        context.load_cert_chain(cert, key)
    except (OSError, ssl.SSLError) as exc:
        raise ConfigError(f"server.tls: cannot load certificate {cert} with key {key}: {exc}") from exc
    return context


class ReloadingTls:
    """Owns the served context; ``context`` is what the server listens with."""

    def __init__(self, settings: TlsSettings, clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._clock = clock
        self._checked_at = 0.0
        self._stamp = self._files_stamp()
        self._current = _load(settings.cert, settings.key)
        self.context = _load(settings.cert, settings.key)
        self.context.sni_callback = self._on_handshake

    def _files_stamp(self) -> tuple[float, float]:
        try:
            return (os.stat(self._settings.cert).st_mtime, os.stat(self._settings.key).st_mtime)
        except OSError:
            return (0.0, 0.0)

    def current(self) -> ssl.SSLContext:
        """The context for a new handshake, reloaded when the files changed."""
        now = self._clock()
        if now - self._checked_at >= 1.0:
            self._checked_at = now
            stamp = self._files_stamp()
            if stamp != self._stamp:
                try:
                    self._current = _load(self._settings.cert, self._settings.key)
                    self._stamp = stamp
                    log.info("TLS certificate reloaded", extra={"cert": self._settings.cert})
                except ConfigError as exc:
                    # A half-written pair during rotation: keep serving the old one, retry next second.
                    log.warning("TLS certificate not reloaded yet", extra={"reason": str(exc)})
        return self._current

    def _on_handshake(self, sock: ssl.SSLObject, server_name: str | None, _: ssl.SSLContext) -> None:
        sock.context = self.current()
