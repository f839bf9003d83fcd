from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.db.models import Q
from django.test import override_settings
from django.utils import timezone

from restflow.filters import (
    BooleanField,
    ChoiceField,
    DateField,
    DateTimeField,
    DecimalField,
    DurationField,
    EmailField,
    FilterSet,
    FloatField,
    IntegerField,
    IPAddressField,
    ListField,
    MultipleChoiceField,
    StringField,
    TimeField,
    UUIDField,
)
from restflow.filters.fields import INT64_MAX, Field


def parse(field, raw):
    """Validate ``raw`` for ``field`` inside a throwaway FilterSet; return (value, errors)."""
    filterset_class = type("F", (FilterSet,), {"value": field})
    filterset = filterset_class(data={"value": raw})
    if filterset.is_valid():
        return filterset.validated_data.get("value"), None
    return None, filterset.errors["value"]


@pytest.mark.parametrize(
    "raw,expected",
    [
        ("true", True),
        ("TRUE", True),
        ("tRuE", True),
        ("1", True),
        ("yes", True),
        ("On", True),
        ("false", False),
        ("FALSE", False),
        ("0", False),
        ("no", False),
        ("OFF", False),
    ],
)
def test_boolean_accepts_any_case(raw, expected):
    value, errors = parse(BooleanField(), raw)
    assert errors is None
    assert value is expected


def test_boolean_rejects_maybe_naming_accepted_forms():
    _value, errors = parse(BooleanField(), "maybe")
    assert "true or false" in str(errors[0])
    assert "'maybe'" in str(errors[0])


def test_integer_message_names_value():
    _value, errors = parse(IntegerField(), "abc")
    assert str(errors[0]) == "Enter a whole number such as 42, not 'abc'."


def test_integer_bounded_to_64_bits():
    assert parse(IntegerField(), str(INT64_MAX))[0] == INT64_MAX
    _value, errors = parse(IntegerField(), str(INT64_MAX + 1))
    assert errors is not None


def test_float_rejects_nan_and_text():
    assert parse(FloatField(), "nan")[1] is not None
    assert parse(FloatField(), "x")[1] is not None
    assert parse(FloatField(), "2.5")[0] == 2.5


def test_decimal_defaults_and_message():
    assert parse(DecimalField(), "19.99")[0] == Decimal("19.99")
    _value, errors = parse(DecimalField(), "abc")
    assert "decimal number" in str(errors[0])
    assert parse(DecimalField(), "1.555")[1] is not None


def test_date_and_time_fields():
    assert parse(DateField(), "2024-05-31")[0] == datetime.date(2024, 5, 31)
    _value, errors = parse(DateField(), "yesterday")
    assert "YYYY-MM-DD" in str(errors[0])
    assert parse(TimeField(), "13:45")[0] == datetime.time(13, 45)
    assert parse(DurationField(), "1 02:00:00")[0] == datetime.timedelta(days=1, hours=2)


def test_datetime_rejects_words_naming_format():
    _value, errors = parse(DateTimeField(), "yesterday")
    assert "YYYY-MM-DDThh:mm" in str(errors[0])
    assert "'yesterday'" in str(errors[0])


@override_settings(USE_TZ=True, TIME_ZONE="Europe/Berlin")
def test_naive_datetime_uses_current_time_zone():
    with timezone.override("Europe/Berlin"):
        value, errors = parse(DateTimeField(), "2024-01-10T12:00:00")
    assert errors is None
    assert value.utcoffset() == datetime.timedelta(hours=1)
    assert value.astimezone(datetime.timezone.utc).hour == 11


def test_duration_bounded_to_64_bit_microseconds():
    assert parse(DurationField(), "100000 00:00:00")[0] == datetime.timedelta(days=100000)
    _value, errors = parse(DurationField(), "999999999 00:00:00")
    assert errors is not None


