"""Modal screens of the fuzz workflow: the push confirmation, the step-2 form, the new-session form.

The push dialog shows the exact command, where it runs and the commits it sends; it
confirms with ``y`` only (not Enter, not ``p`` which opened it), ``n``/escape dismiss with
False. It holds nothing focusable, so Enter has nothing to press.
"""

from __future__ import annotations

from typing import Any, Mapping

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Static

from core.fuzz import QUALITY_ROWS, SUMMARY_QUESTIONS, PushPlan
from core.text import one_line

from ...widgets.fuzz.keys import bindings
from ...widgets.fuzz.panels import QUALITY_TITLES


def _hint(*pairs: tuple[str, str]) -> Text:
    text = Text()
    for key, word in pairs:
        text.append(f" {key} ", style="bold reverse")
        text.append(f" {word}   ")
    return text


def plan_text(plan: PushPlan) -> Text:
    """The push as literal text: command, directory, environment, branch, each commit."""
    text = Text()
    text.append("Command   ", style="bold")
    text.append(one_line(" ".join(plan.command), max_chars=300), style="bold yellow")
    text.append("\nIn        ", style="bold")
    text.append(one_line(plan.cwd, max_chars=300))
    text.append("\nEnv       ", style="bold")
    text.append(f"conda env {plan.env[6:]}" if plan.env.startswith("conda:") else "local")
    text.append("\nBranch    ", style="bold")
    text.append(one_line(plan.branch, max_chars=200))
    text.append(f"\nCommits   {len(plan.commits)} (each becomes a PR, bottom first)", style="bold")
    for sha, title in zip(plan.commits, plan.titles):
        text.append("\n  ")
        text.append(sha, style="bold cyan")
        text.append("  " + one_line(title, max_chars=200))
    text.append("\n\nExactly:  ", style="bold")
    text.append(one_line(plan.describe()[0], max_chars=400))
    return text


class PushDialog(ModalScreen[bool]):
    """Confirm one exact ghstack push. Dismisses True only on ``y``."""

    SCOPE = "fuzz_push"
    BINDINGS = bindings("fuzz_push")

    def __init__(self, plan: PushPlan) -> None:
        super().__init__()
        self.plan = plan

    def compose(self) -> ComposeResult:
        with Vertical(id="fuzz-push"):
            yield Static(Text("Push these commits as PRs with ghstack?", style="bold"), id="fuzz-push-title")
            yield Static(plan_text(self.plan), id="fuzz-push-plan")
            yield Static(_hint(("y", "push"), ("n / esc", "cancel")), id="fuzz-push-hint")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


class FixForm(ModalScreen[dict | None]):
    """Step 2's quality checklist (a tick and a note per row) and the six summary questions.

    Dismisses ``{"quality": {row: {"ok", "note"}}, "summary": {question: answer}}`` on
    ctrl+s, None on escape.
    """

    SCOPE = "fuzz_form"
    BINDINGS = bindings("fuzz_form")

    def __init__(self, quality: Mapping[str, Mapping[str, Any]] | None = None, summary: Mapping[str, str] | None = None) -> None:
        super().__init__()
        self.quality = dict(quality or {})
        self.summary = dict(summary or {})

    def compose(self) -> ComposeResult:
        with Vertical(id="fuzz-form", classes="fuzz-form"):
            yield Static(Text("Step 2: quality checklist and fix summary", style="bold"), classes="fuzz-form-title")
            with VerticalScroll(id="fuzz-form-body"):
                for key, question in QUALITY_ROWS.items():
                    row = self.quality.get(key, {})
                    with Horizontal(classes="fuzz-quality-row"):
                        yield Checkbox(QUALITY_TITLES[key], bool(row.get("ok")), id=f"q-{key}", tooltip=question)
                        yield Input(str(row.get("note", "")), placeholder=question, id=f"qn-{key}")
                for key, question in SUMMARY_QUESTIONS.items():
                    yield Static(question, classes="fuzz-question", markup=False)
                    yield Input(self.summary.get(key, ""), placeholder="answer", id=f"s-{key}")
            yield Static(_hint(("ctrl+s", "save"), ("esc", "cancel")), classes="fuzz-form-hint")

    def on_mount(self) -> None:
        self.query_one(f"#q-{next(iter(QUALITY_ROWS))}", Checkbox).focus()

    def values(self) -> dict:
        quality = {
            key: {"ok": self.query_one(f"#q-{key}", Checkbox).value, "note": self.query_one(f"#qn-{key}", Input).value}
            for key in QUALITY_ROWS
        }
        summary = {key: self.query_one(f"#s-{key}", Input).value for key in SUMMARY_QUESTIONS}
        return {"quality": quality, "summary": summary}

    def action_save(self) -> None:
        self.dismiss(self.values())

    def action_cancel(self) -> None:
        self.dismiss(None)


