"""Zero-code adoption end to end: one plain DRF app, restflow switched on and off by settings.

``tests/adoption/app`` is an ordinary DRF catalog API that imports nothing
from restflow. ``settings_off`` runs it as a plain DRF project and
``settings_on`` is the same module plus restflow's settings. DRF copies its
default classes into view attributes when ``rest_framework.views`` is first
imported, so nothing can be switched inside one process. Each mode runs in
a new pytest process started by ``test_mode_in_fresh_process``.

Every feature has a pair of tests, ``test_<feature>_on`` and
``test_<feature>_off``. Both pairs run in both processes: in its own mode a
test must pass, and in the other mode it is a strict xfail, so it must fail
on an assertion. That makes "removing restflow's settings breaks the
restflow assertions" a checked fact rather than a claim.
"""

from __future__ import annotations

import ast
import datetime
import itertools
import os
import subprocess
import sys
import xml.etree.ElementTree as ElementTree
from decimal import Decimal
from pathlib import Path

import pytest

MODE = os.environ.get("RESTFLOW_ADOPTION_MODE")  # "on", "off", or None in the outer run
MODES = ("on", "off")
ROOT = Path(__file__).resolve().parents[2]
APP_DIR = Path(__file__).resolve().parent / "app"
THIS_FILE = str(Path(__file__).relative_to(ROOT))


def in_mode(mode: str):
    """Mark a test that belongs to ``mode``: it passes there and must fail in the other mode."""

    def decorate(test):
        test = pytest.mark.skipif(MODE is None, reason="runs in the fresh process of each mode")(
            test
        )
        if MODE is not None and mode != MODE:
            reason = f"asserts the {mode!r} behaviour, and this process runs {MODE!r}"
            test = pytest.mark.xfail(strict=True, raises=AssertionError, reason=reason)(test)
        return test

    return decorate


on = in_mode("on")
off = in_mode("off")
outer = pytest.mark.skipif(MODE is not None, reason="runs in the outer process only")


# --- the outer run ---------------------------------------------------------


def inner_test_names() -> set[str]:
    return {name for name in globals() if name.startswith("test_") and name.endswith(MODES)}


def run_mode(mode: str, tmp_path: Path) -> dict[str, str]:
    """Run this file in a new process under ``settings_<mode>``; return each test's outcome."""
    report = tmp_path / f"{mode}.xml"
    env = {
        **os.environ,
        "RESTFLOW_ADOPTION_MODE": mode,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
    }
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--ds=tests.adoption.settings_{mode}",
            f"--junitxml={report}",
            THIS_FILE,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    outcomes = {}
    for case in ElementTree.parse(report).getroot().iter("testcase"):
        name = case.get("name", "").split("[")[0]
        outcome = "passed"
        for child in case:
            if child.tag == "skipped":
                outcome = "xfail" if child.get("type") == "pytest.xfail" else "skipped"
            elif child.tag in ("failure", "error"):
                outcome = child.tag
        outcomes[name] = outcome
    return outcomes


@outer
@pytest.mark.parametrize("mode", MODES)
def test_mode_in_fresh_process(mode, tmp_path):
    outcomes = run_mode(mode, tmp_path)
    other = "off" if mode == "on" else "on"
    mine = {name for name in inner_test_names() if name.endswith(f"_{mode}")}
    theirs = {name for name in inner_test_names() if name.endswith(f"_{other}")}
    assert set(outcomes) >= mine | theirs
    # A test of this mode passes, or skips for a missing service (CI turns
    # that skip into a failure). A test of the other mode fails on an assertion.
    assert {name for name in mine if outcomes[name] not in ("passed", "skipped")} == set()
    assert {name for name in theirs if outcomes[name] not in ("xfail", "skipped")} == set()
    assert any(outcomes[name] == "passed" for name in mine)


@outer
def test_every_feature_has_a_pair():
    names = inner_test_names()
    features_on = {name.removesuffix("_on") for name in names if name.endswith("_on")}
    features_off = {name.removesuffix("_off") for name in names if name.endswith("_off")}
    assert features_on == features_off
    assert len(features_on) >= 13