@pytest.mark.django_db
def test_long_duration_is_400_not_overflow():
    from tests.filterapp.models import Part

    class F(FilterSet):
        class Meta:
            model = Part
            fields = ["lead_time"]

    filterset = F(data={"lead_time": "999999999 00:00:00"})
    assert not filterset.is_valid()
    assert "lead_time" in filterset.errors
    filterset = F(data={"lead_time": "106000000 00:00:00"})
    assert list(filterset.filter_queryset(Part.objects.all())) == []


def test_email_ip_uuid():
    assert parse(EmailField(), "ada@example.com")[0] == "ada@example.com"
    assert parse(EmailField(), "nope")[1] is not None
    assert parse(IPAddressField(), "10.0.0.1")[0] == "10.0.0.1"
    assert parse(IPAddressField(), "999.1.1.1")[1] is not None
    value = uuid.uuid4()
    assert parse(UUIDField(), str(value))[0] == value
    assert "UUID" in str(parse(UUIDField(), "12")[1][0])


def test_choice_error_lists_choices():
    _value, errors = parse(ChoiceField(choices=["draft", "active"]), "x")
    assert "draft, active" in str(errors[0])


def test_multiple_choice_keeps_order_and_drops_duplicates():
    field = MultipleChoiceField(choices=["a", "b", "c"])
    assert parse(field, "c,a,c")[0] == ["c", "a"]


def test_list_field_rejects_empty_list():
    _value, errors = parse(ListField(child=IntegerField()), "")
    assert "at least one value" in str(errors[0])
    assert "value=1,2" in str(errors[0])


def test_list_field_child_errors_by_index():
    _value, errors = parse(ListField(child=IntegerField()), "1,x")
    assert 1 in errors
    assert "'x'" in str(errors[1][0])


def test_string_strips_and_rejects_nul():
    assert parse(StringField(), "  hi ")[0] == "hi"
    assert "NUL" in str(parse(StringField(), "a\x00b")[1][0])


def test_method_with_filter_by_is_rejected():
    with pytest.raises(AssertionError):
        StringField(method="m", filter_by="name")


def test_method_must_be_callable_or_name():
    with pytest.raises(TypeError):
        StringField(method=5)


def test_lookups_with_method_rejected():
    with pytest.raises(AssertionError):
        StringField(method="m", lookups=["icontains"])


def test_lookups_with_filter_by_need_db_field():
    with pytest.raises(AssertionError):
        StringField(filter_by="name__iexact", lookups=["icontains"])
    field = StringField(filter_by="name__iexact", db_field="name", lookups=["icontains"])
    assert field.db_field == "name"


def test_filter_by_callable_returns_dict_or_q():
    field = IntegerField(filter_by=lambda value: {"stock__gte": value})
    field.field_name = "x"
    assert field.build_q(3) == Q(stock__gte=3)
    field = IntegerField(filter_by=lambda value: Q(stock=value) | Q(stock=0))
    field.field_name = "x"
    assert field.build_q(3) == Q(stock=3) | Q(stock=0)


def test_filter_by_callable_with_other_return_fails():
    field = IntegerField(filter_by=lambda value: 3)
    field.field_name = "x"
    with pytest.raises(AssertionError):
        field.build_q(3)


def test_negate_inverts_condition():
    field = IntegerField(db_field="stock", negate=True)
    assert field.build_q(3) == ~Q(stock=3)


def test_clone_keeps_arguments_and_applies_overrides():
    field = DecimalField(max_digits=6, decimal_places=1, help_text="Price")
    clone = field.clone(filter_by="price__gte")
    assert isinstance(clone, DecimalField)
    assert clone.max_digits == 6
    assert clone.filter_by == "price__gte"
    assert clone.help_text == "Price"


def test_bare_field_is_a_drf_field():
    assert issubclass(Field, __import__("rest_framework").fields.Field)


def test_list_field_base_matches_any_item():
    field = ListField(child=IntegerField(), db_field="stock")
    assert field.get_filter_path() == "stock__in"
    whole = ListField(child=IntegerField(), db_field="scores", match_whole=True)
    assert whole.get_filter_path() == "scores"
