"""A regression end to end: the newest release still fails, the issue says an older one
worked, so the bisection looks for the first release where it *started* failing, the culprit
PR is found between the two release tags of a real temporary git checkout, and the drafted
comment says so. Real runs through a conda stand-in, the loopback GitHub server over HTTP."""

from __future__ import annotations

import json

import pytest

from core.cli.main import run
from core.gate.plan import WritePlan
from core.loopback import LoopbackServer, LoopbackState
from tests.conftest import writes

from .conftest import calls
from .regression_support import (
    REGRESSION_BODY,
    REGRESSION_ISSUE,
    make_regression_checkout,
    make_regression_conda,
    regression_dataset,
)

VERSIONS = [f"2.{m}" for m in range(10)]


@pytest.fixture
def regression_cli(tmp_path, capsys, monkeypatch):
    """``invoke(body=..., args...)`` → (exit code, JSON doc, server) over a fresh loopback server."""
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.delenv("TRIAGEDECK_CONFIG", raising=False)
    servers = []

    def invoke(*args: str, config: str, body: str = REGRESSION_BODY):
        server = LoopbackServer(LoopbackState.from_dataset(regression_dataset(body))).start()
        servers.append(server)
        path = tmp_path / "config.toml"
        path.write_text(config)
        code = run(["scrub", "--api-url", server.url, "--data-dir", str(tmp_path / f"data{len(servers)}"),
                    "--repo", "pytorch/pytorch", "--config", str(path), str(REGRESSION_ISSUE), *args])
        out, err = capsys.readouterr()
        assert code == 0, err
        return json.loads(out), server

    yield invoke
    for server in servers:
        server.stop()


def _config(exe, checkout, tmp_path) -> str:
    lines = [f'pytorch_checkout = "{checkout}"' if checkout else "", "[runners.conda]", f'executable = "{exe}"',
             "[scrub]", 'sandbox = "off"', f'repro_dir = "{tmp_path / "repros"}"']
    return "\n".join(lines) + "\n"


def test_regression_finds_the_first_failing_release_the_culprit_and_drafts_the_comment(regression_cli, tmp_path):
    root = tmp_path / "conda"
    exe = make_regression_conda(root, VERSIONS)
    checkout = make_regression_checkout(tmp_path / "pytorch")
    doc, server = regression_cli("--env", "conda:pytorch-2.9", "--allow-unreviewed", "--json",
                                 config=_config(exe, checkout, tmp_path))
    assert doc["run"]["torch"] == "2.9.0" and doc["outcome"] == "reproduces"
    b = doc["bisect"]
    assert b["direction"] == "regression"
    assert (b["last_before"], b["first_after"]) == ("2.3", "2.4") and b["exact"]
    assert b["claims"] == {"reported": "2.9.0+cpu", "worked": "2.1", "regression": True}
    timeline = {p["version"]: p for p in b["timeline"]}
    # the known verdicts are shown, not measured again: the run of step 5 and the issue's "worked with 2.1"
    assert timeline["2.9"]["round"] == 0 and timeline["2.9"]["outcome"] == "bug"
    assert timeline["2.1"]["round"] == 0 and timeline["2.1"]["outcome"] == "fixed"
    # the bracketing verdicts were measured
    assert timeline["2.3"]["outcome"] == "fixed" and timeline["2.3"]["round"] >= 1
    assert timeline["2.4"]["outcome"] == "bug" and timeline["2.4"]["round"] >= 1
    probed = [c.split()[0] for c in calls(root)]
    assert "pytorch-2.1" not in probed and "pytorch-2.0" not in probed  # below the known-good release
    assert probed.count("pytorch-2.9") == 3  # step 5's three runs; never re-probed by the bisection
    # a probe made moot by a decisive verdict may be cancelled mid-run: it started, but gave no verdict
    assert b["probes"] <= len(probed) - 3 and b["rounds"] <= 2

    status = {s["name"]: s for s in doc["steps"]}
    assert status["bisect"]["reason"].startswith("started failing in 2.4 (worked in 2.3); culprit PR #13579")
    fix = doc["fixing_pr"]
    assert fix["direction"] == "regression" and (fix["base"], fix["head"]) == ("v2.3.0", "v2.4.0")
    assert [c["pr"] for c in fix["candidates"]] == [13579, 24680]  # the culprit adds the error text; docs touch a frame
    assert fix["pr"] == 13579
    # the CLI fetched the candidates' titles from the (loopback) GitHub, read-only
    assert fix["candidates"][0]["title"] == "Route Half addmm through the CPU dispatcher"
    assert any("adds/removes" in e for e in fix["candidates"][0]["evidence"])
    assert all(e != "subject says fix" for c in fix["candidates"] for e in c["evidence"])

    plan = WritePlan.from_json(doc["plan"])
    assert [a.kind for a in plan.actions] == ["comment"] and plan.close_reason is None
    comment = plan.comments[0]
    assert comment.startswith("This issue still reproduces on PyTorch 2.9.0.\n"
                              "It started failing in PyTorch 2.4 (it worked in 2.3).")
    assert "Likely introduced by #13579." in comment and "Fixed by" not in comment
    assert comment.rstrip().endswith("Analysis done with triagedeck.")
    assert doc["report"]["facts"]["started_failing_in"] == "2.4" and doc["report"]["facts"]["culprit_pr"] == 13579
    assert writes(server) == []


