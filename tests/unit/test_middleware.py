"""RestflowMiddleware under the sync test client, with async twins under ``AsyncClient``."""

from __future__ import annotations

import io
import logging
import re
import threading
import uuid

import pytest
from asgiref.sync import iscoroutinefunction
from django.conf import settings
from django.core.exceptions import BadRequest, PermissionDenied
from django.http import FileResponse, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.test import AsyncClient, Client, RequestFactory, override_settings

from restflow.logging import RequestIdFilter, get_request_id
from restflow.middleware import (
    REQUEST_ID_MAX_LENGTH,
    RestflowMiddleware,
    is_valid_request_id,
)

pytestmark = pytest.mark.urls("tests.unit.exceptions.urls")

UUID_HEX = re.compile(r"[0-9a-f]{32}")


@pytest.fixture
def anyio_backend():
    return "asyncio"


def middleware_settings(**values):
    return override_settings(RESTFLOW_SETTINGS={"MIDDLEWARE": values})


# --- capability --------------------------------------------------------------


def test_middleware_sync_mode_is_plain_callable():
    middleware = RestflowMiddleware(lambda request: HttpResponse())
    assert not iscoroutinefunction(middleware)
    assert middleware.sync_capable and middleware.async_capable


def test_middleware_async_mode_is_coroutine_function():
    async def get_response(request):
        return HttpResponse()

    middleware = RestflowMiddleware(get_response)
    assert iscoroutinefunction(middleware)


RECORDING = "tests.unit.exceptions.views.RecordingMiddleware"


@override_settings(MIDDLEWARE=[RECORDING])
@pytest.mark.anyio
async def test_asgi_runs_middleware_on_event_loop_thread():
    from tests.unit.exceptions.views import RecordingMiddleware

    RecordingMiddleware.seen.clear()
    response = await AsyncClient().get("/api/async/ok/")
    assert response.status_code == 200
    # The async path ran, on the thread running the event loop: no thread hop.
    assert RecordingMiddleware.seen == [("async", threading.current_thread())]


@override_settings(MIDDLEWARE=[RECORDING])
def test_wsgi_runs_middleware_sync_path():
    from tests.unit.exceptions.views import RecordingMiddleware

    RecordingMiddleware.seen.clear()
    assert Client().get("/api/plain/ok/").status_code == 200
    assert RecordingMiddleware.seen == [("sync", threading.current_thread())]


def test_middleware_is_first_in_test_settings():
    assert settings.MIDDLEWARE[0] == "restflow.middleware.RestflowMiddleware"


# --- request id --------------------------------------------------------------


def test_request_id_generated():
    response = Client().get("/api/plain/ok/")
    request_id = response["X-Request-ID"]
    assert UUID_HEX.fullmatch(request_id)
    assert response.json() == {"request_id": request_id}


@pytest.mark.anyio
async def test_request_id_generated_async():
    response = await AsyncClient().get("/api/async/ok/")
    request_id = response["X-Request-ID"]
    assert UUID_HEX.fullmatch(request_id)
    assert response.json() == {"request_id": request_id}


def test_request_id_unique_per_request():
    client = Client()
    first = client.get("/api/plain/ok/")["X-Request-ID"]
    second = client.get("/api/plain/ok/")["X-Request-ID"]
    assert first != second


def test_request_id_reused_from_header():
    response = Client().get("/api/plain/ok/", headers={"X-Request-ID": "abc-123.x:y"})
    assert response["X-Request-ID"] == "abc-123.x:y"
    assert response.json() == {"request_id": "abc-123.x:y"}


@pytest.mark.anyio
async def test_request_id_reused_from_header_async():
    response = await AsyncClient().get("/api/async/ok/", headers={"X-Request-ID": "edge-42"})
    assert response["X-Request-ID"] == "edge-42"
    assert response.json() == {"request_id": "edge-42"}


def test_request_id_on_drf_request():
    response = Client().get("/api/drf/ok/", headers={"X-Request-ID": "from-drf"})
    assert response.json() == {"request_id": "from-drf"}


@pytest.mark.parametrize(
    "incoming",
    [
        "a" * (REQUEST_ID_MAX_LENGTH + 1),
        "has space",
        "new\\nline",
        "-leading-dash",
        "semi;colon",
        "<script>",
        "ünïcode",
    ],
)
def test_request_id_invalid_header_replaced(incoming):
    response = Client().get("/api/plain/ok/", headers={"X-Request-ID": incoming})
    assert UUID_HEX.fullmatch(response["X-Request-ID"])
    assert not is_valid_request_id(incoming)


