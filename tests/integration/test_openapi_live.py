"""The schema, Swagger UI and Redoc served by a real uvicorn, with every asset from 127.0.0.1.

The settings switch a plain DRF API to restflow's schema class and serve
drf-spectacular-sidecar's files through Django's ``ASGIStaticFilesHandler``.
drf-spectacular's Redoc page also links Google Fonts, so the
``restflow.spectacular`` app, listed first, replaces that page's ``head``;
with both, the pages load nothing from another host.
"""

from __future__ import annotations

import os
import re
import textwrap

import httpx
import pytest

from tests.integration.test_openapi_adoption import SETTINGS_MODULE
from tests.support import services

pytestmark = pytest.mark.live

ASGI_MODULE = textwrap.dedent(
    """
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "live_openapi_settings")

    from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler
    from django.core.asgi import get_asgi_application

    application = ASGIStaticFilesHandler(get_asgi_application())
    """
)
SETTINGS_EXTRA = textwrap.dedent(
    """
    # Before drf_spectacular, so its offline Redoc page is the one found.
    INSTALLED_APPS.insert(INSTALLED_APPS.index("drf_spectacular"), "restflow.spectacular")
    """
)
ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live_openapi")
    (folder / "live_openapi_settings.py").write_text(SETTINGS_MODULE + SETTINGS_EXTRA)
    (folder / "live_openapi_asgi.py").write_text(ASGI_MODULE)
    root = services.ROOT
    env = {"PYTHONPATH": os.pathsep.join([str(folder), str(root), str(root / "example_project")])}
    with services.uvicorn_server(
        "live_openapi_asgi:application", settings_module="live_openapi_settings", env=env
    ) as process:
        yield process


def assets_of(html):
    return [url for url in ASSET.findall(html) if not url.startswith(("#", "data:"))]


def test_schema_is_served(server):
    response = httpx.get(f"{server.base_url}/api/schema/", params={"format": "json"}, timeout=30)
    assert response.status_code == 200, server.log()
    schema = response.json()
    assert schema["openapi"] == "3.0.3"
    assert schema["components"]["securitySchemes"]["jwtAuth"]["scheme"] == "bearer"
    assert "ErrorEnvelope" in schema["components"]["schemas"]


@pytest.mark.parametrize(
    ("page", "bundle"),
    [
        ("/api/docs/", "swagger-ui-dist/swagger-ui-bundle.js"),
        ("/api/redoc/", "redoc/bundles/redoc.standalone.js"),
    ],
)
def test_viewer_assets_are_local(server, page, bundle):
    response = httpx.get(f"{server.base_url}{page}", timeout=30)
    assert response.status_code == 200, server.log()
    if page == "/api/docs/":
        assert re.search(r'"validatorUrl":\s*null', response.text), response.text
    assets = assets_of(response.text)
    assert any(url.endswith(bundle) for url in assets), assets
    for url in assets:
        assert url.startswith("/"), f"{page} loads {url!r} from another host"
        asset = httpx.get(f"{server.base_url}{url}", timeout=30)
        assert asset.status_code == 200, f"{url}: {asset.status_code}"
        assert len(asset.content) > 0