def test_regression_without_a_checkout_reports_the_release_only(regression_cli, tmp_path):
    exe = make_regression_conda(tmp_path / "conda", VERSIONS, broken=("2.3",))
    doc, _ = regression_cli("--env", "conda:pytorch-2.9", "--allow-unreviewed", "--json",
                            config=_config(exe, None, tmp_path))
    b = doc["bisect"]
    # 2.3 is broken: stepped around, so the range is 2.2 (worked) .. 2.4 (fails), not exact
    assert (b["last_before"], b["first_after"]) == ("2.2", "2.4") and "broken" in b["reason"]
    assert b["broken"] == ["2.3"] and not b["exact"]
    assert doc["fixing_pr"] is None
    comment = WritePlan.from_json(doc["plan"]).comments[0]
    assert "It started failing in PyTorch 2.4 (it worked in 2.2)." in comment and "introduced by" not in comment


def test_a_reproducing_bug_without_a_regression_claim_is_not_bisected(regression_cli, tmp_path):
    exe = make_regression_conda(tmp_path / "conda", VERSIONS)
    body = REGRESSION_BODY.replace("This worked with PyTorch 2.1, it fails on 2.9.", "It fails.")
    doc, _ = regression_cli("--env", "conda:pytorch-2.9", "--allow-unreviewed", "--json",
                            config=_config(exe, None, tmp_path), body=body)
    status = {s["name"]: s for s in doc["steps"]}
    assert doc["outcome"] == "reproduces" and status["bisect"]["status"] == "skipped"
    assert "no regression is claimed" in status["bisect"]["reason"] and doc["bisect"] is None
    assert "started failing" not in WritePlan.from_json(doc["plan"]).comments[0]


def test_a_regression_claim_without_a_version_searches_all_releases(regression_cli, tmp_path):
    root = tmp_path / "conda"
    exe = make_regression_conda(root, VERSIONS)
    body = REGRESSION_BODY.replace("This worked with PyTorch 2.1, it fails on 2.9.", "This is a regression.")
    doc, _ = regression_cli("--env", "conda:pytorch-2.9", "--allow-unreviewed", "--json",
                            config=_config(exe, None, tmp_path), body=body)
    b = doc["bisect"]
    assert b["claims"]["worked"] is None and b["direction"] == "regression"
    assert (b["last_before"], b["first_after"]) == ("2.3", "2.4")