@outer
def test_app_imports_nothing_from_restflow():
    sources = sorted(APP_DIR.glob("*.py"))
    assert len(sources) >= 4
    for source in sources:
        tree = ast.parse(source.read_text(), filename=str(source))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] != "restflow", f"{source.name} imports {module}"
        assert "restflow" not in source.read_text().lower(), source.name


@outer
def test_settings_differ_only_in_restflow_lines():
    from tests.adoption import settings_off, settings_on

    def settings_of(module):
        return {name: getattr(module, name) for name in dir(module) if name.isupper()}

    before, after = settings_of(settings_off), settings_of(settings_on)
    changed = {name for name in before.keys() | after.keys() if before.get(name) != after.get(name)}
    assert changed == {
        "INSTALLED_APPS",
        "ROOT_URLCONF",
        "MIDDLEWARE",
        "CSRF_FAILURE_VIEW",
        "REST_FRAMEWORK",
        "RESTFLOW_SETTINGS",
    }
    assert after["INSTALLED_APPS"] == [*before["INSTALLED_APPS"], "restflow", "restflow.caching"]
    assert after["MIDDLEWARE"][1:] == before["MIDDLEWARE"]
    drf_changes = {
        key
        for key in before["REST_FRAMEWORK"].keys() | after["REST_FRAMEWORK"].keys()
        if before["REST_FRAMEWORK"].get(key) != after["REST_FRAMEWORK"].get(key)
    }
    assert drf_changes == {
        "EXCEPTION_HANDLER",
        "DEFAULT_AUTHENTICATION_CLASSES",
        "DEFAULT_FILTER_BACKENDS",
        "DEFAULT_PAGINATION_CLASS",
        "DEFAULT_THROTTLE_CLASSES",
        "DEFAULT_SCHEMA_CLASS",
    }


SETTING_NAMES = ("INSTALLED_APPS", "MIDDLEWARE", "CSRF_FAILURE_VIEW", "REST_FRAMEWORK")


def run_adopting_guide() -> tuple[dict, dict]:
    """Run the adoption guide's samples; return the settings after the first and after the last."""
    import copy

    from tests.docs.samples import DOCS, extract

    namespace: dict = {}
    before: dict = {}
    for sample in extract(DOCS / "guide" / "adopting.md"):
        if sample.skip_reason is not None:
            continue
        exec(compile(sample.code, str(sample.path), "exec"), namespace)
        if not before:
            before = copy.deepcopy(
                {name: namespace.get(name) for name in (*SETTING_NAMES, "RESTFLOW_SETTINGS")}
            )
    return before, namespace


@outer
def test_adopting_guide_matches_settings(monkeypatch):
    from tests.adoption import settings_off, settings_on

    monkeypatch.setenv("JWT_SIGNING_KEY", "guide-key-" + "g" * 54)
    before, after = run_adopting_guide()

    # The guide's starting point is settings_off without what only the tests need.
    assert before["INSTALLED_APPS"] == [
        app for app in settings_off.INSTALLED_APPS if app != "tests.adoption.app"
    ]
    assert before["MIDDLEWARE"] == settings_off.MIDDLEWARE
    test_only = {"TEST_REQUEST_DEFAULT_FORMAT"}
    assert before["REST_FRAMEWORK"] == {
        key: value for key, value in settings_off.REST_FRAMEWORK.items() if key not in test_only
    }

    # Each step of the guide adds what settings_on adds, and nothing else.
    added_apps = after["INSTALLED_APPS"][len(before["INSTALLED_APPS"]) :]
    assert added_apps == settings_on.INSTALLED_APPS[len(settings_off.INSTALLED_APPS) :]
    assert after["MIDDLEWARE"] == settings_on.MIDDLEWARE
    assert after["CSRF_FAILURE_VIEW"] == settings_on.CSRF_FAILURE_VIEW
    assert {
        key: value
        for key, value in after["REST_FRAMEWORK"].items()
        if before["REST_FRAMEWORK"].get(key) != value
    } == {
        key: value
        for key, value in settings_on.REST_FRAMEWORK.items()
        if settings_off.REST_FRAMEWORK.get(key) != value
    }
    guide, tested = after["RESTFLOW_SETTINGS"], settings_on.RESTFLOW_SETTINGS
    assert set(guide) == {"JWT", "MIDDLEWARE", "THROTTLING"}
    assert guide["MIDDLEWARE"] == tested["MIDDLEWARE"]
    assert set(guide["JWT"]) <= set(tested["JWT"])
    assert guide["THROTTLING"] == {"STORE": "redis", "CACHE_ALIAS": "redis"}
    if settings_on.REDIS_URL:
        assert guide["THROTTLING"] == tested["THROTTLING"]


