"""Turn DRF and Django validation errors into plain, JSON-ready detail trees."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework.settings import api_settings

__all__ = ["normalize_details", "validation_details"]


def _is_message(value: Any) -> bool:
    return not isinstance(value, (Mapping, list, tuple))


def normalize_details(value: Any) -> Any:
    """Return ``value`` with every ``ErrorDetail`` and lazy string turned into ``str``.

    Dicts keep their keys (as strings) at every depth; lists keep their
    order and shape, so the errors of a ``many=True`` serializer stay a
    list with one dict per item (``{}`` for a valid item). Numbers, booleans
    and ``None`` pass through unchanged; any other leaf becomes ``str``.
    """
    if isinstance(value, Mapping):
        return {str(key): normalize_details(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [normalize_details(item) for item in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return str(value)


def validation_details(detail: Any) -> dict[str, Any]:
    """Return the ``details`` object of a validation error.

    A top-level list of messages goes under DRF's ``NON_FIELD_ERRORS_KEY``
    and a single message becomes a one-item list there, as do the
    ``"__all__"`` errors of a Django ``ValidationError``. Dicts keep every
    field path, nested serializers and list items included.
    """
    key = api_settings.NON_FIELD_ERRORS_KEY
    if isinstance(detail, DjangoValidationError):
        from rest_framework.serializers import as_serializer_error

        detail = dict(as_serializer_error(detail))
        # Django files model-wide errors (Model.clean) under "__all__".
        if NON_FIELD_ERRORS in detail and key != NON_FIELD_ERRORS:
            detail[key] = [*detail.get(key, []), *detail.pop(NON_FIELD_ERRORS)]
    if isinstance(detail, Mapping):
        return normalize_details(detail)  # type: ignore[no-any-return]
    if isinstance(detail, (list, tuple)):
        if all(_is_message(item) for item in detail):
            return {key: [str(item) for item in detail]}
        return {key: normalize_details(detail)}
    return {key: [str(detail)]}
