"""TorchFuzz on an ssh host: a :class:`~core.fuzz.proc.CommandRunner` that runs a command
in a directory of the remote checkout.

It is built from ``core.run.ssh``'s parts, so the project keeps one ssh client: the same
asyncssh connection options, the same launcher (new session, remote environment scrubbed
with the local rule, process group reported back) and the same killer (the group plus
every remote process carrying the run's marker), driven by ``core.run.drive`` (live lines,
timeout, kill when the consumer goes away).
"""

from __future__ import annotations

import asyncio
import json
import shlex
import time
from contextlib import aclosing
from typing import AsyncIterator, Mapping, Sequence

import asyncssh

from ..run.drive import drive
from ..run.env_scrub import SCRUB_PATTERN
from ..run.environment import SshHost
from ..run.events import OutputLine, RunFinished
from ..run.handle import RunHandle
from ..run.process_tree import MARKER_VAR, new_marker
from ..run.ssh import KILLER, LAUNCHER, PGID_PREFIX, connect_options, remote_controls
from .errors import FuzzError
from .fuzzer import ENTRY_POINTS
from .proc import (
    MAX_CAPTURE_CHARS,
    ProcEvent,
    ProcFinished,
    ProcLine,
    ProcResult,
    ProcStarted,
)

FUZZ_DIR = "tools/experimental/torchfuzz"
_PROBE_TIMEOUT_S = 60.0

# Run by the host's python with the checkout as argv[1]: which entry point exists there.
_PROBE = """\
import json, os, sys
root = sys.argv[1]
names = json.loads(sys.argv[2])
found = [n for n in names if os.path.isfile(os.path.join(root, n))]
print(json.dumps({"checkout": os.path.isdir(root), "entry": found[0] if found else None}))
"""


def remote_fuzz_dir(remote_checkout: str) -> str:
    """``<remote_checkout>/tools/experimental/torchfuzz`` (POSIX paths: the host is Linux)."""
    return remote_checkout.rstrip("/") + "/" + FUZZ_DIR


