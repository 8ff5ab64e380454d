"""Pilot tests of the repro pane with real processes (sandbox off, explicitly)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from repro_support import (
    ReproHost,
    fence,
    make_thread,
    pane,
    settle,
    trust_all,
    wait_for,
)
from rich.console import Console
from rich.text import Text
from textual.widgets import Log, Static

from core.models import Trust
from core.run import VerdictKind
from core.safety.trust import ReviewChoice
from tui.screens.repro import ReproEditor, ReproScreen
from tui.widgets.repro import GatePanel

TRACEBACK = fence(
    "Traceback (most recent call last):\n  File \"repro.py\", line 3, in <module>\n"
    "    summarize(report)\nKeyError: 'time'",
    "",
)
RAISES = "totals = {}\nprint('summing', flush=True)\ntotals['time'] += 1\n"
PASSES = "print('all good')\nprint(sum(range(10)))\n"


def plain(content) -> str:
    """What a Static shows, as plain text (Rich renderables are printed without colour)."""
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(width=118, file=io.StringIO(), color_system=None, record=True)
    console.print(content)
    return console.export_text()


def static_text(screen, selector: str) -> str:
    return plain(screen.query_one(selector).content)


def log_lines(screen) -> list[str]:
    return list(screen.query_one(Log).lines)


async def start(pilot) -> ReproScreen:
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReproScreen)
    await wait_for(pilot, lambda: screen.analysis is not None)
    return screen


async def run_to_end(pilot, screen: ReproScreen, key: str = "r") -> None:
    await pilot.press(key)
    await wait_for(pilot, lambda: screen.state not in ("idle", "running"))
    await settle(pilot)


async def test_repro_raising_the_reported_error_reproduces(tmp_path):
    thread = make_thread(f"Summing fails.\n\n{fence(RAISES)}\n\n{TRACEBACK}")
    app = ReproHost(lambda: pane(thread, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        assert "KeyError" in static_text(screen, "#repro-reported")
        await run_to_end(pilot, screen)
        assert screen.state == "finished"
        assert screen.exit_code == 1
        assert screen.last_verdict.kind is VerdictKind.REPRODUCES
        assert "REPRODUCES" in static_text(screen, "#repro-verdict")
        assert "exit 1" in static_text(screen, "#repro-badge")
        assert "summing" in log_lines(screen)
        assert any("KeyError: 'time'" in line for line in log_lines(screen))
        # The full log is a file, and the verdict went out as a message for the workflow.
        assert screen.log_path is not None and "KeyError: 'time'" in screen.log_path.read_text()
        assert [m.verdict.kind for m in app.judged] == [VerdictKind.REPRODUCES]
        assert app.judged[0].code == RAISES


async def test_passing_repro_passes(tmp_path):
    thread = make_thread(f"Used to fail with KeyError.\n\n{fence(PASSES)}\n\n{TRACEBACK}")
    app = ReproHost(lambda: pane(thread, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await run_to_end(pilot, screen)
        assert screen.exit_code == 0
        assert screen.last_verdict.kind is VerdictKind.PASSES
        assert "PASSES" in static_text(screen, "#repro-verdict")
        assert log_lines(screen)[:2] == ["all good", "45"]


SLEEPER = """\
import os, time
child = os.fork()
if child == 0:
    time.sleep(600)
    os._exit(0)
