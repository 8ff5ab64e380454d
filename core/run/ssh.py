"""The ssh runner: a remote (GPU) host over asyncssh.

The repro is copied into a fresh remote temp dir (``cat >`` over the channel, so any
sshd works, SFTP or not), run by a tiny launcher that starts a new session, scrubs the
remote environment with the same rule as locally, tags the process tree with a marker and
reports its process group. Cancel/timeout kills that group plus every remote process
carrying the marker, over a second channel.
"""

from __future__ import annotations

import asyncio
import json
import shlex
import signal as _signal
import time
from typing import Any, AsyncIterator

import asyncssh

from .drive import decode_status, drive
from .env_scrub import SCRUB_PATTERN
from .environment import SshHost
from .events import RunEvent, RunStarted
from .handle import RunHandle
from .local import RunnerError
from .process_tree import MARKER_VAR, new_marker
from .sandbox import SandboxUnavailable
from .seeding import WRAPPER_NAME, WRAPPER_SOURCE, python_argv
from .spec import RunSpec

PGID_PREFIX = "TRIAGEDECK_PGID="

# Stays the parent of the repro: when the repro exits, leftovers (which would hold the
# channel open) are killed before the launcher exits with the repro's status (128+N on signal N).
LAUNCHER = f"""\
import json, os, re, sys
cfg = json.loads(sys.argv[1])
env = {{k: v for k, v in os.environ.items() if not re.match(cfg["scrub"], k) and k not in cfg["drop"]}}
env.update(cfg["env"])
os.chdir(cfg["cwd"])
pid = os.fork()
if pid == 0:
    os.setsid()
    os.execvpe(cfg["argv"][0], cfg["argv"], env)
sys.stdout.write("{PGID_PREFIX}%d\\n" % pid)
sys.stdout.flush()
_, status = os.waitpid(pid, 0)
sys.argv = ["", str(pid), cfg["env"]["{MARKER_VAR}"]]
exec(cfg["killer"])
os._exit(128 + os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status))
"""

KILLER = f"""\
import os, sys
pgid, needle = int(sys.argv[1]), ("{MARKER_VAR}=%s\\0" % sys.argv[2]).encode()
try:
    os.killpg(pgid, 9)
except OSError:
    pass
for _ in range(20):
    found = []
    for name in (os.listdir("/proc") if os.path.isdir("/proc") else []):
        if name.isdigit() and int(name) != os.getpid():
            try:
                with open("/proc/%s/environ" % name, "rb") as f:
                    if needle in f.read():
                        found.append(int(name))
            except OSError:
                pass
    if not found:
        break
    for pid in found:
        for sig in (19, 9):
            try:
                os.kill(pid, sig)
            except OSError:
                pass
"""


def connect_options(host: SshHost) -> dict[str, Any]:
    """asyncssh.connect keyword arguments for ``host`` (shared by every ssh user in core)."""
    options: dict[str, Any] = {"port": host.port, "connect_timeout": host.connect_timeout_s}
    if host.user:
        options["username"] = host.user
    if host.key_file:
        options["client_keys"] = [host.key_file]
    if host.known_hosts is not None:
        options["known_hosts"] = host.known_hosts or None
    return options


def signal_number(name: str) -> int | None:
    """The number of a signal named by ssh (``"KILL"`` → 9), or None."""
    try:
        return int(_signal.Signals["SIG" + name.removeprefix("SIG")])
    except KeyError:
        return None


def remote_controls(conn: Any, process: Any, python: str, pgid: int, marker: str):
    """(kill, wait_exit) for a process the launcher started: ``kill`` runs the killer over a
    second channel (the process group plus every process carrying ``marker``); ``wait_exit``
    gives (exit code, signal) with a signal death as 128+N."""

    async def kill() -> None:
        killer = f"{shlex.quote(python)} -c {shlex.quote(KILLER)} {pgid} {marker}"
        try:
            await asyncio.wait_for(conn.run(killer, check=False), 15)
        except Exception:  # noqa: BLE001 - a dead connection: closing the channel is all we can do
            process.close()

    async def wait_exit() -> tuple[int | None, int | None]:
        done = await process.wait()
        if done.exit_signal:
            sig = signal_number(done.exit_signal[0])
            if sig is not None:
                return 128 + sig, sig
        return decode_status(done.exit_status, via_wrapper=True)

    return kill, wait_exit


