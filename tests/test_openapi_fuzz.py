"""Schemathesis exercises every operation of the OpenAPI document against a real server, as
the logged-in teacher anne and as an anonymous caller: no answer is a server error, and every
answer (status, content type, body) is one the document declares. A few examples per
operation keep it bounded."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import _copy_sqlite
from tests.support import DEMO_PASSWORD, free_port

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
SESSION = "/api/v1/session"
EXAMPLES = 3  # per operation, per mode (valid data, then data that breaks the schema)


@dataclass
class Live:
    url: str

    def login(self, username: str) -> dict[str, str]:
        answer = httpx.post(
            f"{self.url}{SESSION}", json={"username": username, "password": DEMO_PASSWORD}
        )
        assert answer.status_code == 200, answer.text
        token = answer.cookies["ts_session"]
        return {"Cookie": f"ts_session={token}", "X-CSRF-Token": answer.json()["csrf_token"]}


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory, template_db: Path, db_backend: str):
    if db_backend != "sqlite":
        pytest.skip("the API contract is checked once, on SQLite")
    folder = tmp_path_factory.mktemp("fuzz")
    _copy_sqlite(template_db, folder / "twinspace.db")
    port = free_port()
    env = {
        **os.environ,
        "TWINSPACE_DATABASE_URL": f"sqlite+aiosqlite:///{folder / 'twinspace.db'}",
        "TWINSPACE_VAR_DIR": str(folder),
        "TWINSPACE_LOGIN_ADDRESS_LIMIT": "100000",  # the fuzzer logs in many times
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "twinspace.cli",
            "serve",
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=folder,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert server.poll() is None, "the server exited"
        try:
            if httpx.get(f"{url}/healthz").status_code == 200:
                break
        except httpx.TransportError:
            pass
        assert time.monotonic() < deadline
        time.sleep(0.1)
    try:
        yield Live(url)
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.fixture(scope="module")
def teacher(live: Live) -> Iterator[dict[str, str]]:
    yield live.login("anne")


def _exercise(
    operation,
    mode: GenerationMode,
    live: Live,
    teacher: dict[str, str],
    failures: list[str],
    seen: Counter,
) -> None:
    anonymous_only = operation.path in (SESSION, "/api/v1/register")  # they log in or out
    identities = {"anonymous": {}} if anonymous_only else {"anne": teacher, "anonymous": {}}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:
        for who, headers in identities.items():
            try:
                answer = case.call_and_validate(base_url=live.url, headers=headers, checks=CHECKS)
                seen[who, answer.status_code // 100] += 1
            except (Exception, BaseExceptionGroup) as exc:  # each is listed; the test fails
                first = str(exc).strip().splitlines()[:6]
                failures.append(f"{operation.label} as {who} ({mode.value}): {first}")

    try:
        run()
    except Unsatisfiable:  # nothing to break: no parameter, no body
        assert mode is GenerationMode.NEGATIVE, operation.label


def test_every_operation_as_teacher_and_anonymous(live: Live, teacher: dict[str, str]) -> None:
    schema = schemathesis.openapi.from_url(f"{live.url}/api/v1/openapi.json")
    failures: list[str] = []
    seen: Counter = Counter()  # (who, status class) → answers
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 80
    started = time.monotonic()
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            _exercise(operation, mode, live, teacher, failures, seen)
    print(f"{len(operations)} operations in {time.monotonic() - started:.1f} s: {dict(seen)}")
    assert failures == [], "\n".join(failures[:40])
    assert seen["anne", 2] > 50 and seen["anonymous", 2] > 10  # real answers, not only errors
    assert seen["anne", 5] == seen["anonymous", 5] == 0
