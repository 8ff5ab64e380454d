"""Rate-limit bookkeeping and the retry policy that replaces githubkit's default.

githubkit's default retry sleeps for the whole primary rate-limit reset window (up to an
hour) inside the request. triagedeck never does that: 5xx responses and secondary limits
are retried with bounded backoff, and a primary limit surfaces at once as
:class:`core.errors.RateLimited` (the TUI shows a countdown to ``reset_at``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable

from typing import TYPE_CHECKING

from ..models import RateLimit

if TYPE_CHECKING:  # githubkit is imported lazily: it costs ~1 s at start-up
    import httpx
    from githubkit.exception import GitHubException


class RateLimitTracker:
    """Reads the ``X-RateLimit-*`` headers of every response and counts requests."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_resource: dict[str, RateLimit] = {}
        self.requests = 0
        self.waiting_until: datetime | None = None
        self.last_retry: str | None = None

    @property
    def current(self) -> RateLimit:
        """The most constrained known resource (core, search or graphql)."""
        with self._lock:
            known = [r for r in self._by_resource.values() if r.remaining is not None]
        if not known:
            return RateLimit()
        return min(known, key=lambda r: r.remaining if r.remaining is not None else 1 << 30)

    def resource(self, name: str) -> RateLimit:
        with self._lock:
            return self._by_resource.get(name, RateLimit(resource=name))

    def observe(self, response: "httpx.Response") -> None:
        headers = response.headers
        with self._lock:
            self.requests += 1
            if self.waiting_until is not None and response.status_code < 400:
                if datetime.now(timezone.utc) >= self.waiting_until:
                    self.waiting_until = None
            if "x-ratelimit-remaining" not in headers:
                return
            try:
                resource = headers.get("x-ratelimit-resource", "core")
                reset = headers.get("x-ratelimit-reset")
                self._by_resource[resource] = RateLimit(
                    limit=int(headers.get("x-ratelimit-limit", "0")) or None,
                    remaining=int(headers["x-ratelimit-remaining"]),
                    reset_at=datetime.fromtimestamp(int(reset), tz=timezone.utc) if reset else None,
                    resource=resource,
                )
            except ValueError:
                pass  # a malformed header must not break a request

    async def hook(self, response: "httpx.Response") -> None:
        """httpx async response hook."""
        self.observe(response)


@dataclass
class RetryPolicy:
    """githubkit ``auto_retry`` decision function with bounded waits.

    Used only for reads: writes are never retried blindly (a retried POST could post a
    comment twice); the write gate retries them itself after a duplicate check.
    """

    max_retries: int = 3
    base_delay_s: float = 0.5
    max_delay_s: float = 8.0
    max_secondary_wait_s: float = 60.0
    on_retry: Callable[[str], None] | None = None

    def __call__(self, exc: "GitHubException", retry_count: int) -> tuple[bool, timedelta | None]:
        from githubkit.exception import (
            PrimaryRateLimitExceeded,
            RequestFailed,
            RequestTimeout,
            SecondaryRateLimitExceeded,
        )
        from githubkit.retry import RetryOption

        if retry_count >= self.max_retries:
            return RetryOption(False)
        if isinstance(exc, PrimaryRateLimitExceeded):
            return RetryOption(False)
        if isinstance(exc, SecondaryRateLimitExceeded):
            wait = exc.retry_after.total_seconds() if exc.retry_after else self.base_delay_s
            if wait > self.max_secondary_wait_s:
                return RetryOption(False)
            self._note(f"secondary rate limit: retrying in {wait:.0f}s")
            return RetryOption(True, timedelta(seconds=max(wait, 0.0)))
        if isinstance(exc, RequestFailed) and exc.response.status_code >= 500:
            delay = min(self.base_delay_s * (2**retry_count), self.max_delay_s)
            self._note(f"server error {exc.response.status_code}: retrying in {delay:.1f}s")
            return RetryOption(True, timedelta(seconds=delay))
        if isinstance(exc, RequestTimeout):
            delay = min(self.base_delay_s * (2**retry_count), self.max_delay_s)
            self._note(f"timeout: retrying in {delay:.1f}s")
            return RetryOption(True, timedelta(seconds=delay))
        return RetryOption(False)

    def _note(self, message: str) -> None:
        if self.on_retry:
            self.on_retry(message)
