"""The current request id, kept in a context variable, and a log filter that adds it to records.

``RestflowMiddleware`` sets the id for the duration of each request. The
context variable follows the request into ``sync_to_async`` threads and
tasks started from it, so log records written anywhere below carry it.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar, Token

__all__ = ["RequestIdFilter", "get_request_id", "reset_request_id", "set_request_id"]

_request_id: ContextVar[str | None] = ContextVar("restflow_request_id", default=None)


def get_request_id() -> str | None:
    """Return the id of the request being handled in this context, or ``None`` outside one."""
    return _request_id.get()


def set_request_id(value: str | None) -> Token[str | None]:
    """Set the current request id; pass the returned token to :func:`reset_request_id`."""
    return _request_id.set(value)


def reset_request_id(token: Token[str | None]) -> None:
    """Restore the request id that was current before :func:`set_request_id`."""
    _request_id.reset(token)


class RequestIdFilter(logging.Filter):
    """Add ``record.request_id`` to every record (``"-"`` outside a request).

    A record that already has a ``request_id`` (passed in ``extra``) keeps it.
    Attach it to a handler and use ``%(request_id)s`` in the formatter::

        "filters": {"request_id": {"()": "restflow.logging.RequestIdFilter"}},
        "handlers": {"console": {"class": "logging.StreamHandler",
                                 "filters": ["request_id"]}},
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not getattr(record, "request_id", None):
            record.request_id = get_request_id() or "-"
        return True
