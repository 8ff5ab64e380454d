"""The ``triage`` verb: proposal JSON for an issue file, and a whole section from the cache."""

from __future__ import annotations

import argparse
import io
import json

from core.cli.context import CliContext
from core.cli.main import run
from core.config import Config
from core.issuefile import thread_to_json
from core.cli.verbs import triage as verb
from triage_cases import CASES

BY_ID = {c.id: c for c in CASES}


def test_issue_file_json(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("TRIAGEDECK_CONFIG", str(tmp_path / "none.toml"))
    (tmp_path / "none.toml").write_text("")
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(thread_to_json(BY_ID["s3-fsdp2-dtensor"].thread(7))))
    assert run(["triage", "--issue-file", str(path), "--json", "--data-dir", str(tmp_path)]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"] == "classified"
    assert {"module: fsdp", "module: dtensor", "triaged"} <= set(data["labels_to_add"])
    assert data["comment"] is None and data["confidence"] == "high"
    assert all({"label", "rule", "source", "text"} <= set(e) for e in data["evidence"])
    assert data["plan"]["actions"][0]["kind"] == "add_labels"


class _Workbench:
    """Stands in for the workbench's cache reads (the verb's only use of it here)."""

    def __init__(self, threads):
        self.threads = {t.issue.number: t for t in threads}

    def section_issues(self, title):
        assert title == "Distributed, untriaged"
        return [t.issue for t in self.threads.values()]

    def cached_thread(self, number):
        return self.threads[number]


async def test_section_json():
    threads = [c.thread(100 + i) for i, c in enumerate(CASES[:5])]
    out = io.StringIO()
    args = argparse.Namespace(section="Distributed, untriaged", apply=False, json=True, number=None, issue_file=None, yes=False, dry_run=False)
    ctx = CliContext(Config(), args, stdout=out, _workbench=_Workbench(threads))
    assert await verb.handler(args, ctx) == 0
    data = json.loads(out.getvalue())
    assert [d["number"] for d in data] == [100, 101, 102, 103, 104]
    assert [d["outcome"] for d in data] == [c.outcome for c in CASES[:5]]
