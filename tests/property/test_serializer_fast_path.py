"""Property test: the fast read path returns exactly DRF's output, or raises DRF's error.

Each example builds unsaved ``Specimen`` rows with values of every field
type (including wrong types, naive and aware datetimes, extreme years,
missing relations) and serializes them with a plain DRF ModelSerializer
and with restflow's, under a drawn settings combination.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.test import override_settings
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework import serializers as drf

from restflow.serializers import ModelSerializer
from restflow.serializers.fast import GENERIC, build_plan
from tests.serializerapp.models import Owner, Specimen

OSLO = zoneinfo.ZoneInfo("Europe/Oslo")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")

MODEL_FIELDS = [
    "id",
    "char",
    "text",
    "integer",
    "big",
    "small",
    "amount",
    "ratio",
    "flag",
    "maybe",
    "created",
    "day",
    "clock",
    "span",
    "uid",
    "data",
    "status",
    "email",
    "slug",
    "url",
    "ip",
    "note",
    "owner",
]


def build_serializer(base: type, owner_base: type) -> type:
    """Build the same serializer class on top of DRF's or restflow's ModelSerializer."""

    owner_meta = type("Meta", (), {"model": Owner, "fields": ["id", "name", "email"]})
    owner_serializer = type(f"Owner{base.__name__}", (owner_base,), {"Meta": owner_meta})

    def get_shout(self, obj):
        return f"{obj.char}!"

    attrs = {
        "__module__": __name__,
        "amount_plain": drf.DecimalField(
            source="amount", max_digits=12, decimal_places=3, coerce_to_string=False, read_only=True
        ),
        "amount_local": drf.DecimalField(
            source="amount", max_digits=12, decimal_places=2, localize=True, read_only=True
        ),
        "created_fmt": drf.DateTimeField(
            source="created", format="%Y-%m-%d %H:%M %Z", read_only=True
        ),
        "created_raw": drf.DateTimeField(source="created", format=None, read_only=True),
        "created_oslo": drf.DateTimeField(source="created", default_timezone=OSLO, read_only=True),
        "day_fmt": drf.DateField(source="day", format="%d.%m.%Y", read_only=True),
        "clock_fmt": drf.TimeField(source="clock", format="%H%M", read_only=True),
        "uid_hex": drf.UUIDField(source="uid", format="hex", read_only=True),
        "status_choice": drf.ChoiceField(
            source="status", choices=Specimen.STATUS_CHOICES, read_only=True
        ),
        "owner_name": drf.CharField(source="owner.name", read_only=True),
        "owner_name_null": drf.CharField(source="owner.name", allow_null=True, read_only=True),
        "owner_pk_text": drf.PrimaryKeyRelatedField(
            source="owner", read_only=True, pk_field=drf.CharField()
        ),
        "owner_detail": owner_serializer(source="owner", read_only=True),
        "label": drf.ReadOnlyField(),
        "shout": drf.SerializerMethodField(),
        "get_shout": get_shout,
        "Meta": type(
            "Meta",
            (),
            {
                "model": Specimen,
                "fields": [
                    *MODEL_FIELDS,
                    "amount_plain",
                    "amount_local",
                    "created_fmt",
                    "created_raw",
                    "created_oslo",
                    "day_fmt",
                    "clock_fmt",
                    "uid_hex",
                    "status_choice",
                    "owner_name",
                    "owner_name_null",
                    "owner_pk_text",
                    "owner_detail",
                    "label",
                    "shout",
                ],
            },
        ),
    }
    return type(f"Specimen{base.__name__}", (base,), attrs)


DRFSpecimen = build_serializer(drf.ModelSerializer, drf.ModelSerializer)
RestflowSpecimen = build_serializer(ModelSerializer, ModelSerializer)

# Model fields only: an error raised by one field must not be masked by the
# same error from a declared field later in the row.
_plain_meta = type("Meta", (), {"model": Specimen, "fields": MODEL_FIELDS})
DRFPlainSpecimen = type("DRFPlainSpecimen", (drf.ModelSerializer,), {"Meta": _plain_meta})
RestflowPlainSpecimen = type("RestflowPlainSpecimen", (ModelSerializer,), {"Meta": _plain_meta})

aware_zones = st.sampled_from(
    [
        datetime.timezone.utc,
        OSLO,
        NEW_YORK,
        datetime.timezone(datetime.timedelta(hours=5, minutes=30)),
    ]
)
datetimes = st.one_of(
    st.datetimes(timezones=aware_zones),
    st.datetimes(),
    st.datetimes(
        min_value=datetime.datetime(1, 1, 1),
        max_value=datetime.datetime(1, 1, 2),
        timezones=aware_zones,
    ),
    st.datetimes(
        min_value=datetime.datetime(9999, 12, 31),
        max_value=datetime.datetime(9999, 12, 31, 23, 59),
        timezones=aware_zones,
    ),
)
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3)
    ),
    max_leaves=6,
)
owners = st.none() | st.builds(
    Owner,
    id=st.integers(1, 10_000),
    name=st.text(max_size=10),
    email=st.one_of(st.just(""), st.emails()),
)
texts = st.text(max_size=12)


@st.composite
def specimens(draw):
    specimen = Specimen(
        id=draw(st.none() | st.integers(1, 10**6)),
        char=draw(st.one_of(texts, st.integers())),
        text=draw(texts),
        integer=draw(
            st.one_of(
                st.integers(-(2**31), 2**31 - 1),
                st.booleans(),
                st.floats(allow_nan=False, allow_infinity=False),
                st.text(alphabet="0123456789", min_size=1, max_size=4),
            )
        ),
        big=draw(st.integers(-(2**63), 2**63 - 1)),
        small=draw(st.integers(0, 32767)),
        amount=draw(
            st.one_of(
                st.decimals(min_value=-(10**8), max_value=10**8, places=3, allow_nan=False),
                st.decimals(min_value=-(10**13), max_value=10**13, places=5, allow_nan=False),
                st.integers(-1000, 1000),
                st.none(),
            )
        ),
        ratio=draw(st.one_of(st.floats(allow_nan=False), st.integers(-5, 5), st.none())),
        flag=draw(st.one_of(st.booleans(), st.sampled_from([0, 1, "true", "no"]))),
        maybe=draw(st.none() | st.booleans()),
        created=draw(st.none() | datetimes),
        day=draw(st.dates()),
        clock=draw(st.times()),
        span=draw(st.timedeltas()),
        uid=draw(st.uuids()),
        data=draw(json_values),
        status=draw(st.one_of(st.sampled_from(["draft", "live", "gone", ""]), texts)),
        email=draw(st.one_of(st.emails(), texts)),
        slug=draw(texts),
        url=draw(texts),
        ip=draw(st.none() | st.ip_addresses().map(str)),
        note=draw(st.none() | texts),
    )
    specimen.owner = draw(owners)
    return specimen


settings_choices = st.sampled_from(
    [
        {},
        {"COERCE_DECIMAL_TO_STRING": False},
        {"DATETIME_FORMAT": "%Y-%m-%dT%H:%M:%S%z"},
        {"DATETIME_FORMAT": None},
        {"UNICODE_JSON": False, "COERCE_DECIMAL_TO_STRING": True},
        {"COERCE_BIGINT_TO_STRING": True},
    ]
)


def outcome(serializer_class, rows):
    try:
        return "ok", serializer_class(rows, many=True).data
    except Exception as exc:  # the property compares DRF's failure with ours
        return "error", type(exc), str(exc)


def same(left, right) -> bool:
    return left == right


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(specimens(), max_size=4),
    rest_settings=settings_choices,
    current_zone=st.sampled_from([None, OSLO, NEW_YORK]),
    use_tz=st.booleans(),
    localize=st.booleans(),
)
def test_fast_path_equals_drf(rows, rest_settings, current_zone, use_tz, localize):
    with override_settings(
        REST_FRAMEWORK={"TEST_REQUEST_DEFAULT_FORMAT": "json", **rest_settings},
        USE_TZ=use_tz,
        USE_THOUSAND_SEPARATOR=localize,
    ):
        context = timezone.override(current_zone) if current_zone else timezone.override(None)
        with context:
            expected = outcome(DRFSpecimen, rows)
            actual = outcome(RestflowSpecimen, rows)
            expected_plain = outcome(DRFPlainSpecimen, rows)
            actual_plain = outcome(RestflowPlainSpecimen, rows)
    assert actual == expected
    assert actual_plain == expected_plain


def represent_twice(serializer_class, rows):
    # The second call on one serializer runs the cached single-instance plan.
    try:
        serializer = serializer_class()
        serializer.to_representation(rows[0])
        return "ok", serializer.to_representation(rows[1])
    except Exception as exc:  # the property compares DRF's failure with ours
        return "error", type(exc), str(exc)


@given(rows=st.lists(specimens(), min_size=2, max_size=2))
@settings(max_examples=100, deadline=None)
def test_single_instance_plan_equals_drf(rows):
    expected = represent_twice(DRFSpecimen, rows)
    actual = represent_twice(RestflowSpecimen, rows)
    assert actual == expected


def test_plan_uses_fast_kinds_for_model_fields():
    plan = build_plan(RestflowSpecimen(), for_list=True)
    assert plan is not None
    kinds = dict(zip(RestflowSpecimen().fields, plan.kinds, strict=True))
    assert kinds["char"] == "str"
    assert kinds["integer"] == "int"
    assert kinds["ratio"] == "float"
    assert kinds["flag"] == "bool"
    assert kinds["created"] == "datetime_iso"
    assert kinds["amount"] == "decimal_str"
    assert kinds["amount_plain"] == "call"
    assert kinds["amount_local"] == "call"
    assert kinds["owner"] == "pk"
    assert kinds["owner_name"] == "str"
    assert kinds["owner_detail"] == "nested"
    assert kinds["shout"] == "method"
    assert kinds["label"] == GENERIC
    assert kinds["owner_pk_text"] == "pk"
