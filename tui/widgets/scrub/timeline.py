"""The bisect timeline (version → verdict), filled in live as probes land, and the
fixing-PR candidates with their evidence."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from .steps import clip

OUTCOME_STYLES = {
    "bug": ("bug", "bold red"),
    "fixed": ("fixed", "bold green"),
    "broken": ("broken (stepped around)", "yellow"),
    "probing": ("probing…", "bold cyan"),
    "cancelled": ("not needed (stopped)", "dim"),
    "": ("·", "dim"),
}


class BisectTimeline(Static):
    """Holds the versions and the verdicts known so far; each change re-renders the table."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.versions: list[str] = []
        self.outcomes: dict[str, tuple[str, str, int]] = {}  # version → (outcome, detail, round)
        self.result: dict | None = None
        self.round = 0

    def clear(self) -> None:
        self.versions, self.outcomes, self.result, self.round = [], {}, None, 0
        self._render_table()

    def set_versions(self, versions: list[str]) -> None:
        self.versions = list(versions)
        self._render_table()

    def round_started(self, round_: int, versions: tuple[str, ...]) -> None:
        self.round = round_
        for v in versions:
            if v not in self.versions:
                self.versions.append(v)
            self.outcomes.setdefault(v, ("probing", "", round_))
        self._render_table()

    def probe(self, version: str, outcome: str, detail: str, round_: int) -> None:
        if version not in self.versions:
            self.versions.append(version)
        self.outcomes[version] = (outcome, detail, round_)
        self._render_table()

    def cancelled(self, version: str) -> None:
        """A probe the other verdicts made moot: it was stopped, it gave no verdict."""
        outcome, _, round_ = self.outcomes.get(version, ("", "", self.round))
        if outcome == "probing":
            self.outcomes[version] = ("cancelled", "", round_)
            self._render_table()

    def load(self, doc: dict | None, versions: list[str] | None = None) -> None:
        """Show a finished (saved) bisection."""
        if doc is None:
            self.versions = list(versions or [])
            self.outcomes, self.result = {}, None
        else:
            self.versions = list(doc.get("versions") or versions or [])
            self.outcomes = {p["version"]: (p["outcome"], p.get("detail", ""), p.get("round", 0)) for p in doc["timeline"]}
            self.result = doc
        self._render_table()

    def _render_table(self) -> None:
        if not self.versions:
            self.update(Text("No bisection yet (it runs when the bug no longer reproduces, or a regression is claimed, "
                             "and version environments exist).", style="dim italic"))
            return
        table = Table(box=None, padding=(0, 1), show_edge=False, header_style="bold")
        table.add_column("version")
        table.add_column("verdict")
        table.add_column("round")
        table.add_column("detail")
        flip = (self.result or {}).get("first_after")
        for v in self.versions:
            outcome, detail, round_ = self.outcomes.get(v, ("", "", 0))
            word, style = OUTCOME_STYLES.get(outcome, (outcome, ""))
            marker = " ◀ flip" if v == flip else ""
            when = "" if not outcome else ("known" if round_ == 0 else str(round_))
            table.add_row(Text(v + marker, style="bold" if marker else ""), Text(word, style=style),
                          when, Text(clip(detail, 70), style="dim"))
        head = Text()
        if self.result:
            r = self.result
            if r.get("direction") == "fix":
                head.append(f"Fixed between {r.get('last_before') or '?'} and {r.get('first_after') or '?'}", style="bold")
            else:
                head.append(f"Started failing in {r.get('first_after') or '?'} (worked in {r.get('last_before') or '?'})",
                            style="bold")
            head.append(f" · {r.get('rounds')} round(s), {r.get('probes')} probe(s)", style="dim")
            if r.get("reason"):
                head.append("\n" + clip(r["reason"], 200), style="yellow")
        else:
            head.append(f"Bisecting… round {self.round}", style="bold cyan")
        self.update(Group(head, table))


def candidates_text(fix: dict | None) -> Text:
    """The fixing-PR (or, for a regression, culprit-PR) candidates: PR, score, subject, the
    PR's title and state when fetched ("title unavailable" when not), evidence."""
    text = Text()
    if fix is None:
        return text
    culprit = fix.get("direction") == "regression"
    text.append("Culprit-PR candidates" if culprit else "Fixing-PR candidates", style="bold underline")
    if fix.get("error"):
        text.append("\n" + clip(fix["error"], 200), style="red")
    if fix.get("note"):
        text.append("\n" + clip(fix["note"], 200), style="dim")
    if fix.get("base") and fix.get("head"):
        text.append(f"\ncommits {clip(fix['base'], 30)}..{clip(fix['head'], 30)}", style="dim")
    if not fix.get("candidates"):
        text.append("\nnone found: only the version range is reported", style="dim italic")
    for c in fix.get("candidates", [])[:5]:
        text.append("\n")
        text.append(f"#{c['pr']}" if c.get("pr") else c["sha"][:10], style="bold green" if c.get("pr") == fix.get("pr") else "bold")
        text.append(f"  score {c['score']}  ", style="dim")
        text.append(clip(c.get("subject") or "", 90))
        if c.get("title"):
            state = "merged" if c.get("merged") else (c.get("state") or "?")
            text.append(f"\n    PR: {clip(c['title'], 90)} ({state})", style="italic")
        elif c.get("title_error"):
            text.append("\n    PR: title unavailable", style="yellow")
        for ev in c.get("evidence", [])[:3]:
            text.append("\n    " + clip(ev, 110), style="dim")
    return text
