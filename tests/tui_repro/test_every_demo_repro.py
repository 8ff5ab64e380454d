"""Every repro-bearing demo issue, opened from the queue with keys only, in the repro pane.

The real app over the demo dataset on the loopback GitHub server: ``/`` + the number +
Enter in the queue, Enter to open the issue, ``p`` for the repro pane. What the pane shows
is checked against ``DEMO_EXPECTATIONS``: the chosen block (author, source, the code of
the block the expectation points at, split repros merged), the reported error signature,
the security findings of the hostile repros and their gate (``r`` opens it; nothing runs).
One app session visits every issue in turn; mismatches are collected per issue and
asserted once, as a list.

Then the runnable ones (pure Python, and CPU torch where torch is installed) run live from
the pane: ``r``, ``y`` at the gate when there is one, and the verdict badge must say what
the expectation ``reproduces`` says.
"""

from __future__ import annotations

import importlib.util
import io
import re
import sys
from difflib import SequenceMatcher

import pytest
from markdown_it import MarkdownIt
from repro_support import (
    back_to_queue,
    demo_app,
    demo_app_config,
    open_from_queue,
    wait_for,
)
from rich.console import Console
from rich.text import Text
from textual.widgets import Log

from core.demo import DEMO_EXPECTATIONS, demo_dataset
from core.loopback import LoopbackServer, LoopbackState
from core.run import VerdictKind
from tests.conftest import make_workbench
from tui.screens.repro import ReproScreen
from tui.widgets.repro import GatePanel

HAS_TORCH = importlib.util.find_spec("torch") is not None

REPRO_BEARING = sorted(
    n for n, facts in DEMO_EXPECTATIONS.items() if facts.get("repro_author") or facts.get("screenshot_only")
)
# Expectation category → the words the findings panel shows for it.
CATEGORY_SHOWN = {"network": "network", "file_ops": "file outside tmp", "shell": "shell execution",
                  "download": "external load", "obfuscation": "obfuscation", "install": "package install",
                  "env": "environment"}
# Expectations the app does not meet yet, by scenario key → why. Kept strict: an entry that
# starts to pass fails the test until it is removed here.
KNOWN_GAPS: dict[str, str] = {}

_md = MarkdownIt("commonmark")
_DATA = {i["number"]: i for i in demo_dataset()["issues"]}


def expected_block(number: int) -> str:
    """The code of the block the expectation points at: the first python fence of the post
    named by ``repro_source`` (the first two, joined, for a split repro)."""
    facts = DEMO_EXPECTATIONS[number]
    issue = _DATA[number]
    source = facts["repro_source"]
    text = issue["body"] if source == "body" else issue["comments"][source]["body"]
    fences = [t for t in _md.parse(text) if t.type == "fence"]
    blocks = [t.content for t in fences if t.info.strip() in ("python", "py")]
    if not blocks:  # only a launch command: the shell block is what is shown
        blocks = [t.content for t in fences if t.info.strip() in ("bash", "sh", "shell", "console")]
    return "\n".join(blocks[:2]) if facts.get("repro_split") else blocks[0]


def source_label(source) -> str:
    return "body" if source == "body" else f"comment {source + 1}"


def normal(code: str) -> str:
    """Code without trailing spaces and blank lines (a merged split repro is joined without one)."""
    return "\n".join(line.rstrip() for line in code.splitlines() if line.strip())


def plain(content) -> str:
    if isinstance(content, Text):
        return content.plain
    if isinstance(content, str):
        return content
    console = Console(width=200, file=io.StringIO(), color_system=None, record=True)
    console.print(content)
    return console.export_text()


def shown(screen, selector: str) -> str:
    return plain(screen.query_one(selector).content)


def squash(text: str) -> str:
    return " ".join(text.split()).lower().strip("'\" ")


