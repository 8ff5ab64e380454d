"""Oracles: run one candidate source and say whether it still shows the bug.

``Oracle.check(source) -> OracleResult`` is the whole interface the reducer needs. Two
implementations live here: :class:`FreshOracle` (one interpreter per candidate) and
:class:`ForkServerOracle` (a warm server that preloaded the repro's module closure forks one child
per candidate). Both run the candidate through the same ``_child.py`` code, in its own process group
with a deadline and a scrubbed environment.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

from core.issue.signature import normalise

CHILD_SCRIPT = str(Path(__file__).with_name("_child.py"))
DEFAULT_TIMEOUT = 30.0

_SECRET_MARKERS = ("TOKEN", "SECRET", "PASSWORD")


def scrubbed_env(base: dict[str, str] | None = None, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A copy of the environment without credentials (tokens, secrets, passwords, AWS, SSH agent)."""
    env = dict(os.environ if base is None else base)
    for key in list(env):
        upper = key.upper()
        if any(m in upper for m in _SECRET_MARKERS) or upper.startswith("AWS_") or upper == "SSH_AUTH_SOCK":
            del env[key]
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    if extra:
        env.update(extra)
    return env


@dataclass(frozen=True, slots=True)
class RaisingFrame:
    """Where the exception was raised: the innermost traceback frame."""

    module: str | None
    filename: str
    lineno: int
    function: str


@dataclass(frozen=True, slots=True)
class OracleResult:
    """What one run of a candidate did, and whether that is still the bug."""

    interesting: bool
    exception_class: str | None = None
    message: str | None = None
    raising_frame: RaisingFrame | None = None
    signal: int | None = None
    duration: float = 0.0
    exit_code: int | None = None
    timed_out: bool = False
    via: str = "fresh"  # "fresh" | "fork"

    def same_failure(self, other: OracleResult) -> bool:
        """Whether two runs show the same failure: verdict, class, signal and raising site."""
        if (self.interesting, self.exception_class, self.signal) != (other.interesting, other.exception_class, other.signal):
            return False
        f1, f2 = self.raising_frame, other.raising_frame
        if f1 is None or f2 is None:
            return f1 is f2
        return (f1.module, f1.function, f1.lineno) == (f2.module, f2.function, f2.lineno)


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """A traced run: the verdict plus executed lines, literal values and the module closure."""

    result: OracleResult
    executed_lines: frozenset[int] = frozenset()
    values: dict = field(default_factory=dict)
    modules: tuple[str, ...] = ()
    own_lines: tuple[int, ...] = ()
    # The candidate's own frames on the failing traceback, innermost first: (line, {key: value})
    # with each expression's value in the failing evaluation.
    fail_frames: tuple[tuple[int, dict], ...] = ()


@dataclass(frozen=True, slots=True)
class Expectation:
    """The verdict to preserve: exception class + distinctive substring, or a signal.

    ``exception_class`` matches the qualified name or its last component; ``frame_module`` pins the
    raising frame's module (prefix match, e.g. ``"torch"``) so a reduction cannot swap the bug for
    a different error at another site.
    """

    exception_class: str | None = None
    match: str | None = None
    signal: int | None = None
    frame_module: str | None = None

    def judge(self, exception_class: str | None, message: str | None, frame: RaisingFrame | None, sig: int | None) -> bool:
        if self.signal is not None:
            return sig == self.signal
        if exception_class is None:
            return False
        if self.exception_class:
            want = self.exception_class
            if exception_class != want and exception_class.rsplit(".", 1)[-1] != want.rsplit(".", 1)[-1]:
                return False
        if self.match and not _shows(message or "", self.match):
            return False
        if self.frame_module:
            mod = (frame.module if frame else None) or ""
            if not (mod == self.frame_module or mod.startswith(self.frame_module + ".")):
                return False
        return True


def _shows(message: str, match: str) -> bool:
    """``match`` is in ``message``, also once paths, versions and sizes (which the minimizer's
    own edits change) are normalised on both sides, as the reported signature was."""
    return match in message or normalise(match) in normalise(message)


@runtime_checkable
class Oracle(Protocol):
    """Anything that can judge a candidate source."""

    async def check(self, source: str) -> OracleResult: ...


def _parse_result(data: dict | None, expectation: Expectation, *, sig: int | None, timed_out: bool, duration: float, via: str) -> OracleResult:
    if timed_out or data is None:
        hit = not timed_out and sig is not None and expectation.judge(None, None, None, sig)
        return OracleResult(hit, signal=sig, timed_out=timed_out, duration=duration, via=via, exit_code=None)
    rf = data.get("raising_frame")
    frame = RaisingFrame(rf.get("module"), rf.get("filename", ""), int(rf.get("lineno") or 0), rf.get("function", "")) if rf else None
    cls, msg = data.get("exception_class"), data.get("message")
    return OracleResult(
        interesting=expectation.judge(cls, msg, frame, sig),
        exception_class=cls,
        message=msg,
        raising_frame=frame,
        signal=sig,
        duration=duration,
        exit_code=data.get("exit_code"),
        via=via,
    )


