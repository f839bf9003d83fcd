"""Rules for caching responses, and their stored form.

Shared by ``@cache_response`` and the middleware's route rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.http import HttpResponse

__all__ = [
    "CACHEABLE_METHODS",
    "STATUS_HEADERS",
    "cacheability_problem",
    "rebuild_http_response",
    "response_vary_headers",
    "serialize_response",
]

CACHEABLE_METHODS = frozenset({"GET", "HEAD"})
STATUS_HEADERS = ("X-Cache-Status", "X-Cached-At", "X-Cache-Expires-At")
# Headers that belong to one response and are never replayed from the cache.
_NOT_STORED = frozenset(
    {"set-cookie", "content-length", "date", "x-request-id", "connection", "transfer-encoding"}
    | {name.lower() for name in STATUS_HEADERS}
)
# Splits Cache-Control and Vary values on their commas.
cc_delim_re = re.compile(r"\s*,\s*")
_PRIVATE_DIRECTIVES = frozenset({"private", "no-store", "no-cache"})


def _cache_control_directives(response: Any) -> set[str]:
    value = response.headers.get("Cache-Control", "") if hasattr(response, "headers") else ""
    directives = set()
    for part in cc_delim_re.split(value):
        name = part.split("=", 1)[0].strip().lower()
        if name:
            directives.add(name)
    return directives


def response_vary_headers(response: Any) -> list[str]:
    """Return the header names of the response's ``Vary``, lower-cased and sorted."""
    value = response.headers.get("Vary", "") if hasattr(response, "headers") else ""
    return sorted({part.strip().lower() for part in cc_delim_re.split(value) if part.strip()})


def cacheability_problem(response: Any) -> str | None:
    """Return why ``response`` must not be cached, or ``None`` when it may be.

    Only complete 200 responses without cookies, without ``Vary: *`` and
    without ``Cache-Control`` ``private``, ``no-store`` or ``no-cache`` are
    cached.
    """
    if getattr(response, "streaming", False):
        return "streaming response"
    status = getattr(response, "status_code", None)
    if status != 200:
        return f"status {status}"
    if getattr(response, "cookies", None) or response.headers.get("Set-Cookie"):
        return "sets a cookie"
    if _cache_control_directives(response) & _PRIVATE_DIRECTIVES:
        return "Cache-Control forbids shared caching"
    if "*" in response_vary_headers(response):
        return "Vary: *"
    return None


def serialize_response(response: Any) -> dict[str, Any]:
    """Return the stored form of a rendered response: status, headers and body."""
    headers = [(name, value) for name, value in response.items() if name.lower() not in _NOT_STORED]
    return {
        "status": int(response.status_code),
        "headers": headers,
        "content": bytes(response.content),
    }


def rebuild_http_response(stored: Mapping[str, Any] | Sequence[Any]) -> HttpResponse:
    """Return a plain :class:`HttpResponse` from a stored response.

    Accepts the dict that :func:`serialize_response` returns, or a
    ``(content, status, headers)`` triple.
    """
    entry: Mapping[str, Any]
    if isinstance(stored, Mapping):
        entry = stored
    else:
        content, status, headers = stored
        entry = {"content": content, "status": status, "headers": list(dict(headers).items())}
    # Headers given to the constructor are validated like ones set later,
    # and a stored Content-Type spares it making a default one first.
    return HttpResponse(entry["content"], status=entry["status"], headers=dict(entry["headers"]))
