"""Per-connection flood control: a token bucket per socket, so one flooding client is
answered ``rate_limited`` and never slows anybody else."""

from __future__ import annotations

import time


class TokenBuckets:
    def __init__(self, rate: float = 5.0, burst: float = 20.0) -> None:
        self.rate, self.burst = rate, burst
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, key: str) -> bool:
        now = time.monotonic()
        tokens, stamp = self._buckets.get(key, (self.burst, now))
        tokens = min(self.burst, tokens + (now - stamp) * self.rate)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def forget(self, key: str) -> None:
        self._buckets.pop(key, None)