print("pids", os.getpid(), child, flush=True)
time.sleep(600)
"""


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
    except OSError:
        return False
    return stat[stat.rfind(b")") + 2:].split()[0] != b"Z"


@pytest.mark.parametrize("key", ["ctrl+c", "x"])
async def test_cancel_kills_the_process_tree(tmp_path, key):
    thread = make_thread(f"Hangs.\n\n{fence(SLEEPER)}")
    app = ReproHost(lambda: pane(thread, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: any(line.startswith("pids ") for line in log_lines(screen)))
        pids = [int(p) for p in next(l for l in log_lines(screen) if l.startswith("pids ")).split()[1:]]
        assert screen.state == "running" and all(alive(p) for p in pids)
        await pilot.press(key)
        await wait_for(pilot, lambda: screen.state != "running")
        await settle(pilot)
        assert screen.state == "cancelled"
        assert "CANCELLED" in static_text(screen, "#repro-badge")
        assert "no verdict" in static_text(screen, "#repro-verdict")
        assert not [p for p in pids if alive(p)]


HOSTILE = 'import os\nprint("before")\nos.system("echo pwned-by-repro")\n'


async def test_hostile_repro_waits_for_the_gate(tmp_path):
    thread = make_thread(f"Bug.\n\n{fence(HOSTILE)}")
    app = ReproHost(lambda: pane(thread, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        findings = static_text(screen, "#repro-findings")
        assert "L3" in findings and "shell execution" in findings
        await pilot.press("r")
        await settle(pilot)
        gate = screen.query_one(GatePanel)
        assert screen.state == "gated" and gate.display
        assert "security finding" in plain(gate.content)
        # The trigger key again, and Enter, confirm nothing.
        await pilot.press("r", "enter", "r")
        await settle(pilot)
        assert screen.last_result is None and log_lines(screen) == []
        assert app.reviews == []
        # Skip is recorded and runs nothing.
        await pilot.press("s")
        await settle(pilot)
        assert screen.state == "skipped" and screen.last_result is None
        assert screen.review.choice is ReviewChoice.SKIP
        assert [m.record.choice for m in app.reviews] == [ReviewChoice.SKIP]
        # Asking again opens the gate again; only ``y`` runs it.
        await pilot.press("r")
        await settle(pilot)
        assert screen.state == "gated"
        await pilot.press("y")
        await wait_for(pilot, lambda: screen.state not in ("gated", "running"))
        await settle(pilot)
        assert [m.record.choice for m in app.reviews] == [ReviewChoice.SKIP, ReviewChoice.RUN]
        assert app.reviews[-1].code == HOSTILE
        assert "pwned-by-repro" in log_lines(screen)


async def test_clean_code_from_a_non_collaborator_is_gated_too(tmp_path):
    thread = make_thread(f"Bug.\n\n{fence(PASSES)}")
    app = ReproHost(lambda: pane(thread, tmp_path, collaborator_check=trust_all(Trust.NOT_COLLABORATOR)))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        assert "not a collaborator" in static_text(screen, "#repro-trust")
        await pilot.press("r")
        await settle(pilot)
        assert screen.state == "gated" and screen.last_result is None
        await pilot.press("escape")  # not now: nothing recorded, nothing run
        await settle(pilot)
        assert screen.state == "idle" and app.reviews == [] and screen.last_result is None


async def test_edit_choice_opens_the_editor_and_the_edit_runs(tmp_path):
    thread = make_thread(f"Bug.\n\n{fence(HOSTILE)}")
    app = ReproHost(lambda: pane(thread, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        editor = screen.query_one(ReproEditor)
        assert screen.editing and editor.display and editor.text == HOSTILE
        editor.load_text('print("edited and safe")\n')
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not screen.editing
        assert screen.current_code == 'print("edited and safe")\n'
        assert screen.candidate.code == HOSTILE  # the original is kept
        assert "edited" in static_text(screen, "#repro-code-title")
        assert "none" in static_text(screen, "#repro-findings")
        await run_to_end(pilot, screen)  # clean edit by a collaborator's repro: no gate
        assert log_lines(screen) == ["edited and safe"]
        await pilot.press("o")
        await settle(pilot)
        assert screen.current_code == HOSTILE


async def test_run_three_times_shows_a_results_table(tmp_path):
    thread = make_thread(f"Flaky?\n\n{fence(RAISES)}\n\n{TRACEBACK}")
    app = ReproHost(lambda: pane(thread, tmp_path, repeat_runs=3))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await run_to_end(pilot, screen, "R")
        assert screen.state == "finished"
        assert screen.report is not None and screen.report.runs == 3
        assert screen.report.ratio == "3/3" and screen.report.reproduced == 3
        table = static_text(screen, "#repro-results")
        assert "3/3 runs" in table and "failed 3" in table and "consistent" in table
        assert table.count("reproduces") == 3
        assert len(app.series) == 1 and len(app.judged) == 3
        assert sum(line.startswith("──── run ") for line in log_lines(screen)) == 2


async def test_candidates_are_switchable(tmp_path):
    thread = make_thread(
        f"Long repro:\n\n{fence(RAISES + 'x = 1' + chr(10) + 'y = 2' + chr(10))}\n\n{TRACEBACK}",
        comments=(("helper", f"Shorter:\n\n{fence(RAISES)}"),),
    )
    app = ReproHost(lambda: pane(thread, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        assert len(screen.candidates) == 2
        first = screen.index
        chosen = screen.candidate
        assert "chosen" in static_text(screen, "#repro-candidates")
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert screen.index != first and screen.candidate is not chosen
        assert f"Repro {screen.index + 1}/2" in static_text(screen, "#repro-code-title")
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert screen.candidate is chosen


async def test_huge_output_keeps_memory_bounded(tmp_path):
    thread = make_thread(f"Loud.\n\n{fence('for i in range(20000):' + chr(10) + '    print(i)')}")
    app = ReproHost(lambda: pane(thread, tmp_path, max_lines=500))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await run_to_end(pilot, screen)
        lines = log_lines(screen)
        assert len(lines) <= 500 and lines[-1] == "19999"
        assert screen.line_count == 20000
        assert "20,000 lines" in static_text(screen, "#repro-badge")
        assert screen.log_path.read_text().count("\n") == 20000
        opened = []
        screen._open_log = opened.append
        await pilot.press("L")
        assert opened == [screen.log_path]


HOSTILE_TEXT = (
    'print("[bold red]markup[/bold red] [link=https://evil.example]x[/link]")\n'
    'print("\\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 bell\\x07")\n'
    "# [reverse]code comment[/reverse] \x1b[5mblink\n"
)


async def test_markup_and_escapes_stay_literal(tmp_path):
    thread = make_thread(f"[bold]Title markup[/bold]\n\n{fence(HOSTILE_TEXT)}", title="[red]x[/red] \x1b[31mt")
    app = ReproHost(lambda: pane(thread, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        assert "[red]x[/red]" in static_text(screen, "#repro-title")
        code = static_text(screen, "#repro-code-body")
        await pilot.press("r")
        await settle(pilot)
        assert screen.state == "gated"  # the \\x escapes are an obfuscation finding
        await run_to_end(pilot, screen, "y")
        lines = log_lines(screen)
        assert lines[0] == "[bold red]markup[/bold red] [link=https://evil.example]x[/link]"
        assert all("\x1b" not in line and "\x07" not in line for line in lines)
        assert "red" in lines[1] and "bell" in lines[1]
        rendered = "\n".join(plain(w.content) for w in screen.query(Static))
        assert "\x1b" not in rendered and "\x07" not in rendered
        assert "[reverse]code comment[/reverse]" in code
        assert "[bold red]markup[/bold red]" in code


async def test_screenshot_only_issue_has_nothing_to_run(tmp_path):
    thread = make_thread("It crashes, see screenshot:\n\n![trace](https://example.com/trace.png)")
    app = ReproHost(lambda: pane(thread, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        assert screen.candidate is None and not screen.can_run()
        assert "Nothing to run" in static_text(screen, "#repro-code-title")
        await pilot.press("r")
        await settle(pilot)
        assert screen.state == "idle" and screen.last_result is None


async def test_leaving_the_pane_while_running_kills_the_run(tmp_path):
    thread = make_thread(f"Hangs.\n\n{fence(SLEEPER)}")
    app = ReproHost(lambda: pane(thread, tmp_path))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await start(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: any(line.startswith("pids ") for line in log_lines(screen)))
        pids = [int(p) for p in next(l for l in log_lines(screen) if l.startswith("pids ")).split()[1:]]
        await pilot.press("escape")
        await settle(pilot)
        await wait_for(pilot, lambda: not any(alive(p) for p in pids), timeout=15)


async def test_the_code_shows_before_the_collaborator_check_and_the_gate_stays_closed_meanwhile(tmp_path):
    import asyncio

    released = asyncio.Event()

    async def slow_check(login: str) -> Trust:
        await released.wait()  # the GitHub round trip
        return Trust.COLLABORATOR

    thread = make_thread(f"Bug.\n\n{fence(PASSES)}")
    app = ReproHost(lambda: pane(thread, tmp_path, collaborator_check=slow_check))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = pilot.app.screen
        await wait_for(pilot, lambda: screen.analysis is not None)
        assert screen.trust_checking and "checking the collaborator status" in static_text(screen, "#repro-trust")
        await pilot.press("r")  # trust unknown: the review gate, not a run
        await pilot.pause()
        assert screen.state == "gated" and screen.last_result is None
        await pilot.press("escape")
        released.set()
        await wait_for(pilot, lambda: not screen.trust_checking)
        assert "collaborator" in static_text(screen, "#repro-trust") and "checking" not in static_text(screen, "#repro-trust")
        await pilot.press("r")  # a clean repro from a collaborator runs at once
        await wait_for(pilot, lambda: screen.last_result is not None)
        assert app.reviews == []
