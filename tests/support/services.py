"""Helpers that start and reach real services for tests, on 127.0.0.1 only.

Processes started here are stopped by their own PID and never touch the
machine's own PostgreSQL or Redis.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def port_open(host: str, port: int, timeout: float = 0.5) -> bool:
    """Return True when a TCP connection to ``host:port`` succeeds."""
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def wait_for_port(host: str, port: int, timeout: float = 20.0) -> None:
    """Wait until ``host:port`` accepts connections; raise ``TimeoutError`` otherwise."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if port_open(host, port, timeout=0.2):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing answered on {host}:{port} within {timeout} s")


def redis_reachable(url: str) -> bool:
    parsed = urlparse(url)
    return port_open(parsed.hostname or "127.0.0.1", parsed.port or 6379)


def postgres_reachable(url: str) -> bool:
    parsed = urlparse(url)
    return port_open(parsed.hostname or "127.0.0.1", parsed.port or 5432)


@dataclass
class RedisProcess:
    """A private redis-server started by a test; ``url`` points at database 0."""

    port: int
    process: subprocess.Popen[bytes]
    workdir: str

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

    def pause(self) -> None:
        os.kill(self.process.pid, signal.SIGSTOP)

    def resume(self) -> None:
        os.kill(self.process.pid, signal.SIGCONT)

    def start_again(self) -> None:
        """Start a new server on the same port after :meth:`stop`."""
        self.process = _spawn_redis(self.port, self.workdir)
        wait_for_port("127.0.0.1", self.port)


def _spawn_redis(port: int, workdir: str) -> subprocess.Popen[bytes]:
    binary = shutil.which("redis-server")
    if binary is None:
        raise RuntimeError("redis-server is not installed; install Debian's redis-server package")
    return subprocess.Popen(
        [
            binary,
            "--bind", "127.0.0.1",
            "--port", str(port),
            "--save", "",
            "--appendonly", "no",
            "--dir", workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@contextlib.contextmanager
def private_redis() -> Iterator[RedisProcess]:
    """Start a throwaway redis-server on a free loopback port and stop it afterwards."""
    workdir = tempfile.mkdtemp(prefix="restflow-redis-")
    port = free_port()
    server = RedisProcess(port, _spawn_redis(port, workdir), workdir)
    try:
        wait_for_port("127.0.0.1", port)
        yield server
    finally:
        with contextlib.suppress(ProcessLookupError):
            server.resume()
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@dataclass
class ServerProcess:
    """A uvicorn (or other) server process started by a test."""

    base_url: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextlib.contextmanager
def uvicorn_server(
    app: str,
    *,
    settings_module: str = "conf.settings",
    env: dict[str, str] | None = None,
    workers: int = 1,
    port: int | None = None,
) -> Iterator[ServerProcess]:
    """Serve the ASGI ``app`` ("module:attr") with uvicorn on 127.0.0.1 until the block ends."""
    port = port or free_port()
    # Stays open while the server runs; the finally block below closes it.
    log_file = tempfile.NamedTemporaryFile(prefix="restflow-uvicorn-", suffix=".log", delete=False)  # noqa: SIM115
    log_path = Path(log_file.name)
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "example_project")]),
        **(env or {}),
    }
    command = [
        sys.executable, "-m", "uvicorn", app,
        "--host", "127.0.0.1",
        "--port", str(port),
        "--workers", str(workers),
        "--log-level", "warning",
    ]
    process = subprocess.Popen(command, env=environment, stdout=log_file, stderr=log_file)
    server = ServerProcess(f"http://127.0.0.1:{port}", process, log_path)
    try:
        try:
            wait_for_port("127.0.0.1", port, timeout=30)
        except TimeoutError:
            process.terminate()
            raise RuntimeError(f"uvicorn did not start:\n{server.log()}") from None
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        log_file.close()
