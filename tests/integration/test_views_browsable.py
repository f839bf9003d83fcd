"""The browsable API and OPTIONS metadata on async views, rendered through the ASGI client."""

from __future__ import annotations

import pytest
from asgiref.sync import async_to_sync
from django.contrib.auth.models import User

from restflow.test import AsyncAPIClient
from tests.viewsapp.models import Gadget

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.viewsapp.urls")]

PATHS = [
    "/api/async-gadgets/",
    "/api/async-gadgets/{pk}/",
    "/api/async-products/",
    "/pages/cursor-async/",
    "/pages/fast-async/?page=2",
]


@pytest.fixture
def logged_in():
    owner = User.objects.create_user("owner", password="pw")
    gadget = Gadget.objects.create(name="lamp", owner=owner, price="1.00")
    for index in range(5):
        Gadget.objects.create(name=f"g{index}", price=str(index))
    client = AsyncAPIClient()
    client.force_login(owner)
    return client, gadget


@pytest.mark.parametrize("path", PATHS)
def test_browsable_page_renders(logged_in, path):
    client, gadget = logged_in
    response = async_to_sync(client.get)(path.format(pk=gadget.pk), HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"<html" in response.content


@pytest.mark.parametrize("path", PATHS)
def test_options_metadata(logged_in, path):
    client, gadget = logged_in
    response = async_to_sync(client.options)(path.format(pk=gadget.pk))
    assert response.status_code == 200
    assert "name" in response.json()