class SshCommandRunner:
    """Runs commands on ``host`` (its ``python`` runs the launcher); one connection per command."""

    def __init__(self, host: SshHost):
        self.host = host

    @property
    def name(self) -> str:
        return f"ssh:{self.host.name}"

    async def _connect(self) -> asyncssh.SSHClientConnection:
        host = self.host
        try:
            return await asyncssh.connect(host.host, **connect_options(host))
        except (OSError, asyncssh.Error) as exc:
            raise FuzzError(f"cannot connect to ssh host {host.name} ({host.host}:{host.port}): {exc or type(exc).__name__}") from None

    async def find_entry_point(self, remote_checkout: str) -> str:
        """The TorchFuzz script name on the host (``fuzzer.py``, else ``torchfuzz.py``)."""
        conn = await self._connect()
        try:
            command = " ".join(
                shlex.quote(part) for part in (self.host.python, "-c", _PROBE, remote_checkout, json.dumps(list(ENTRY_POINTS)))
            )
            try:
                done = await asyncio.wait_for(conn.run(command, check=False), _PROBE_TIMEOUT_S)
            except (TimeoutError, OSError, asyncssh.Error) as exc:
                raise FuzzError(f"{self.name}: could not look for TorchFuzz in {remote_checkout}: {exc or type(exc).__name__}") from None
            out = str(done.stdout or "").strip().splitlines()
            try:
                answer = json.loads(out[-1]) if out else None
            except ValueError:
                answer = None
            if not isinstance(answer, dict):
                detail = str(done.stderr or "").strip()[-300:] or f"exit status {done.exit_status}"
                raise FuzzError(f"{self.name}: could not run {self.host.python} on the host to look for TorchFuzz: {detail}")
            if not answer.get("checkout"):
                raise FuzzError(f"{self.name}: the remote checkout {remote_checkout} does not exist (check [fuzz] remote_checkout)")
            entry = answer.get("entry")
            if entry not in ENTRY_POINTS:
                raise FuzzError(f"{self.name}: no TorchFuzz entry point in {remote_checkout} (looked for {', '.join(ENTRY_POINTS)})")
            return entry.rsplit("/", 1)[-1]
        finally:
            conn.close()

    async def stream(
        self,
        argv: Sequence[str],
        *,
        cwd,
        env: Mapping[str, str] | None = None,
        timeout_s: float = 600.0,
    ) -> AsyncIterator[ProcEvent]:
        """Run ``argv`` in the remote directory ``cwd``; lines arrive as they are printed."""
        argv = tuple(str(a) for a in argv)
        cwd = str(cwd)
        shown = ("ssh", self.host.name, *argv)
        yield ProcStarted(shown, cwd)
        started = time.monotonic()

        def finished(code: int | None, parts: dict[str, list[str]], merged: list[str], **kw) -> ProcFinished:
            return ProcFinished(
                ProcResult(
                    shown, cwd, code, "\n".join(parts["stdout"]), "\n".join(parts["stderr"]), "\n".join(merged),
                    duration_s=round(time.monotonic() - started, 3), **kw,
                )
            )

        empty: dict[str, list[str]] = {"stdout": [], "stderr": []}
        try:
            conn = await self._connect()
        except FuzzError as exc:
            yield finished(None, empty, [], error=str(exc))
            return
        try:
            marker = new_marker()
            child_env = {"PYTHONUNBUFFERED": "1", MARKER_VAR: marker, **(env or {})}
            config = {"cwd": cwd, "argv": list(argv), "env": child_env, "scrub": SCRUB_PATTERN, "drop": [], "killer": KILLER}
            command = f"{shlex.quote(self.host.python)} -c {shlex.quote(LAUNCHER)} {shlex.quote(json.dumps(config))}"
            try:
                process = await conn.create_process(command, encoding=None, stdin=asyncssh.DEVNULL)
                first = await asyncio.wait_for(process.stdout.readline(), _PROBE_TIMEOUT_S)
            except (TimeoutError, OSError, asyncssh.Error) as exc:
                yield finished(None, empty, [], error=f"{self.name}: could not start {argv[0]}: {exc or type(exc).__name__}")
                return
            text = first.decode("utf-8", errors="replace").strip()
            if not text.startswith(PGID_PREFIX):
                rest = await process.stderr.read()
                process.close()
                detail = (text + "\n" + rest.decode("utf-8", errors="replace")).strip()
                yield finished(None, empty, [], error=f"{self.name}: could not start {argv[0]} in {cwd}: {detail[-500:]}")
                return
            pgid = int(text[len(PGID_PREFIX) :])
            kill, wait_exit = remote_controls(conn, process, self.host.python, pgid, marker)

            handle = RunHandle(
                lambda h: drive(
                    {"stdout": process.stdout.read, "stderr": process.stderr.read},
                    wait_exit,
                    kill,
                    timeout_s=timeout_s,
                    handle=h,
                    started_at=started,
                )
            )
            parts: dict[str, list[str]] = {"stdout": [], "stderr": []}
            merged: list[str] = []
            size = 0
            end: RunFinished | None = None
            # aclosing: when our consumer stops early, drive's cleanup kills the remote tree.
            async with aclosing(handle):
                async for event in handle:
                    if isinstance(event, OutputLine):
                        if size < MAX_CAPTURE_CHARS:
                            parts[event.stream].append(event.text)
                            merged.append(event.text)
                            size += len(event.text) + 1
                        yield ProcLine(event.stream, event.text)
                    elif isinstance(event, RunFinished):
                        end = event
            assert end is not None
            if end.timed_out:
                yield finished(
                    None, parts, merged, timed_out=True, error=f"timed out after {timeout_s:g}s (remote process group killed on {self.host.name})"
                )
            else:
                yield finished(end.exit_code, parts, merged)
        finally:
            conn.close()