def test_request_id_max_length_accepted():
    incoming = "a" * REQUEST_ID_MAX_LENGTH
    response = Client().get("/api/plain/ok/", headers={"X-Request-ID": incoming})
    assert response["X-Request-ID"] == incoming


def test_request_id_header_untrusted():
    with middleware_settings(TRUST_REQUEST_ID_HEADER=False):
        response = Client().get("/api/plain/ok/", headers={"X-Request-ID": "client-chosen"})
    assert response["X-Request-ID"] != "client-chosen"
    assert UUID_HEX.fullmatch(response["X-Request-ID"])


def test_request_id_custom_header():
    with middleware_settings(REQUEST_ID_HEADER="X-Correlation-ID"):
        response = Client().get("/api/plain/ok/", headers={"X-Correlation-ID": "corr-1"})
    assert response["X-Correlation-ID"] == "corr-1"
    assert "X-Request-ID" not in response


def test_request_id_disabled():
    with middleware_settings(REQUEST_ID_ENABLED=False):
        response = Client().get("/api/plain/ok/", headers={"X-Request-ID": "ignored"})
    assert "X-Request-ID" not in response
    assert response.json() == {"request_id": None}


class _CaptureHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []
        self.addFilter(RequestIdFilter())

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def captured_records():
    handler = _CaptureHandler()
    logger = logging.getLogger("restflow.tests")
    logger.addHandler(handler)
    try:
        yield handler.records
    finally:
        logger.removeHandler(handler)


def test_request_id_in_context_and_logs(captured_records):
    response = Client().get("/api/plain/context/", headers={"X-Request-ID": "ctx-1"})
    assert response.json() == {"context_request_id": "ctx-1"}
    [record] = captured_records
    assert record.request_id == "ctx-1"
    assert get_request_id() is None


@pytest.mark.anyio
async def test_request_id_in_context_and_logs_async(captured_records):
    response = await AsyncClient().get("/api/async/context/", headers={"X-Request-ID": "ctx-2"})
    assert response.json() == {"context_request_id": "ctx-2"}
    [record] = captured_records
    assert record.request_id == "ctx-2"
    assert get_request_id() is None


def test_request_id_while_streaming(captured_records):
    response = Client().get("/api/plain/stream/", headers={"X-Request-ID": "stream-1"})
    assert get_request_id() is None
    assert b"".join(response.streaming_content) == b"sync-0;sync-1;"
    assert [record.request_id for record in captured_records] == ["stream-1", "stream-1"]
    assert get_request_id() is None


@pytest.mark.anyio
async def test_request_id_while_streaming_async(captured_records):
    response = await AsyncClient().get("/api/async/stream/", headers={"X-Request-ID": "stream-2"})
    chunks = [chunk async for chunk in response.streaming_content]
    assert b"".join(chunks) == b"async-0;async-1;"
    assert [record.request_id for record in captured_records] == ["stream-2", "stream-2"]
    assert get_request_id() is None


def test_file_response_left_streaming_as_is():
    middleware = RestflowMiddleware(lambda request: FileResponse(io.BytesIO(b"file body")))
    response = middleware(RequestFactory().get("/api/file/"))
    assert response.file_to_stream is not None
    assert b"".join(response.streaming_content) == b"file body"


def test_log_filter_outside_request():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "message", None, None)
    assert RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_log_filter_keeps_explicit_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "message", None, None)
    record.request_id = "given"
    RequestIdFilter().filter(record)
    assert record.request_id == "given"


# --- envelope outside DRF ------------------------------------------------------


