"""The schema, Swagger UI and Redoc served by a real uvicorn, with every asset from 127.0.0.1.

The settings switch a plain DRF API to restflow's schema class and serve
drf-spectacular-sidecar's files through Django's ``ASGIStaticFilesHandler``.
drf-spectacular's Redoc page also links Google Fonts, so a project template
replaces its ``head`` block; with both, the pages load nothing from another
host.
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
# The project template that keeps Redoc offline: same name, so it extends
# drf-spectacular's template and only replaces the head.
REDOC_TEMPLATE = textwrap.dedent(
    """
    {% extends "drf_spectacular/redoc.html" %}
    {% block head %}
    <title>{{ title|default:"Redoc" }}</title>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <style>body { margin: 0; padding: 0; }</style>
    {% endblock head %}
    """
)
SETTINGS_EXTRA = textwrap.dedent(
    """
    from pathlib import Path

    TEMPLATES[0]["DIRS"] = [Path(__file__).resolve().parent / "templates"]  # noqa: F405
    """
)
ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("live_openapi")
    (folder / "live_openapi_settings.py").write_text(SETTINGS_MODULE + SETTINGS_EXTRA)
    (folder / "templates" / "drf_spectacular").mkdir(parents=True)
    (folder / "templates" / "drf_spectacular" / "redoc.html").write_text(REDOC_TEMPLATE)
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
