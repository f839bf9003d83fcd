"""What a throttle does when its store cannot count: ``FAIL_OPEN`` and rate-limited warnings."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from rest_framework import status
from rest_framework.exceptions import Throttled

from restflow.settings import restflow_settings, setting_path

__all__ = ["RateLimitedWarning", "ThrottleUnavailable", "store_failure_allows"]

logger = logging.getLogger(__name__)


class ThrottleUnavailable(Throttled):
    """503 raised when the store is unreachable and ``FAIL_OPEN`` is False.

    It subclasses DRF's ``Throttled`` so that exception handlers, DRF's
    and restflow's, send its ``wait`` as a ``Retry-After`` header; the
    status is 503 and the code ``service_unavailable`` because the client
    is not over its rate.
    """

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Request rate limiting is unavailable; try again later."
    default_code = "service_unavailable"

    def __init__(self, wait: float = 1.0) -> None:
        super().__init__(wait=wait)


class RateLimitedWarning:
    """Log a WARNING at most once per interval, counting the repeats it held back."""

    def __init__(
        self,
        log: logging.Logger,
        interval: Callable[[], float],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._log = log
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._last: float | None = None
        self._suppressed = 0

    def __call__(self, message: str, *args: object) -> bool:
        """Log ``message % args`` unless a warning went out within the interval.

        Return True when this call logged.
        """
        now = self._clock()
        with self._lock:
            if self._last is not None and now - self._last < self._interval():
                self._suppressed += 1
                return False
            suppressed, self._suppressed, self._last = self._suppressed, 0, now
        if suppressed:
            self._log.warning(
                message + " (%d similar failure(s) not logged since the last warning)",
                *args,
                suppressed,
            )
        else:
            self._log.warning(message, *args)
        return True

    def reset(self) -> None:
        with self._lock:
            self._last = None
            self._suppressed = 0


warn_store_unavailable = RateLimitedWarning(
    logger, lambda: float(restflow_settings.THROTTLING.ERROR_LOG_INTERVAL)
)


def store_failure_allows(store_description: str, error: BaseException) -> bool:
    """Apply ``THROTTLING["FAIL_OPEN"]`` after a store failure.

    Return True (admit the request) when failing open; raise
    :class:`ThrottleUnavailable` (503) when failing closed. Either way a
    WARNING is logged, at most once per ``ERROR_LOG_INTERVAL`` seconds.
    """
    fail_open = bool(restflow_settings.THROTTLING.FAIL_OPEN)
    warn_store_unavailable(
        "Throttle store %s failed (%s); %s requests because %s is %s.",
        store_description,
        error,
        "admitting" if fail_open else "rejecting",
        setting_path("THROTTLING", "FAIL_OPEN"),
        fail_open,
    )
    if fail_open:
        return True
    raise ThrottleUnavailable()
