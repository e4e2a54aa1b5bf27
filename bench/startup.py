"""Start-up: seconds from `twinspace serve --demo` to the first 200 from /healthz, on a fresh
folder (migrations and demo created) and on a restart (both already there). Also prints the
CPU seconds the server process used until then, which a busy machine inflates less.

    .venv/bin/python bench/startup.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from chat_fanout import clean_env, cpu_ticks, free_port, stop_process, twinspace_command  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def start_once(var_dir: Path) -> tuple[float, float]:
    port = free_port()
    env = clean_env() | {"TWINSPACE_VAR_DIR": str(var_dir)}
    cmd = [*twinspace_command(), "serve", "--demo", "--port", str(port), "--log-level", "warning"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if proc.poll() is not None:
                raise SystemExit(f"server exited with {proc.returncode}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                time.sleep(0.02)
        wall = time.perf_counter() - started
        return wall, cpu_ticks(proc.pid) / TICKS
    finally:
        stop_process(proc)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"{'run':10} {'wall s':>7} {'CPU s':>6}")
    for n in range(args.runs):
        var_dir = Path(tempfile.mkdtemp(prefix="twinspace-startup-"))
        try:
            for label in ("fresh", "restart"):
                wall, cpu = start_once(var_dir)
                print(f"{label + ' ' + str(n + 1):10} {wall:7.2f} {cpu:6.2f}")
        finally:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
