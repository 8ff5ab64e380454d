"""The headless CLI: global options, --json documents, --issue-file, write-gate verbs."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.main import run
from tests.conftest import writes

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cli(loopback, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.delenv("TRIAGEDECK_CONFIG", raising=False)
    base = ["--api-url", loopback.url, "--data-dir", str(tmp_path / "data"), "--repo", "pytorch/pytorch"]

    def invoke(*args):
        code = run([*args[:1], *base, *args[1:]])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_show_json(cli):
    code, out, err = cli("show", "1", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["number"] == 1 and doc["comments"][0]["body"] == "same here"


def test_show_issue_file_needs_no_github(tmp_path, capsys):
    path = tmp_path / "issue.json"
    path.write_text(json.dumps({"number": 3, "title": "t", "body": "[bold]b\x1b[31m", "comments": []}))
    # An unreachable API: --issue-file must not touch it.
    code = run(["show", "--issue-file", str(path), "--api-url", "http://127.0.0.1:9", "--data-dir", str(tmp_path)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "[bold]b" in out and "\x1b" not in out


def test_sync_json_counts_requests(cli):
    code, out, err = cli("sync", "--section", "Untriaged", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["sections"][0]["fetched"] == 7
    assert doc["requests"] == 1


def test_edit_requires_yes_from_scripts(cli, loopback):
    code, out, err = cli("edit", "2", "--comment", "hello")
    assert code == 1 and "--yes" in err
    assert writes(loopback) == []


def test_edit_dry_run_then_yes(cli, loopback):
    code, out, err = cli("edit", "2", "--add-label", "triaged", "--comment", "hello", "--dry-run", "--json")
    assert code == 0 and json.loads(out)["dry_run"] is True
    assert writes(loopback) == []
    code, out, err = cli("edit", "2", "--add-label", "triaged", "--comment", "hello", "--yes", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert [o["status"] for o in doc["outcomes"]] == ["sent", "sent"]
    code, out, err = cli("audit", "--json")
    rows = json.loads(out)
    assert {r["action"] for r in rows} == {"add_labels", "comment", "subscription_restore"}


def test_edit_locked_issue_fails_cleanly(cli, loopback):
    code, out, err = cli("edit", "3", "--comment", "x", "--yes")
    assert code == 1 and "locked" in out
    assert writes(loopback) == []


def test_errors_go_to_stderr_with_nonzero_exit(cli):
    code, out, err = cli("show", "999", "--json")
    assert code == 1 and out == "" and "404" in err and "Traceback" not in err


def test_token_never_printed_or_passed(loopback, tmp_path):
    env = dict(os.environ, GITHUB_TOKEN="ghp_supersecretvalue123", TRIAGEDECK_DATA_DIR=str(tmp_path))
    proc = subprocess.run(
        [sys.executable, "-m", "core.cli", "show", "1", "--api-url", loopback.url, "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "supersecret" not in proc.stdout + proc.stderr
    # ...nor stored in the sqlite file
    for f in tmp_path.glob("*.sqlite3*"):
        assert b"supersecret" not in f.read_bytes()
    # The server did receive it, as a credential.
    assert any(r.headers.get("authorization") for r in loopback.requests)


def test_serve_demo_prints_base_url_first(tmp_path):
    env = dict(os.environ, TRIAGEDECK_DATA_DIR=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "core.cli", "serve-demo"], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        url = proc.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:")
        from core.demo import DEMO_CASES

        number = DEMO_CASES["locked"]
        code = run(["show", str(number), "--api-url", url, "--data-dir", str(tmp_path / "c"), "--json"])
        assert code == 0
    finally:
        proc.terminate()
        proc.wait(10)
