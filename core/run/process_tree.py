"""Find and kill every process a run started, including ones that try to outlive it.

A run's child starts in a new session (its own process group) and carries a unique marker
in its environment. Killing the tree kills the group, every descendant found through
``/proc`` parent links, and every process whose environment holds the marker: that last
net catches grandchildren that double-forked and ``setsid``-ed away from the group and
were re-parented to init.
"""

from __future__ import annotations

import os
import signal
import uuid

MARKER_VAR = "TRIAGEDECK_RUN_ID"


def new_marker() -> str:
    return uuid.uuid4().hex


def _read(path: str) -> bytes | None:
    # os-level reads: pathlib costs more than the read itself when scanning all of /proc.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return None
    try:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
        return b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)


def _stat(pid: int) -> tuple[str, int, int, int] | None:
    """(state, ppid, pgid, start time in clock ticks) of a live process, or None."""
    raw = _read(f"/proc/{pid}/stat")
    if not raw:
        return None
    # The command name is in parentheses and may itself contain spaces or ')'.
    fields = raw[raw.rfind(b")") + 2 :].split()
    return fields[0].decode(), int(fields[1]), int(fields[2]), int(fields[19])


def start_time(pid: int) -> int | None:
    """When ``pid`` started (clock ticks since boot); processes older than a run's root
    cannot belong to it, which spares reading their environment."""
    st = _stat(pid)
    return st[3] if st else None


def _has_marker(pid: int, needle: bytes) -> bool:
    raw = _read(f"/proc/{pid}/environ")
    return bool(raw) and needle in raw  # type: ignore[operator]


def _all_pids() -> list[int]:
    try:
        return [int(name) for name in os.listdir("/proc") if name.isdigit()]
    except OSError:
        return []


def find_members(root_pid: int | None, marker: str | None, not_before: int | None = None) -> set[int]:
    """Live (non-zombie) processes of the tree rooted at ``root_pid`` or carrying ``marker``.

    ``not_before`` (the root's start time) skips the environment of older processes.
    """
    me = os.getpid()
    needle = f"{MARKER_VAR}={marker}\0".encode() if marker else None
    table: dict[int, tuple[str, int, int, int]] = {}
    for pid in _all_pids():
        st = _stat(pid)
        if st is not None:
            table[pid] = st
    members: set[int] = set()
    for pid, (state, _ppid, pgid, started) in table.items():
        if pid == me or state == "Z":
            continue
        if root_pid is not None and (pid == root_pid or pgid == root_pid):
            members.add(pid)
        elif needle is not None and (not_before is None or started >= not_before) and _has_marker(pid, needle):
            members.add(pid)
    # Descendants through parent links (a child may have changed its group but not its parent).
    if root_pid is not None:
        changed = True
        while changed:
            changed = False
            for pid, (state, ppid, _pgid, _started) in table.items():
                if state != "Z" and pid not in members and pid != me and (ppid in members or ppid == root_pid):
                    members.add(pid)
                    changed = True
    return members


def kill_tree(
    root_pid: int | None,
    marker: str | None,
    sig: int = signal.SIGKILL,
    rounds: int = 20,
    not_before: int | None = None,
) -> int:
    """Signal the whole tree until no member is left (or ``rounds`` passes); returns how many were signalled.

    Synchronous on purpose: it must work from a ``finally`` during cancellation.
    """
    if root_pid is not None:
        try:
            os.killpg(root_pid, sig)
        except (ProcessLookupError, PermissionError):
            pass
    if not os.path.isdir("/proc"):
        return 0
    signalled: set[int] = set()
    for _ in range(rounds):
        # SIGSTOP first so a member cannot fork faster than we kill.
        members = find_members(root_pid, marker, not_before)
        if not members:
            break
        for sig_now in ((signal.SIGSTOP, sig) if sig == signal.SIGKILL else (sig,)):
            for pid in members:
                try:
                    os.kill(pid, sig_now)
                except (ProcessLookupError, PermissionError):
                    pass
        signalled |= members
        if sig != signal.SIGKILL:
            break
    return len(signalled)


async def wait_exited(pid: int, poll_s: float = 0.05) -> None:
    """Return once ``pid`` has exited, without reaping it.

    ``asyncio``'s ``Process.wait()`` also waits for the pipes to close, which a grandchild
    can hold open forever; this tells us the main process is gone so the tree can be killed.
    """
    import asyncio

    loop = asyncio.get_running_loop()
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        fd = None
    if fd is not None:
        done = loop.create_future()
        loop.add_reader(fd, lambda: done.done() or done.set_result(None))
        try:
            await done
        finally:
            loop.remove_reader(fd)
            os.close(fd)
        return
    while True:
        try:
            if os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None:
                return
        except ChildProcessError:
            return
        await asyncio.sleep(poll_s)
