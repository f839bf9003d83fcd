"""Compatibility names in ``restflow.filters.filters``: model field map, options, metaclass."""

from __future__ import annotations

from restflow.filters.metaclass import FilterMetaClass
from restflow.filters.modelgen import DJANGO_FIELD_MAP
from restflow.filters.options import FilterOptions

__all__ = ["DJANGO_FIELD_MAP", "FilterMetaClass", "FilterOptions"]
