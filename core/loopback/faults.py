"""Fault knobs: scripted misbehaviour for matching requests (method + path regex, a count).

Kinds and what githubkit makes of them:

- ``status``: answer ``status`` (502/503 → ``RequestFailed``; 404/410/422 likewise) instead of
  the real response.
- ``secondary``: 403 + ``Retry-After`` + GitHub's "secondary rate limit" message →
  ``SecondaryRateLimitExceeded`` (``retry_after`` from the header). With
  ``retry_after=None`` the header is left out and ``X-RateLimit-Remaining: 0`` is sent
  instead; githubkit still classifies it by the message.
- ``primary``: 403 (or 429) + ``X-RateLimit-Remaining: 0`` + ``X-RateLimit-Reset`` →
  ``PrimaryRateLimitExceeded``; on ``/graphql`` GitHub answers 200 with a ``RATE_LIMITED``
  error instead, which githubkit maps to the same exception. Lasts ``count`` responses or,
  with ``count=None``, until the reset time.
- ``slow``: sleep ``delay_s`` before answering (combines with any other fault).

``/rate_limit`` is exempt from rate-limit faults (GitHub never limits it).
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

FAULT_KINDS = ("status", "secondary", "primary", "slow")


@dataclass
class Fault:
    kind: str
    method: str | None = None  # None: any method
    path: str = ".*"  # re.search against the URL path (no query string)
    count: int | None = 1  # responses affected; None: unlimited (primary: until reset)
    status: int = 503
    retry_after: int | None = 60
    reset_at: float | None = None  # epoch seconds (primary)
    delay_s: float = 0.0
    message: str | None = None
    _regex: re.Pattern[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {self.kind!r}; expected one of {FAULT_KINDS}")
        self._regex = re.compile(self.path)
        if self.method:
            self.method = self.method.upper()

    def expired(self, now: float) -> bool:
        if self.count is not None and self.count <= 0:
            return True
        return self.kind == "primary" and self.reset_at is not None and now >= self.reset_at

    def matches(self, method: str, path: str) -> bool:
        if self.method and self.method != method.upper():
            return False
        if path == "/rate_limit" and self.kind in ("primary", "secondary"):
            return False
        return self._regex.search(path) is not None

    def describe(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "method": self.method, "path": self.path, "count": self.count,
            "status": self.status, "retry_after": self.retry_after, "reset_at": self.reset_at,
            "delay_s": self.delay_s, "message": self.message,
        }


@dataclass
class Triggered:
    """What the server must do for one request: wait, then maybe answer with a fault."""

    delay_s: float = 0.0
    fault: Fault | None = None


class FaultPlan:
    """Thread-safe list of active faults. Each helper returns the :class:`Fault` it added."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []
        self._lock = threading.Lock()

    def add(self, fault: Fault) -> Fault:
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        with self._lock:
            self._faults.clear()

    def active(self) -> list[Fault]:
        now = time.time()
        with self._lock:
            return [f for f in self._faults if not f.expired(now)]

    def server_errors(self, count: int = 1, *, status: int = 502, method: str | None = None, path: str = ".*") -> Fault:
        """A burst of ``count`` 5xx answers."""
        if not 500 <= status <= 599:
            raise ValueError("server_errors needs a 5xx status")
        return self.add(Fault("status", method, path, count, status=status))

    def force_status(self, status: int, count: int = 1, *, method: str | None = None, path: str = ".*",
                     message: str | None = None) -> Fault:
        """Answer ``status`` (e.g. 404, 410, 422) to the next ``count`` matching requests."""
        return self.add(Fault("status", method, path, count, status=status, message=message))

    def secondary_rate_limit(self, count: int = 1, *, retry_after: int | None = 60, method: str | None = None,
                             path: str = ".*") -> Fault:
        return self.add(Fault("secondary", method, path, count, status=403, retry_after=retry_after))

    def primary_rate_limit(self, reset_in_s: float = 60.0, *, count: int | None = None, status: int = 403,
                           method: str | None = None, path: str = ".*") -> Fault:
        if status not in (403, 429):
            raise ValueError("a primary rate limit answers 403 or 429")
        return self.add(Fault("primary", method, path, count, status=status,
                              reset_at=time.time() + reset_in_s, retry_after=None))

    def slow(self, delay_s: float, count: int | None = 1, *, method: str | None = None, path: str = ".*") -> Fault:
        return self.add(Fault("slow", method, path, count, delay_s=delay_s))

    def add_from_json(self, spec: dict[str, Any]) -> Fault:
        """``POST /_loopback/faults`` body: ``{"kind": ..., <helper keyword arguments>}``."""
        spec = dict(spec)
        kind = spec.pop("kind", None)
        helpers: dict[str, Callable[..., Fault]] = {
            "server_errors": self.server_errors,
            "force_status": self.force_status,
            "secondary_rate_limit": self.secondary_rate_limit,
            "primary_rate_limit": self.primary_rate_limit,
            "slow": self.slow,
        }
        if kind in helpers:
            return helpers[kind](**spec)
        return self.add(Fault(kind=kind, **spec))

    def primary_reset_for(self, path: str) -> float | None:
        """Reset time of an active primary limit covering ``path`` (for ``/rate_limit``)."""
        for fault in self.active():
            if fault.kind == "primary" and fault._regex.search(path):
                return fault.reset_at
        return None

    def take(self, method: str, path: str) -> Triggered:
        """Consume the faults that apply to this request (slow ones add up; first other wins)."""
        result = Triggered()
        now = time.time()
        with self._lock:
            for fault in self._faults:
                if fault.expired(now) or not fault.matches(method, path):
                    continue
                if fault.kind == "slow":
                    result.delay_s += fault.delay_s
                elif result.fault is None:
                    result.fault = fault
                else:
                    continue
                if fault.count is not None:
                    fault.count -= 1
            self._faults = [f for f in self._faults if not f.expired(now)]
        return result
