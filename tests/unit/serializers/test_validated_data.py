"""Tests for ValidatedData and its helpers."""

from __future__ import annotations

import copy
import datetime
import decimal
import json
import pickle
import uuid

import pytest

from restflow.serializers import Serializer, ValidatedData
from restflow.serializers.validated_data import normalize_default, transform_validated_data


def test_attribute_access_reads_writes_deletes():
    data = ValidatedData(name="a")
    assert data.name == "a"
    data.size = 3
    assert data["size"] == 3
    del data.size
    assert "size" not in data
    with pytest.raises(AttributeError, match="no key 'missing'"):
        _ = data.missing
    with pytest.raises(AttributeError, match="no key 'missing' to delete"):
        del data.missing


def test_dict_method_names_return_methods():
    data = ValidatedData(items=[1], keys="k")
    assert callable(data.items)
    assert data["items"] == [1]
    assert data["keys"] == "k"


def test_repr_pickle_and_copies():
    data = ValidatedData(a=1, nested=ValidatedData(b=2))
    assert repr(data) == "ValidatedData({'a': 1, 'nested': ValidatedData({'b': 2})})"
    for clone in (pickle.loads(pickle.dumps(data)), copy.deepcopy(data), copy.copy(data)):
        assert type(clone) is ValidatedData
        assert clone == data
    deep = copy.deepcopy(data)
    assert type(deep.nested) is ValidatedData
    assert deep.nested is not data.nested


def test_to_json_converts_known_types():
    moment = datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone.utc)
    ident = uuid.UUID("12345678-1234-5678-1234-567812345678")
    data = ValidatedData(
        price=decimal.Decimal("1.50"),
        at=moment,
        day=moment.date(),
        clock=moment.time(),
        id=ident,
        inner=ValidatedData(x=1),
    )
    assert json.loads(data.to_json()) == {
        "price": "1.50",
        "at": "2024-01-02T03:04:05+00:00",
        "day": "2024-01-02",
        "clock": "03:04:05",
        "id": str(ident),
        "inner": {"x": 1},
    }
    assert data.__json__() == dict(data)
    assert type(data.__json__()) is dict


def test_to_json_user_default_first():
    class Point:
        pass

    def default(obj):
        if isinstance(obj, Point):
            return "point"
        raise TypeError("not mine")

    data = ValidatedData(p=Point(), d=decimal.Decimal("2"))
    assert json.loads(data.to_json(default=default, sort_keys=True)) == {"d": "2", "p": "point"}
    with pytest.raises(TypeError, match="Point is not JSON serializable"):
        ValidatedData(p=Point()).to_json()


def test_normalize_default_rejects_unknown():
    with pytest.raises(TypeError, match="set"):
        normalize_default({1})


def test_transform_walks_lists_and_guards_cycles():
    inner = {"a": 1}
    outer = {"items": [inner, {"b": [{"c": 2}]}], "kept": ValidatedData(z=1)}
    outer["self"] = outer
    result = transform_validated_data(outer)
    assert type(result) is ValidatedData
    assert type(result["items"][0]) is ValidatedData
    assert type(result["items"][1].b[0]) is ValidatedData
    assert result["self"] is result
    assert result["kept"] is outer["kept"]


def test_serializer_validated_data_is_cached_validated_data():
    class Child(Serializer):
        n: int

    class Parent(Serializer):
        child: Child
        children: list[Child]

    serializer = Parent(data={"child": {"n": 1}, "children": [{"n": 2}]})
    assert serializer.is_valid()
    first = serializer.validated_data
    assert type(first) is ValidatedData
    assert first.child.n == 1
    assert first.children[0].n == 2
    assert serializer.validated_data is first


def test_validated_data_before_validation_asserts():
    class Child(Serializer):
        n: int

    with pytest.raises(AssertionError):
        _ = Child(data={}).validated_data
