"""``triagedeck fuzz`` verbs, headless, against the fake checkout."""

from __future__ import annotations

import json
import sys

import pytest

from core.cli.main import run

from .conftest import FAILING_SEED, PASSING_SEED
from .fakecheckout import apply_fix, write_ghstackrc
from .test_session_flow import QUALITY, SUMMARY


@pytest.fixture
def cli(tmp_path, tools, capsys, monkeypatch):
    monkeypatch.delenv("TRIAGEDECK_CONFIG", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(
        "[fuzz]\n"
        f"python = {json.dumps(sys.executable)}\n"
        'extra_env = { PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }\n'
        "test_timeout_s = 60\n"
        f"ghstackrc = {json.dumps(str(tmp_path / 'ghstackrc'))}\n"
    )
    base = ["--config", str(config), "--data-dir", str(tmp_path / "data")]

    def invoke(*args):
        code = run(["fuzz", args[0], *base, *args[1:]])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_repro_test_then_the_session_verbs_to_a_push(cli, checkout, tmp_path):
    code, out, err = cli("repro-test", "--checkout", str(checkout), "--seed", str(FAILING_SEED), "--issue", "777", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["ok"] and doc["step"] == "fix"
    assert doc["signature"]["exc_type"] == "IndexError"
    assert doc["program"]["path"].endswith("program.py") and doc["program"]["exit_code"] == 1
    assert doc["program"]["fuzzer_path"].endswith(".py")
    assert doc["test"]["node_id"] == "test/test_torchfuzz_repros.py::TestFuzzerCompileIssues::test_fuzzer_issue_777"
    assert doc["runs"]["fails"]["outcomes"][0]["outcome"] == "failed"
    assert doc["runs"]["xfail"]["outcomes"][0]["outcome"] == "xfailed"
    assert '@pytest.mark.xfail(reason="Issue #777")' in (checkout / "test/test_torchfuzz_repros.py").read_text()

    code, out, err = cli("sessions", "--json")
    assert code == 0, err
    sessions = json.loads(out)
    assert sessions[0]["id"] == doc["session"] and sessions[0]["step"] == "fix"
    assert [s["state"] for s in sessions[0]["steps"]] == ["done", "done", "current", "locked", "locked", "locked"]

    # Gates hold for the CLI too: no validation before step 2 is finished.
    sid = doc["session"]
    code, out, err = cli("validate", sid, "--json")
    assert code == 1 and "locked" in err

    # The rest of the session through the verbs: fix, validate, review, commit, push.
    apply_fix(checkout)
    form = tmp_path / "form.json"
    form.write_text(json.dumps({"quality": QUALITY, "summary": SUMMARY}))
    code, out, err = cli("fix", sid, "--form", str(form), "--json")
    assert code == 0, out
    assert json.loads(out)["step"] == "validate"
    code, out, err = cli("validate", sid, "--json")
    assert code == 6 and "comment review" in json.loads(out)["reason"]
    code, out, err = cli("validate", sid, "--comments-ok", "--json")
    assert code == 0, out
    assert json.loads(out)["fail_without"]["ok"]
    code, out, err = cli("review", sid, "--confirm", "--json")
    assert code == 0 and json.loads(out)["step"] == "publish"
    code, out, err = cli("commit", sid, "--json")
    assert code == 0, out
    commits = json.loads(out)["commits"]
    assert len(commits) == 2
    code, out, err = cli("push", sid, "--json")
    assert code == 1 and "--yes" in json.loads(out)["reason"]
    code, out, err = cli("push", sid, "--yes", "--json")
    assert code == 1 and "ghstackrc" in err  # not configured: refused with instructions
    write_ghstackrc(tmp_path / "ghstackrc")
    code, out, err = cli("push", sid, "--yes", "--json")
    assert code == 0, out
    pushed = json.loads(out)
    assert pushed["pr_urls"][0].endswith("/pull/4242") and pushed["plan"]["commits"] == commits


def test_repro_test_gate_failures_exit_non_zero_with_a_reason(cli, checkout, tmp_path):
    code, out, err = cli("repro-test", "--checkout", str(checkout), "--seed", str(PASSING_SEED), "--json")
    doc = json.loads(out)
    assert code == 3 and not doc["ok"] and "does not fail" in doc["reason"]

    # A program whose error depends on how it is run: the test fails, but not the same way.
    program = tmp_path / "prog.py"
    program.write_text('import sys\nraise RuntimeError("argv has %d entries" % len(sys.argv))\n')
    code, out, err = cli("repro-test", "--checkout", str(checkout), "--program", str(program), "--json")
    doc = json.loads(out)
    assert code == 4 and "different error" in doc["reason"], doc["reason"]
    assert doc["signature"]["message"] == "argv has 1 entries"

    # A program that fails only outside pytest: the test passes, so it reproduces nothing.
    program.write_text('import sys\nif "pytest" not in sys.modules:\n    raise RuntimeError("only outside pytest")\n')
    code, out, err = cli("repro-test", "--checkout", str(checkout), "--program", str(program))
    assert code == 4 and "does not reproduce" in err

    code, out, err = cli("sessions", "--json")
    assert sorted(s["status"] for s in json.loads(out)) == ["active", "active", "stopped"]


def test_push_test_verb_needs_the_proofs_and_yes(cli, checkout, tmp_path, tools):
    from .fakecheckout import tool_calls

    write_ghstackrc(tmp_path / "ghstackrc")
    code, out, err = cli("repro-test", "--checkout", str(checkout), "--seed", str(FAILING_SEED), "--issue", "778", "--json")
    assert code == 0, err
    sid = json.loads(out)["session"]
    code, out, err = cli("push-test", sid, "--json")
    doc = json.loads(out)
    assert code == 1 and "--yes" in doc["reason"] and len(doc["plan"]["commits"]) == 1
    assert [c for c in tool_calls(tools) if c["tool"] == "ghstack"] == []
    code, out, err = cli("push-test", sid, "--yes", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["ok"] and doc["pr_urls"][0].endswith("/pull/4242")
    assert len([c for c in tool_calls(tools) if c["tool"] == "ghstack"]) == 1
    code, out, err = cli("push-test", sid, "--yes", "--json")
    assert code == 1 and "already pushed" in err
