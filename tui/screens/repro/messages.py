"""Private messages the repro pane's workers post to it (one per finding or output batch)."""

from __future__ import annotations

from textual.message import Message

from core.issue.report import IssueAnalysis
from core.models import Trust
from core.run import RunEnvironment, RunResult, RunStarted, Verdict


class _Analyzed(Message):
    """``checking``: the analysis without the collaborator check yet (trust still UNKNOWN, so
    the run gate stays closed); the full one follows."""

    def __init__(self, analysis: IssueAnalysis | None, trusts: dict[str, Trust | None], error: str | None,
                 checking: bool = False) -> None:
        self.analysis, self.trusts, self.error, self.checking = analysis, trusts, error, checking
        super().__init__()


class _Targets(Message):
    def __init__(self, envs: list[RunEnvironment], note: str) -> None:
        self.envs, self.note = envs, note
        super().__init__()


class _Probed(Message):
    def __init__(self, key: str, text: str) -> None:
        self.key, self.text = key, text
        super().__init__()


class _SandboxChecked(Message):
    def __init__(self, usable: bool, reason: str) -> None:
        self.usable, self.reason = usable, reason
        super().__init__()


class _Started(Message):
    def __init__(self, run_id: int, index: int, event: RunStarted) -> None:
        self.run_id, self.index, self.event = run_id, index, event
        super().__init__()


class _Batch(Message):
    def __init__(self, run_id: int, lines: list[str], count: int) -> None:
        self.run_id, self.lines, self.count = run_id, lines, count
        super().__init__()


class _Finished(Message):
    def __init__(self, run_id: int, index: int, result: RunResult, verdict: Verdict, elapsed: float, last: bool) -> None:
        self.run_id, self.index, self.result, self.verdict, self.elapsed, self.last = run_id, index, result, verdict, elapsed, last
        super().__init__()


class _Failed(Message):
    def __init__(self, run_id: int, error: str) -> None:
        self.run_id, self.error = run_id, error
        super().__init__()