def test_unknown_url_enveloped():
    response = Client().get("/api/nowhere/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert response.json()["error"]["request_id"] == response["X-Request-ID"]


@pytest.mark.anyio
async def test_unknown_url_enveloped_async():
    response = await AsyncClient().get("/api/nowhere/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_unknown_url_problem_style():
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": "problem"}}):
        response = Client().get("/api/nowhere/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["instance"] == "/api/nowhere/"


def test_unknown_url_outside_paths_untouched():
    response = Client().get("/elsewhere/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    # The request id is still echoed off the envelope paths.
    assert UUID_HEX.fullmatch(response["X-Request-ID"])


def test_view_404_on_purpose_untouched():
    response = Client().get("/api/plain/not-found/")
    assert response.status_code == 404
    assert response.content == b"gone on purpose"


def test_view_error_status_untouched():
    response = Client().get("/api/plain/teapot/")
    assert response.status_code == 418
    assert response.content == b"short and stout"


def test_exception_outside_paths_untouched():
    client = Client(raise_request_exception=False)
    response = client.get("/site/django-permission-denied/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_envelope_disabled():
    with middleware_settings(ERROR_ENVELOPE_ENABLED=False):
        response = Client().get("/api/nowhere/")
        crash = Client(raise_request_exception=False).get("/api/plain/crash/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert crash.status_code == 500
    assert crash["Content-Type"].startswith("text/html")


def test_envelope_custom_paths():
    with middleware_settings(ERROR_ENVELOPE_PATHS=["/site/"]):
        site = Client(raise_request_exception=False).get("/site/django-404/")
        api = Client().get("/api/nowhere/")
    assert site.json()["error"]["code"] == "not_found"
    assert api["Content-Type"].startswith("text/html")


def test_envelope_all_paths():
    with middleware_settings(ERROR_ENVELOPE_PATHS=["/"]):
        response = Client().get("/elsewhere/")
    assert response.json()["error"]["code"] == "not_found"


def test_crash_reraised_by_default_client():
    # got_request_exception is sent, so error trackers (and the test client) see the crash.
    with pytest.raises(RuntimeError, match="secret connection string"):
        Client().get("/api/plain/crash/")


@pytest.mark.anyio
async def test_crash_reraised_by_default_client_async():
    with pytest.raises(RuntimeError, match="secret connection string"):
        await AsyncClient().get("/api/async/crash/")


def test_crash_hides_internals():
    response = Client(raise_request_exception=False).get("/api/plain/crash/")
    assert response.status_code == 500
    assert b"secret" not in response.content
    assert b"RuntimeError" not in response.content


@pytest.mark.anyio
async def test_crash_hides_internals_async():
    response = await AsyncClient(raise_request_exception=False).get("/api/async/crash/")
    assert response.status_code == 500
    assert b"secret" not in response.content
    assert response.json()["error"]["code"] == "internal_error"


@override_settings(
    MIDDLEWARE=[
        "restflow.middleware.RestflowMiddleware",
        "tests.unit.exceptions.views.RaiseInMiddleware",
    ]
)
def test_crash_in_inner_middleware_enveloped():
    response = Client(raise_request_exception=False).get("/api/plain/middleware-crash/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert b"middleware crashed" not in response.content


@override_settings(
    MIDDLEWARE=[
        "restflow.middleware.RestflowMiddleware",
        "tests.unit.exceptions.views.RaiseInMiddleware",
    ]
)
@pytest.mark.anyio
async def test_crash_in_inner_middleware_enveloped_async():
    response = await AsyncClient(raise_request_exception=False).get("/api/plain/middleware-crash/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"


@override_settings(
    MIDDLEWARE=[
        "restflow.middleware.RestflowMiddleware",
        "tests.unit.exceptions.views.RaiseInMiddleware",
    ],
    DEBUG=False,
)
def test_crash_in_inner_middleware_outside_paths():
    response = Client(raise_request_exception=False).get("/site/middleware-crash/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")


# --- CSRF -----------------------------------------------------------------------


def test_csrf_failure_enveloped():
    response = Client(enforce_csrf_checks=True).post("/api/plain/form/", {"a": "1"})
    assert response.status_code == 403
    error = response.json()["error"]
    assert error["code"] == "csrf_failed"
    assert error["message"].startswith("CSRF verification failed.")
    assert "CSRF cookie not set" in error["message"]


@pytest.mark.anyio
async def test_csrf_failure_enveloped_async():
    response = await AsyncClient(enforce_csrf_checks=True).post("/api/plain/form/", {"a": "1"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"


def test_csrf_failure_outside_paths_uses_django_page():
    response = Client(enforce_csrf_checks=True).post("/site-ok/", {"a": "1"})
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


def test_csrf_success_passes():
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    response = client.post("/api/plain/form/", {"csrfmiddlewaretoken": "a" * 32})
    assert response.status_code == 200


# --- route-rule caching step ----------------------------------------------------------


def cache_rules(pattern):
    return middleware_settings(CACHE_RULES=[{"path": pattern, "ttl": 60, "per_user": False}])


def test_route_rule_served_from_cache():
    token = uuid.uuid4().hex
    with cache_rules(r"^/api/plain/counter/"):
        client = Client()
        first = client.get(f"/api/plain/counter/{token}/")
        second = client.get(f"/api/plain/counter/{token}/")
    assert first.json() == second.json()
    # Each response still gets its own request id.
    assert first["X-Request-ID"] != second["X-Request-ID"]


@pytest.mark.anyio
async def test_route_rule_served_from_cache_async():
    token = uuid.uuid4().hex
    with cache_rules(r"^/api/async/counter/"):
        client = AsyncClient()
        first = await client.get(f"/api/async/counter/{token}/")
        second = await client.get(f"/api/async/counter/{token}/")
    assert first.json() == second.json()
    assert first["X-Request-ID"] != second["X-Request-ID"]


def test_without_rules_view_runs_each_time():
    token = uuid.uuid4().hex
    client = Client()
    first = client.get(f"/api/plain/counter/{token}/")
    second = client.get(f"/api/plain/counter/{token}/")
    assert second.json()["calls"] == first.json()["calls"] + 1


# --- invalid RESTFLOW_SETTINGS ----------------------------------------------------


def invalid_settings():
    # A unique misspelt key gives each test its own message, so the
    # once-per-interval log of one test does not silence another's.
    key = f"ACCES_TOKEN_LIFETIME_{uuid.uuid4().hex[:8]}"
    return key, override_settings(RESTFLOW_SETTINGS={"JWT": {key: 5}})


def settings_error_records(caplog):
    return [
        record
        for record in caplog.records
        if record.name == "restflow.middleware" and record.levelno == logging.ERROR
    ]


@override_settings(DEBUG=False)
def test_invalid_settings_enveloped(caplog):
    key, invalid = invalid_settings()
    with invalid, caplog.at_level(logging.ERROR, logger="restflow.middleware"):
        first = Client().get("/api/plain/ok/")
        second = Client().post("/elsewhere/")
    for response in (first, second):
        assert response.status_code == 500
        assert response["Content-Type"] == "application/json"
        assert response.json()["error"]["code"] == "internal_error"
        assert response.json()["error"]["message"] == "Internal server error."
        assert key.encode() not in response.content
    records = settings_error_records(caplog)
    assert len(records) == 1
    assert "more request(s) failed" not in records[0].getMessage()
    assert "restflow.E002" in records[0].getMessage()
    assert key in records[0].getMessage()


@override_settings(DEBUG=False)
@pytest.mark.anyio
async def test_invalid_settings_enveloped_async(caplog):
    key, invalid = invalid_settings()
    with invalid, caplog.at_level(logging.ERROR, logger="restflow.middleware"):
        first = await AsyncClient().get("/api/async/ok/")
        second = await AsyncClient().get("/api/async/ok/")
    for response in (first, second):
        assert response.status_code == 500
        assert response.json()["error"]["code"] == "internal_error"
        assert key.encode() not in response.content
    assert len(settings_error_records(caplog)) == 1


@override_settings(DEBUG=True)
def test_invalid_settings_shown_under_debug():
    key, invalid = invalid_settings()
    with invalid:
        response = Client().get("/api/plain/ok/")
    assert response.status_code == 500
    message = response.json()["error"]["message"]
    assert message.startswith("SettingsError: (restflow.E002)")
    assert key in message


def test_invalid_settings_logged_again_after_interval(caplog, monkeypatch):
    from restflow import middleware

    _, invalid = invalid_settings()
    with invalid, caplog.at_level(logging.ERROR, logger="restflow.middleware"):
        Client().get("/api/plain/ok/")
        Client().get("/api/plain/ok/")
        monkeypatch.setattr(middleware, "SETTINGS_ERROR_LOG_INTERVAL", 0.0)
        Client().get("/api/plain/ok/")
    records = settings_error_records(caplog)
    assert len(records) == 2
    assert "1 more request(s) failed" in records[1].getMessage()


# --- Django's own 400 and 403 pages ---------------------------------------------


class RejectInMiddleware:
    """Test middleware raising, or returning on purpose, a 400 or 403 for some paths."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.endswith("/raise-permission-denied/"):
            raise PermissionDenied("secret reason")
        if path.endswith("/raise-bad-request/"):
            raise BadRequest("secret reason")
        if path.endswith("/return-forbidden/"):
            return HttpResponseForbidden(b"forbidden on purpose")
        if path.endswith("/return-bad-request/"):
            return HttpResponseBadRequest(b'{"own": "json"}', content_type="application/json")
        return self.get_response(request)


reject_in_middleware = override_settings(
    MIDDLEWARE=[*settings.MIDDLEWARE, "tests.unit.test_middleware.RejectInMiddleware"]
)


@pytest.mark.parametrize("debug", [False, True])
def test_disallowed_host_enveloped(debug):
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=debug):
        response = Client().get("/api/nowhere/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert error["message"] == "The request was rejected as invalid."
    assert error["request_id"] == response["X-Request-ID"]


@pytest.mark.anyio
async def test_disallowed_host_enveloped_async():
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        response = await AsyncClient().get("/api/nowhere/", headers={"host": "evil.example"})
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert response.json()["error"]["code"] == "bad_request"


def test_disallowed_host_outside_paths_untouched():
    with override_settings(ALLOWED_HOSTS=["testserver"], DEBUG=False):
        response = Client().get("/elsewhere/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")


@reject_in_middleware
@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/plain/raise-permission-denied/", 403, "permission_denied"),
        ("/api/plain/raise-bad-request/", 400, "bad_request"),
    ],
)
def test_django_error_page_enveloped(path, status, code):
    response = Client().get(path)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert b"secret reason" not in response.content


@reject_in_middleware
@pytest.mark.anyio
@pytest.mark.parametrize(
    ("path", "status", "code"),
    [
        ("/api/async/raise-permission-denied/", 403, "permission_denied"),
        ("/api/async/raise-bad-request/", 400, "bad_request"),
    ],
)
async def test_django_error_page_enveloped_async(path, status, code):
    response = await AsyncClient().get(path)
    assert response.status_code == status
    assert response.json()["error"]["code"] == code


@reject_in_middleware
def test_django_error_page_logged_once(caplog):
    with caplog.at_level(logging.WARNING, logger="django"):
        Client().get("/api/plain/raise-permission-denied/")
    forbidden = [record for record in caplog.records if record.name.startswith("django.request")]
    assert len(forbidden) == 1


@reject_in_middleware
def test_deliberate_403_untouched():
    response = Client().get("/api/plain/return-forbidden/")
    assert response.status_code == 403
    assert response.content == b"forbidden on purpose"


@reject_in_middleware
def test_deliberate_400_untouched():
    response = Client().get("/api/plain/return-bad-request/")
    assert response.status_code == 400
    assert response.json() == {"own": "json"}


@reject_in_middleware
@pytest.mark.anyio
async def test_deliberate_403_untouched_async():
    response = await AsyncClient().get("/api/async/return-forbidden/")
    assert response.status_code == 403
    assert response.content == b"forbidden on purpose"


@reject_in_middleware
def test_django_403_outside_paths_untouched():
    response = Client().get("/site/raise-permission-denied/")
    assert response.status_code == 403
    assert response["Content-Type"].startswith("text/html")


@override_settings(CSRF_FAILURE_VIEW="django.views.csrf.csrf_failure")
def test_django_csrf_page_enveloped_as_permission_denied():
    response = Client(enforce_csrf_checks=True).post("/api/plain/form/", {"a": "1"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


# --- missing trailing slash -----------------------------------------------------


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_missing_slash_rejected(method):
    response = getattr(Client(), method)("/api/plain/form")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "not_found"
    assert "'/api/plain/form/'" in error["message"]
    assert f"Send the {method.upper()} request" in error["message"]
    assert "Location" not in response


@pytest.mark.anyio
async def test_missing_slash_rejected_async():
    response = await AsyncClient().post("/api/async/ok")
    assert response.status_code == 404
    assert "'/api/async/ok/'" in response.json()["error"]["message"]


def test_missing_slash_keeps_query():
    response = Client().post("/api/plain/form?next=1")
    assert "'/api/plain/form/?next=1'" in response.json()["error"]["message"]


@override_settings(DEBUG=True)
def test_missing_slash_rejected_under_debug():
    # Django raises RuntimeError for a POST it would redirect under DEBUG.
    response = Client().post("/api/plain/form", {"a": "1"})
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("method", ["get", "head"])
def test_missing_slash_get_redirected(method):
    response = getattr(Client(), method)("/api/plain/ok")
    assert response.status_code == 301
    assert response["Location"] == "/api/plain/ok/"


@override_settings(DEBUG=False)
def test_missing_slash_outside_paths_redirected():
    response = Client().post("/site-ok")
    assert response.status_code == 301


def test_missing_slash_unknown_url_plain_404():
    response = Client().post("/api/nowhere")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Resource not found."


@override_settings(APPEND_SLASH=False)
def test_missing_slash_without_append_slash():
    response = Client().post("/api/plain/form")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "Resource not found."


def test_request_ids_are_uuid4_hex():
    from restflow.middleware import new_request_id

    ids = {new_request_id() for _ in range(200)}
    assert len(ids) == 200
    for value in ids:
        parsed = uuid.UUID(hex=value)
        assert parsed.hex == value
        assert parsed.version == 4
        assert parsed.variant == uuid.RFC_4122
