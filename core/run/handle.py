"""``RunHandle``: the async iterator of a run's events, with an explicit ``cancel()``."""

from __future__ import annotations

import asyncio
from typing import AsyncIterator, Awaitable, Callable

from .events import RunEvent


class RunHandle:
    """Iterate it for events; ``cancel()`` kills the run's whole process tree.

    The run then ends with ``RunFinished(cancelled=True)``. Cancelling the task that
    iterates (``task.cancel()``) or closing the handle also kills the tree.
    """

    def __init__(self, make_events: Callable[["RunHandle"], AsyncIterator[RunEvent]]) -> None:
        self.cancelled = False
        self._killer: Callable[[], Awaitable[None]] | None = None
        self._kill_task: asyncio.Task[None] | None = None
        self._events = make_events(self)

    def __aiter__(self) -> "RunHandle":
        return self

    async def __anext__(self) -> RunEvent:
        return await self._events.__anext__()

    def cancel(self) -> None:
        """Ask the run to stop now; safe to call more than once, or before it started."""
        if self.cancelled:
            return
        self.cancelled = True
        if self._killer is not None:
            self._kill_task = asyncio.get_running_loop().create_task(self._killer())

    def _attach(self, killer: Callable[[], Awaitable[None]]) -> None:
        """Called by the runner once the process exists."""
        self._killer = killer
        if self.cancelled:
            self._kill_task = asyncio.get_running_loop().create_task(killer())

    async def aclose(self) -> None:
        await self._events.aclose()  # type: ignore[attr-defined]

    async def __aenter__(self) -> "RunHandle":
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()
