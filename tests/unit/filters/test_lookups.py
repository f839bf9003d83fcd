from __future__ import annotations

import pytest
from catalog.models import Product
from django.core.exceptions import ImproperlyConfigured

from restflow.filters.lookups import (
    LOOKUP_CATEGORIES,
    LookupSpec,
    bound_label,
    known_lookup_names,
    process_lookups,
    validate_lookup_name,
)


def aliases(specs):
    return [spec.alias for spec in specs]


def test_none_and_empty_give_no_variants():
    assert process_lookups(None) == []
    assert process_lookups([]) == []


def test_category_expands_in_order():
    assert aliases(process_lookups(["comparison"])) == ["gt", "gte", "lt", "lte"]


def test_list_mixes_names_and_categories_without_duplicates():
    specs = process_lookups(["gte", "comparison", "icontains"])
    assert aliases(specs) == ["gte", "gt", "lt", "lte", "icontains"]


def test_single_category_string_expands():
    assert aliases(process_lookups("comparison")) == ["gt", "gte", "lt", "lte"]


def test_single_lookup_string_is_one_variant():
    assert aliases(process_lookups("icontains")) == ["icontains"]


def test_all_uses_field_categories():
    specs = process_lookups("__all__", ("basic", "comparison"))
    assert aliases(specs) == ["exact", "in", "isnull", "gt", "gte", "lt", "lte"]


def test_alias_dict_maps_suffix_to_lookup():
    specs = process_lookups({"min": "gte", "max": "lte"})
    assert specs == [LookupSpec("min", "gte"), LookupSpec("max", "lte")]


def test_config_dict_carries_help_text():
    specs = process_lookups({"min": {"lookup": "gte", "help_text": "Lowest price"}, "lt": {}})
    assert specs == [LookupSpec("min", "gte", "Lowest price"), LookupSpec("lt", "lt")]


def test_dict_category_key_with_none_expands():
    assert aliases(process_lookups({"comparison": None})) == ["gt", "gte", "lt", "lte"]


@pytest.mark.parametrize("bad", [[1], {1: "gte"}, {"min": 3}, 42, {"min": {"lookup": 5}}])
def test_malformed_lookups_raise_type_error(bad):
    with pytest.raises(TypeError):
        process_lookups(bad)


def test_pg_array_uses_djangos_overlap_name():
    assert LOOKUP_CATEGORIES["pg_array"] == ("contains", "overlap", "contained_by")


def test_bound_label_known_and_unknown():
    assert bound_label("gte") == "Inclusive Lower Bound"
    assert bound_label("iso_year") == "Iso Year"


def test_known_names_include_transforms():
    names = known_lookup_names()
    for name in ("exact", "icontains", "year", "week_day", "isnull", "range"):
        assert name in names


def test_validate_rejects_typo_with_suggestion():
    with pytest.raises(ImproperlyConfigured) as excinfo:
        validate_lookup_name("icontans", where="F.name")
    assert "icontains" in str(excinfo.value)
    assert "F.name" in str(excinfo.value)


def test_validate_accepts_chained_transform():
    validate_lookup_name("date__gte", where="F.created_at")


def test_validate_rejects_lookup_the_model_field_lacks():
    field = Product._meta.get_field("in_stock")
    with pytest.raises(ImproperlyConfigured) as excinfo:
        validate_lookup_name("year", where="F.in_stock", model_field=field)
    assert "BooleanField" in str(excinfo.value)
