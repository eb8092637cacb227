"""What running handlers needs from the outside: settings, the outbound client, the store, CEL.

Built from the service's :class:`~interceptor.services.Services` or by a CLI command from its
settings. ``printer`` receives print-mode and dry-run output: stdout for the CLI, the log for the
service.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from handlers.delivery import Delivery, secret_values, slack_token
from handlers.gate import Evaluator
from interceptor.outbound import OutboundClient
from interceptor.settings import Settings

if TYPE_CHECKING:
    from interceptor.services import Services
    from interceptor.store.base import ContextStore

log = logging.getLogger("handlers")


def log_printer(text: str) -> None:
    log.info("message not sent:\n%s", text)


@dataclass
class Runtime:
    settings: Settings
    outbound: OutboundClient
    store: ContextStore | None = None
    cel: Evaluator | None = None
    clock: Callable[[], float] = time.time
    printer: Callable[[str], None] = log_printer
    dry_run: bool = False
    _delivery: Delivery | None = field(default=None, init=False, repr=False)

    @classmethod
    def from_services(cls, services: Services, *, printer: Callable[[str], None] = log_printer) -> Runtime:
        return cls(
            services.settings, services.outbound, services.store, services.cel, services.clock, printer
        )

    @property
    def config_data(self) -> dict[str, Any]:
        """``configData``: the ``cicdstatemgr:`` subtree of the config, verbatim."""
        return self.settings.cicdstatemgr

    @property
    def secret_data(self) -> dict[str, Any]:
        """``secretData``: the secrets file's ``cicdstatemgr:`` subtree (trigger headers only)."""
        return self.settings.cicdstatemgrSecrets

    @property
    def delivery(self) -> Delivery:
        if self._delivery is None:
            self._delivery = Delivery(
                self.outbound,
                token=slack_token(self.settings),
                secrets=secret_values(self.settings),
                printer=self.printer,
                dry_run=self.dry_run,
            )
        return self._delivery

    def cel_env(self) -> Evaluator:
        """The CEL environment, created on first use (most configs never use ``when``)."""
        if self.cel is None:
            from interceptor.cel import CelEnvironment

            self.cel = CelEnvironment()
        return self.cel
