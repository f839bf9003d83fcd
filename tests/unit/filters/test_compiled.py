"""The compiled plan: which FilterSets get one, and that hooks still run when they do not."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from catalog.models import Product
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import QueryDict
from rest_framework import fields as drf_fields
from rest_framework.exceptions import ValidationError

from restflow.filters import DecimalField, FilterSet, IntegerField, StringField
from restflow.filters.compiled import get_plan

QUERY = "price__gte=100&price__lte=400&category=3&in_stock=true&ordering=-price&page=2"


class Bench(FilterSet):
    price = DecimalField(lookups=["gte", "lte"])
    in_stock: bool

    class Meta:
        model = Product
        fields = ["category"]
        order_fields = [("price", "price")]
        order_param = "ordering"


def planned(filterset):
    # The general path builds the instance's own fields; the plan never does.
    return "fields" not in filterset.__dict__


def run(filterset_class, query=QUERY, **kwargs):
    filterset = filterset_class(data=QueryDict(query), **kwargs)
    return filterset, filterset.filter_queryset(Product.objects.all())


def general_sql(filterset_class, query=QUERY):
    filterset = filterset_class(data=QueryDict(query))
    filterset.fields  # noqa: B018 - fields read first: the general path
    return str(filterset.filter_queryset(Product.objects.all()).query)


def test_benchmark_query_matches_general_path():
    filterset, queryset = run(Bench)
    assert planned(filterset)
    assert str(queryset.query) == general_sql(Bench)
    assert filterset.validated_data == {
        "in_stock": True,
        "price__gte": Decimal("100.00"),
        "price__lte": Decimal("400.00"),
        "category": 3,
        "ordering": ["-price"],
    }
    assert filterset.errors == {}
    assert queryset.query.order_by == ("-price", "pk")


def test_async_takes_the_plan_too():
    filterset = Bench(data=QueryDict(QUERY))
    queryset = asyncio.run(filterset.afilter_queryset(Product.objects.all()))
    assert planned(filterset)
    assert str(queryset.query) == general_sql(Bench)


def test_plan_built_once_per_class():
    plan = get_plan(Bench)
    assert plan is not None
    assert get_plan(Bench) is plan

    class Child(Bench):
        name = StringField()

    child_plan = get_plan(Child)
    assert child_plan is not None
    assert child_plan is not plan
    assert "name" in child_plan.fields
    assert "name" not in plan.fields


def test_invalid_values_give_the_general_envelope():
    filterset = Bench(data=QueryDict("price__gte=abc&category=x&category=4&in_stock=maybe"))
    with pytest.raises(ValidationError) as excinfo:
        filterset.filter_queryset(Product.objects.all())
    detail = excinfo.value.detail
    assert set(detail) == {"price__gte", "category", "in_stock"}
    assert "decimal number" in str(detail["price__gte"][0])
    assert "abc" in str(detail["price__gte"][0])
    assert detail["category"][0].code == "multiple_values"
    assert "true or false" in str(detail["in_stock"][0])
    assert filterset.errors == detail


def test_unknown_parameters_rejected_by_name():
    class Strict(Bench):
        class Meta:
            unknown_parameters = "error"

    filterset, _queryset = run(Strict, "in_stock=1&page=2", known_parameters=["page"])
    assert planned(filterset)
    with pytest.raises(ValidationError) as excinfo:
        run(Strict, "in_stock=1&colour=red&page=2", known_parameters=["page"])
    assert list(excinfo.value.detail) == ["colour"]
    assert excinfo.value.detail["colour"][0].code == "unknown_parameter"


def test_shared_default_values_are_copied_per_request():
    class Ordered(Bench):
        class Meta:
            default_order_fields = ["-price"]

    first, _queryset = run(Ordered, "in_stock=1")
    assert planned(first)
    first.validated_data["ordering"].append("price")
    second, queryset = run(Ordered, "in_stock=1")
    assert second.validated_data["ordering"] == ["-price"]
    assert queryset.query.order_by == ("-price", "pk")


def test_required_parameter_missing_uses_the_general_error():
    class Required(Bench):
        class Meta:
            required_fields = ["category"]

    with pytest.raises(ValidationError) as excinfo:
        run(Required, "in_stock=1")
    assert excinfo.value.detail["category"][0].code == "required"
    filterset, _queryset = run(Required, "category=2")
    assert planned(filterset)


def test_method_filters_receive_instance():
    seen = []

    class WithMethod(Bench):
        cheap = IntegerField(method="filter_cheap")

        def filter_cheap(self, queryset, value):
            seen.append((self, value, dict(self.validated_data)))
            return queryset.filter(price__lt=value)

    filterset, queryset = run(WithMethod, "cheap=5&in_stock=1")
    assert planned(filterset)
    assert seen == [(filterset, 5, {"in_stock": True, "cheap": 5})]
    assert str(queryset.query) == general_sql(WithMethod, "cheap=5&in_stock=1")


# --- hooks that keep the general path ------------------------------------------


def test_validate_method_is_called():
    class Validated(Bench):
        def validate_price__gte(self, value):
            if value > 1000:
                raise ValidationError("Too expensive.")
            return value * 2

    assert get_plan(Validated) is None
    filterset, _queryset = run(Validated, "price__gte=10")
    assert filterset.validated_data["price__gte"] == Decimal("20.00")
    with pytest.raises(ValidationError) as excinfo:
        run(Validated, "price__gte=2000")
    assert str(excinfo.value.detail["price__gte"][0]) == "Too expensive."


def test_overridden_validate_and_to_internal_value_are_called():
    calls = []

    class Hooked(Bench):
        def validate(self, attrs):
            calls.append("validate")
            return {**attrs, "in_stock": False}

    class Internal(Bench):
        def to_internal_value(self, data):
            calls.append("to_internal_value")
            return super().to_internal_value(data)

    assert get_plan(Hooked) is None
    assert get_plan(Internal) is None
    filterset, _queryset = run(Hooked, "in_stock=1")
    assert filterset.validated_data["in_stock"] is False
    run(Internal, "in_stock=1")
    assert calls == ["validate", "to_internal_value"]


def test_get_fields_override_is_used():
    class Dynamic(Bench):
        def get_fields(self):
            fields = super().get_fields()
            fields.pop("price__gte")
            return fields

    assert get_plan(Dynamic) is None
    filterset, queryset = run(Dynamic, "price__gte=5&in_stock=1")
    assert "price__gte" not in filterset.validated_data
    assert "price" not in str(queryset.query.where)


def test_fields_edited_in_init_are_used():
    class Edited(Bench):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields.pop("category")

    filterset, _queryset = run(Edited, "category=3&in_stock=1")
    assert not planned(filterset)
    assert "category" not in filterset.validated_data


def test_validate_method_set_in_init_is_called():
    class Late(Bench):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.validate_category = lambda value: value + 1

    filterset, _queryset = run(Late, "category=3")
    assert filterset.validated_data["category"] == 4


def test_validators_passed_to_the_instance_run():
    def no_stock_filter(attrs):
        if "in_stock" in attrs:
            raise ValidationError({"in_stock": "Not here."})

    with pytest.raises(ValidationError) as excinfo:
        run(Bench, "in_stock=1", validators=[no_stock_filter])
    assert str(excinfo.value.detail["in_stock"][0]) == "Not here."


def test_partial_instance_skips_required_and_defaults():
    class Required(Bench):
        class Meta:
            required_fields = ["category"]
            default_order_fields = ["price"]

    filterset, _queryset = run(Required, "in_stock=1", partial=True)
    assert filterset.validated_data == {"in_stock": True}


def test_outside_field_class_runs_own_code():
    class Doubling(IntegerField):
        def to_internal_value(self, data):
            return super().to_internal_value(data) * 2

    class Custom(Bench):
        stock = Doubling()

    assert get_plan(Custom) is None
    filterset, _queryset = run(Custom, "stock=4")
    assert filterset.validated_data["stock"] == 8


def test_context_validator_keeps_general_path():
    class NeedsField:
        requires_context = True

        def __call__(self, value, field):
            if field.parent is None or field.parent.request is not None:
                raise DjangoValidationError("Wrong parent.")

    class Contextual(Bench):
        stock = IntegerField(validators=[NeedsField()])

    assert get_plan(Contextual) is None
    filterset, _queryset = run(Contextual, "stock=4")
    assert filterset.validated_data["stock"] == 4


def test_list_child_planning():
    from restflow.filters import ListField

    class DrfChild(Bench):
        ids = ListField(child=drf_fields.IntegerField(), db_field="id")

    class OwnChild(drf_fields.IntegerField):
        pass

    class CustomChild(Bench):
        ids = ListField(child=OwnChild(), db_field="id")

    assert get_plan(DrfChild) is not None
    assert get_plan(CustomChild) is None
    for filterset_class in (DrfChild, CustomChild):
        filterset, _queryset = run(filterset_class, "ids=1,2")
        assert filterset.validated_data["ids"] == [1, 2]


def test_is_valid_before_filtering_keeps_its_result():
    filterset = Bench(data=QueryDict("in_stock=1"))
    assert filterset.is_valid()
    filterset.filter_queryset(Product.objects.all())
    assert filterset.validated_data == {"in_stock": True}


def test_or_groups_take_the_general_path():
    class Grouped(Bench):
        class Meta:
            or_groups = True

    filterset, queryset = run(Grouped, "or.in_stock=1&or.price__gte=10&category=2")
    assert not planned(filterset)
    assert " OR " in str(queryset.query)
    filterset, _queryset = run(Grouped, "category=2")
    assert planned(filterset)


def test_validate_method_added_after_first_use_is_called():
    class Patched(Bench):
        pass

    filterset, _queryset = run(Patched, "category=3")
    assert planned(filterset)
    Patched.validate_category = lambda self, value: value * 10
    filterset, _queryset = run(Patched, "category=3")
    assert filterset.validated_data["category"] == 30
    del Patched.validate_category
    filterset, _queryset = run(Patched, "category=3")
    assert planned(filterset)
    assert filterset.validated_data["category"] == 3


def test_late_base_hook_is_called():
    class Base(Bench):
        pass

    class Leaf(Base):
        pass

    run(Leaf, "category=3")
    Base.validate = lambda self, attrs: {**attrs, "category": 0}
    filterset, _queryset = run(Leaf, "category=3")
    assert filterset.validated_data["category"] == 0


def test_nested_custom_child_keeps_general_path():
    from restflow.filters import ListField

    class Tripled(drf_fields.IntegerField):
        def to_internal_value(self, data):
            return super().to_internal_value(data) * 3

    class Nested(Bench):
        ids = ListField(child=drf_fields.ListField(child=Tripled()), db_field="id")

    assert get_plan(Nested) is None


def test_shared_plan_isolates_threads():
    from concurrent.futures import ThreadPoolExecutor

    def one(number):
        if number % 3 == 0:
            filterset = Bench(data=QueryDict(f"price__gte=bad{number}"))
            try:
                filterset.filter_queryset(Product.objects.all())
            except ValidationError as exc:
                return str(exc.detail["price__gte"][0])
            return "no error"
        filterset, _queryset = run(Bench, f"price__gte={number}&category={number}")
        return filterset.validated_data

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(one, range(300)))
    for number, result in enumerate(results):
        if number % 3 == 0:
            assert f"'bad{number}'" in result
        else:
            assert result == {
                "price__gte": Decimal(number).quantize(Decimal("0.01")),
                "category": number,
            }
