"""Where TorchFuzz runs (the local checkout or ``[fuzz] remote_checkout`` on an ssh host),
and multi-seed sweeps (``fuzzer.py --start S --count C``) read into a :class:`SweepReport`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import AsyncIterator, Union

from .config import FuzzConfig
from .errors import FuzzError
from .events import Phase
from .fuzzer import find_entry_point, sweep_command
from .proc import CommandRunner, ProcEvent, ProcFinished, ProcResult
from .sweep_output import SweepReport, parse_sweep_output


@dataclass(frozen=True, slots=True)
class FuzzerLocation:
    """TorchFuzz's script (``fuzzer.py`` or ``torchfuzz.py``), the directory to run it from,
    the interpreter and the runner that reach it."""

    runner: CommandRunner
    python: str
    entry: str
    cwd: str
    remote: bool
    where: str  # for people: "ssh:gpu1:/home/me/pytorch/tools/..." or the local directory


async def locate_fuzzer(config: FuzzConfig, checkout: Path | None, *, local_runner: CommandRunner | None = None) -> FuzzerLocation:
    """Find TorchFuzz: in ``checkout`` for local/conda envs, on the host for ``ssh:HOST``
    (raises :class:`FuzzError` with the reason: unknown host, unreachable, no checkout...)."""
    if config.is_remote:
        from .remote import SshCommandRunner, remote_fuzz_dir

        host = config.ssh_host()
        runner = SshCommandRunner(host)
        entry = await runner.find_entry_point(config.remote_checkout)
        cwd = remote_fuzz_dir(config.remote_checkout)
        return FuzzerLocation(runner, host.python, entry, cwd, True, f"{config.env}:{cwd}")
    if checkout is None:
        raise FuzzError("a local TorchFuzz run needs the checkout")
    path = find_entry_point(Path(checkout))
    return FuzzerLocation(local_runner or config.runner(), config.python, path.name, str(path.parent), False, str(path.parent))


@dataclass(frozen=True, slots=True)
class SweepDone:
    """The last event of :func:`run_sweep`: the report (None when the run failed to start)."""

    report: SweepReport | None
    result: ProcResult | None
    command: tuple[str, ...]
    where: str
    error: str | None = None
    kind: str = field(default="sweep_done", init=False)


SweepEvent = Union[Phase, ProcEvent, SweepDone]


async def run_sweep(
    config: FuzzConfig,
    checkout: Path | None,
    *,
    start: int,
    count: int,
    template: str | None = None,
    processes: int | None = None,
    timeout_s: float | None = None,
    local_runner: CommandRunner | None = None,
) -> AsyncIterator[SweepEvent]:
    """Run TorchFuzz's multi-seed mode where ``config.env`` says, streaming its output, and
    end with :class:`SweepDone`. The exit status says nothing about failing seeds (it is 0
    either way), so the report comes from the output."""
    try:
        where = await locate_fuzzer(config, checkout, local_runner=local_runner)
        argv = sweep_command(where.python, Path(where.entry), start=start, count=count, template=template, processes=processes)
    except FuzzError as exc:
        yield SweepDone(None, None, (), config.env, str(exc))
        return
    yield Phase("sweep", f"running TorchFuzz seeds {start}..{start + count - 1}: {' '.join(argv)} (in {where.where})")
    result: ProcResult | None = None
    async for event in where.runner.stream(argv, cwd=where.cwd, env=dict(config.extra_env), timeout_s=timeout_s or config.fuzzer_timeout_s):
        if isinstance(event, ProcFinished):
            result = event.result
        yield event
    assert result is not None
    report = parse_sweep_output(result.output + "\n")  # the runner's lines are whole lines
    error = None
    if result.exit_code is None:
        error = result.error or "TorchFuzz did not finish"
    elif report.error:
        error = f"TorchFuzz reported: {report.error}"
    elif result.exit_code == 130 or report.interrupted:
        error = "the sweep was interrupted; the seeds listed are those finished before"
    elif result.exit_code != 0:
        error = f"TorchFuzz exited {result.exit_code}"
    elif not report.complete:
        error = "TorchFuzz printed no summary: its output is not the multi-seed format this version knows"
    yield SweepDone(report, result, argv, where.where, error)
