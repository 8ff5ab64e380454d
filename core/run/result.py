"""``collect``: run to the end and keep a bounded result (last lines + a full log file)."""

from __future__ import annotations

import asyncio
import collections
import time
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

from .events import OutputLine, RunEvent, RunFinished, RunStarted
from .handle import RunHandle
from .spec import RunSpec

YIELD_S = 0.002  # longest stretch collect() keeps the loop during a flood
DEFAULT_KEEP_LINES = 2000


class Runner(Protocol):
    def run(self, spec: RunSpec) -> RunHandle: ...


@dataclass(frozen=True, slots=True)
class RunResult:
    """A finished run: the last ``keep_lines`` lines in memory, every line in ``log_path``."""

    started: RunStarted
    finished: RunFinished
    tail: tuple[OutputLine, ...]
    line_count: int
    log_path: Path | None

    @property
    def exit_code(self) -> int | None:
        return self.finished.exit_code

    @property
    def signal(self) -> int | None:
        return self.finished.signal

    @property
    def duration_s(self) -> float:
        return self.finished.duration_s

    @property
    def timed_out(self) -> bool:
        return self.finished.timed_out

    @property
    def truncated(self) -> bool:
        return self.line_count > len(self.tail)

    def text(self, stream: str | None = None) -> str:
        """The kept lines joined (optionally one stream only)."""
        return "\n".join(line.text for line in self.tail if stream is None or line.stream == stream)


def _open_log(log_path: Path | None, log_dir: Path | None):
    if log_path is None:
        directory = log_dir or Path(tempfile.gettempdir()) / "triagedeck-logs"
        directory.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix="run-", suffix=".log", dir=directory)
        os.close(fd)
        log_path = Path(name)
    return log_path, open(log_path, "w", encoding="utf-8", errors="replace")


async def collect(
    runner: Runner,
    spec: RunSpec,
    *,
    keep_lines: int = DEFAULT_KEEP_LINES,
    log_path: Path | None = None,
    log_dir: Path | None = None,
    write_log: bool = True,
    on_event: Callable[[RunEvent], None] | None = None,
) -> RunResult:
    """Run ``spec`` to the end. ``on_event`` sees every event as it comes (for live display).

    It hands the event loop back at least every ``YIELD_S`` seconds: during an output flood
    the queue never runs dry, and without the yield a UI sharing the loop would starve.
    """
    tail: collections.deque[OutputLine] = collections.deque(maxlen=keep_lines)
    count = 0
    deadline = time.perf_counter() + YIELD_S
    started: RunStarted | None = None
    finished: RunFinished | None = None
    log = None
    if write_log:
        log_path, log = _open_log(log_path, log_dir)
    else:
        log_path = None
    try:
        async with runner.run(spec) as handle:
            async for event in handle:
                if on_event is not None:
                    on_event(event)
                if type(event) is OutputLine:
                    tail.append(event)
                    count += 1
                    if log is not None:
                        log.write(event.text)
                        log.write("\n")
                    if not count & 63 and time.perf_counter() > deadline:
                        await asyncio.sleep(0)
                        deadline = time.perf_counter() + YIELD_S
                elif isinstance(event, RunStarted):
                    started = event
                elif isinstance(event, RunFinished):
                    finished = event
    finally:
        if log is not None:
            log.close()
    assert started is not None and finished is not None
    return RunResult(started, finished, tuple(tail), count, log_path)
