"""System checks ``restflow.W080`` and ``W081``: filter backends that undo each other."""

from __future__ import annotations

from typing import Any

from django.core.checks import CheckMessage, Warning, register
from rest_framework.settings import api_settings

__all__ = ["check_filter_backends"]

TAG = "restflow"
SETTING = "REST_FRAMEWORK['DEFAULT_FILTER_BACKENDS']"


def _names(backends: list[Any]) -> list[str]:
    return [f"{backend.__module__}.{backend.__qualname__}" for backend in backends]


@register(TAG)
def check_filter_backends(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Warn when a default filter backend repeats or undoes RestflowFilterBackend's work.

    ``W080``: django-filter's ``DjangoFilterBackend`` next to it filters every
    ``filterset_fields`` view twice. ``W081``: DRF's ``OrderingFilter`` after
    it orders again and drops the primary-key tiebreak, so pages can repeat rows.
    """
    try:
        backends: list[Any] = list(api_settings.DEFAULT_FILTER_BACKENDS)
    except ImportError:
        return []  # DRF reports the unimportable path itself.
    from rest_framework.filters import OrderingFilter

    from restflow.filters.backends import RestflowFilterBackend

    if not any(issubclass(backend, RestflowFilterBackend) for backend in backends):
        return []
    messages: list[CheckMessage] = []
    names = _names(backends)
    if any(backend.__name__ == "DjangoFilterBackend" for backend in backends):
        messages.append(
            Warning(
                f"{SETTING} lists RestflowFilterBackend and DjangoFilterBackend ({names}), so "
                "views with filterset_fields or a filterset_class are filtered twice.",
                hint="Remove DjangoFilterBackend: RestflowFilterBackend also applies "
                "django-filter FilterSets and filterset_fields.",
                id="restflow.W080",
            )
        )
    if any(issubclass(backend, OrderingFilter) for backend in backends):
        messages.append(
            Warning(
                f"{SETTING} lists RestflowFilterBackend and OrderingFilter ({names}); "
                "OrderingFilter orders again and drops the primary-key tiebreak, so pages "
                "of rows with equal values can repeat or skip rows.",
                hint="Remove OrderingFilter: RestflowFilterBackend reads ordering_fields and "
                "the ordering parameter itself.",
                id="restflow.W081",
            )
        )
    return messages
