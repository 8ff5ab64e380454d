"""The batch tally: how many issues were accepted, edited, skipped, sent, failed."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from core.text import one_line


@dataclass(slots=True)
class Tally:
    accepted: int = 0  # sent as proposed
    edited: int = 0  # sent after toggling labels or the comment
    skipped: int = 0
    sent: int = 0  # plans the gate executed
    failed: int = 0  # plans refused or failed


class TallyBar(Static):
    """``Batch · 3/35 #169014 · accepted 1 · edited 1 · skipped 0 · sent 2 · failed 0``."""

    def show(self, title: str, position: int, total: int, number: int | None, tally: Tally) -> None:
        text = Text()
        text.append(one_line(title, max_chars=60), style="bold")
        if total:
            where = f"  {min(position + 1, total)}/{total}" if number is not None else f"  done ({total})"
            text.append(where)
            if number is not None:
                text.append(f" #{number}", style="bold")
        else:
            text.append("  no issues")
        for name, value, style in (
            ("accepted", tally.accepted, "green"),
            ("edited", tally.edited, "cyan"),
            ("skipped", tally.skipped, "yellow"),
            ("sent", tally.sent, "bold green"),
            ("failed", tally.failed, "bold red" if tally.failed else ""),
        ):
            text.append("  ·  ")
            text.append(f"{name} ", style="dim")
            text.append(str(value), style=style)
        self.update(text)
