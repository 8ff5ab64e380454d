"""SVG snapshots of the repro pane at 120x40: before a run, at the gate, after a run.

Deterministic: a fixed environment name, a frozen clock (elapsed shows 0.0 s), log files
named by issue and run number, output without paths or timings. Update with
``pytest tests/tui_repro --snapshot-update``.
"""

from __future__ import annotations

from repro_support import ReproHost, fence, make_thread, pane, settle, wait_for

SIZE = (120, 40)
TRACEBACK = fence(
    "Traceback (most recent call last):\n  File \"stats.py\", line 9, in summarize\n"
    "    totals[key] = float(case.attrib[\"time\"])\nKeyError: 'time'",
    "",
)
CLEAN = """\
import xml.etree.ElementTree as ET

REPORT = "<testsuite><testcase name='a' time='0.4'/><testcase name='b'><skipped/></testcase></testsuite>"

totals = {}
for case in ET.fromstring(REPORT).iter("testcase"):
    print("case", case.attrib["name"])
    totals[case.attrib["name"]] = float(case.attrib.get("time", "nan"))
print("KeyError: 'time'")  # what the reporter saw, printed so the output has no paths
raise SystemExit(1)
"""
HOSTILE = """\
import base64, os, subprocess
import torch

payload = base64.b64decode("cHJpbnQoJ293bmVkJyk=")
exec(payload)
subprocess.run("pip install totally-safe-pkg", shell=True)
os.environ["LD_PRELOAD"] = "/home/me/evil.so"
open(os.path.expanduser("~/.ssh/authorized_keys"), "a").write("ssh-ed25519 AAAA [bold]x[/bold]")
print(torch.zeros(3))
"""


def app_for(tmp_path, code: str):
    thread = make_thread(f"`summarize` crashes on skipped cases.\n\n{fence(code)}\n\n{TRACEBACK}",
                         title="tools/stats: KeyError: 'time' on skipped test cases [bold]x[/bold]")
    return ReproHost(lambda: pane(thread, tmp_path, clock=lambda: 0.0))


async def ready(pilot):
    await settle(pilot)
    await wait_for(pilot, lambda: pilot.app.screen.analysis is not None)
    await settle(pilot)


def test_pane_before_run(snap_compare, tmp_path):
    assert snap_compare(app_for(tmp_path, CLEAN), terminal_size=SIZE, run_before=ready)


def test_pane_with_findings_at_the_gate(snap_compare, tmp_path):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("r")
        await settle(pilot)

    assert snap_compare(app_for(tmp_path, HOSTILE), terminal_size=SIZE, run_before=run_before)


def test_pane_after_finished_run(snap_compare, tmp_path):
    async def run_before(pilot):
        await ready(pilot)
        await pilot.press("r")
        await wait_for(pilot, lambda: pilot.app.screen.state == "finished")
        await settle(pilot)

    assert snap_compare(app_for(tmp_path, CLEAN), terminal_size=SIZE, run_before=run_before)
