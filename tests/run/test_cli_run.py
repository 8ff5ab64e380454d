"""``triagedeck run`` through the real parser and CliContext."""

from __future__ import annotations

import io
import json

import pytest

from core.cli.context import CliContext
from core.cli.main import build_parser
from core.config import Config

from .helpers import PYTHON

REPRO = "import sys\nprint('working')\nraise RuntimeError('expected scalar type Float but found Double')\n"


async def run_cli(tmp_path, *argv, runners=None):
    args = build_parser().parse_args(["run", *argv])
    out = io.StringIO()
    ctx = CliContext(config=Config(data_dir=tmp_path / "data", extra={"runners": runners or {}}), args=args, stdout=out, stderr=io.StringIO())
    code = await args.handler(args, ctx)
    return code, out.getvalue(), ctx.stderr.getvalue()


@pytest.fixture
def repro(tmp_path):
    path = tmp_path / "repro_123.py"
    path.write_text(REPRO)
    return path


async def test_run_json_reproduces_with_probe_and_flaky_ratio(tmp_path, repro):
    code, out, _ = await run_cli(
        tmp_path, str(repro), "--env", f"local:{PYTHON}", "--sandbox", "off", "--runs", "2", "--no-probe",
        "--expect-class", "RuntimeError", "--expect-match", "expected scalar type Float", "--json",
    )
    assert code == 0
    data = json.loads(out)
    assert data["verdict"]["kind"] == "reproduces"
    assert "RuntimeError: expected scalar type Float but found Double" in data["verdict"]["evidence"]
    assert [r["exit_code"] for r in data["runs"]] == [1, 1]
    assert data["flaky"]["ratio"] == "2/2" and data["flaky"]["flaky"] is False
    assert all(open(r["log"]).read().startswith("working") for r in data["runs"])


async def test_run_events_stream_json_lines(tmp_path, repro):
    code, out, _ = await run_cli(tmp_path, str(repro), "--env", f"local:{PYTHON}", "--sandbox", "off", "--events")
    records = [json.loads(line) for line in out.splitlines()]
    kinds = [r["event"] for r in records]
    assert kinds[0] == "probe" and kinds[1] == "started" and kinds[-2] == "finished" and kinds[-1] == "summary"
    assert {"event": "line", "stream": "stdout", "text": "working"}.items() <= records[2].items()
    assert records[-1]["environment"]["probe"]["executable"] == PYTHON
    assert records[-1]["verdict"]["kind"] == "fails"


async def test_run_text_output(tmp_path, repro):
    code, out, _ = await run_cli(tmp_path, str(repro), "--env", f"local:{PYTHON}", "--sandbox", "off", "--no-probe",
                                 "--expect-class", "ValueError", "--expect-match", "nope")
    assert code == 0
    assert "working" in out and "verdict: different error: RuntimeError" in out


async def test_run_rejects_missing_file(tmp_path):
    code, _, err = await run_cli(tmp_path, str(tmp_path / "missing.py"))
    assert code == 2 and "no such file" in err
