"""The layers of docs/architecture.md are true: import-linter's contracts (pyproject.toml)
hold, and every tool, built-in or not, comes from the ``twinspace.tools`` entry points."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def test_import_contracts_are_kept() -> None:
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_a_broken_layer_fails(tmp_path: Path) -> None:
    """The contracts can fail: a tool importing a room is reported."""
    config = tmp_path / "contracts.toml"
    config.write_text(
        '[tool.importlinter]\nroot_package = "twinspace"\n'
        "[[tool.importlinter.contracts]]\n"
        'name = "rooms may import tools (false on purpose)"\n'
        'type = "forbidden"\n'
        'source_modules = ["twinspace.rooms"]\n'
        'forbidden_modules = ["twinspace.pages"]\n'
    )
    done = subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(config)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode != 0
    assert "twinspace.rooms" in done.stdout and "twinspace.pages" in done.stdout


def test_builtin_tools_are_entry_points() -> None:
    names = {e.name for e in entry_points(group="twinspace.tools")}
    assert {"blog", "files", "forum", "gallery", "webcontent", "wiki"} <= names
    registry = (ROOT / "twinspace" / "pages" / "registry.py").read_text()
    assert "twinspace.tools." not in registry  # the registry imports no tool
