"""A throw-away PostgreSQL cluster from Debian's packages, for tests and benchmarks.

``PgCluster.start()`` runs initdb and pg_ctl in a fresh temporary directory, listening on a
free port of 127.0.0.1 only (no system service is involved); ``stop()`` stops it and deletes
the directory. As root, the server runs as the ``postgres`` user (PostgreSQL refuses root).
Durability is switched off (fsync, synchronous_commit): these clusters hold test data only.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from tests.support import free_port

USER = "twinspace"


def pg_bin_dir() -> Path:
    """The newest /usr/lib/postgresql/<version>/bin with an initdb (Debian's layout)."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3])
    )
    if not found:
        initdb = shutil.which("initdb")
        if initdb is None:
            raise RuntimeError("PostgreSQL is not installed (make system-deps installs it)")
        return Path(initdb).parent
    return Path(found[-1]).parent


def _as_owner(argv: list[str]) -> list[str]:
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@dataclass
class PgCluster:
    directory: Path
    port: int
    bin_dir: Path

    @classmethod
    def start(cls, *, durable: bool = False) -> PgCluster:
        bin_dir = pg_bin_dir()
        directory = Path(tempfile.mkdtemp(prefix="twinspace-pg-"))
        if os.geteuid() == 0:
            shutil.chown(directory, "postgres", "postgres")
        cluster = cls(directory, free_port(), bin_dir)
        subprocess.run(
            _as_owner(
                [
                    str(bin_dir / "initdb"),
                    "-D",
                    str(cluster.data_dir),
                    "-A",
                    "trust",
                    "-U",
                    USER,
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
        options = [
            f"-p {cluster.port}",
            f"-k {directory}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=300",
            "-c shared_buffers=64MB",
        ]
        if not durable:
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        (cluster.data_dir / "twinspace-options").write_text(" ".join(options))
        cluster.pg_ctl("start", "-w", "-t", "60", "-o", " ".join(options))
        return cluster

    @property
    def data_dir(self) -> Path:
        return self.directory / "data"

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://{USER}@127.0.0.1:{self.port}/{database}"

    def pg_ctl(self, *argv: str) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "-D", str(self.data_dir), *argv]
        if argv and argv[0] == "start":
            command += ["-l", str(self.directory / "log")]
        subprocess.run(_as_owner(command), check=True, capture_output=True)

    def pid(self) -> int | None:
        """The postmaster's PID, from postmaster.pid (None when stopped)."""
        try:
            return int((self.data_dir / "postmaster.pid").read_text().split("\n", 1)[0])
        except (OSError, ValueError):
            return None

    def stop_server(self, mode: str = "fast") -> None:
        """Stop the server, keep the data (``restart_server`` starts it again)."""
        self.pg_ctl("stop", "-w", "-m", mode)

    def restart_server(self) -> None:
        options = (self.data_dir / "twinspace-options").read_text()
        self.pg_ctl("start", "-w", "-t", "60", "-o", options)

    def psql(self, sql: str, database: str = "postgres") -> str:
        done = subprocess.run(
            [
                str(self.bin_dir / "psql"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                USER,
                "-d",
                database,
                "-v",
                "ON_ERROR_STOP=1",
                "-qAt",
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        return done.stdout

    def stop(self) -> None:
        """Stop the server (by pg_ctl, which signals the postmaster's PID) and delete it all."""
        try:
            if self.pid() is not None:
                self.pg_ctl("stop", "-w", "-m", "immediate")
        finally:
            deadline = time.monotonic() + 10
            while self.pid() is not None and time.monotonic() < deadline:
                time.sleep(0.05)
            shutil.rmtree(self.directory, ignore_errors=True)
