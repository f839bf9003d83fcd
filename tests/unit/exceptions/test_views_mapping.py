"""Every exception mapping, in both envelope styles, on DRF views (sync and async) and plain views.

The same raisers run in a DRF ``@api_view`` and in restflow's
``AsyncAPIView`` (through ``exception_handler``), and in a plain sync and a
plain async Django view (through ``RestflowMiddleware.process_exception``).
"""

from __future__ import annotations

import pytest
from django.test import AsyncClient, Client, override_settings

from tests.unit.exceptions.cases import EXPECTED, OUTSIDE_DRF, assert_envelope

pytestmark = pytest.mark.urls("tests.unit.exceptions.urls")

STYLES = ["restflow", "problem"]


@pytest.fixture(params=STYLES)
def style(request):
    with override_settings(RESTFLOW_SETTINGS={"EXCEPTIONS": {"ENVELOPE": request.param}}):
        yield request.param


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_drf_view_mapping(name, style):
    client = Client(raise_request_exception=False)
    path = f"/api/drf/{name}/"
    assert_envelope(client.get(path), EXPECTED[name], style, path)


@pytest.mark.parametrize("name", sorted(OUTSIDE_DRF))
def test_plain_view_mapping(name, style):
    client = Client(raise_request_exception=False)
    path = f"/api/plain/{name}/"
    assert_envelope(client.get(path), OUTSIDE_DRF[name], style, path)


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(OUTSIDE_DRF))
async def test_async_view_mapping(name, style):
    client = AsyncClient(raise_request_exception=False)
    path = f"/api/async/{name}/"
    assert_envelope(await client.get(path), OUTSIDE_DRF[name], style, path)


@pytest.mark.anyio
@pytest.mark.parametrize("name", sorted(EXPECTED))
async def test_async_drf_view_mapping(name, style):
    client = AsyncClient(raise_request_exception=False)
    path = f"/api/drf-async/{name}/"
    assert_envelope(await client.get(path), EXPECTED[name], style, path)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_async_drf_view_mapping_sync_client(name, style):
    # The async view under WSGI: Django runs it through async_to_sync.
    client = Client(raise_request_exception=False)
    path = f"/api/drf-async/{name}/"
    assert_envelope(client.get(path), EXPECTED[name], style, path)
