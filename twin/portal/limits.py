"""Abuse handling of portal submissions: a rate limit per client, kept in memory only.

The client is the connection's address as the server sees it; it is never written anywhere
(the window lives in this process), so limiting costs no personal data.
"""

from __future__ import annotations

import threading
import time
from collections import deque

WINDOW_SECONDS = 600.0


class RateLimiter:
    """At most ``limit`` submissions per client in a sliding window."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS) -> None:
        self.limit = limit
        self.window = window
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, client: str) -> bool:
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 10_000:  # forget idle clients
                self._seen = {k: v for k, v in self._seen.items()
                              if v and v[-1] > now - self.window}
            times = self._seen.setdefault(client, deque())
            while times and times[0] <= now - self.window:
                times.popleft()
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True
