"""Retrying transient endpoint faults: how many attempts, how long to wait between them, the sleeping.

Backends only classify: a fault that may pass is a ``TransientEndpointError`` carrying the wait the
endpoint asked for, one that cannot is an ``EndpointError``. This policy, used by the ``Caller``,
decides. Every retry is counted in the reply's ``attempts`` and its fault in ``errors``, so the call
log shows each 429, 5xx, timeout and dropped connection instead of hiding them.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, replace

from postmortem_writer.errors import EndpointUnavailable, ModelError, TransientEndpointError
from postmortem_writer.llm.backend import Reply, T

MAX_WAIT = 120.0
"""Longest single wait; an endpoint asking for more is reported rather than waited for."""


@dataclass(frozen=True)
class RetryPolicy:
    """Up to ``max_retries`` retries of a transient fault, waiting as long as ``Retry-After`` asks or
    else ``backoff`` seconds doubled at each retry (with jitter), through ``sleep``.

    Without ``resend_timeouts`` (a server on this machine or a private network, which computes one
    answer at a time) a request the client stopped waiting for is not sent again: the server is
    most likely still computing it, and a second copy would only queue behind the first."""

    max_retries: int = 3
    backoff: float = 0.5
    sleep: Callable[[float], None] = time.sleep
    resend_timeouts: bool = True

    def call(self, attempt: Callable[[], Reply[T]], *, endpoint: str) -> Reply[T]:
        """``attempt()``'s reply, retrying its transient faults; ``endpoint`` names the host in errors.

        Raises ``EndpointUnavailable`` when the faults outlast the retries or the endpoint asks for
        too long a wait; any other ``ModelError`` passes through with the earlier attempts counted.
        """
        errors: list[str] = []
        attempts = 0
        for retry in range(self.max_retries + 1):
            try:
                reply = attempt()
            except TransientEndpointError as fault:
                attempts += fault.attempts
                if fault.timed_out and not self.resend_timeouts:
                    raise EndpointUnavailable(
                        f"{endpoint}: {fault.message}; not sent again, since the server may still be computing "
                        "it (a larger --timeout gives it longer)",
                        attempts=attempts,
                    ) from None
                wait = self._wait(fault, retry, endpoint, attempts)
                errors.append(fault.message)
                if retry < self.max_retries:
                    self.sleep(wait)
                continue
            except ModelError as exc:
                exc.attempts += attempts
                raise
            return replace(reply, attempts=attempts + reply.attempts, errors=errors + reply.errors)
        raise EndpointUnavailable(
            f"{endpoint} still failing after {attempts} attempt{'s' if attempts != 1 else ''}: {errors[-1]}",
            attempts=attempts,
        )

    def _wait(self, fault: TransientEndpointError, retry: int, endpoint: str, attempts: int) -> float:
        """Seconds to wait before retry number ``retry + 1``; raises when the endpoint asks for too long."""
        asked = fault.retry_after
        if asked is not None and asked > MAX_WAIT:
            raise EndpointUnavailable(
                f"{endpoint} asks to retry after {asked:.0f} s; giving up ({fault.message})", attempts=attempts
            )
        if asked is not None:
            return asked
        # Jitter spreads the retries of calls that failed together (a 429 storm) apart.
        return min(self.backoff * 2.0**retry * (0.5 + random.random() / 2), MAX_WAIT)
