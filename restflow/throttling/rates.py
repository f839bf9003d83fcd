"""Parse throttle rates such as ``"100/hour"`` or ``"5/10s"`` into a request count and a window.

The parser is strict: a period DRF would read by its first letter alone
(``"10/monthly"`` as ten a minute) is rejected with a message that names the
rate and the accepted forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ImproperlyConfigured

__all__ = ["ACCEPTED_RATE_FORMS", "InvalidRateError", "Rate", "parse_rate"]

# Seconds per unit, under every spelling the parser accepts.
UNIT_SECONDS: dict[str, int] = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
}

ACCEPTED_RATE_FORMS = (
    "'<requests>/<period>' where <requests> is a positive integer and <period> is an "
    "optional positive multiple followed by a unit: s, sec, second(s), m, min, minute(s), "
    "h, hour(s), d, day(s); for example '100/hour', '10/min', '5/10s' or '1000/2days'; "
    "None disables the limit"
)

_RATE_PATTERN = re.compile(r"(?P<count>[0-9]+)/(?P<multiple>[0-9]*) *(?P<unit>[a-z]+)")


class InvalidRateError(ImproperlyConfigured):
    """A throttle rate is not in one of the accepted forms."""

    def __init__(self, rate: Any, source: str, reason: str) -> None:
        self.rate = rate
        self.source = source
        super().__init__(
            f"{source} has an invalid throttle rate {rate!r}: {reason} Use {ACCEPTED_RATE_FORMS}."
        )


@dataclass(frozen=True)
class Rate:
    """A parsed rate: at most ``num_requests`` requests in any ``duration`` seconds."""

    num_requests: int
    duration: int

    def __str__(self) -> str:
        return f"{self.num_requests}/{self.duration}s"


def parse_rate(rate: Any, *, source: str = "the throttle rate") -> Rate:
    """Parse ``rate`` into a :class:`Rate`.

    ``source`` says where the rate came from (a settings key or a class
    attribute) and is quoted in the error. Raises :class:`InvalidRateError`
    for anything but a string of an accepted form, including a zero count or
    a zero multiple. ``None`` is not handled here: callers treat it as "no
    limit" before parsing.
    """
    if not isinstance(rate, str):
        raise InvalidRateError(rate, source, f"expected a string, not {type(rate).__name__}.")
    match = _RATE_PATTERN.fullmatch(rate.strip().lower())
    if match is None:
        raise InvalidRateError(rate, source, "it is not of the form '<requests>/<period>'.")
    unit = match["unit"]
    if unit not in UNIT_SECONDS:
        raise InvalidRateError(rate, source, f"{unit!r} is not a known time unit.")
    count = int(match["count"])
    multiple = int(match["multiple"]) if match["multiple"] else 1
    if count < 1:
        raise InvalidRateError(rate, source, "the request count must be at least 1.")
    if multiple < 1:
        raise InvalidRateError(rate, source, "the period multiple must be at least 1.")
    return Rate(count, multiple * UNIT_SECONDS[unit])