_NEW_FIELDS = (
    ("checkout", "Checkout", "path of the PyTorch checkout"),
    ("seed", "Seed", "failing TorchFuzz seed (or leave empty and give a program file)"),
    ("template", "Template", "TorchFuzz template (optional)"),
    ("program", "Program file", "a failing fuzzed program (instead of a seed)"),
    ("env", "Environment", "local, conda:NAME or ssh:HOST (TorchFuzz on the host)"),
    ("issue", "Issue", "GitHub issue number (optional; names the test)"),
)


class NewSessionForm(ModalScreen[dict | None]):
    """Checkout, seed + template or a program file, environment, issue. ctrl+s dismisses
    with the values; the caller re-opens the form with them and ``error`` when starting fails."""

    SCOPE = "fuzz_form"
    BINDINGS = bindings("fuzz_form")

    def __init__(self, *, checkout: str = "", env: str = "local", values: Mapping[str, Any] | None = None, error: str = "") -> None:
        super().__init__()
        self.defaults = {"checkout": checkout, "env": env}
        for key, value in (values or {}).items():
            if value is not None:
                self.defaults[key] = str(value)
        self.error = error

    def compose(self) -> ComposeResult:
        with Vertical(id="fuzz-new", classes="fuzz-form"):
            yield Static(Text("New fuzz session", style="bold"), classes="fuzz-form-title")
            for key, label, placeholder in _NEW_FIELDS:
                with Horizontal(classes="fuzz-field"):
                    yield Static(label, classes="fuzz-label", markup=False)
                    yield Input(self.defaults.get(key, ""), placeholder=placeholder, id=f"new-{key}")
            yield Static(id="fuzz-new-error", markup=False)
            yield Static(_hint(("ctrl+s", "start"), ("esc", "cancel")), classes="fuzz-form-hint")

    def on_mount(self) -> None:
        self.query_one("#new-checkout" if not self.defaults["checkout"] else "#new-seed", Input).focus()
        if self.error:
            self.show_error(self.error)

    def show_error(self, message: str) -> None:
        self.query_one("#fuzz-new-error", Static).update(Text(one_line(message, max_chars=600), style="bold red"))

    def values(self) -> dict:
        raw = {key: self.query_one(f"#new-{key}", Input).value.strip() for key, _, _ in _NEW_FIELDS}
        if not raw["checkout"]:
            raise ValueError("give the checkout path")
        if bool(raw["seed"]) == bool(raw["program"]):
            raise ValueError("give either a seed or a program file")
        out: dict[str, Any] = {"checkout": raw["checkout"], "env": raw["env"] or "local", "template": raw["template"] or None}
        for key in ("seed", "issue"):
            if raw[key]:
                try:
                    out[key] = int(raw[key])
                except ValueError:
                    raise ValueError(f"{key} must be a whole number") from None
            else:
                out[key] = None
        out["program"] = raw["program"] or None
        return out

    def action_save(self) -> None:
        try:
            values = self.values()
        except ValueError as exc:
            self.show_error(str(exc))
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        self.dismiss(None)