# --- shared fixtures and helpers of the inner runs -------------------------

_client_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def fresh_default_cache():
    # The default cache is this process's LocMemCache. Route-cache entries of
    # one test must not serve the next test, which may reuse primary keys.
    if MODE is None:
        yield
        return
    from django.core.cache import caches

    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def client():
    """Return an API client with its own address, so throttle counts never carry over."""
    from rest_framework.test import APIClient

    number = next(_client_numbers)
    return APIClient(REMOTE_ADDR=f"10.77.{number // 250}.{number % 250 + 1}")


@pytest.fixture
def crash_client():
    """Return a client that hands back the 500 response instead of raising the view's error."""
    from rest_framework.test import APIClient

    return APIClient(raise_request_exception=False)


@pytest.fixture
def user(db):
    from django.contrib.auth.models import User

    return User.objects.create_user("ada", password="ada-pass-123")


@pytest.fixture
def catalog(db):
    """Create five products whose id order, name order and price order all differ."""
    from catalog.models import Brand, Category, Product

    chairs = Category.objects.create(name="Chairs", slug="chairs")
    tables = Category.objects.create(name="Tables", slug="tables")
    brand = Brand.objects.create(name="Birch", slug="birch")
    created_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)
    rows = [
        ("Desk chair", "18.50", chairs, True),
        ("Armchair", "25.00", chairs, True),
        ("Easel", "9.00", tables, False),
        ("Coffee table", "40.00", tables, True),
        ("Bench", "12.00", tables, False),
    ]
    products = [
        Product.objects.create(
            name=name,
            slug=name.lower().replace(" ", "-"),
            price=Decimal(price),
            in_stock=in_stock,
            created_at=created_at,
            category=category,
            brand=brand,
        )
        for name, price, category, in_stock in rows
    ]
    return {"chairs": chairs, "tables": tables, "brand": brand, "products": products}


def envelope(response) -> dict:
    """Return the ``error`` object of a restflow envelope; fail on any other body."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert set(body) == {"error"}, body
    error = body["error"]
    # RestflowMiddleware adds the request id, so a log line can be found from a response.
    assert set(error) == {"code", "message", "details", "request_id"}, body
    assert error["request_id"] == response["X-Request-ID"]
    return error


def drf_detail(response) -> str:
    """Return DRF's own ``{"detail": ...}`` error message; fail on any other body."""
    assert response["Content-Type"] == "application/json", response["Content-Type"]
    body = response.json()
    assert list(body) == ["detail"], body
    return body["detail"]


def names(response) -> list[str]:
    assert response.status_code == 200, response.content
    return [row["name"] for row in response.json()]


# --- error envelope: every error path --------------------------------------


@on
def test_unknown_url_on(client):
    response = client.get("/api/no-such-page/")
    assert response.status_code == 404
    assert envelope(response)["code"] == "not_found"


@off
def test_unknown_url_off(client):
    response = client.get("/api/no-such-page/")
    assert response.status_code == 404
    # Django's own HTML page for an unmatched URL.
    assert response["Content-Type"].startswith("text/html")


@on
@pytest.mark.django_db
def test_missing_object_on(client):
    response = client.get("/api/products/999999/")
    assert response.status_code == 404
    assert envelope(response)["code"] == "not_found"


@off
@pytest.mark.django_db
def test_missing_object_off(client):
    response = client.get("/api/products/999999/")
    assert response.status_code == 404
    assert drf_detail(response) == "No Product matches the given query."


@on
def test_validation_error_on(client, user):
    client.force_authenticate(user)
    response = client.post("/api/products/", {"price": "abc"})
    assert response.status_code == 400
    error = envelope(response)
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"name", "slug", "price", "created_at", "category", "brand"}
    assert error["details"]["price"] == ["A valid number is required."]


