"""The local runner: a configured interpreter, sandboxed by bubblewrap when possible."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import AsyncIterator

from core.errors import TriagedeckError

from .drive import decode_status, drive
from .env_scrub import scrub_environment
from .events import RunEvent, RunStarted
from .handle import RunHandle
from .process_tree import MARKER_VAR, kill_tree, new_marker, start_time, wait_exited
from .sandbox import bwrap_argv, resolve_sandbox, sandbox_status
from .seeding import WRAPPER_NAME, WRAPPER_SOURCE, python_argv
from .spec import RunSpec

SCRATCH_ROOT = "/tmp"


class RunnerError(TriagedeckError):
    """A run could not be started (interpreter missing, connection refused...)."""


class SubprocessRunner:
    """Runs a spec as a local child process; subclasses decide the command line."""

    #: Names removed from the child's environment on top of the credential scrub.
    drop_env: tuple[str, ...] = ()

    def command(self, spec: RunSpec, script: str, wrapper: str | None) -> list[str]:
        raise NotImplementedError

    def via_wrapper(self, sandboxed: bool) -> bool:
        """Whether a wrapper process reports the child's signal as 128+N."""
        return sandboxed

    def child_env(self, spec: RunSpec, scratch: str, marker: str, sandboxed: bool) -> dict[str, str]:
        extra = {"PYTHONUNBUFFERED": "1", MARKER_VAR: marker}
        if sandboxed:
            # $HOME is read-only in the sandbox; caches go to the scratch dir instead.
            extra.update(
                XDG_CACHE_HOME=os.path.join(scratch, ".cache"),
                TRITON_CACHE_DIR=os.path.join(scratch, ".triton"),
                TORCHINDUCTOR_CACHE_DIR=os.path.join(scratch, ".inductor"),
                MPLCONFIGDIR=os.path.join(scratch, ".mpl"),
            )
        if spec.seed.hash_seed is not None:
            extra["PYTHONHASHSEED"] = str(spec.seed.hash_seed)
        env = scrub_environment(os.environ, drop=self.drop_env, extra=extra)
        env.update(spec.extra_env)
        return env

    def run(self, spec: RunSpec) -> RunHandle:
        """Start iterating to start the run. Raises SandboxUnavailable right away when the
        sandbox is required but unusable."""
        sandboxed, note = resolve_sandbox(spec.sandbox, spec.allow_unsandboxed)
        return RunHandle(lambda handle: self._events(spec, handle, sandboxed, note))

    async def _events(self, spec: RunSpec, handle: RunHandle, sandboxed: bool, note: str) -> AsyncIterator[RunEvent]:
        scratch = tempfile.mkdtemp(prefix="triagedeck-run-", dir=SCRATCH_ROOT)
        try:
            script = os.path.join(scratch, spec.file_name())
            Path(script).write_text(spec.source(), encoding="utf-8")
            wrapper = None
            if spec.seed.seed is not None:
                wrapper = os.path.join(scratch, WRAPPER_NAME)
                Path(wrapper).write_text(WRAPPER_SOURCE, encoding="utf-8")
            command = self.command(spec, script, wrapper)
            if not (os.path.isfile(command[0]) and os.access(command[0], os.X_OK)):
                # Checked here because inside bwrap a missing program is only a line on stderr.
                raise RunnerError(f"could not start {command[0]}: no such executable")
            marker = new_marker()
            env = self.child_env(spec, scratch, marker, sandboxed)
            status = sandbox_status() if sandboxed else None
            argv = bwrap_argv(status.bwrap, scratch, command) if status and status.bwrap else command
            started_at = time.monotonic()
            try:
                proc = await asyncio.create_subprocess_exec(
                    *argv,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.PIPE,
                    cwd=scratch,
                    env=env,
                    start_new_session=True,
                )
            except OSError as exc:
                raise RunnerError(f"could not start {command[0]}: {exc.strerror or exc}") from exc
            yield RunStarted(
                command=tuple(command),
                env_name=spec.env.name,
                sandboxed=sandboxed,
                cwd=scratch,
                time=time.time(),
                sandbox_note=note,
            )

            born = start_time(proc.pid)

            async def kill() -> None:
                kill_tree(proc.pid, marker, not_before=born)

            via_wrapper = self.via_wrapper(sandboxed)

            async def wait_exit() -> tuple[int | None, int | None]:
                await wait_exited(proc.pid)
                kill_tree(proc.pid, marker, not_before=born)  # leftovers hold the pipes; proc.wait() waits for them
                return decode_status(await proc.wait(), via_wrapper=via_wrapper)

            assert proc.stdout is not None and proc.stderr is not None
            async for event in drive(
                {"stdout": proc.stdout.read, "stderr": proc.stderr.read},
                wait_exit,
                kill,
                timeout_s=spec.timeout_s,
                handle=handle,
                started_at=started_at,
            ):
                yield event
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


class LocalRunner(SubprocessRunner):
    """``python FILE`` with the environment's interpreter (``python -m torch.distributed.run
    ... FILE`` under the torchrun launcher: the same interpreter, never a PATH ``torchrun``)."""

    def command(self, spec: RunSpec, script: str, wrapper: str | None) -> list[str]:
        python = spec.env.python
        resolved = shutil.which(python) or python
        return python_argv([resolved], script, spec.args, spec.seed.seed, wrapper, spec.launcher)
