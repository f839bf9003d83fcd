"""Every exception mapping, in both envelope styles, on a sync DRF view and plain Django views.

The same raisers run in a DRF ``@api_view`` (through ``exception_handler``),
in a plain sync Django view and in a plain async Django view (both through
``RestflowMiddleware.process_exception``).
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
