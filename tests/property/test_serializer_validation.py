"""Property test: annotated serializers validate like the hand-written DRF serializer.

Random payloads go through an annotation-declared serializer on the sync
and the async path and through the equivalent plain DRF serializer; the
validity, the errors and the validated data must be the same.
"""

from __future__ import annotations

import datetime
import decimal
import uuid
from typing import Literal

from asgiref.sync import async_to_sync
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework import serializers as drf

from restflow.serializers import Email, Field, NotRequired, Serializer


class Annotated_(Serializer):
    name: str = Field(max_length=8)
    age: int = Field(min_value=0)
    email: Email
    bio: str | None
    score: float = 1.5
    price: decimal.Decimal = Field(max_digits=6, decimal_places=2)
    when: datetime.date
    ident: NotRequired[uuid.UUID]
    level: Literal["low", "high"]
    tags: list[str]
    flags: list[bool] = Field(required=False)


class Plain(drf.Serializer):
    name = drf.CharField(max_length=8)
    age = drf.IntegerField(min_value=0)
    email = drf.EmailField()
    bio = drf.CharField(allow_null=True, required=False)
    score = drf.FloatField(default=1.5, required=False)
    price = drf.DecimalField(max_digits=6, decimal_places=2)
    when = drf.DateField()
    ident = drf.UUIDField(required=False)
    level = drf.ChoiceField(choices=[("low", "low"), ("high", "high")])
    tags = drf.ListField(child=drf.CharField())
    flags = drf.ListField(child=drf.BooleanField(), required=False)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-1000, 10**6),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(["low", "high", "a@example.com", "2024-02-29", "12.5", str(uuid.UUID(int=7))]),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=3), scalars, max_size=2),
)
payloads = st.dictionaries(
    st.sampled_from(
        [
            "name",
            "age",
            "email",
            "bio",
            "score",
            "price",
            "when",
            "ident",
            "level",
            "tags",
            "flags",
            "extra",
        ]
    ),
    values,
)

VALID = {
    "name": "ann",
    "age": 30,
    "email": "ann@example.com",
    "bio": None,
    "price": "12.50",
    "when": "2024-02-29",
    "level": "high",
    "tags": ["a", "b"],
}


@st.composite
def near_valid(draw):
    # Start from a valid payload and change a few keys, so both valid and
    # invalid outcomes are common.
    payload = dict(VALID)
    for key in draw(st.lists(st.sampled_from([*VALID, "score", "ident", "flags"]), max_size=3)):
        if draw(st.booleans()):
            payload.pop(key, None)
        else:
            payload[key] = draw(values)
    return payload


def result(serializer, valid):
    if valid:
        return True, dict(serializer.validated_data)
    return False, serializer.errors


@settings(max_examples=300, deadline=None)
@given(payload=st.one_of(near_valid(), payloads, values))
def test_annotated_matches_drf_on_both_paths(payload):
    expected_serializer = Plain(data=payload)
    expected = result(expected_serializer, expected_serializer.is_valid())

    sync_serializer = Annotated_(data=payload)
    assert result(sync_serializer, sync_serializer.is_valid()) == expected

    async_serializer = Annotated_(data=payload)
    valid = async_to_sync(async_serializer.ais_valid)()
    assert result(async_serializer, valid) == expected
