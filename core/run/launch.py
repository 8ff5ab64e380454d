"""How a repro is started: ``python FILE``, or under torchrun.

torchrun is always started as ``<python> -m torch.distributed.run`` with the *target
environment's* interpreter, never a ``torchrun`` found on PATH (which may belong to another
environment). ``--standalone`` gives a single-node rendezvous on a local TCPStore, so it works
inside the sandbox (network namespace with loopback only). Scripts that spawn their own
workers (``mp.spawn``, or a script that runs torchrun itself) run as ``python FILE``.

Only the kind and a process count are taken from the issue's analysis: no argument text from
the issue ever reaches the command line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Literal, Mapping

from core.errors import TriagedeckError

LaunchKind = Literal["python", "torchrun"]
TORCHRUN_MODULE = "torch.distributed.run"
# More workers than this on one host is never what a repro needs to show a bug; a repro that
# asks for more needs a GPU node anyway.
MAX_NPROC = 8

_NPROC_RE = re.compile(r"^--?nproc[_-]per[_-]node(?:=(\d+))?$")


class LauncherError(TriagedeckError):
    """A launcher description that cannot be used (``--launcher`` text, a bad count)."""


@dataclass(frozen=True, slots=True)
class RunLauncher:
    """``python`` (the default) or ``torchrun`` with ``nproc_per_node`` workers.

    ``note`` says why (the analysis' reason); it is shown, never executed.
    """

    kind: LaunchKind = "python"
    nproc_per_node: int = 1
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in ("python", "torchrun"):
            raise LauncherError(f"unknown launcher {self.kind!r}: expected python or torchrun")
        if not 1 <= self.nproc_per_node <= MAX_NPROC:
            raise LauncherError(f"nproc_per_node must be between 1 and {MAX_NPROC}, not {self.nproc_per_node}")

    @property
    def is_torchrun(self) -> bool:
        return self.kind == "torchrun"

    def python_args(self) -> list[str]:
        """What goes between the interpreter and the script."""
        if self.kind == "torchrun":
            return ["-m", TORCHRUN_MODULE, "--standalone", f"--nproc_per_node={self.nproc_per_node}"]
        return []

    @property
    def label(self) -> str:
        """How it runs, in the words a maintainer would type."""
        if self.kind == "torchrun":
            return f"torchrun --standalone --nproc_per_node={self.nproc_per_node}"
        return "python"

    def to_json(self) -> dict[str, Any]:
        return {"kind": self.kind, "nproc_per_node": self.nproc_per_node, "label": self.label, "note": self.note}


PYTHON = RunLauncher()


def parse_launcher(text: str) -> RunLauncher:
    """``python``, ``torchrun`` or ``torchrun:N`` (the CLI's ``--launcher``)."""
    kind, sep, count = text.strip().partition(":")
    if kind == "python" and not sep:
        return PYTHON
    if kind == "torchrun":
        if not sep:
            return RunLauncher("torchrun", 1)
        if count.isdigit():
            return RunLauncher("torchrun", int(count))
    raise LauncherError(f"unknown launcher {text!r}: expected python, torchrun or torchrun:N")


def launcher_from_analysis(launcher: Any) -> RunLauncher:
    """The launcher for an analysis result: ``core.issue.analysis.Launcher``, its JSON
    (``{"kind", "command", "note"}``) or None (then ``python``).

    Only ``kind == "torchrun"`` runs under torchrun; ``mp.spawn`` and self-launching scripts
    start their own workers and run as ``python FILE``. The worker count is read from the
    analysed ``--nproc_per_node`` and clamped to ``1..MAX_NPROC``.
    """
    if launcher is None:
        return PYTHON
    if isinstance(launcher, Mapping):
        kind, command, note = launcher.get("kind"), launcher.get("command") or (), launcher.get("note") or ""
    else:
        kind = getattr(launcher, "kind", None)
        command = getattr(launcher, "command", ()) or ()
        note = getattr(launcher, "note", "") or ""
    note = str(note)
    if kind != "torchrun":
        return RunLauncher("python", 1, note)
    nproc = 1
    words = [str(w) for w in command]
    for i, word in enumerate(words):
        m = _NPROC_RE.match(word)
        if not m:
            continue
        value = m.group(1) or (words[i + 1] if i + 1 < len(words) else "")
        if value.isdigit():
            nproc = int(value)
    if nproc > MAX_NPROC:
        note = f"{note}; capped at {MAX_NPROC} workers (asked for {nproc})" if note else f"capped at {MAX_NPROC} workers"
    return RunLauncher("torchrun", max(1, min(nproc, MAX_NPROC)), note)