class SshRunner:
    """Runs a spec on ``spec.env.ssh``; the sandbox does not apply remotely."""

    def run(self, spec: RunSpec) -> RunHandle:
        if spec.env.ssh is None:
            raise RunnerError("an ssh run needs an ssh host")
        if spec.sandbox == "on" or (spec.sandbox == "auto" and not spec.allow_unsandboxed):
            raise SandboxUnavailable(
                f"the bubblewrap sandbox is for local runs; {spec.env.name} runs unsandboxed: "
                "choose that explicitly (sandbox=\"off\" / --sandbox off)"
            )
        note = "remote host: not sandboxed (explicit choice)"
        return RunHandle(lambda handle: self._events(spec, spec.env.ssh, handle, note))  # type: ignore[arg-type]

    async def _events(self, spec: RunSpec, host: SshHost, handle: RunHandle, note: str) -> AsyncIterator[RunEvent]:
        try:
            conn = await asyncssh.connect(host.host, **connect_options(host))
        except (OSError, asyncssh.Error) as exc:
            raise RunnerError(f"cannot connect to {host.name} ({host.host}:{host.port}): {exc}") from exc
        remote_dir: str | None = None
        try:
            made = await conn.run("mktemp -d /tmp/triagedeck-run-XXXXXX", check=False)
            remote_dir = str(made.stdout or "").strip()
            if made.exit_status != 0 or not remote_dir.startswith("/tmp/triagedeck-run-"):
                raise RunnerError(f"{host.name}: could not make a remote temp dir: {str(made.stderr or '').strip()}")
            script = f"{remote_dir}/{spec.file_name()}"
            await self._upload(conn, script, spec.source())
            wrapper = None
            if spec.seed.seed is not None:
                wrapper = f"{remote_dir}/{WRAPPER_NAME}"
                await self._upload(conn, wrapper, WRAPPER_SOURCE)
            argv = python_argv([host.python], script, spec.args, spec.seed.seed, wrapper, spec.launcher)
            marker = new_marker()
            env = {"PYTHONUNBUFFERED": "1", MARKER_VAR: marker, **spec.extra_env}
            if spec.seed.hash_seed is not None:
                env["PYTHONHASHSEED"] = str(spec.seed.hash_seed)
            config = {"cwd": remote_dir, "argv": argv, "env": env, "scrub": SCRUB_PATTERN, "drop": [], "killer": KILLER}
            command = f"{shlex.quote(host.python)} -c {shlex.quote(LAUNCHER)} {shlex.quote(json.dumps(config))}"
            started_at = time.monotonic()
            process = await conn.create_process(command, encoding=None, stdin=asyncssh.DEVNULL)
            first = await process.stdout.readline()
            text = first.decode("utf-8", errors="replace").strip()
            if not text.startswith(PGID_PREFIX):
                rest = await process.stderr.read()
                await process.wait()
                detail = (text + "\n" + rest.decode("utf-8", errors="replace")).strip()
                raise RunnerError(f"{host.name}: could not start {host.python}: {detail[-500:]}")
            pgid = int(text[len(PGID_PREFIX) :])
            yield RunStarted(
                command=("ssh", host.name, *argv),
                env_name=spec.env.name,
                sandboxed=False,
                cwd=remote_dir,
                time=time.time(),
                sandbox_note=note,
            )

            kill, wait_exit = remote_controls(conn, process, host.python, pgid, marker)
            async for event in drive(
                {"stdout": process.stdout.read, "stderr": process.stderr.read},
                wait_exit,
                kill,
                timeout_s=spec.timeout_s,
                handle=handle,
                started_at=started_at,
            ):
                yield event
        finally:
            if remote_dir and remote_dir.startswith("/tmp/triagedeck-run-"):
                try:
                    await asyncio.wait_for(conn.run(f"rm -rf {shlex.quote(remote_dir)}", check=False), 15)
                except Exception:  # noqa: BLE001 - best effort cleanup
                    pass
            conn.close()

    @staticmethod
    async def _upload(conn: asyncssh.SSHClientConnection, path: str, text: str) -> None:
        done = await conn.run(f"cat > {shlex.quote(path)}", input=text, check=False)
        if done.exit_status != 0:
            raise RunnerError(f"could not copy the repro to the remote host: {str(done.stderr or '').strip()}")