@off
def test_validation_error_off(client, user):
    client.force_authenticate(user)
    response = client.post("/api/products/", {"price": "abc"})
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"name", "slug", "price", "created_at", "category", "brand"}
    assert body["price"] == ["A valid number is required."]


@on
@pytest.mark.django_db
def test_not_authenticated_on(client):
    response = client.get("/api/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert envelope(response)["code"] == "not_authenticated"


@off
@pytest.mark.django_db
def test_not_authenticated_off(client):
    response = client.get("/api/me/")
    # SessionAuthentication comes first and sends no challenge, so DRF returns 403.
    assert response.status_code == 403
    assert drf_detail(response) == "Authentication credentials were not provided."


@on
def test_permission_denied_on(client, user):
    client.force_authenticate(user)
    response = client.get("/api/admin/brands/")
    assert response.status_code == 403
    assert envelope(response)["code"] == "permission_denied"


@off
def test_permission_denied_off(client, user):
    client.force_authenticate(user)
    response = client.get("/api/admin/brands/")
    assert response.status_code == 403
    assert drf_detail(response) == "You do not have permission to perform this action."


@on
@pytest.mark.django_db
def test_method_not_allowed_on(client):
    response = client.delete("/api/categories/")
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert envelope(response)["code"] == "method_not_allowed"


@off
@pytest.mark.django_db
def test_method_not_allowed_off(client):
    response = client.delete("/api/categories/")
    assert response.status_code == 405
    assert drf_detail(response) == 'Method "DELETE" not allowed.'


@on
@pytest.mark.django_db
def test_server_error_on(crash_client):
    response = crash_client.get("/api/price-summary/")
    assert response.status_code == 500
    error = envelope(response)
    assert error["code"] == "internal_error"
    assert "division" not in response.content.decode()


@off
@pytest.mark.django_db
def test_server_error_off(crash_client):
    response = crash_client.get("/api/price-summary/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


@on
@pytest.mark.django_db
def test_request_id_on(client):
    response = client.get("/api/categories/", HTTP_X_REQUEST_ID="adoption-request-1")
    assert response.status_code == 200
    assert response.get("X-Request-ID") == "adoption-request-1"
    assert len(client.get("/api/categories/").get("X-Request-ID", "")) == 32


@off
@pytest.mark.django_db
def test_request_id_off(client):
    response = client.get("/api/categories/", HTTP_X_REQUEST_ID="adoption-request-1")
    assert response.status_code == 200
    assert response.get("X-Request-ID") is None


# --- throttling -------------------------------------------------------------


def redis_throttle_keys() -> list[str]:
    """Return this process's throttle keys in Redis (the cache prefix carries the pid)."""
    from django.conf import settings
    from django_redis import get_redis_connection

    prefix = settings.CACHES["redis"]["KEY_PREFIX"]
    connection = get_redis_connection("redis")
    return [key.decode() for key in connection.scan_iter(match=f"{prefix}:*restflow:throttle:*")]


def suggest_brands(client, count: int) -> list:
    return [
        client.post("/api/brand-requests/", {"name": f"Brand {n}", "slug": f"brand-{n}"})
        for n in range(count)
    ]


@on
@pytest.mark.redis
@pytest.mark.django_db
def test_throttled_on(client):
    from django_redis import get_redis_connection

    responses = suggest_brands(client, 4)
    assert [response.status_code for response in responses] == [201, 201, 201, 429]
    denied = responses[-1]
    error = envelope(denied)
    assert error["code"] == "throttled"
    assert 1 <= error["details"]["retry_after_seconds"] <= 3600
    assert 1 <= int(denied["Retry-After"]) <= 3600
    keys = redis_throttle_keys()
    try:
        # One sorted set for this client and scope, holding the three admitted requests.
        assert len(keys) == 1
        assert get_redis_connection("redis").zcard(keys[0]) == 3
    finally:
        if keys:
            get_redis_connection("redis").delete(*keys)


@off
@pytest.mark.django_db
def test_throttled_off(client):
    responses = suggest_brands(client, 4)
    assert [response.status_code for response in responses] == [201, 201, 201, 429]
    assert drf_detail(responses[-1]).startswith("Request was throttled.")
    if os.environ.get("REDIS_URL"):
        # DRF's throttle counts in the default cache, never in Redis.
        assert redis_throttle_keys() == []


# --- JWT ----------------------------------------------------------------------


@on
def test_jwt_on(client, user):
    from catalog.models import Brand, Category

    obtained = client.post("/api/auth/token/", {"username": "ada", "password": "ada-pass-123"})
    assert obtained.status_code == 200, obtained.content
    tokens = obtained.json()
    assert {"access", "refresh"} <= set(tokens)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    assert client.get("/api/me/").json() == {"username": "ada"}
    category = Category.objects.create(name="Lamps", slug="lamps")
    brand = Brand.objects.create(name="Lumen", slug="lumen")
    created = client.post(
        "/api/products/",
        {
            "name": "Floor lamp",
            "slug": "floor-lamp",
            "price": "55.00",
            "created_at": "2026-02-01T00:00:00Z",
            "category": category.pk,
            "brand": brand.pk,
        },
    )
    assert created.status_code == 201, created.content
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    rejected = client.get("/api/me/")
    assert rejected.status_code == 401
    assert envelope(rejected)["code"] == "invalid_token"


@off
def test_jwt_off(client, user):
    obtained = client.post("/api/auth/token/", {"username": "ada", "password": "ada-pass-123"})
    assert obtained.status_code == 404
    # No authenticator reads a Bearer header, so the request stays anonymous.
    client.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    response = client.get("/api/me/")
    assert response.status_code == 403
    assert drf_detail(response) == "Authentication credentials were not provided."


# --- filtering and ordering ------------------------------------------------


@on
def test_filtering_on(client, catalog):
    search = "/api/search/products/"
    price_range = {"price__gte": "12", "price__lte": "30", "ordering": "-price"}
    assert names(client.get(search, price_range)) == ["Armchair", "Desk chair", "Bench"]
    assert names(client.get(search, {"category": catalog["chairs"].pk})) == [
        "Armchair",
        "Desk chair",
    ]
    assert names(client.get(search, {"in_stock": "false"})) == ["Bench", "Easel"]
    excluded = client.get(f"{search}?category!={catalog['chairs'].pk}")
    assert names(excluded) == ["Bench", "Coffee table", "Easel"]
    # The view's own ``ordering`` applies when the request names none.
    assert names(client.get(search))[:2] == ["Armchair", "Bench"]
    rejected = client.get(search, {"price__gte": "abc", "ordering": "stock"})
    assert rejected.status_code == 400
    error = envelope(rejected)
    assert error["code"] == "validation_error"
    assert set(error["details"]) == {"price__gte", "ordering"}


@off
def test_filtering_off(client, catalog):
    search = "/api/search/products/"
    everything = ["Desk chair", "Armchair", "Easel", "Coffee table", "Bench"]
    price_range = {"price__gte": "12", "price__lte": "30", "ordering": "-price"}
    assert names(client.get(search, price_range)) == everything
    assert names(client.get(search, {"category": catalog["chairs"].pk})) == everything
    assert names(client.get(f"{search}?category!={catalog['chairs'].pk}")) == everything
    assert names(client.get(search, {"price__gte": "abc", "ordering": "stock"})) == everything


# --- pagination -------------------------------------------------------------


def count_queries(queries) -> list[str]:
    return [query["sql"] for query in queries if "COUNT(" in query["sql"].upper()]


@on
def test_pagination_on(client, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/products/")
    body = first.json()
    assert list(body) == ["next", "previous", "results"]
    assert [row["name"] for row in body["results"]] == ["Desk chair", "Armchair"]
    assert body["next"].endswith("/api/products/?page=2")
    assert count_queries(queries.captured_queries) == []
    last = client.get("/api/products/", {"page": 3}).json()
    assert [row["name"] for row in last["results"]] == ["Bench"]
    assert last["next"] is None
    beyond = client.get("/api/products/", {"page": 4})
    assert beyond.status_code == 404
    assert envelope(beyond)["code"] == "not_found"


@off
def test_pagination_off(client, catalog):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        first = client.get("/api/products/")
    body = first.json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 5
    assert [row["name"] for row in body["results"]] == ["Desk chair", "Armchair"]
    assert len(count_queries(queries.captured_queries)) == 1
    beyond = client.get("/api/products/", {"page": 4})
    assert beyond.status_code == 404
    assert drf_detail(beyond) == "Invalid page."


# --- route-rule caching -----------------------------------------------------


def read_detail_three_times(client, product) -> list:
    """Read the detail twice, save a new price on the model, and read it again."""
    url = f"/api/products/{product.pk}/"
    responses = [client.get(url), client.get(url)]
    product.price = Decimal("99.00")
    product.save()
    responses.append(client.get(url))
    assert [response.status_code for response in responses] == [200, 200, 200]
    return responses


@on
@pytest.mark.django_db(transaction=True)
def test_route_caching_on(client, catalog):
    product = catalog["products"][0]
    first, second, after_save = read_detail_three_times(client, product)
    statuses = [response.get("X-Cache-Status") for response in (first, second, after_save)]
    assert statuses == ["MISS", "HIT", "MISS"]
    assert second.json() == first.json()
    assert first.json()["price"] == "18.50"
    assert after_save.json()["price"] == "99.00"


@off
@pytest.mark.django_db(transaction=True)
def test_route_caching_off(client, catalog):
    product = catalog["products"][0]
    first, second, after_save = read_detail_three_times(client, product)
    statuses = [response.get("X-Cache-Status") for response in (first, second, after_save)]
    assert statuses == [None, None, None]
    assert after_save.json()["price"] == "99.00"


# --- OpenAPI ------------------------------------------------------------------


def openapi_schema() -> dict:
    from drf_spectacular.generators import SchemaGenerator

    return SchemaGenerator().get_schema(request=None, public=True)


def search_parameters(schema: dict) -> dict[str, dict]:
    operation = schema["paths"]["/api/search/products/"]["get"]
    return {item["name"]: item for item in operation.get("parameters", [])}


def product_page_properties(schema: dict) -> set[str]:
    """Return the top-level properties of the documented product list page."""
    response = schema["paths"]["/api/products/"]["get"]["responses"]["200"]
    page = response["content"]["application/json"]["schema"]
    name = page["$ref"].rsplit("/", 1)[-1]
    return set(schema["components"]["schemas"][name]["properties"])


FILTER_PARAMETERS = {"price__gte", "price__lte", "category", "in_stock", "ordering"}


@on
def test_openapi_on():
    schema = openapi_schema()
    parameters = search_parameters(schema)
    assert set(parameters) >= FILTER_PARAMETERS
    assert parameters["in_stock"]["schema"]["type"] == "boolean"
    ordering_choices = parameters["ordering"]["schema"]["items"]["enum"]
    assert {"price", "-price", "name", "-name"} <= set(ordering_choices)
    # The COUNT-free page documents no "count".
    assert product_page_properties(schema) == {"next", "previous", "results"}
    create = schema["paths"]["/api/products/"]["post"]
    assert {"jwtAuth": []} in create["security"]
    invalid = create["responses"]["400"]["content"]["application/json"]["schema"]
    assert invalid == {"$ref": "#/components/schemas/ErrorEnvelope"}


@off
def test_openapi_off():
    schema = openapi_schema()
    assert set(search_parameters(schema)) & FILTER_PARAMETERS == set()
    assert product_page_properties(schema) == {"count", "next", "previous", "results"}
    create = schema["paths"]["/api/products/"]["post"]
    assert {"jwtAuth": []} not in create["security"]
    assert "400" not in create["responses"]


# --- system checks ------------------------------------------------------------


def restflow_checks() -> list[str]:
    from django.core.checks.registry import registry

    checks = registry.get_checks(include_deployment_checks=True)
    return [check.__module__ for check in checks if check.__module__.startswith("restflow")]


@on
@pytest.mark.django_db
def test_system_checks_on():
    from django.core.management import call_command

    assert restflow_checks() != []
    # The adopted settings pass restflow's own checks.
    call_command("check", fail_level="WARNING")


@off
def test_system_checks_off():
    assert restflow_checks() == []
