"""People features under a stopwatch: creating 100 pupil accounts at once (100 argon2 hashes,
two at a time), reading the latest-activities feed and Home as a member.

    .venv/bin/python bench/people.py [--pages 40]

Runs `twinspace demo` and `twinspace serve` in a fresh temporary directory on 127.0.0.1
(every other TWINSPACE_* variable of the caller is dropped) and prints figures.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support import api_login, free_port  # noqa: E402


def _env(var_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TWINSPACE_")}
    env.update(TWINSPACE_VAR_DIR=var_dir, TWINSPACE_SECRET_KEY="bench", PYTHONPATH=str(ROOT))
    return env


async def _timed(client: httpx.AsyncClient, url: str, n: int = 20) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        answer = await client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200, (url, answer.status_code)
    return times


def _line(what: str, times: list[float]) -> str:
    return f"{what:<42} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms"


async def run(base: str, pages: int) -> None:
    anne = await api_login(base, "anne")
    for i in range(pages):  # a busier TwinSpace: pages with a blog post each
        page = (
            await anne.post("/api/v1/spaces/1/rooms/activities/pages", json={"title": f"P{i}"})
        ).json()
        widget = (
            await anne.post(f"/api/v1/spaces/1/pages/{page['id']}/widgets", json={"kind": "blog"})
        ).json()
        await anne.post(
            f"/api/v1/spaces/1/widgets/{widget['id']}/post.create",
            json={"title": f"T{i}", "body": "x"},
        )
    names = "\n".join(f"Pupil {i}" for i in range(100))
    start = time.perf_counter()
    created = await anne.post("/api/v1/spaces/1/pupils", json={"names": names}, timeout=120)
    elapsed = time.perf_counter() - start
    assert created.status_code == 201, created.text
    print(f"{'create 100 pupil accounts (one request)':<42} {elapsed:7.2f} s")
    lea = await api_login(base, "lea")
    print(
        _line(
            f"GET feed, 20 items, {pages + 3} pages (teacher)",
            await _timed(anne, "/api/v1/spaces/1/feed"),
        )
    )
    print(_line("GET feed, 20 items (pupil)", await _timed(lea, "/api/v1/spaces/1/feed")))
    print(_line("GET Home with the people services (teacher)", await _timed(anne, "/spaces/1")))
    await anne.aclose()
    await lea.aclose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=40)
    args = parser.parse_args()
    twinspace = str(ROOT / ".venv" / "bin" / "twinspace")
    with tempfile.TemporaryDirectory() as var_dir:
        env = _env(var_dir)
        subprocess.run([twinspace, "demo"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = free_port()
        server = subprocess.Popen(
            [twinspace, "serve", "--port", str(port), "--log-level", "warning"], env=env
        )
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(200):
                try:
                    if httpx.get(f"{base}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.1)
            asyncio.run(run(base, args.pages))
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
