"""Route-rule caching under real uvicorn workers that share a Redis cache.

Two worker processes serve the same plain DRF view and share one Redis
cache, so whichever worker answers, the second read is a hit, and an
update through the API makes the next read a miss with the new price.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from tests.support import services

pytestmark = [pytest.mark.redis, pytest.mark.live, pytest.mark.slow]

SEED = """
import datetime
from decimal import Decimal
from catalog.models import Brand, Category, Product
category = Category.objects.create(name="Tea", slug="tea")
brand = Brand.objects.create(name="Leaf", slug="leaf")
product = Product.objects.create(
    name="Green", slug="green", price=Decimal("4.00"), category=category, brand=brand,
    created_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc),
)
print(product.pk)
"""


def _django(command: list[str], env: dict[str, str]) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "django", *command],
        env=env,
        cwd=services.ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_route_cache_is_shared_and_invalidated_across_workers():
    with tempfile.TemporaryDirectory(prefix="restflow-live-") as workdir:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "tests.cacheapp.live_settings",
            "PYTHONPATH": os.pathsep.join(
                [str(services.ROOT), str(services.ROOT / "example_project")]
            ),
            "RESTFLOW_LIVE_DB": str(Path(workdir) / "live.sqlite3"),
            "RESTFLOW_RUN_ID": f"{settings.RUN_ID}-live",
        }
        _django(["migrate", "--run-syncdb", "-v", "0"], env)
        pk = int(_django(["shell", "-c", SEED], env).strip().splitlines()[-1])
        with (
            services.uvicorn_server(
                "tests.cacheapp.asgi:application",
                settings_module="tests.cacheapp.live_settings",
                env=env,
                workers=2,
            ) as server,
            httpx.Client(base_url=server.base_url, timeout=10) as client,
        ):
            url = f"/api/products/{pk}/"
            statuses = [client.get(url).headers.get("X-Cache-Status") for _ in range(6)]
            assert statuses[0] == "MISS", server.log()
            assert statuses[1:] == ["HIT"] * 5, server.log()

            patched = client.patch(url, json={"price": "6.50"})
            assert patched.status_code == 200, patched.text
            after = client.get(url)
            assert after.headers["X-Cache-Status"] == "MISS"
            assert after.json()["price"] == "6.50"
            assert client.get(url).headers["X-Cache-Status"] == "HIT"
        _delete_keys(f"restflow-live-{settings.RUN_ID}-live:*")


def _delete_keys(pattern: str) -> None:
    """Delete this test's own keys (its prefix carries the run id) from the machine's Redis."""
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL)
    keys = list(client.scan_iter(match=pattern, count=1000))
    if keys:
        client.unlink(*keys)
