"""The fault harness: private services the tests stop, pause, cut and restart.

:class:`Stack` owns two redis-servers (cache and broker), a TCP proxy in
front of the machine's PostgreSQL, a database of its own on that server,
and the uvicorn and RQ worker processes pointed at them. Everything it
starts listens on 127.0.0.1 and is ended by its own PID.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse, urlunparse

from tests.support import services

__all__ = ["Stack", "TcpProxy", "process_rss", "server_pids"]

SETTINGS_MODULE = "tests.faults.settings"


class TcpProxy:
    """Forward TCP connections from a private loopback port to ``target``.

    :meth:`cut` closes every open connection at once (the server seems to
    drop them), :meth:`refuse` stops accepting new ones and :meth:`accept`
    starts again. The proxy runs an asyncio loop in a daemon thread.
    """

    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        self.port = services.free_port()
        self._loop = asyncio.new_event_loop()
        self._server: asyncio.AbstractServer | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self.accept()

    def _call(self, coroutine: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout=10)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, client_reader: Any, client_writer: Any) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
        except OSError:
            client_writer.close()
            return
        self._writers.update({client_writer, server_writer})
        try:
            await asyncio.gather(
                self._pipe(client_reader, server_writer), self._pipe(server_reader, client_writer)
            )
        finally:
            self._writers.discard(client_writer)
            self._writers.discard(server_writer)

    async def _start(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)

    async def _stop(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None

    async def _cut(self) -> int:
        writers = list(self._writers)
        for writer in writers:
            transport = writer.transport
            transport.abort()
        self._writers.clear()
        return len(writers)

    @property
    def open_connections(self) -> int:
        return len(self._writers) // 2

    def accept(self) -> None:
        self._call(self._start())
        services.wait_for_port("127.0.0.1", self.port)

    def refuse(self) -> None:
        self._call(self._stop())

    def cut(self) -> int:
        """Abort every open connection; return how many sockets were aborted."""
        return int(self._call(self._cut()))

    def close(self) -> None:
        self.refuse()
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)


def server_pids(process: subprocess.Popen[bytes]) -> list[int]:
    """Return the PID of ``process`` and of its direct children (uvicorn's workers)."""
    pids = [process.pid]
    children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
    with contextlib.suppress(OSError):
        pids += [int(pid) for pid in children.read_text().split()]
    return pids


def process_rss(pid: int) -> int:
    """Return the resident set size of ``pid`` in kilobytes (0 once it has exited)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        return 0
    return 0


def _with_port(url: str, port: int, database: str) -> str:
    parsed = urlparse(url)
    credentials = parsed.netloc.rsplit("@", 1)[0] + "@" if "@" in parsed.netloc else ""
    return urlunparse(parsed._replace(netloc=f"{credentials}127.0.0.1:{port}", path=f"/{database}"))


SEED = """
import django
django.setup()
from datetime import datetime, timezone
from decimal import Decimal
from django.contrib.auth import get_user_model
from catalog.models import Brand, Category, Product

count = int({products})
categories = [
    Category.objects.create(name=f"category-{{i}}", slug=f"category-{{i}}") for i in range(4)
]
brands = [Brand.objects.create(name=f"brand-{{i}}", slug=f"brand-{{i}}") for i in range(4)]
for i in range(count):
    Product.objects.create(
        name=f"product-{{i}}", slug=f"product-{{i}}", price=Decimal("1.00"),
        created_at=datetime(2026, 1, 1, tzinfo=timezone.utc),
        category=categories[i % 4], brand=brands[i % 4],
    )
get_user_model().objects.create_user("faults", password="faults-pass-123")
"""


class Stack:
    """Private Redis (cache and broker), a PostgreSQL proxy and database, and their clients."""

    def __init__(self, database_url: str, workdir: Path, *, products: int = 40) -> None:
        self.database_url = database_url
        self.workdir = workdir
        self.products = products
        self.markers = workdir / "markers"
        self.markers.mkdir(parents=True, exist_ok=True)
        self.database = f"restflow_faults_{os.getpid()}_{services.free_port()}"
        self.queue = f"faults-{os.getpid()}"
        self._exit = contextlib.ExitStack()
        self.cache: services.RedisProcess
        self.broker: services.RedisProcess
        self.proxy: TcpProxy

    # --- lifecycle ------------------------------------------------------------------

    def __enter__(self) -> Stack:
        try:
            self.cache = self._exit.enter_context(services.private_redis())
            self.broker = self._exit.enter_context(services.private_redis())
            parsed = urlparse(self.database_url)
            self.proxy = TcpProxy(parsed.hostname or "127.0.0.1", parsed.port or 5432)
            self._exit.callback(self.proxy.close)
            self._create_database()
            self._exit.callback(self._drop_database)
            self.run_python(
                "from django.core.management import call_command; import django; "
                "django.setup(); call_command('migrate', verbosity=0)"
            )
            self.run_python(SEED.format(products=self.products), setup=False)
        except BaseException:
            self._exit.close()
            raise
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self._exit.close()

    def _admin(self) -> Any:
        import psycopg

        parsed = urlparse(self.database_url)
        return psycopg.connect(
            host=parsed.hostname or "127.0.0.1",
            port=parsed.port or 5432,
            user=parsed.username or "postgres",
            password=parsed.password or None,
            dbname=(parsed.path.lstrip("/") or "postgres"),
            autocommit=True,
        )

    def _create_database(self) -> None:
        with self._admin() as admin:
            admin.execute(f'CREATE DATABASE "{self.database}"')

    def _drop_database(self) -> None:
        with self._admin() as admin:
            # Only the sessions of this harness's own database.
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                [self.database],
            )
            admin.execute(f'DROP DATABASE IF EXISTS "{self.database}"')

    # --- processes ------------------------------------------------------------------

    def env(self, **overrides: str) -> dict[str, str]:
        """Return the environment for a harness process (uvicorn, worker, script)."""
        values = {
            "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
            "FAULTS_DATABASE_URL": _with_port(self.database_url, self.proxy.port, self.database),
            "FAULTS_CACHE_URL": self.cache.url,
            "FAULTS_BROKER_URL": self.broker.url,
            "FAULTS_QUEUE": self.queue,
            "FAULTS_MARKER_DIR": str(self.markers),
            "PYTHONPATH": os.pathsep.join(
                [str(services.ROOT), str(services.ROOT / "example_project")]
            ),
        }
        values.update(overrides)
        return values

    def run_python(self, code: str, *, setup: bool = True, **overrides: str) -> str:
        """Run ``code`` in a fresh interpreter with the harness settings; return its stdout."""
        script = ("import django; django.setup()\n" if setup else "") + code
        result = subprocess.run(
            [sys.executable, "-c", script],
            env={**os.environ, **self.env(**overrides)},
            cwd=services.ROOT,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    @contextlib.contextmanager
    def server(self, *, workers: int = 1, **overrides: str) -> Iterator[services.ServerProcess]:
        """Serve the harness API under uvicorn with ``workers`` processes."""
        with services.uvicorn_server(
            "conf.asgi:application",
            settings_module=SETTINGS_MODULE,
            env=self.env(**overrides),
            workers=workers,
        ) as server:
            _wait_until_healthy(server, workers)
            yield server

    @contextlib.contextmanager
    def worker(self) -> Iterator[subprocess.Popen[bytes]]:
        """Run an RQ worker (``manage.py rqworker``) on the harness's queue."""
        log = open(self.workdir / f"rqworker-{time.monotonic_ns()}.log", "wb")  # noqa: SIM115
        process = subprocess.Popen(
            [sys.executable, "-m", "django", "rqworker", self.queue, "--with-scheduler"],
            env={**os.environ, **self.env()},
            cwd=services.ROOT,
            stdout=log,
            stderr=log,
        )
        try:
            yield process
        finally:
            stop_process(process)
            log.close()


def stop_process(process: subprocess.Popen[bytes]) -> None:
    """End ``process`` by its PID: SIGTERM, then SIGKILL after 10 seconds."""
    if process.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGCONT)
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _wait_until_healthy(server: services.ServerProcess, workers: int) -> None:
    import httpx

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        with contextlib.suppress(httpx.HTTPError):
            healthy = httpx.get(server.base_url + "/health/", timeout=5).status_code == 200
            # uvicorn's supervisor answers once, its workers appear as children.
            if healthy and (workers == 1 or len(server_pids(server.process)) > workers):
                return
        time.sleep(0.2)
    raise RuntimeError(f"the harness server did not become healthy:\n{server.log()}")
