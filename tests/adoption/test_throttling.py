"""Zero-code adoption: restflow throttles named in DRF's defaults limit plain sync views.

DRF copies ``DEFAULT_THROTTLE_CLASSES`` into ``APIView.throttle_classes``
when ``rest_framework.views`` is first imported, so ``override_settings``
cannot switch throttles on in a running test process. A project sets the
default in settings.py before anything imports DRF; these tests do the
same: they write a settings module and run the inner tests below in a new
Python process, and serve the views from a two-worker uvicorn counting in
Redis.
"""

from __future__ import annotations

import os
import uuid
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from django.contrib.auth.models import User
from django.core.cache import caches
from rest_framework.test import APIClient

from tests.support import services
from tests.support.fresh_process import fresh_environment, is_inner, run_inner_tests

INNER = is_inner("RESTFLOW_ADOPTION_THROTTLING")
SETTINGS_MODULE = """
from conf.settings import *  # noqa: F403

REST_FRAMEWORK = {
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_THROTTLE_CLASSES": [
        "restflow.throttling.AnonRateThrottle",
        "restflow.throttling.UserRateThrottle",
        "restflow.throttling.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {"anon": "3/hour", "user": "5/hour", "uploads": "1/hour"},
    "NUM_PROXIES": 1,
}
ROOT_URLCONF = "tests.adoption.urls_throttling"
"""
# One throttle only: DRF asks every throttle about every request and each
# counts it, so with two throttles a concurrent burst can be admitted by
# one and rejected by the other in different orders.
REDIS_SETTINGS = """
REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] = ["restflow.throttling.AnonRateThrottle"]
RESTFLOW_SETTINGS = {"THROTTLING": {"STORE": "redis", "CACHE_ALIAS": "redis"}}
"""


@pytest.mark.skipif(INNER, reason="this is the outer run that starts the inner one")
def test_adoption_in_fresh_process(tmp_path):
    run_inner_tests(__file__, tmp_path, SETTINGS_MODULE, "RESTFLOW_ADOPTION_THROTTLING", 7)


@pytest.mark.redis
@pytest.mark.live
@pytest.mark.skipif(INNER, reason="runs in the outer process only")
def test_two_workers_share_redis_counts(tmp_path):
    """Sync views in two uvicorn processes admit the anon rate once, not once per process."""
    env = fresh_environment(
        tmp_path,
        "adoption_throttling_live",
        SETTINGS_MODULE + REDIS_SETTINGS,
        # One key prefix for both workers (conf.settings derives it from the pid otherwise).
        {"RESTFLOW_RUN_ID": f"adoption-{os.getpid()}-{uuid.uuid4().hex[:8]}"},
    )
    (tmp_path / "adoption_throttling_asgi.py").write_text(
        "from django.core.asgi import get_asgi_application\napplication = get_asgi_application()\n"
    )
    with services.uvicorn_server(
        "adoption_throttling_asgi:application",
        settings_module="adoption_throttling_live",
        env={"PYTHONPATH": env["PYTHONPATH"], "RESTFLOW_RUN_ID": env["RESTFLOW_RUN_ID"]},
        workers=2,
    ) as server:

        def ping(_: int) -> httpx.Response:
            # A new connection per request, so both workers take requests.
            return httpx.get(f"{server.base_url}/api/ping/", timeout=20)

        with ThreadPoolExecutor(max_workers=20) as pool:
            responses = list(pool.map(ping, range(40)))

    statuses = [response.status_code for response in responses]
    pids = {response.json()["pid"] for response in responses if response.status_code == 200}
    assert statuses.count(200) == 3, (pids, server.log())
    assert statuses.count(429) == 37
    assert all(r.json()["error"]["code"] == "throttled" for r in responses if r.status_code == 429)


inner = pytest.mark.skipif(not INNER, reason="runs inside test_adoption_in_fresh_process")


@pytest.fixture
def client():
    caches["default"].clear()
    yield APIClient()
    caches["default"].clear()


@inner
def test_views_picked_up_the_defaults():
    from restflow.throttling import AnonRateThrottle, ScopedRateThrottle, UserRateThrottle
    from tests.adoption.views_throttling import PingView

    assert PingView.throttle_classes == [AnonRateThrottle, UserRateThrottle, ScopedRateThrottle]


@inner
def test_anonymous_limit_returns_429_envelope(client):
    statuses = [client.get("/api/ping/").status_code for _ in range(3)]
    denied = client.get("/api/ping/")
    assert statuses == [200, 200, 200]
    assert denied.status_code == 429
    assert 1 <= int(denied["Retry-After"]) <= 3600
    assert denied.json()["error"]["code"] == "throttled"


@inner
def test_function_view_limited(client):
    statuses = [client.get("/api/ping-function/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


@inner
def test_spoofed_forwarded_for_does_not_evade(client):
    statuses = [
        client.get("/api/ping/", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}, 203.0.113.9").status_code
        for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]


@inner
def test_scoped_view_uses_its_rate(client):
    statuses = [client.post("/api/uploads/").status_code for _ in range(2)]
    assert statuses == [201, 429]


@inner
@pytest.mark.django_db
def test_user_rate_for_authenticated_requests(client):
    client.force_authenticate(User.objects.create_user("adopter"))
    statuses = [client.get("/api/categories/").status_code for _ in range(6)]
    assert statuses == [200] * 5 + [429]


@inner
def test_limits_are_per_client(client):
    for _ in range(3):
        client.get("/api/ping/", REMOTE_ADDR="10.5.5.5")
    assert client.get("/api/ping/", REMOTE_ADDR="10.5.5.5").status_code == 429
    assert client.get("/api/ping/", REMOTE_ADDR="10.5.5.6").status_code == 200