def same_message(found: str, wanted: str) -> bool:
    """The shown substring and the expected one describe the same message: they share a run
    of at least half the expected text (either may be the longer one)."""
    a, b = squash(found), squash(wanted)
    match = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return match.size >= max(4, (len(b) + 1) // 2)


def check_pane(screen: ReproScreen, number: int) -> list[str]:
    """What the pane shows for ``number`` against the expectations (problems, or [])."""
    facts = DEMO_EXPECTATIONS[number]
    problems: list[str] = []
    if screen.analysis is None:
        return [f"no analysis: {screen.analysis_error}"]
    title = shown(screen, "#repro-code-title")
    if facts.get("screenshot_only"):
        stop = screen.analysis.selection.stop
        if screen.candidate is not None or stop is None or stop.kind != "screenshot_only":
            problems.append(f"not stopped as screenshot-only (stop={stop})")
        if not title.startswith("Nothing to run") or "image" not in title:
            problems.append(f"title does not give the screenshot-only reason: {title!r}")
        return problems
    # The chosen block.
    c = screen.candidate
    if c is None:
        return [f"no repro chosen: {title!r}"]
    if c is not screen.analysis.selection.selected:
        problems.append("the pane does not show the chosen candidate first")
    want_source = source_label(facts["repro_source"])
    if (c.author, c.source) != (facts["repro_author"], want_source):
        problems.append(f"chose {c.source} by @{c.author}, expected {want_source} by @{facts['repro_author']}")
    if f"{want_source} by @{facts['repro_author']}" not in title:
        problems.append(f"code title does not name the expected block: {title!r}")
    if normal(screen.current_code) != normal(expected_block(number)):
        problems.append("the code shown is not the expected block")
    first = next(line.strip() for line in expected_block(number).splitlines() if line.strip())
    if first[:60] not in shown(screen, "#repro-code-body"):
        problems.append(f"the code view does not show {first[:60]!r}")
    if bool(facts.get("repro_split")) != c.merged:
        problems.append(f"merged={c.merged}, expected split={bool(facts.get('repro_split'))}")
    if facts.get("repro_split") and "merged ×2" not in shown(screen, "#repro-candidates"):
        problems.append("the candidates panel does not say the split repro was merged")
    # The reported error signature.
    reported = shown(screen, "#repro-reported")
    sig = screen.expected
    if "signal" in facts:
        if sig is None or sig.signal != facts["signal"]:
            problems.append(f"signal {sig and sig.signal}, expected {facts['signal']}")
        elif f"signal {facts['signal']}" not in reported:
            problems.append(f"the reported-error panel does not show the signal: {reported!r}")
    if facts.get("error_class"):
        if sig is None:
            problems.append(f"no reported error, expected {facts['error_class']}")
        else:
            if sig.exception_class != facts["error_class"]:
                problems.append(f"class {sig.exception_class!r}, expected {facts['error_class']!r}")
            if (sig.exception_class or "") not in reported:
                problems.append(f"the reported-error panel does not show the class: {reported!r}")
            if facts.get("error_match"):
                if not sig.message_substring or not same_message(sig.message_substring, facts["error_match"]):
                    problems.append(f"message {sig.message_substring!r}, expected {facts['error_match']!r}")
                elif sig.message_substring[:40] not in " ".join(reported.split()):
                    problems.append(f"the reported-error panel does not show the message: {reported!r}")
    # Security findings.
    findings = " ".join(shown(screen, "#repro-findings").split())
    for category in facts.get("security") or ():
        if CATEGORY_SHOWN[category] not in findings:
            problems.append(f"findings panel lacks {CATEGORY_SHOWN[category]!r}: {findings!r}")
    if facts.get("security") == [] and not findings.endswith("none"):
        problems.append(f"flagged although it must not be: {findings!r}")
    return problems


async def check_gate(pilot, screen: ReproScreen) -> list[str]:
    """A hostile repro: ``r`` opens the gate (findings named), nothing runs; Escape closes it."""
    problems = []
    await pilot.press("r")
    await pilot.pause()
    gate = screen.query_one(GatePanel)
    text = plain(gate.content)
    if screen.state != "gated" or not gate.display:
        problems.append(f"`r` did not open the gate (state {screen.state})")
    elif "security finding" not in text:
        problems.append(f"the gate does not name the findings: {text!r}")
    await pilot.press("escape")
    await pilot.pause()
    if screen.last_result is not None or screen.query_one(Log).lines or screen.reviews:
        problems.append("something ran or was recorded without a choice at the gate")
    return problems


@pytest.fixture
def demo_server():
    server = LoopbackServer(LoopbackState.from_dataset(demo_dataset())).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def demo_wb(demo_server, tmp_path):
    wb = make_workbench(demo_server, tmp_path / "data", **demo_app_config())
    for section in wb.config.queue_sections:
        await wb.sync_section(section, full=True)
    try:
        yield wb
    finally:
        await wb.aclose()


async def open_pane(pilot, number: int) -> ReproScreen:
    await open_from_queue(pilot, number)
    await pilot.press("p")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, ReproScreen))
    screen = pilot.app.screen
    await wait_for(pilot, lambda: screen.analysis is not None or screen.analysis_error is not None)
    await pilot.pause()
    return screen


def test_the_demo_has_repro_bearing_issues_of_every_kind():
    envs = {DEMO_EXPECTATIONS[n].get("repro_env") for n in REPRO_BEARING}
    assert len(REPRO_BEARING) >= 50 and {"python", "cpu_torch", "cuda", "multi_gpu", "multi_node", None} <= envs
    assert any(DEMO_EXPECTATIONS[n].get("repro_split") for n in REPRO_BEARING)
    assert any(isinstance(DEMO_EXPECTATIONS[n].get("repro_source"), int) for n in REPRO_BEARING)
    assert {DEMO_EXPECTATIONS[n]["key"] for n in REPRO_BEARING} >= set(KNOWN_GAPS)


