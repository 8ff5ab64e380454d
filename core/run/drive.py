"""The loop shared by every runner: pump output, enforce the timeout, finish or kill."""

from __future__ import annotations

import asyncio
import signal as _signal
import time
from typing import AsyncIterator, Awaitable, Callable, Mapping

from .events import RunEvent, RunFinished
from .handle import RunHandle
from .lines import LineSplitter

READ_CHUNK = 1 << 16
# Chunks of lines queued between the pipes and the consumer. Bounded, so a slow consumer
# slows the child down (its pipe fills) instead of growing our memory.
QUEUE_CHUNKS = 32
# After the main process exits and its tree is killed, how long to wait for pipes that
# something unkillable still holds open.
DRAIN_GRACE_S = 2.0

Reader = Callable[[int], Awaitable[bytes]]
_STOP = object()


def decode_status(returncode: int | None, *, via_wrapper: bool) -> tuple[int | None, int | None]:
    """(shell-like exit code, signal). A wrapper (bwrap, conda, a remote shell) reports a
    child's death by signal N as exit status 128+N, so such codes are decoded too."""
    if returncode is None:
        return None, None
    if returncode < 0:
        return 128 - returncode, -returncode
    if via_wrapper and 128 < returncode < 128 + 65:
        return returncode, returncode - 128
    return returncode, None


def signal_name(sig: int | None) -> str:
    if sig is None:
        return ""
    try:
        return _signal.Signals(sig).name
    except ValueError:
        return f"signal {sig}"


async def drive(
    streams: Mapping[str, Reader],
    wait_exit: Callable[[], Awaitable[tuple[int | None, int | None]]],
    kill: Callable[[], Awaitable[None]],
    *,
    timeout_s: float | None,
    handle: RunHandle,
    started_at: float,
) -> AsyncIterator[RunEvent]:
    """Yield the output lines then one ``RunFinished``.

    ``wait_exit`` returns (exit code, signal) of the main process once it exited and its
    leftover children were killed; ``kill`` kills the whole tree (timeout, cancel).
    """
    queue: asyncio.Queue[object] = asyncio.Queue(maxsize=QUEUE_CHUNKS)
    timed_out = False

    async def pump(name: str, read: Reader) -> None:
        splitter = LineSplitter(name)  # type: ignore[arg-type]
        while True:
            try:
                chunk = await read(READ_CHUNK)
            except (ConnectionError, OSError, EOFError):
                chunk = b""
            if not chunk:
                break
            lines = splitter.feed(chunk)
            if lines:
                await queue.put(lines)
        rest = splitter.flush()
        if rest:
            await queue.put(rest)
        await queue.put(None)

    async def grace() -> None:
        await asyncio.sleep(DRAIN_GRACE_S)
        await queue.put(_STOP)

    grace_task: asyncio.Task[None] | None = None

    async def waiter() -> tuple[int | None, int | None, float]:
        nonlocal grace_task
        status = await wait_exit()
        ended = time.monotonic()
        grace_task = asyncio.get_running_loop().create_task(grace())
        return (*status, ended)

    async def watchdog() -> None:
        nonlocal timed_out
        assert timeout_s is not None
        await asyncio.sleep(timeout_s)
        timed_out = True
        await kill()

    loop = asyncio.get_running_loop()
    pumps = [loop.create_task(pump(name, read)) for name, read in streams.items()]
    waiter_task = loop.create_task(waiter())
    watchdog_task = loop.create_task(watchdog()) if timeout_s else None
    handle._attach(kill)
    done = False
    try:
        open_streams = len(pumps)
        while open_streams:
            item = await queue.get()
            if item is None:
                open_streams -= 1
                continue
            if item is _STOP:
                break
            for line in item:  # type: ignore[attr-defined]
                yield line
        exit_code, sig, ended = await waiter_task
        done = True
    finally:
        if watchdog_task is not None:
            watchdog_task.cancel()
        if grace_task is not None:
            grace_task.cancel()
        for task in pumps:
            task.cancel()
        if not done:
            # The consumer went away (task cancelled, handle closed) or something failed:
            # nothing of the run may outlive it.
            handle.cancelled = True
            try:
                await asyncio.wait_for(asyncio.shield(kill()), 10)
                await asyncio.wait_for(asyncio.shield(waiter_task), 10)
            except BaseException:  # noqa: BLE001 - cleanup must not mask the original exit
                waiter_task.cancel()
            if grace_task is not None:
                grace_task.cancel()
    yield RunFinished(
        exit_code=exit_code,
        signal=sig,
        duration_s=round(ended - started_at, 6),
        timed_out=timed_out,
        cancelled=handle.cancelled and not timed_out,
    )
