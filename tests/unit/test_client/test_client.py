"""AsyncAPIRequestFactory, AsyncAPIClient and the async API test case classes."""

from __future__ import annotations

import json
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User
from django.test import override_settings

from restflow.test import (
    AsyncAPIClient,
    AsyncAPILiveServerTestCase,
    AsyncAPIRequestFactory,
    AsyncAPISimpleTestCase,
    AsyncAPITestCase,
    AsyncAPITransactionTestCase,
    force_authenticate,
)
from tests.viewsapp.models import Gadget
from tests.viewsapp.views import Echo


def body_of(request: Any) -> bytes:
    return request.read()


def test_factory_encodes_json_by_default():
    request = AsyncAPIRequestFactory().post("/", {"a": [1, 2]})
    assert request.content_type == "application/json"
    assert json.loads(body_of(request)) == {"a": [1, 2]}
    assert request._dont_enforce_csrf_checks is True


def test_factory_formats_and_raw_content():
    factory = AsyncAPIRequestFactory(enforce_csrf_checks=True)
    request = factory.put("/", {"a": "1"}, format="multipart")
    assert request.content_type == "multipart/form-data"
    assert b'name="a"' in body_of(request)
    assert request._dont_enforce_csrf_checks is False

    request = factory.patch("/", "a=1", content_type="application/x-www-form-urlencoded")
    assert body_of(request) == b"a=1"
    assert factory.delete("/").read() == b""


def test_factory_rejects_format_and_content_type():
    factory = AsyncAPIRequestFactory()
    with pytest.raises(AssertionError, match="either `format` or `content_type`"):
        factory.post("/", {}, format="json", content_type="application/json")
    with pytest.raises(AssertionError, match=r"Unknown request format 'yaml'.*json, multipart"):
        factory.post("/", {}, format="yaml")


def test_factory_charset_from_renderer():
    with override_settings(
        REST_FRAMEWORK={"TEST_REQUEST_RENDERER_CLASSES": ["tests.viewsapp.support.TextRenderer"]}
    ):
        request = AsyncAPIRequestFactory().post("/", "héllo", format="txt")
    assert request.content_type == "text/plain"
    assert request.META["CONTENT_TYPE"] == "text/plain; charset=utf-8"
    assert body_of(request) == "héllo".encode()


def test_factory_force_authenticate_on_direct_call():
    user = User(username="direct", is_active=True)
    request = AsyncAPIRequestFactory().get("/?x=1")
    force_authenticate(request, user, token="tok")
    response = async_to_sync(Echo.as_view())(request)
    assert response.data["user"] == "direct"
    assert response.data["auth"] == "tok"
    assert response.data["query"] == {"x": "1"}


pytestmark_urls = pytest.mark.urls("tests.viewsapp.urls")


@pytestmark_urls
def test_client_sends_json_and_credentials():
    client = AsyncAPIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer abc", HTTP_X_CUSTOM="1")
    response = async_to_sync(client.post)("/echo/", {"name": "lamp"})
    assert response.json()["data"] == {"name": "lamp"}
    assert response.json()["content_type"] == "application/json"
    assert response.json()["authorization"] == "Bearer abc"
    assert response.json()["custom"] == "1"

    client.credentials(HTTP_AUTHORIZATION="Bearer new")
    response = async_to_sync(client.get)("/echo/", {"q": "1"})
    assert response.json()["authorization"] == "Bearer new"
    assert response.json()["custom"] is None
    assert response.json()["query"] == {"q": "1"}

    client.credentials()
    response = async_to_sync(client.delete)("/echo/")
    assert response.json()["authorization"] is None
    assert response.json()["method"] == "DELETE"


@pytestmark_urls
def test_client_extra_headers_in_wsgi_style():
    response = async_to_sync(AsyncAPIClient().patch)(
        "/echo/", {"a": 1}, HTTP_AUTHORIZATION="Token t"
    )
    assert response.json()["authorization"] == "Token t"


def test_credentials_reject_non_header_keys():
    with pytest.raises(ValueError, match="'AUTHORIZATION' is not a header name"):
        AsyncAPIClient().credentials(AUTHORIZATION="x")


@pytestmark_urls
@pytest.mark.django_db
def test_client_force_authenticate_and_logout():
    user = User(username="forced", is_active=True)
    client = AsyncAPIClient()
    client.force_authenticate(user)
    assert async_to_sync(client.get)("/echo/").json()["user"] == "forced"
    client.force_authenticate()
    assert async_to_sync(client.get)("/echo/").json()["user"] is None

    client.force_authenticate(user, token="t")
    client.credentials(HTTP_AUTHORIZATION="Bearer x")
    client.logout()
    body = async_to_sync(client.get)("/echo/").json()
    assert (body["user"], body["authorization"]) == (None, None)


@pytestmark_urls
@pytest.mark.django_db
def test_client_session_login():
    user = User.objects.create_user("session", password="pw")
    client = AsyncAPIClient()
    client.force_login(user)
    assert async_to_sync(client.put)("/echo/", {"x": 1}).json()["user"] == "session"


@pytestmark_urls
def test_client_format_and_content_type():
    client = AsyncAPIClient()
    response = async_to_sync(client.post)("/echo/", {"a": "1"}, format="multipart")
    assert response.json()["data"] == {"a": "1"}
    response = async_to_sync(client.options)(
        "/echo/", "a=2", content_type="application/x-www-form-urlencoded"
    )
    assert response.json()["data"] == {"a": "2"}


def test_test_case_classes_use_async_client():
    for case in (
        AsyncAPISimpleTestCase,
        AsyncAPITestCase,
        AsyncAPITransactionTestCase,
        AsyncAPILiveServerTestCase,
    ):
        assert case.client_class is AsyncAPIClient


@override_settings(ROOT_URLCONF="tests.viewsapp.urls")
class GadgetApiTests(AsyncAPITestCase):
    """The async test case in use: ``self.client`` calls are awaited."""

    @classmethod
    def setUpTestData(cls) -> None:
        cls.owner = User.objects.create_user("owner", password="pw")

    async def test_create_through_async_client(self) -> None:
        await self.client.aforce_login(self.owner)
        response = await self.client.post("/api/async-gadgets/", {"name": "kettle"})
        self.assertEqual(response.status_code, 201)
        self.assertTrue(await Gadget.objects.filter(name="kettle", owner=self.owner).aexists())

    async def test_anonymous_is_rejected(self) -> None:
        response = await self.client.get("/api/async-gadgets/")
        self.assertEqual(response.status_code, 401)
        self.assertEqual(response.json()["error"]["code"], "not_authenticated")


@pytestmark_urls
@pytest.mark.django_db
@pytest.mark.parametrize(("enforce", "status"), [(True, 403), (False, 201)])
def test_client_enforce_csrf_checks(enforce, status):
    owner = User.objects.create_user("csrf", password="pw")
    client = AsyncAPIClient(enforce_csrf_checks=enforce)
    client.force_login(owner)
    response = async_to_sync(client.post)("/api/async-gadgets/", {"name": "lamp"})
    assert response.status_code == status
    if enforce:
        assert "CSRF" in response.json()["error"]["message"]
