"""JWT under a real ASGI server: uvicorn serving the token views and plain DRF views."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections.abc import Iterator

import httpx
import pytest

from tests.support import services

pytestmark = pytest.mark.live

SETTINGS = """
from conf.settings import *  # noqa: F403

DATABASES = {{"default": {{"ENGINE": "django.db.backends.sqlite3", "NAME": {database!r}}}}}
ROOT_URLCONF = "tests.adoption.urls_auth"
REST_FRAMEWORK = {{
    **REST_FRAMEWORK,  # noqa: F405
    "DEFAULT_AUTHENTICATION_CLASSES": ["restflow.authentication.JWTAuthentication"],
}}
# One uvicorn worker, so a process-local blacklist is shared by every request.
RESTFLOW_SETTINGS = {{
    "JWT": {{"SIGNING_KEY": "live-test-secret-" + "L" * 48, "BLACKLIST_ALLOW_LOCMEM": True}}
}}
"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[services.ServerProcess]:
    workdir = tmp_path_factory.mktemp("jwt-live")
    (workdir / "jwt_live_settings.py").write_text(
        SETTINGS.format(database=str(workdir / "db.sqlite3"))
    )
    pythonpath = os.pathsep.join(
        [str(workdir), str(services.ROOT), str(services.ROOT / "example_project")]
    )
    # The server uses its own SQLite file, so the suite's DATABASE_URL (and the
    # PostgreSQL-only test apps it switches on) must not reach it.
    overrides = {"PYTHONPATH": pythonpath, "DATABASE_URL": ""}
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jwt_live_settings", **overrides}
    setup = (
        "import django; django.setup();"
        "from django.core.management import call_command;"
        "call_command('migrate', verbosity=0);"
        "from django.contrib.auth import get_user_model;"
        "get_user_model().objects.create_user('demo', password='demo-pass-123')"
    )
    result = subprocess.run(
        [sys.executable, "-c", setup], env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    with services.uvicorn_server(
        "conf.asgi:application", settings_module="jwt_live_settings", env=overrides
    ) as process:
        yield process


def obtain(client: httpx.Client) -> dict:
    response = client.post(
        "/api/auth/token/", json={"username": "demo", "password": "demo-pass-123"}
    )
    assert response.status_code == 200, response.text
    return response.json()


def test_login_protect_refresh_logout(server):
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        pair = obtain(client)

        anonymous = client.post("/api/categories/", json={"name": "Tools", "slug": "tools"})
        assert anonymous.status_code == 401
        assert anonymous.json()["error"]["code"] == "not_authenticated"
        assert anonymous.headers["WWW-Authenticate"] == 'Bearer realm="api"'

        bearer = {"Authorization": f"Bearer {pair['access']}"}
        created = client.post(
            "/api/categories/", json={"name": "Tools", "slug": "tools"}, headers=bearer
        )
        assert created.status_code == 201, created.text

        rotated = client.post("/api/auth/token/refresh/", json={"refresh": pair["refresh"]})
        assert rotated.status_code == 200
        assert rotated.json()["refresh"] != pair["refresh"]

        reuse = client.post("/api/auth/token/refresh/", json={"refresh": pair["refresh"]})
        assert reuse.status_code == 401
        assert reuse.json()["error"]["code"] == "token_blacklisted"

        second = obtain(client)
        logout = client.post("/api/auth/token/blacklist/", json={"refresh": second["refresh"]})
        assert logout.status_code == 204
        after = client.post("/api/auth/token/refresh/", json={"refresh": second["refresh"]})
        assert after.status_code == 401
        assert after.json()["error"]["code"] == "token_blacklisted"


def test_concurrent_refresh_under_uvicorn(server):
    with httpx.Client(base_url=server.base_url, timeout=10) as client:
        refresh = obtain(client)["refresh"]

    async def race() -> list[int]:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=10) as client:
            responses = await asyncio.gather(
                *(
                    client.post("/api/auth/token/refresh/", json={"refresh": refresh})
                    for _ in range(5)
                )
            )
        return sorted(response.status_code for response in responses)

    assert asyncio.run(race()) == [200, 401, 401, 401, 401]
