"""Calendar-edge dates in time zones far from UTC: a 400 or a result, never a crash."""

from __future__ import annotations

import pytest
from catalog.models import Product
from django.test import override_settings
from django.utils import timezone

from restflow.filters import DateTimeField, FilterSet


class Dated(FilterSet):
    created_at = DateTimeField(lookups=["year", "date", "gte", "lt"])


@pytest.mark.django_db
@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"])
@pytest.mark.parametrize(
    "data",
    [
        {"created_at__year": "1"},
        {"created_at__year": "9999"},
        {"created_at__year": "2"},
        {"created_at__gte": "0001-01-01T00:00:00"},
        {"created_at__lt": "9999-12-31T23:59:59"},
        {"created_at__date": "0001-01-01"},
        {"created_at": "9999-12-31T23:59:59-12:00"},
    ],
)
def test_calendar_edges_never_crash(zone, data):
    with override_settings(TIME_ZONE=zone), timezone.override(zone):
        filterset = Dated(data=data)
        if filterset.is_valid():
            assert list(filterset.filter_queryset(Product.objects.all())) == []
        else:
            assert list(filterset.errors) == list(data)


def test_extreme_years_are_rejected_with_the_range():
    filterset = Dated(data={"created_at__year": "9999"})
    assert not filterset.is_valid()
    assert "9998" in str(filterset.errors["created_at__year"][0])