# One app session per chunk visits its issues in turn (chunks let pytest-xdist spread them).
CHUNKS = 4


@pytest.mark.parametrize("chunk", range(CHUNKS), ids=[f"chunk{i + 1}of{CHUNKS}" for i in range(CHUNKS)])
async def test_every_repro_bearing_issue_opens_in_the_repro_pane_as_expected(demo_wb, chunk):
    numbers = REPRO_BEARING[chunk::CHUNKS]
    problems: dict[str, list[str]] = {}
    visited = []
    app = demo_app(demo_wb)
    async with app.run_test(size=(140, 45)) as pilot:
        for number in numbers:
            facts = DEMO_EXPECTATIONS[number]
            screen = await open_pane(pilot, number)
            assert screen.number == number
            found = check_pane(screen, number)
            if facts.get("security") and screen.candidate is not None:
                found += await check_gate(pilot, screen)
            if found:
                problems[f"#{number} {facts['key']}"] = found
            visited.append(number)
            await back_to_queue(pilot)
    assert visited == numbers
    keys = {f"#{n} {DEMO_EXPECTATIONS[n]['key']}": DEMO_EXPECTATIONS[n]["key"] for n in numbers}
    unexpected = {k: v for k, v in problems.items() if keys[k] not in KNOWN_GAPS}
    now_met = sorted(key for key in KNOWN_GAPS if key in keys.values() and not any(keys[k] == key for k in problems))
    report = "\n".join(f"{k}:\n  - " + "\n  - ".join(v) for k, v in unexpected.items())
    assert not unexpected, f"{len(unexpected)} of {len(numbers)} issues differ from DEMO_EXPECTATIONS:\n{report}"
    assert not now_met, f"known gaps now met (remove them from KNOWN_GAPS): {now_met}"


def _runnable() -> list:
    out = []
    for number in REPRO_BEARING:
        facts = DEMO_EXPECTATIONS[number]
        if facts.get("reproduces") not in (True, False) or facts.get("repro_env") not in ("python", "cpu_torch"):
            continue
        marks = []
        if facts["repro_env"] == "cpu_torch":
            marks = [pytest.mark.skipif(not HAS_TORCH, reason="torch is not installed in the configured interpreter")]
        out.append(pytest.param(number, marks=marks, id=f"{number}-{facts['key']}"))
    return out


RUNNABLE = _runnable()


def test_there_are_runnable_repros_with_and_without_torch():
    envs = {DEMO_EXPECTATIONS[p.values[0]]["repro_env"] for p in RUNNABLE}
    assert envs == {"python", "cpu_torch"}
    assert {DEMO_EXPECTATIONS[p.values[0]]["reproduces"] for p in RUNNABLE} == {True, False}


@pytest.mark.parametrize("number", RUNNABLE)
async def test_runnable_demo_repro_runs_live_with_the_right_verdict(demo_wb, number):
    facts = DEMO_EXPECTATIONS[number]
    app = demo_app(demo_wb)
    async with app.run_test(size=(140, 45)) as pilot:
        screen = await open_pane(pilot, number)
        assert screen.target.python == sys.executable  # the configured interpreter
        await pilot.press("r")
        await pilot.pause()
        if screen.state == "gated":  # a non-collaborator's repro (or no sandbox): the maintainer runs it
            assert screen.query_one(GatePanel).display and screen.last_result is None
            await pilot.press("y")
        await wait_for(pilot, lambda: screen.state not in ("idle", "gated", "running"), timeout=110)
        await pilot.pause()
        lines = list(screen.query_one(Log).lines)
        badge = shown(screen, "#repro-badge")
        verdict = shown(screen, "#repro-verdict")
        tail = "\n".join(lines[-12:])
        assert screen.state == "finished", (screen.state, badge, screen.run_error, tail)
        assert lines, "no output reached the pane"
        if facts["reproduces"]:
            assert screen.last_verdict.kind is VerdictKind.REPRODUCES, (verdict, tail)
            assert verdict.lstrip().startswith("REPRODUCES"), verdict
            assert "exit 1" in badge, badge
            wanted = facts["error_match"]
            assert any(wanted in line for line in lines), f"{wanted!r} not in the output:\n{tail}"
        else:
            assert screen.last_verdict.kind is VerdictKind.PASSES, (verdict, tail)
            assert verdict.lstrip().startswith("PASSES"), verdict
            assert "exit 0" in badge, badge
            assert not any(re.search(r"^\w*(Error|Exception)\b", line) for line in lines), tail