def _probe_from(data: dict | None, result: OracleResult) -> ProbeResult:
    data = data or {}
    return ProbeResult(
        result=result,
        executed_lines=frozenset(data.get("executed", ())),
        values=dict(data.get("values") or {}),
        modules=tuple(data.get("modules", ())),
        own_lines=tuple(data.get("own_lines", ())),
        fail_frames=tuple((int(f.get("lineno", 0)), dict(f.get("values") or {})) for f in data.get("fail_frames", ()) or ()),
    )


def _read_json(path: str) -> dict | None:
    try:
        with open(path, encoding="utf-8") as fh:
            return json.load(fh)
    except (OSError, ValueError):
        return None


class _Workdir:
    """A private temporary folder for candidate files and result files."""

    def __init__(self) -> None:
        # Thousands of tiny files per run: a RAM-backed folder when there is one.
        shm = "/dev/shm"
        base = shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None
        self.path = tempfile.mkdtemp(prefix="td-minimize-", dir=base)
        self._n = itertools.count()

    def files(self, source: str) -> tuple[str, str, str]:
        n = next(self._n)
        d = os.path.join(self.path, f"c{n}")
        os.mkdir(d)
        cand = os.path.join(d, "repro.py")
        with open(cand, "w", encoding="utf-8") as fh:
            fh.write(source)
        return d, cand, os.path.join(d, "result.json")

    def close(self) -> None:
        shutil.rmtree(self.path, ignore_errors=True)


class FreshOracle:
    """One fresh interpreter per candidate: own process group, deadline, scrubbed environment."""

    via = "fresh"

    def __init__(
        self,
        expectation: Expectation,
        *,
        python: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        env: dict[str, str] | None = None,
        sys_path0: str | None = None,
    ) -> None:
        self.expectation = expectation
        self.python = python or sys.executable
        self.timeout = timeout
        self.sys_path0 = sys_path0
        self._work = _Workdir()
        self.env = scrubbed_env(env, {"TORCHINDUCTOR_CACHE_DIR": os.path.join(self._work.path, "inductor-cache")})
        self.runs = 0

    async def _run(self, source: str, *, trace: bool, value_keys: list[str] | None, timeout: float) -> tuple[dict | None, OracleResult]:
        d, cand, res = self._work.files(source)
        argv = [self.python, CHILD_SCRIPT, "run", "--result", res]
        if trace:
            argv.append("--trace")
        if value_keys:
            kp = os.path.join(d, "keys.json")
            with open(kp, "w", encoding="utf-8") as fh:
                json.dump(value_keys, fh)
            argv += ["--values", kp]
        if self.sys_path0:
            argv += ["--sys-path0", self.sys_path0]
        argv.append(cand)
        self.runs += 1
        started = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            env=self.env,
            cwd=d,
            start_new_session=True,
        )
        timed_out = False
        try:
            await asyncio.wait_for(proc.wait(), timeout)
        except TimeoutError:
            timed_out = True
        finally:
            if proc.returncode is None or timed_out:
                with contextlib.suppress(OSError):
                    os.killpg(proc.pid, signal.SIGKILL)
                await proc.wait()
        duration = time.perf_counter() - started
        rc = proc.returncode
        sig = -rc if (rc is not None and rc < 0 and not timed_out) else None
        data = None if timed_out else _read_json(res)
        shutil.rmtree(d, ignore_errors=True)
        return data, _parse_result(data, self.expectation, sig=sig, timed_out=timed_out, duration=duration, via=self.via)

    async def check(self, source: str) -> OracleResult:
        return (await self._run(source, trace=False, value_keys=None, timeout=self.timeout))[1]

    async def probe(self, source: str, *, value_keys: list[str] | None = None) -> ProbeResult:
        """Run under the line tracer (and value recorder); longer deadline since tracing is slower."""
        data, result = await self._run(source, trace=True, value_keys=value_keys, timeout=self.timeout * 4)
        return _probe_from(data, result)

    async def close(self) -> None:
        self._work.close()


class ForkServerError(RuntimeError):
    """The fork server could not start or died."""


