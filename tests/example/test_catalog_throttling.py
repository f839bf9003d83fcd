"""Throttling of the example catalog: restflow's anonymous and per-user rates from settings."""

from __future__ import annotations

import pytest
from django.test import override_settings
from example import settings as example_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("example_api", "seeded_catalog")]


def tight_rates(**rates: str):
    rest_framework = {**example_settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    return override_settings(REST_FRAMEWORK=rest_framework)


def test_example_uses_restflow_throttles():
    assert example_settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == [
        "restflow.throttling.AnonRateThrottle",
        "restflow.throttling.UserRateThrottle",
    ]


def test_anonymous_rate_gives_429_envelope(client):
    with tight_rates(anon="3/minute", user="100/minute"):
        statuses = [client.get("/api/products/").status_code for _ in range(3)]
        refused = client.get("/api/products/")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "throttled"
    assert int(refused["Retry-After"]) > 0


def test_user_rate_is_counted_per_user(client, demo_auth):
    with tight_rates(anon="100/minute", user="2/minute"):
        signed_in = [client.get("/api/products/", **demo_auth).status_code for _ in range(3)]
        anonymous = client.get("/api/products/")

    assert signed_in == [200, 200, 429]
    assert anonymous.status_code == 200
