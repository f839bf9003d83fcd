"""Typed key encoding: distinct values never share text, equal values always do."""

from __future__ import annotations

import datetime
import enum
import uuid
from decimal import Decimal

import pytest

from restflow.caching.encoding import UnkeyableValueError, encode_value


def test_scalars_of_different_types_never_collide():
    values = [
        1,
        "1",
        True,
        "True",
        None,
        "null",
        "None",
        "",
        1.0,
        Decimal("1"),
        b"1",
        [1],
        (1,),
        {1},
    ]
    tokens = [encode_value(value) for value in values]
    assert len(set(tokens)) == len(values), dict(zip(map(repr, values), tokens, strict=True))


def test_separators_inside_strings_are_escaped():
    joined = encode_value(["a", "b"])
    sneaky = encode_value(["a,sb"])
    assert joined != sneaky
    for text in ["a:b", "a::b", "a||b", "a,b", "a=b", "(x)"]:
        token = encode_value(text)
        for separator in ":,=()|":
            assert separator not in token[1:], (text, token)


def test_glob_and_control_characters_never_appear():
    token = encode_value("*?[]\\ \t\n\x00\x7fé")
    for character in "*?[]\\ \t\n\x00\x7f":
        assert character not in token
    assert token.isascii()


def test_dict_and_set_order_do_not_matter():
    assert encode_value({"b": 1, "a": 2}) == encode_value({"a": 2, "b": 1})
    assert encode_value({3, 1, 2}) == encode_value({2, 3, 1})


def test_list_order_matters_unless_sorted():
    assert encode_value([1, 2]) != encode_value([2, 1])
    assert encode_value([1, 2], sort_lists=True) == encode_value([2, 1], sort_lists=True)


def test_equal_decimals_share_a_key():
    assert encode_value(Decimal("1.0")) == encode_value(Decimal("1.00"))
    assert encode_value(Decimal("1.5")) != encode_value(Decimal("15"))


def test_equal_aware_datetimes_share_a_key():
    utc = datetime.datetime(2024, 5, 1, 12, 0, tzinfo=datetime.timezone.utc)
    plus_two = utc.astimezone(datetime.timezone(datetime.timedelta(hours=2)))
    assert encode_value(utc) == encode_value(plus_two)
    assert encode_value(utc.replace(tzinfo=None)) != encode_value(utc)
    assert encode_value(utc.date()) != encode_value(utc)


def test_uuid_and_its_string_differ():
    value = uuid.UUID("12345678-1234-5678-1234-567812345678")
    assert encode_value(value) != encode_value(str(value))


def test_enum_members_key_by_class_and_name():
    class Color(enum.Enum):
        RED = 1

    assert encode_value(Color.RED) != encode_value(1)
    assert "RED" in encode_value(Color.RED)


def test_default_repr_objects_are_rejected():
    class Plain:
        pass

    with pytest.raises(UnkeyableValueError, match="default repr"):
        encode_value({"value": Plain()})


def test_objects_with_own_text_or_hook_are_keyed():
    class Named:
        def __init__(self, name):
            self.name = name

        def __str__(self):
            return self.name

    class Hooked:
        def __cache_key__(self):
            return ("hooked", 1)

    assert encode_value(Named("a")) != encode_value(Named("b"))
    assert encode_value(Named("a")) != encode_value("a")
    assert encode_value(Hooked()) == encode_value(Hooked())


@pytest.mark.django_db
def test_model_instances_key_by_label_and_pk(make_product):
    product = make_product()
    token = encode_value(product)
    assert "catalog.product" in token
    assert token == encode_value(type(product).objects.get(pk=product.pk))
    assert token != encode_value(product.pk)


def test_unsaved_instances_are_rejected():
    from catalog.models import Category

    with pytest.raises(UnkeyableValueError, match="unsaved"):
        encode_value(Category(name="x"))


def test_requests_are_rejected():
    from django.test import RequestFactory

    with pytest.raises(UnkeyableValueError, match="request object"):
        encode_value(RequestFactory().get("/"))
