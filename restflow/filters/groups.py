"""OR groups: ``or.price__lt=10&or.in_stock=true`` matches rows meeting either condition.

Parameters whose name starts with ``<prefix>.`` (default prefix ``or``) form
one group, and ``<prefix><N>.`` (``or1.``, ``or2.``) numbered groups. Each
group is OR-ed inside and combined with the rest by ``Meta.operator``. Every member is
parsed by the same field as the plain parameter. The FilterSet enables
groups with ``Meta.or_groups = True``.
"""

from __future__ import annotations

import re
from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.fields import SkipField, empty

from restflow.filters.values import get_raw_values

__all__ = ["group_pattern", "parse_or_groups"]


def group_pattern(prefix: str) -> re.Pattern[str]:
    """Return the pattern of a group key: ``<prefix>``, up to three digits, a dot, a parameter."""
    return re.compile(rf"^{re.escape(prefix)}(\d{{0,3}})\.(.+)$", re.DOTALL)


def parse_or_groups(
    filterset: Any, data: Any, errors: dict[str, Any]
) -> tuple[list[list[tuple[Any, Any]]], set[str]]:
    """Return the validated OR groups in ``data`` and the keys they used.

    Errors go into ``errors`` under the group key (``or1.price__lt``): an
    unknown parameter, one that cannot be OR-ed (ordering, ``method=``
    fields), an invalid value, or more groups than ``Meta.max_or_groups``.
    """
    options = filterset.get_options()
    pattern = group_pattern(options.or_group_prefix)
    grouped: dict[str, list[tuple[str, str]]] = {}
    for key in data:
        match = pattern.match(key)
        if match:
            grouped.setdefault(match.group(1), []).append((key, match.group(2)))
    used = {key for members in grouped.values() for key, _param in members}
    if len(grouped) > options.max_or_groups:
        first_key = sorted(used)[0]
        errors[first_key] = [
            f"Too many OR groups: {len(grouped)} were sent, the maximum is "
            f"{options.max_or_groups}. Combine conditions into fewer groups."
        ]
        return [], used

    result: list[list[tuple[Any, Any]]] = []
    groupable = sorted(
        name
        for name, field in filterset.fields.items()
        if name != filterset._order_field_name and getattr(field, "groupable", False)
    )
    for _label, members in sorted(grouped.items()):
        if len(members) > options.max_list_items:
            errors[members[0][0]] = [
                f"Too many conditions in one OR group: {len(members)}, the maximum is "
                f"{options.max_list_items}."
            ]
            continue
        conditions: list[tuple[Any, Any]] = []
        for key, param in members:
            field = filterset.fields.get(param)
            if field is None or param not in groupable:
                reason = (
                    "is not a filter of this endpoint"
                    if field is None
                    else "cannot be used in an OR group (ordering and method filters cannot)"
                )
                listed = ", ".join(groupable[:25]) + (", ..." if len(groupable) > 25 else "")
                errors[key] = [f"{param!r} {reason}; OR groups accept: {listed}."]
                continue
            raw = get_raw_values(data, key)
            try:
                primitive = field.get_value({param: raw if raw is not empty else []})
                if primitive is empty:
                    continue
                value = field.run_validation(primitive)
            except ValidationError as exc:
                errors[key] = exc.detail
            except SkipField:
                continue
            else:
                conditions.append((field, value))
        if conditions:
            result.append(conditions)
    return result, used