class ForkServerOracle:
    """A warm server preloads the repro's modules; each candidate runs in a forked child.

    The server runs no ops (thread pools do not survive ``fork``) and refuses to serve when the
    preload initialised CUDA (``cuda_initialized``); callers then fall back to fresh processes.
    """

    via = "fork"

    def __init__(
        self,
        expectation: Expectation,
        *,
        preload: list[str] | tuple[str, ...] = (),
        python: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        env: dict[str, str] | None = None,
        sys_path0: str | None = None,
    ) -> None:
        self.expectation = expectation
        self.preload = list(preload)
        self.python = python or sys.executable
        self.timeout = timeout
        self.sys_path0 = sys_path0
        self._work = _Workdir()
        self.env = scrubbed_env(env, {"TORCHINDUCTOR_CACHE_DIR": os.path.join(self._work.path, "inductor-cache")})
        self._proc: asyncio.subprocess.Process | None = None
        self._reader: asyncio.Task | None = None
        self._pending: dict[int, asyncio.Future] = {}
        self._ids = itertools.count(1)
        self._lock = asyncio.Lock()
        self.cuda_initialized = False
        self.preload_failed: list[str] = []
        self.runs = 0

    async def start(self) -> None:
        """Start the server and wait until its preload finished."""
        self._proc = await asyncio.create_subprocess_exec(
            self.python,
            CHILD_SCRIPT,
            "serve",
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            env=self.env,
            cwd=self._work.path,
            start_new_session=True,
            limit=1 << 20,
        )
        req = {"preload": self.preload, "sys_path0": self.sys_path0 or self._work.path}
        self._proc.stdin.write((json.dumps(req) + "\n").encode())
        await self._proc.stdin.drain()
        line = await asyncio.wait_for(self._proc.stdout.readline(), timeout=max(120.0, self.timeout * 4))
        if not line:
            raise ForkServerError("fork server exited during preload")
        hello = json.loads(line)
        self.cuda_initialized = bool(hello.get("cuda"))
        self.preload_failed = list(hello.get("failed", ()))
        self._reader = asyncio.create_task(self._read_loop())

    async def extend(self, modules: list[str] | tuple[str, ...]) -> None:
        """Preload more modules in the running server (the closure learnt from a traced run)."""
        if self._proc is None or self._reader is None or self._reader.done():
            raise ForkServerError("fork server is not running")
        rid = next(self._ids)
        fut = asyncio.get_running_loop().create_future()
        self._pending[rid] = fut
        async with self._lock:
            self._proc.stdin.write((json.dumps({"id": rid, "preload": list(modules)}) + "\n").encode())
            await self._proc.stdin.drain()
        msg = await asyncio.wait_for(fut, timeout=max(120.0, self.timeout * 4))
        self.preload += [m for m in modules if m not in self.preload]
        self.cuda_initialized = self.cuda_initialized or bool(msg.get("cuda"))
        self.preload_failed += list(msg.get("failed", ()))

    async def _read_loop(self) -> None:
        assert self._proc is not None
        while True:
            line = await self._proc.stdout.readline()
            if not line:
                break
            msg = json.loads(line)
            fut = self._pending.pop(msg.get("id"), None)
            if fut is not None and not fut.done():
                fut.set_result(msg)
        err = ForkServerError("fork server died")
        for fut in self._pending.values():
            if not fut.done():
                fut.set_exception(err)
        self._pending.clear()

    async def _run(self, source: str, *, trace: bool, value_keys: list[str] | None, timeout: float) -> tuple[dict | None, OracleResult]:
        if self._proc is None or self._proc.returncode is not None or self._reader is None or self._reader.done():
            raise ForkServerError("fork server is not running")
        d, cand, res = self._work.files(source)
        req = {"id": next(self._ids), "path": cand, "result": res, "timeout": timeout, "trace": trace}
        if value_keys:
            kp = os.path.join(d, "keys.json")
            with open(kp, "w", encoding="utf-8") as fh:
                json.dump(value_keys, fh)
            req["values"] = kp
        fut = asyncio.get_running_loop().create_future()
        self._pending[req["id"]] = fut
        self.runs += 1
        started = time.perf_counter()
        async with self._lock:
            self._proc.stdin.write((json.dumps(req) + "\n").encode())
            await self._proc.stdin.drain()
        msg = await fut
        duration = time.perf_counter() - started
        timed_out = bool(msg.get("timed_out"))
        data = None if timed_out else _read_json(res)
        if data is None and msg.get("exit_code") == 3:
            data = None
        shutil.rmtree(d, ignore_errors=True)
        return data, _parse_result(data, self.expectation, sig=msg.get("signal") if not timed_out else None, timed_out=timed_out, duration=duration, via=self.via)

    async def check(self, source: str) -> OracleResult:
        return (await self._run(source, trace=False, value_keys=None, timeout=self.timeout))[1]

    async def probe(self, source: str, *, value_keys: list[str] | None = None) -> ProbeResult:
        data, result = await self._run(source, trace=True, value_keys=value_keys, timeout=self.timeout * 4)
        return _probe_from(data, result)

    async def close(self) -> None:
        if self._proc is not None and self._proc.returncode is None:
            with contextlib.suppress(Exception):
                self._proc.stdin.close()
            try:
                await asyncio.wait_for(self._proc.wait(), 5)
            except TimeoutError:
                with contextlib.suppress(OSError):
                    os.killpg(self._proc.pid, signal.SIGKILL)
                await self._proc.wait()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        self._work.close()
