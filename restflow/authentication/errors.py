"""Exceptions raised by restflow's JWT code, below the DRF layer."""

from __future__ import annotations

from rest_framework import status
from rest_framework.exceptions import APIException

__all__ = ["BlacklistStoreError", "BlacklistUnavailable", "KeySettingsError", "TokenError"]


class TokenError(Exception):
    """A token cannot be issued, decoded or trusted; the message is safe to show a client."""


class KeySettingsError(TokenError):
    """The ``JWT`` key or algorithm settings cannot sign or verify (the message names them)."""


class BlacklistStoreError(Exception):
    """A blacklist store could not be reached or returned an error."""


class BlacklistUnavailable(APIException):
    """503: the blacklist store is down and ``BLACKLIST_FAIL_OPEN`` is off."""

    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Token checks are temporarily unavailable. Try again shortly."
    default_code = "service_unavailable"
