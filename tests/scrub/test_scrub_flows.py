"""``triagedeck scrub`` end to end on the demo data through the loopback GitHub server
(real HTTP), real runs, fake version environments behind a conda stand-in, and a real
temporary PyTorch-like git checkout with tagged releases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.demo import DEMO_CASES
from core.gate.plan import WritePlan
from tests.conftest import writes

from .conftest import base_python, calls, make_checkout, make_fake_conda, rest_writes

LOCAL = f"local:{base_python()}"


def plan_of(doc: dict) -> WritePlan:
    return WritePlan.from_json(doc["plan"])


def test_reproducing_bug_drafts_a_still_reproduces_comment_and_apply_sends_exactly_it(scrub_cli, demo_server, tmp_path):
    n = DEMO_CASES["pure_python_math_domain"]
    code, out, err = scrub_cli(str(n), "--env", LOCAL, "--allow-unreviewed", "--json",
                               config=f'[scrub]\nrepro_dir = "{tmp_path / "repros"}"\n')
    assert code == 0, err
    doc = json.loads(out)
    assert doc["actionability"] == {**doc["actionability"], "kind": "bug", "actionable": True}
    assert doc["run"]["verdict"]["kind"] == "reproduces" and doc["outcome"] == "reproduces"
    assert [c["gate"] for c in doc["choices"]] == ["safety"] and doc["choices"][0]["via"] == "cli --choose"
    plan = plan_of(doc)
    assert [a.kind for a in plan.actions] == ["comment"]
    assert plan.comments[0].startswith("This issue still reproduces")
    assert plan.comments[0].rstrip().endswith("Analysis done with triagedeck.")
    assert "Fixed by" not in plan.comments[0]
    assert writes(demo_server) == []  # drafting writes nothing

    code, out, err = scrub_cli(str(n), "--env", LOCAL, "--allow-unreviewed", "--apply", "--yes", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert [o["status"] for o in doc["result"]["outcomes"]] == ["sent"]
    sent = rest_writes(demo_server)
    assert sent == [("POST", f"/repos/pytorch/pytorch/issues/{n}/comments", {"body": plan_of(doc).comments[0]})]


def test_the_safety_gate_is_not_passed_without_an_explicit_choice(scrub_cli, demo_server):
    n = DEMO_CASES["pure_python_math_domain"]
    code, out, err = scrub_cli(str(n), "--env", LOCAL, "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["gate"]["id"] == "safety" and doc["gate"]["options"] == ["run", "edit", "skip"]
    assert doc["run"] is None and doc["plan"] is None and not doc["finished"]
    status = {s["name"]: s["status"] for s in doc["steps"]}
    assert status["safety"] == "running" and status["reproduce"] == "pending"
    # The saved session continues once the gate is answered.
    code, out, err = scrub_cli(str(n), "--env", LOCAL, "--resume", "--choose", "safety=skip", "--json")
    doc2 = json.loads(out)
    assert doc2["session"] == doc["session"] and doc2["run"] is None
    assert {s["name"]: s["status"] for s in doc2["steps"]}["safety"] == "stopped"
    assert [a.kind for a in plan_of(doc2).actions] == ["add_labels"]  # skip still refreshes `triaged`
    assert writes(demo_server) == []


def test_screenshot_only_issue_stops(scrub_cli):
    code, out, err = scrub_cli(str(DEMO_CASES["screenshot_only"]), "--env", LOCAL, "--json")
    assert code == 0, err
    doc = json.loads(out)
    steps = {s["name"]: s for s in doc["steps"]}
    assert steps["actionable"]["status"] == "stopped" and "image" in steps["actionable"]["reason"]
    assert all(steps[n]["status"] == "skipped" for n in ("analyze", "reproduce", "report"))
    assert doc["run"] is None and doc["actionability"]["actionable"] is False
    assert [a.describe() for a in plan_of(doc).actions] == ["add labels: needs reproduction"]


def test_feature_request_gets_feature_proposed(scrub_cli, demo_server):
    code, out, err = scrub_cli(str(DEMO_CASES["feature_request"]), "--env", LOCAL, "--json")
    doc = json.loads(out)
    assert doc["actionability"]["kind"] == "feature" and not doc["actionability"]["actionable"]
    assert any("🚀" in e for e in doc["actionability"]["evidence"])
    assert plan_of(doc).labels_added == ("feature",) and not plan_of(doc).comments


def test_not_actionable_issue_gets_the_two_call_triaged_refresh(scrub_cli, demo_server):
    n = DEMO_CASES["docs"]  # a docs issue that already has `triaged`
    code, out, err = scrub_cli(str(n), "--env", LOCAL, "--apply", "--yes", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert [a["kind"] for a in doc["plan"]["actions"]] == ["remove_label", "add_labels"]
    sent = rest_writes(demo_server)
    assert [(m, p) for m, p, _ in sent] == [
        ("DELETE", f"/repos/pytorch/pytorch/issues/{n}/labels/triaged"),
        ("POST", f"/repos/pytorch/pytorch/issues/{n}/labels"),
    ]
    assert sent[1][2] == {"labels": ["triaged"]}


def test_locked_issue_plan_is_refused_by_the_gate(scrub_cli, demo_server):
    code, out, err = scrub_cli(str(DEMO_CASES["locked"]), "--env", LOCAL, "--apply", "--yes", "--json")
    doc = json.loads(out)
    assert code == 1 and doc["actionability"]["stop_reason"] == "locked"
    assert not plan_of(doc).empty and "locked" in doc["result"]["refused"]
    assert writes(demo_server) == []


def test_closed_issue_changes_no_labels(scrub_cli, demo_server):
    code, out, err = scrub_cli(str(DEMO_CASES["closed"]), "--env", LOCAL, "--apply", "--yes", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["actionability"]["stop_reason"] == "closed" and plan_of(doc).empty
    assert writes(demo_server) == []


# -- a fixed bug: bisection over fake version environments, fixing PR, close ----------------

@pytest.fixture
def checkout(tmp_path):
    return make_checkout(tmp_path / "pytorch", DEMO_CASES["already_fixed"])


@pytest.fixture
def fake_envs(tmp_path):
    root = tmp_path / "conda"
    versions = [f"2.{m}" for m in range(10)]
    exe = make_fake_conda(root, versions, broken=("2.2",))
    return root, exe


def _config(exe: Path, checkout: Path | None, tmp_path: Path, extra: str = "") -> str:
    lines = [f'pytorch_checkout = "{checkout}"' if checkout else "",
             "[runners.conda]", f'executable = "{exe}"',
             # the stand-in lives under /tmp, which the sandbox hides: these runs are unsandboxed by choice
             "[scrub]", 'sandbox = "off"', f'repro_dir = "{tmp_path / "repros"}"', extra]
    return "\n".join(lines) + "\n"


def test_fixed_bug_is_bisected_the_fixing_pr_found_and_closed(scrub_cli, demo_server, fake_envs, checkout, tmp_path):
    root, exe = fake_envs
    n = DEMO_CASES["already_fixed"]
    code, out, err = scrub_cli(str(n), "--env", "conda:pytorch-2.9", "--allow-unreviewed", "--json",
                               config=_config(exe, checkout, tmp_path))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["run"]["torch"] == "2.9.0" and doc["outcome"] == "fixed"
    assert len(doc["run"]["runs"]) == 3 and doc["run"]["runs"][1]["hash_seed"] == 0  # "passes" is confirmed
    b = doc["bisect"]
    assert (b["last_before"], b["first_after"], b["direction"]) == ("2.3", "2.4", "fix")
    assert b["rounds"] <= 3 and b["probes"] < len(b["versions"])
    outcomes = {p["version"]: p["outcome"] for p in b["timeline"]}
    assert outcomes.get("2.2") in (None, "broken") and outcomes["2.3"] == "bug" and outcomes["2.4"] == "fixed"
    # every probe ran from a scratch dir under /tmp with the caller's PYTHONPATH cleared
    bisect_calls = [c for c in calls(root) if c.split()[0] != "pytorch-2.9"]
    assert bisect_calls and all(" '' /tmp/" in c for c in bisect_calls)
    assert doc["fixing_pr"]["pr"] == 12345 and doc["fixing_pr"]["candidates"][0]["pr"] == 12345

    plan = plan_of(doc)
    assert [a.kind for a in plan.actions] == ["comment", "comment", "close"]
    report, closing = plan.comments
    assert report.startswith("This issue no longer reproduces on PyTorch 2.9.0.") and "Fixed by #12345." in report
    assert closing == "Closing as this was fixed in PyTorch 2.4."
    assert plan.close_reason == "completed"
    # the stale expectedFailure was found, proposed and (by default) declined: the file is untouched
    trivial = doc["trivial_fix"]
    assert trivial["fixes"] and trivial["applied"] is False
    assert "-    @unittest.expectedFailure" in trivial["fixes"][0]["diff"]
    assert "expectedFailure" in (checkout / "test/test_linalg.py").read_text()
    assert any("trivial fix" in f for f in doc["report"]["findings"])

    code, out, err = scrub_cli(str(n), "--env", "conda:pytorch-2.9", "--allow-unreviewed", "--apply", "--yes",
                               "--json", config=_config(exe, checkout, tmp_path))
    assert code == 0, err
    sent = rest_writes(demo_server)
    assert [(m, p.rsplit("/", 1)[-1]) for m, p, _ in sent] == [("POST", "comments"), ("POST", "comments"), ("PATCH", str(n))]
    assert sent[2][2]["state"] == "closed" and sent[2][2]["state_reason"] == "completed"


def test_trivial_fix_applies_only_when_chosen(scrub_cli, fake_envs, checkout, tmp_path):
    root, exe = fake_envs
    n = DEMO_CASES["already_fixed"]
    code, out, err = scrub_cli(str(n), "--env", "conda:pytorch-2.9", "--allow-unreviewed", "--choose",
                               "trivial_fix=apply", "--json", config=_config(exe, checkout, tmp_path))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["trivial_fix"]["applied"] is True
    text = (checkout / "test/test_linalg.py").read_text()
    assert "expectedFailure" not in text and "issues/" not in text and "def test_addmm_half_cpu" in text


def test_without_version_envs_or_checkout_only_the_current_version_is_reported(scrub_cli, tmp_path):
    root = tmp_path / "conda"
    exe = make_fake_conda(root, ["2.9"])
    (root / "envs" / "pytorch-2.9").rename(root / "envs" / "current")
    n = DEMO_CASES["already_fixed"]
    code, out, err = scrub_cli(str(n), "--env", "conda:current", "--allow-unreviewed", "--json",
                               config=_config(exe, None, tmp_path))
    assert code == 0, err
    doc = json.loads(out)
    status = {s["name"]: s for s in doc["steps"]}
    assert status["bisect"]["status"] == "skipped" and "no version environments" in status["bisect"]["reason"]
    plan = plan_of(doc)
    assert plan.comments[1] == "Closing as this was fixed in PyTorch 2.9.0." and "Fixed by" not in plan.comments[0]


def test_issue_file_runs_offline_and_no_run_runs_nothing(tmp_path, capsys, monkeypatch):
    from core.cli.main import run

    monkeypatch.delenv("TRIAGEDECK_CONFIG", raising=False)
    path = tmp_path / "issue.json"
    path.write_text(json.dumps({
        "number": 77, "title": "\x1b[31mred\x1b[0m [bold]title[/bold]", "user": {"login": "x"},
        "body": "### 🐛 Describe the bug\n\n```python\nimport math\nmath.log(0)\n```\n\n```\nValueError: math domain error\n```\n",
        "comments": [],
    }))
    # An unreachable API: --issue-file without --apply must not touch it.
    code = run(["scrub", "--issue-file", str(path), "--no-run", "--api-url", "http://127.0.0.1:9",
                "--data-dir", str(tmp_path / "d"), "--env", LOCAL])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "\x1b" not in out and "[bold]title[/bold]" in out
    assert "skipped  reproduce" in out and "--no-run" in out
