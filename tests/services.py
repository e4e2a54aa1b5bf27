"""Real services the fault tests stop and start again: a redis-server of our own."""

from __future__ import annotations

import shutil
import subprocess
import time
from dataclasses import dataclass, field

import redis

from tests.support import free_port


@dataclass
class RedisServer:
    """redis-server on a fixed free loopback port; ``stop()`` and ``start()`` again."""

    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self, timeout: float = 20) -> RedisServer:
        binary = shutil.which("redis-server")
        assert binary, "redis-server is not installed (make test installs it)"
        self.process = subprocess.Popen(
            [
                binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        client = redis.Redis(host="127.0.0.1", port=self.port)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    if client.ping():
                        return self
                except redis.ConnectionError:
                    if self.process.poll() is not None or time.monotonic() > deadline:
                        raise
                time.sleep(0.02)
        finally:
            client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # a crash, not a clean shutdown
            self.process.wait(timeout=10)
        self.process = None


@dataclass
class ServerProcess:
    """A `twinspace serve` subprocess on a fixed port, which a test may SIGKILL and start
    again on the same port. ``env`` holds the TWINSPACE_* variables (database, Redis...)."""

    env: dict[str, str]
    args: tuple[str, ...] = ()
    port: int = field(default_factory=free_port)
    process: subprocess.Popen | None = None
    log_path: str | None = None  # stderr is appended here (None: inherited)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> ServerProcess:
        import os
        import sys
        import urllib.request

        argv = [sys.executable, "-m", "twinspace.cli", "serve", "--port", str(self.port)]
        argv += ["--log-level", "warning", *self.args]
        stderr = open(self.log_path, "ab") if self.log_path else None  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                argv, env={**os.environ, **self.env}, stdout=subprocess.DEVNULL, stderr=stderr
            )
        finally:
            if stderr is not None:
                stderr.close()
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"twinspace serve exited with {self.process.returncode}")
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=1) as response:
                    if response.status == 200:
                        return self
            except OSError:
                if time.monotonic() > deadline:
                    raise
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no goodbye to the clients."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def server_env(settings) -> dict[str, str]:  # settings: twinspace.settings.Settings
    return {
        "TWINSPACE_DATABASE_URL": settings.database_url,
        "TWINSPACE_VAR_DIR": str(settings.var_dir),
        "TWINSPACE_SECRET_KEY": settings.secret_key,
        "TWINSPACE_MEDIA_DIR": str(settings.media_dir),
    }
