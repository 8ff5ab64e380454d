"""The repro's code, syntax-highlighted, with the lines that have security findings marked.

Code is untrusted: every line is made inert on its own (so line numbers stay those the
scanner reported) and handed to Rich ``Syntax``, which never reads markup.
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import Group, RenderableType
from rich.syntax import Syntax
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from core.safety.rules import Finding
from core.text import inert

# Rich Syntax lays out every line on each resize; beyond this the view is cut (with a note).
MAX_CODE_LINES = 2000
MAX_LINE_CHARS = 1000


def display_lines(code: str, max_lines: int = MAX_CODE_LINES) -> tuple[list[str], int]:
    """Inert lines of ``code`` (one per ``\\n``, like the scanner counts) and how many were cut."""
    raw = code.split("\n")
    if raw and raw[-1] == "":
        raw.pop()
    cut = max(0, len(raw) - max_lines)
    lines = [inert(line.expandtabs(4), keep_newlines=False, max_chars=MAX_LINE_CHARS) for line in raw[:max_lines]]
    return lines, cut


def code_renderable(code: str, findings: Iterable[Finding] = (), *, lexer: str = "python") -> RenderableType:
    """Syntax with line numbers; lines with findings get a highlighted background."""
    lines, cut = display_lines(code)
    flagged = {f.line for f in findings if f.line > 0}
    if not lines:
        return Text("(empty)", style="dim italic")
    syntax = Syntax(
        "\n".join(lines),
        lexer,
        theme="monokai",
        line_numbers=True,
        word_wrap=True,
        highlight_lines=flagged,
        background_color="default",
        indent_guides=False,
    )
    if not cut:
        return syntax
    return Group(syntax, Text(f"… {cut:,} more lines not shown", style="dim italic"))


def flagged_lines_text(findings: Iterable[Finding]) -> Text:
    """A one-line summary under the code: which lines are flagged."""
    lines = sorted({f.line for f in findings if f.line > 0})
    if not lines:
        return Text("")
    shown = ", ".join(str(n) for n in lines[:20]) + ("…" if len(lines) > 20 else "")
    return Text(f"▲ flagged line{'s' if len(lines) > 1 else ''}: {shown}", style="bold red")


class CodeView(VerticalScroll):
    """Read-only code view (the editor is a separate TextArea)."""

    DEFAULT_CSS = "CodeView { height: 1fr; } CodeView > Static { width: 1fr; }"

    def compose(self):
        yield Static(id="repro-code-body")
        yield Static(id="repro-code-flags")

    _shown: tuple | None = None

    def show(self, code: str, findings: Iterable[Finding] = (), *, lexer: str = "python") -> None:
        findings = tuple(findings)
        # The screens call this on every state change; a new Syntax re-highlights the code.
        key = (code, findings, lexer)
        if key == self._shown:
            return
        self._shown = key
        self.query_one("#repro-code-body", Static).update(code_renderable(code, findings, lexer=lexer))
        self.query_one("#repro-code-flags", Static).update(flagged_lines_text(findings))
