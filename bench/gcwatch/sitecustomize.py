"""Benchmark-only: time every garbage collection of a server process.

The benchmarks put this directory on the server's ``PYTHONPATH`` with ``BENCH_GC_FILE``
set; Python then imports this module at start-up (``site``), in the bare server and in
TwinSpace alike, without changing either. A daemon thread writes, every 0.5 s, the
collections that took 1 ms or more to ``BENCH_GC_FILE`` (JSON lines of
``[wall-clock time, generation, ms]``), so a benchmark can take the worst pause of its
own window (start-up collections excluded).
"""

from __future__ import annotations

import gc
import json
import os
import threading
import time

_path = os.environ.get("BENCH_GC_FILE")

if _path:
    _started = [0.0]
    _pauses: list[list[float]] = []
    _lock = threading.Lock()

    def _on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            _started[0] = time.perf_counter()
            return
        took = 1000 * (time.perf_counter() - _started[0])
        if took >= 1.0:
            with _lock:
                _pauses.append([time.time(), info.get("generation", 0), round(took, 2)])

    def _dump() -> None:
        with open(_path, "a") as handle:
            while True:
                time.sleep(0.5)
                with _lock:
                    batch = _pauses[:]
                    _pauses.clear()
                for pause in batch:
                    handle.write(json.dumps(pause) + "\n")
                handle.flush()

    gc.callbacks.append(_on_gc)
    threading.Thread(target=_dump, name="bench-gcwatch", daemon=True).start()
