"""Shared helpers for the runner tests."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import uuid
from pathlib import Path

import asyncssh
import pytest

from core.run.sandbox import sandbox_status

PYTHON = sys.executable

needs_bwrap = pytest.mark.skipif(
    not sandbox_status().usable, reason=f"needs a usable bubblewrap: {sandbox_status().reason}"
)
needs_proc = pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")


def survivors(mark_name: str, mark_value: str) -> list[int]:
    """Live (non-zombie) processes whose environment holds ``mark_name=mark_value``."""
    needle = f"{mark_name}={mark_value}\0".encode()
    found = []
    for name in os.listdir("/proc"):
        if not name.isdigit() or int(name) == os.getpid():
            continue
        try:
            stat = Path(f"/proc/{name}/stat").read_bytes()
            if stat[stat.rfind(b")") + 2 :].split()[0] == b"Z":
                continue
            if needle in Path(f"/proc/{name}/environ").read_bytes():
                found.append(int(name))
        except OSError:
            continue
    return found


def kill_all(pids: list[int]) -> None:
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def new_mark() -> str:
    return uuid.uuid4().hex


# The grandchild double-forks, leaves the session and sleeps: it tries to outlive the run.
DOUBLE_FORK = """\
import os, sys, time
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        print("grandchild up", flush=True)
        time.sleep(600)
    os._exit(0)
time.sleep(0.2)
print("main waiting", flush=True)
if "--exit" not in sys.argv:
    time.sleep(600)
"""


class SubprocessSSHServer:
    """A real SSH server on 127.0.0.1 (asyncssh) that runs each command with ``sh -c``."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.port = 0
        self._server: asyncssh.SSHAcceptor | None = None

    async def start(self) -> None:
        host_key = asyncssh.generate_private_key("ssh-ed25519")
        client_key = asyncssh.generate_private_key("ssh-ed25519")
        self.key_file = self.tmp / "id_ed25519"
        client_key.write_private_key(str(self.key_file))
        authorized = self.tmp / "authorized_keys"
        client_key.write_public_key(str(authorized))
        self._server = await asyncssh.create_server(
            None,
            "127.0.0.1",
            0,
            server_host_keys=[host_key],
            authorized_client_keys=str(authorized),
            process_factory=self._handle,
            encoding=None,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self.known_hosts = self.tmp / "known_hosts"
        self.known_hosts.write_text(
            f"[127.0.0.1]:{self.port} {host_key.export_public_key().decode().strip()}\n"
        )

    async def _handle(self, process: asyncssh.SSHServerProcess) -> None:
        proc = await asyncio.create_subprocess_exec(
            "/bin/sh", "-c", process.command or "true",
            stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )

        async def feed() -> None:
            try:
                while data := await process.stdin.read(65536):
                    proc.stdin.write(data)
                    await proc.stdin.drain()
            except (OSError, asyncssh.Error):
                pass
            finally:
                proc.stdin.close()

        async def copy(src: asyncio.StreamReader, dst: asyncssh.SSHWriter) -> None:
            while data := await src.read(65536):
                dst.write(data)
                await dst.drain()

        feeder = asyncio.create_task(feed())
        try:
            await asyncio.gather(copy(proc.stdout, process.stdout), copy(proc.stderr, process.stderr))
        except (OSError, asyncssh.Error):
            pass
        code = await proc.wait()
        feeder.cancel()
        if code < 0:
            process.exit_with_signal(signal.Signals(-code).name.removeprefix("SIG"))
        else:
            process.exit(code)

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
