"""Shared material for the diff pane tests: sample patches, a host app, step records."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import App, ComposeResult
from textual.widget import Widget

from tui.paths import stylesheets
from tui.widgets.diff.patch import diff_texts, format_patch

HOSTILE = "[bold red]pwned[/bold red] \x1b[31mred\x1b[0m \x07bell [link=https://evil.example]x[/link]"

OLD_PY = '''import os
import torch


def make_model(width: int = 64):
    """Build the model."""
    layers = [torch.nn.Linear(width, width) for _ in range(4)]
    return torch.nn.Sequential(*layers)


def train(model, steps=10):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for step in range(steps):
        x = torch.randn(8, 64)
        loss = model(x).sum()
        loss.backward()
        opt.step()
    return loss


def report(loss):
    print("final loss", loss.item())


if __name__ == "__main__":
    model = make_model()
    loss = train(model)
    report(loss)
    print("done")
'''

NEW_PY = '''import torch


def make_model(width: int = 32):
    """Build the model."""
    layers = [torch.nn.Linear(width, width) for _ in range(2)]
    return torch.nn.Sequential(*layers)


def train(model, steps=10):
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    for step in range(steps):
        x = torch.randn(8, 32)
        loss = model(x).sum()
        loss.backward()
        opt.step()
    return loss


def report(loss):
    print("final loss", float(loss))


if __name__ == "__main__":
    model = make_model()
    loss = train(model)
    report(loss)
'''

MULTI_FILE_PATCH = (
    "diff --git a/torch/nn/linear.py b/torch/nn/linear.py\n"
    "index 1111111..2222222 100644\n"
    "--- a/torch/nn/linear.py\n"
    "+++ b/torch/nn/linear.py\n"
    "@@ -10,7 +10,7 @@ class Linear(Module):\n"
    "     def forward(self, input):\n"
    "-        return F.linear(input, self.weight, self.bias)\n"
    "+        return F.linear(input, self.weight, bias=self.bias)\n"
    " \n"
    "     def extra_repr(self):\n"
    "         return 'in_features={}'.format(self.in_features)\n"
    " \n"
    " \n"
    "diff --git a/docs/old_name.md b/docs/new_name.md\n"
    "similarity index 100%\n"
    "rename from docs/old_name.md\n"
    "rename to docs/new_name.md\n"
    "diff --git a/test/test_new.py b/test/test_new.py\n"
    "new file mode 100644\n"
    "index 0000000..3333333\n"
    "--- /dev/null\n"
    "+++ b/test/test_new.py\n"
    "@@ -0,0 +1,4 @@\n"
    "+import torch\n"
    "+\n"
    "+def test_linear():\n"
    "+    assert torch.nn.Linear(2, 2)(torch.ones(2)).shape == (2,)\n"
    "\\ No newline at end of file\n"
    "diff --git a/tools/gone.sh b/tools/gone.sh\n"
    "deleted file mode 100755\n"
    "index 4444444..0000000\n"
    "--- a/tools/gone.sh\n"
    "+++ /dev/null\n"
    "@@ -1,2 +0,0 @@\n"
    "-#!/bin/sh\n"
    "-echo gone\n"
)


def python_patch_text() -> str:
    return format_patch(diff_texts(OLD_PY, NEW_PY, old_name="repro.py", new_name="repro.py"))


def many_hunks(n_funcs: int = 80, every: int = 10) -> tuple[str, str]:
    """Two long Python texts differing in one function out of ``every``."""
    old = "".join(f"def f{i}(x):\n    return x + {i}\n\n\n" for i in range(n_funcs))
    new = "".join(
        f"def f{i}(x):\n    return x {'*' if i % every == 0 else '+'} {i}\n\n\n" for i in range(n_funcs)
    )
    return old, new


class Host(App):
    """Mounts one widget (or pushes a screen) with the project's stylesheets."""

    CSS_PATH = stylesheets()

    def __init__(self, widget: Widget | None = None, screen=None) -> None:
        super().__init__()
        self.widget = widget
        self.start_screen = screen
        self.messages: list = []
        self.dismissed: list = []

    def compose(self) -> ComposeResult:
        if self.widget is not None:
            yield self.widget

    def on_mount(self) -> None:
        self.animation_level = "none"
        if self.start_screen is not None:
            self.push_screen(self.start_screen, self.dismissed.append)

    def on_diff_pane_accepted(self, message) -> None:
        self.messages.append(("accepted", message.pane.id))

    def on_diff_pane_rejected(self, message) -> None:
        self.messages.append(("rejected", message.pane.id))


@dataclass(frozen=True)
class FakeSize:
    lines: int
    nodes: int


@dataclass(frozen=True)
class FakeStep:
    """Anything with pass_name / diff / size_after is a step (the screen's Protocol)."""

    pass_name: str
    diff: str
    size_after: object


def minimizer_steps() -> tuple[list[FakeStep], str, str]:
    """A three-step minimization of OLD_PY, with diffs shaped like core.minimize's (before/after)."""
    import difflib

    stages = [OLD_PY]
    stages.append(OLD_PY.replace("import os\n", ""))
    stages.append(stages[-1].replace('    print("done")\n', ""))
    stages.append(stages[-1].replace("range(4)", "range(1)").replace("width: int = 64", "width: int = 2"))
    steps = []
    names = ["imports-setup", "after-raise", "shrink-model"]
    for k, name in enumerate(names):
        before, after = stages[k], stages[k + 1]
        diff = "".join(
            difflib.unified_diff(before.splitlines(True), after.splitlines(True), "before", "after", n=2)
        )
        lines = sum(1 for line in after.splitlines() if line.strip())
        steps.append(FakeStep(name, diff, FakeSize(lines, lines * 7)))
    return steps, stages[0], stages[-1]


async def settle(pilot) -> None:
    """Wait for workers (the lexer loader) and repaint."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
