"""The bubblewrap sandbox for local runs.

Inside: the root filesystem read-only, a private writable scratch dir (the working
directory), a fresh ``/tmp``, a minimal ``/dev`` plus the NVIDIA device nodes when present
(so CUDA still works), a fresh ``/proc`` in a new PID namespace, and a network namespace
holding only loopback (bubblewrap brings ``lo`` up), so distributed repros on one host
still work but nothing leaves the machine.
"""

from __future__ import annotations

import functools
import glob
import os
import shutil
import subprocess
from dataclasses import dataclass

from core.errors import TriagedeckError


class SandboxUnavailable(TriagedeckError):
    """The sandbox was asked for (or left to ``auto``) but bubblewrap cannot run here."""


@dataclass(frozen=True, slots=True)
class SandboxStatus:
    usable: bool
    reason: str
    bwrap: str | None = None


# The namespace flags we rely on; the usability check uses the same ones, because in
# containers bwrap may be installed yet unable to create some namespaces.
_NAMESPACE_FLAGS = ("--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--die-with-parent", "--new-session")


@functools.cache
def sandbox_status() -> SandboxStatus:
    """Whether bubblewrap is usable here, checked once by really running it (cached)."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        return SandboxStatus(False, "bubblewrap (bwrap) is not installed (apt-get install bubblewrap)")
    argv = [bwrap, "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc", *_NAMESPACE_FLAGS, "true"]
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return SandboxStatus(False, f"bubblewrap is installed but could not run: {exc}", bwrap)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        why = detail[-1] if detail else f"exit status {done.returncode}"
        return SandboxStatus(False, f"bubblewrap is installed but not usable here: {why}", bwrap)
    return SandboxStatus(True, "bubblewrap is usable", bwrap)


def nvidia_devices() -> list[str]:
    """NVIDIA device nodes present on this host (bound into the sandbox so CUDA works)."""
    return sorted(glob.glob("/dev/nvidia*")) + sorted(glob.glob("/dev/dri/*"))


def _tmp_roots(command: list[str], scratch: str) -> list[str]:
    """Folders under /tmp that the command's executable lives in (a venv or a tool made
    in /tmp): the sandbox's fresh /tmp would hide them, so they are bound back read-only."""
    if not command:
        return []
    exe = shutil.which(command[0]) or command[0]
    roots = []
    for candidate in {os.path.abspath(exe), os.path.realpath(exe)}:
        if not candidate.startswith("/tmp/") or candidate.startswith(scratch.rstrip("/") + "/"):
            continue
        folder = os.path.dirname(candidate)
        root = os.path.dirname(folder) if os.path.basename(folder) == "bin" else folder
        if root != "/tmp" and root not in roots:
            roots.append(root)
    return roots


def bwrap_argv(bwrap: str, scratch: str, command: list[str]) -> list[str]:
    """The bubblewrap command line that runs ``command`` in ``scratch`` inside the sandbox."""
    tmp_binds = [arg for root in _tmp_roots(command, scratch) for arg in ("--ro-bind", root, root)]
    argv = [
        bwrap,
        "--ro-bind", "/", "/",
        "--dev", "/dev",
        "--proc", "/proc",
        "--tmpfs", "/tmp",
        # After the /tmp tmpfs, so the scratch dir shows through at the same path.
        "--bind", scratch, scratch,
        *tmp_binds,
        "--chdir", scratch,
        *_NAMESPACE_FLAGS,
    ]
    for node in nvidia_devices():
        argv += ["--dev-bind", node, node]
    argv.append("--")
    return argv + command


def resolve_sandbox(mode: str, allow_unsandboxed: bool, status: SandboxStatus | None = None) -> tuple[bool, str]:
    """Decide whether to sandbox: returns (sandboxed, note). Raises SandboxUnavailable.

    ``on`` needs bwrap; ``off`` never sandboxes; ``auto`` sandboxes when bwrap is usable
    and otherwise runs unsandboxed only when that was explicitly allowed.
    """
    if mode == "off":
        return False, "sandbox off (explicit choice)"
    status = status or sandbox_status()
    if status.usable:
        return True, ""
    if mode == "auto" and allow_unsandboxed:
        return False, f"running unsandboxed: {status.reason}"
    raise SandboxUnavailable(
        f"cannot sandbox this run: {status.reason}. Run it unsandboxed only by explicit choice (sandbox=\"off\" / --sandbox off)."
    )
