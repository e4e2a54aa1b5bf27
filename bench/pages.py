"""Page rendering: TwinSpace pages against a bare Starlette + Jinja2 page of the same size,
measured in the same run with wrk.

Each server runs alone on CPU 0 (taskset), wrk on CPU 1, 32 connections, plain HTTP/1.1
without compression (both sides alike). For each TwinSpace page the bare server is started
with a page of that page's size, so the ratio compares like with like. TwinSpace is measured
twice: with its page cache (as it ships) and without (``TWINSPACE_PAGE_CACHE_MB=0``: what
rendering costs, as on the first read after a write).

    apt-get install wrk      # once
    .venv/bin/python bench/pages.py [--seconds 10] [--connections 32]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chat_fanout import (  # noqa: E402  (the fan-out bench's process helpers)
    BENCH_DIR,
    BenchError,
    clean_env,
    free_port,
    login,
    run_step,
    server_process,
    twinspace_command,
)

SERVER_CPU, LOAD_CPU = "0", "1"
PAGES = [
    ("Home, logged-in teacher", "/spaces/1", "anne"),
    ("public activity page", "/spaces/1/pages/1", None),
    ("public gallery", "/gallery", None),
    ("login page", "/login", None),
]


def fetch(url: str, cookie: str | None) -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read()


def wrk(url: str, cookie: str | None, seconds: int, connections: int) -> float:
    cmd = ["taskset", "-c", LOAD_CPU, "wrk", "-t1", f"-c{connections}", f"-d{seconds}s"]
    if cookie:
        cmd += ["-H", f"Cookie: {cookie}"]
    done = subprocess.run([*cmd, url], capture_output=True, text=True, check=True)
    found = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    if not found or "Non-2xx" in done.stdout:
        raise BenchError(f"wrk failed on {url}:\n{done.stdout}")
    return float(found.group(1))


@contextlib.contextmanager
def bare(size: int, work_dir: Path):
    port = free_port()
    cmd = ["taskset", "-c", SERVER_CPU, sys.executable, str(BENCH_DIR / "bare_pages.py")]
    cmd += ["--port", str(port), "--size", str(size)]
    with server_process(cmd, clean_env(), port, work_dir / "bare.log"):
        yield f"http://127.0.0.1:{port}/"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed: apt-get install wrk")
    work_dir = Path(tempfile.mkdtemp(prefix="twinspace-pages-"))
    env = clean_env() | {"TWINSPACE_VAR_DIR": str(work_dir / "var")}
    run_step([*twinspace_command(), "demo"], env, "twinspace demo")
    rows: list[list] = [[label, path] for label, path, _ in PAGES]
    for cache_mb in ("0", "32"):  # without the page cache, then as it ships
        port = free_port()
        cmd = ["taskset", "-c", SERVER_CPU, *twinspace_command(), "serve", "--port", str(port)]
        cmd += ["--log-level", "warning"]
        served = env | {"TWINSPACE_PAGE_CACHE_MB": cache_mb}
        with server_process(cmd, served, port, work_dir / f"twinspace-{cache_mb}.log"):
            base = f"http://127.0.0.1:{port}"
            cookies = {"anne": login(base, "anne")}
            for row, (_, path, who) in zip(rows, PAGES, strict=True):
                cookie = cookies.get(who) if who else None
                size = len(fetch(base + path, cookie))
                if len(row) == 2:
                    row.append(size)
                row.append(wrk(base + path, cookie, args.seconds, args.connections))
    for row in rows:  # the baselines, one at a time on the same CPU
        with bare(row[2], work_dir) as url:
            row.append(wrk(url, None, args.seconds, args.connections))
    print(
        f"\nserver on CPU {SERVER_CPU}, wrk on CPU {LOAD_CPU}, {args.connections} connections, "
        f"{args.seconds} s each, {os.cpu_count()} CPUs"
    )
    print(
        f"{'page':28} {'path':20} {'bytes':>7} {'no cache r/s':>13} {'TwinSpace r/s':>14} "
        f"{'bare r/s':>9} {'ratio':>6}"
    )
    for label, path, size, uncached, ours, theirs in rows:
        print(
            f"{label:28} {path:20} {size:7} {uncached:13.0f} {ours:14.0f} {theirs:9.0f} "
            f"{ours / theirs:6.2f}"
        )
    shutil.rmtree(work_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
