"""Names some code imports from ``restflow.filters.filters``: the model field map, options and metaclass."""

from __future__ import annotations

from restflow.filters.metaclass import FilterMetaClass
from restflow.filters.modelgen import DJANGO_FIELD_MAP
from restflow.filters.options import FilterOptions

__all__ = ["DJANGO_FIELD_MAP", "FilterMetaClass", "FilterOptions"]
