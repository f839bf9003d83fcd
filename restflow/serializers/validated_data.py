"""``ValidatedData``: the dict a serializer's ``validated_data`` returns, with attribute access."""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["ValidatedData", "normalize_default", "transform_validated_data"]


class ValidatedData(dict):  # type: ignore[type-arg]
    """A dict whose keys can also be read and written as attributes.

    ``vd.name`` is ``vd["name"]``. A key that has the name of a dict method
    (``items``, ``keys``, ``get``...) returns the method as an attribute, so
    read such keys with ``vd["items"]``.
    """

    __slots__ = ()

    def __getattr__(self, name: str) -> Any:
        try:
            return self[name]
        except KeyError:
            raise AttributeError(
                f"ValidatedData has no key {name!r}; the keys are {sorted(map(str, self))!r}."
            ) from None

    def __setattr__(self, name: str, value: Any) -> None:
        self[name] = value

    def __delattr__(self, name: str) -> None:
        try:
            del self[name]
        except KeyError:
            raise AttributeError(f"ValidatedData has no key {name!r} to delete.") from None

    def __repr__(self) -> str:
        return f"ValidatedData({dict.__repr__(self)})"

    def __reduce__(self) -> tuple[Any, ...]:
        return (ValidatedData, (dict(self),))

    def __copy__(self) -> ValidatedData:
        return ValidatedData(self)

    def __deepcopy__(self, memo: dict[int, Any]) -> ValidatedData:
        import copy

        result = ValidatedData()
        memo[id(self)] = result
        for key, value in self.items():
            result[copy.deepcopy(key, memo)] = copy.deepcopy(value, memo)
        return result

    def __json__(self) -> dict[str, Any]:
        """Return a plain ``dict`` copy, for encoders that look for ``__json__``."""
        return dict(self)

    def to_json(self, **json_dumps_kwargs: Any) -> str:
        """Return the data as a JSON string.

        ``Decimal`` and ``UUID`` become strings, dates and times ISO 8601
        strings. A ``default=`` callable in ``json_dumps_kwargs`` runs first;
        when it raises ``TypeError`` the built-in conversions are tried.
        Raise ``TypeError`` for a value neither can convert.
        """
        user_default: Callable[[Any], Any] | None = json_dumps_kwargs.pop("default", None)

        def default(obj: Any) -> Any:
            if user_default is not None:
                try:
                    return user_default(obj)
                except TypeError:
                    pass
            return normalize_default(obj)

        return json.dumps(self, default=default, **json_dumps_kwargs)


def normalize_default(obj: Any) -> Any:
    """Return a JSON-compatible stand-in for ``obj`` (a ``json.dumps`` ``default=``).

    Raise ``TypeError`` naming the type when there is no conversion.
    """
    if isinstance(obj, ValidatedData):
        return dict(obj)
    if isinstance(obj, decimal.Decimal):
        return str(obj)
    if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, uuid.UUID):
        return str(obj)
    raise TypeError(
        f"Object of type {type(obj).__name__} is not JSON serializable: ValidatedData.to_json "
        "converts Decimal, UUID, datetime, date and time; pass default= for other types."
    )


def transform_validated_data(value: Any, _seen: dict[int, Any] | None = None) -> Any:
    """Return ``value`` with every dict inside it turned into a ``ValidatedData``.

    Lists are walked; an existing ``ValidatedData`` is kept as it is. A dict
    or list that contains itself is converted once and the cycle kept.
    """
    if isinstance(value, ValidatedData):
        return value
    seen = {} if _seen is None else _seen
    if isinstance(value, dict):
        if id(value) in seen:
            return seen[id(value)]
        result = ValidatedData()
        seen[id(value)] = result
        for key, item in value.items():
            result[key] = transform_validated_data(item, seen)
        return result
    if isinstance(value, list):
        if id(value) in seen:
            return seen[id(value)]
        converted: list[Any] = []
        seen[id(value)] = converted
        converted.extend(transform_validated_data(item, seen) for item in value)
        return converted
    return value
