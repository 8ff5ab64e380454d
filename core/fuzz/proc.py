"""A small subprocess runner with streamed line events.

Kept behind the :class:`CommandRunner` protocol so ``core.run``'s runners can replace it.
Children get the project's scrubbed environment (``core.run.env_scrub``: no tokens), no
stdin (a tool that prompts sees EOF instead of hanging), their own process group (a timeout
kills the whole tree).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Mapping, Protocol, Sequence, Union

from ..run.env_scrub import scrub_environment

MAX_CAPTURE_CHARS = 2_000_000
_KILL_GRACE_S = 2.0


@dataclass(frozen=True, slots=True)
class ProcResult:
    """How a command ended. ``exit_code`` is None when it never started or was killed."""

    argv: tuple[str, ...]
    cwd: str
    exit_code: int | None
    stdout: str
    stderr: str
    output: str  # stdout and stderr interleaved in arrival order
    timed_out: bool = False
    duration_s: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.timed_out and self.error is None


@dataclass(frozen=True, slots=True)
class ProcStarted:
    argv: tuple[str, ...]
    cwd: str
    kind: str = field(default="proc_started", init=False)


@dataclass(frozen=True, slots=True)
class ProcLine:
    stream: str  # "stdout" | "stderr"
    text: str
    kind: str = field(default="proc_line", init=False)


@dataclass(frozen=True, slots=True)
class ProcFinished:
    result: ProcResult
    kind: str = field(default="proc_finished", init=False)


ProcEvent = Union[ProcStarted, ProcLine, ProcFinished]


class CommandRunner(Protocol):
    """What the fuzz workflow needs from a runner (``core.run`` can stand in later)."""

    def stream(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | str,
        env: Mapping[str, str] | None = None,
        timeout_s: float = 600.0,
    ) -> AsyncIterator[ProcEvent]: ...


class LocalRunner:
    """Runs commands on this machine; ``prefix`` wraps each (e.g. ``conda run -n ENV``)."""

    def __init__(self, prefix: Sequence[str] = (), base_env: Mapping[str, str] | None = None):
        self.prefix = tuple(prefix)
        # None: the environment as it is when each command starts.
        self.base_env = None if base_env is None else dict(base_env)

    async def stream(
        self,
        argv: Sequence[str],
        *,
        cwd: Path | str,
        env: Mapping[str, str] | None = None,
        timeout_s: float = 600.0,
    ) -> AsyncIterator[ProcEvent]:
        full = self.prefix + tuple(str(a) for a in argv)
        cwd = str(cwd)
        yield ProcStarted(full, cwd)
        started = time.monotonic()
        try:
            proc = await asyncio.create_subprocess_exec(
                *full,
                cwd=cwd,
                env=scrub_environment(os.environ if self.base_env is None else self.base_env, extra=env),
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
                limit=1 << 20,
            )
        except (FileNotFoundError, PermissionError, NotADirectoryError) as exc:
            yield ProcFinished(ProcResult(full, cwd, None, "", "", "", error=f"cannot start {full[0]}: {exc.strerror or exc}"))
            return

        queue: asyncio.Queue[tuple[str, str | None]] = asyncio.Queue()

        async def pump(reader: asyncio.StreamReader, name: str) -> None:
            try:
                while True:
                    try:
                        raw = await reader.readline()
                    except ValueError:  # a line longer than the limit: take what is there
                        raw = await reader.read(1 << 20)
                    if not raw:
                        break
                    await queue.put((name, raw.decode("utf-8", "replace").rstrip("\r\n")))
            finally:
                await queue.put((name, None))

        tasks = [asyncio.create_task(pump(proc.stdout, "stdout")), asyncio.create_task(pump(proc.stderr, "stderr"))]  # type: ignore[arg-type]
        parts: dict[str, list[str]] = {"stdout": [], "stderr": []}
        merged: list[str] = []
        size = 0
        open_streams = 2
        deadline = started + timeout_s
        timed_out = False
        try:
            while open_streams:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    timed_out = True
                    break
                try:
                    name, text = await asyncio.wait_for(queue.get(), remaining)
                except asyncio.TimeoutError:
                    timed_out = True
                    break
                if text is None:
                    open_streams -= 1
                    continue
                if size < MAX_CAPTURE_CHARS:
                    parts[name].append(text)
                    merged.append(text)
                    size += len(text) + 1
                yield ProcLine(name, text)
            if timed_out:
                await _kill_group(proc)
            else:
                remaining = max(0.1, deadline - time.monotonic())
                try:
                    await asyncio.wait_for(proc.wait(), remaining)
                except asyncio.TimeoutError:
                    timed_out = True
                    await _kill_group(proc)
        finally:
            if proc.returncode is None:  # the consumer stopped early or was cancelled
                await _kill_group(proc)
            for task in tasks:
                task.cancel()
        code = None if timed_out else proc.returncode
        yield ProcFinished(
            ProcResult(
                full,
                cwd,
                code,
                "\n".join(parts["stdout"]),
                "\n".join(parts["stderr"]),
                "\n".join(merged),
                timed_out=timed_out,
                duration_s=round(time.monotonic() - started, 3),
                error=f"timed out after {timeout_s:g}s (process group killed)" if timed_out else None,
            )
        )


async def _kill_group(proc: asyncio.subprocess.Process) -> None:
    """SIGTERM the process group, then SIGKILL what is left after a grace period."""
    for sig, wait in ((signal.SIGTERM, _KILL_GRACE_S), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            await asyncio.wait_for(proc.wait(), wait)
        except asyncio.TimeoutError:
            continue
        # The leader is gone; make sure nothing it started survives it.
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        return


async def run_collect(runner: CommandRunner, argv: Sequence[str], **kwargs) -> ProcResult:
    """Run to completion, dropping the line events; returns the result."""
    result: ProcResult | None = None
    async for event in runner.stream(argv, **kwargs):
        if isinstance(event, ProcFinished):
            result = event.result
    assert result is not None
    return result
