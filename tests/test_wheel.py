"""The wheel is the whole server: built from this checkout, installed alone into a fresh
virtualenv, it migrates and serves the demo from an empty folder, with its templates, its
built assets and its compiled translations (nothing read from the checkout)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tests.support import free_port

ROOT = Path(__file__).resolve().parent.parent
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
IMPORT = re.compile(r'"\./([\w./-]+\.js)"')  # the code-split chunks a bundle imports


def _run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, f"{argv}: {done.stdout[-2000:]}{done.stderr[-2000:]}"
    return done.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh virtualenv holding only the wheel and its dependencies."""
    build = ROOT / "frontend" / "static" / "build"
    if not ((build / "app.js").exists() or (build / "manifest.json").exists()):
        pytest.fail("build the frontend first (make setup)")
    work = tmp_path_factory.mktemp("wheel")
    shutil.rmtree(ROOT / "build", ignore_errors=True)  # no stale modules from an older build
    _run(sys.executable, "-m", "build", "--wheel", "--outdir", work / "dist", ROOT, cwd=work)
    (wheel,) = (work / "dist").glob("twinspace-*-py3-none-any.whl")
    _run(sys.executable, "-m", "venv", "--without-pip", work / "venv", cwd=work)
    bin_dir = work / "venv" / "bin"
    _run(  # this checkout's pip installs into the new virtualenv, from its download cache
        sys.executable,
        "-m",
        "pip",
        "--python",
        bin_dir / "python",
        "install",
        "-q",
        "--disable-pip-version-check",
        "--no-compile",
        wheel,
        cwd=work,
    )
    return bin_dir


def test_the_wheel_serves_the_demo_from_an_empty_folder(installed: Path, tmp_path: Path) -> None:
    empty = tmp_path / "site"
    empty.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TWINSPACE_", "PYTHON"))}
    env["PATH"] = f"{installed}:{env.get('PATH', '')}"
    where = _run(
        installed / "python",
        "-c",
        "from twinspace.resources import frontend_dir; print(frontend_dir())",
        cwd=empty,
        env=env,
    )
    assert Path(where.strip()).is_relative_to(installed.parent)  # the package's own copy
    assert _run(installed / "twinspace", "--version", cwd=empty, env=env).startswith("twinspace ")
    _run(installed / "twinspace", "migrate", cwd=empty, env=env)
    port = free_port()
    server = subprocess.Popen(
        [installed / "twinspace", "serve", "--demo", "--port", str(port)],
        cwd=empty,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=url, timeout=10) as client:
            deadline = time.monotonic() + 60
            while True:
                assert server.poll() is None, server.stdout.read() if server.stdout else ""
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server did not come up"
                time.sleep(0.1)
            login = client.get("/login")
            assert login.status_code == 200
            assert 'name="password"' in login.text
            assets = set(ASSET.findall(login.text))
            assert any(p.endswith(".css") for p in assets), assets  # the stylesheet
            assert any(p.startswith("/static/build/") and p.endswith(".js") for p in assets)
            for path in sorted(assets):
                answer = client.get(path)
                assert answer.status_code == 200 and answer.content, path
                if path.endswith(".js"):
                    folder = path.rsplit("/", 1)[0]
                    for chunk in IMPORT.findall(answer.text):  # the code-split bundles too
                        chunk_path = f"{folder}/{chunk}"
                        assert client.get(chunk_path).status_code == 200, chunk_path
            french = client.get("/login", headers={"Accept-Language": "fr"})
            assert "Mot de passe" in french.text  # the compiled French catalogue
            login_body = {"username": "anne", "password": "demo-pass"}
            assert client.post("/api/v1/session", json=login_body).status_code == 200
            document = client.get("/api/v1/openapi.json").json()
            assert document["openapi"] == "3.1.0" and "/api/v1/spaces" in document["paths"]
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert (empty / "var").is_dir()  # its data went to the folder it was started in
