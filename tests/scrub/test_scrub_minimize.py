"""The scrub workflow's minimize step end to end: the original is saved, the minimizer
runs (real processes), the maintainer accepts, and the report carries the minimized repro."""

from __future__ import annotations

import json
import subprocess
import sys

from .conftest import base_python
from .test_scrub_flows import plan_of

LOCAL = f"local:{base_python()}"

REPRO = '''import json
import math
import os


class Config:
    def __init__(self):
        self.name = "ledger"
        self.verbose = False
        self.limits = {"daily": 500, "weekly": 2000}


def load_accounts():
    accounts = {}
    for i in range(5):
        accounts[f"acct-{i}"] = {"balance": 100 * i, "history": []}
    return accounts


def log(message, config):
    if config.verbose:
        print(message)


def summarize(accounts):
    total = sum(a["balance"] for a in accounts.values())
    return {"total": total, "mean": total / max(len(accounts), 1)}


def withdraw(accounts, name, amount, config):
    account = accounts[name]
    log(f"withdraw {amount} from {name}", config)
    if amount > config.limits["daily"]:
        raise ValueError(f"daily limit exceeded for {name}")
    if amount > account["balance"]:
        raise ValueError("insufficient funds in ledger account")
    account["balance"] -= amount
    account["history"].append(-amount)


def main():
    config = Config()
    accounts = load_accounts()
    print(json.dumps(summarize(accounts)))
    withdraw(accounts, "acct-3", 50, config)
    withdraw(accounts, "acct-1", 120, config)
    print(math.sqrt(accounts["acct-2"]["balance"]), os.sep)


main()
'''

TRACEBACK = """Traceback (most recent call last):
  File "repro.py", line 52, in <module>
    main()
  File "repro.py", line 49, in main
    withdraw(accounts, "acct-1", 120, config)
  File "repro.py", line 38, in withdraw
    raise ValueError("insufficient funds in ledger account")
ValueError: insufficient funds in ledger account
"""


def _issue_file(tmp_path):
    body = (
        "### 🐛 Describe the bug\n\nWithdrawing from a funded account fails.\n\n"
        f"```python\n{REPRO}```\n\n```\n{TRACEBACK}```\n\n### Versions\n\nPyTorch 2.13.0\n"
    )
    data = {
        "number": 424242, "title": "Ledger withdraw raises for a funded account", "body": body, "state": "open",
        "user": {"login": "reporter"}, "author_association": "NONE", "labels": [], "comments": [],
        "created_at": "2026-11-01T00:00:00Z", "updated_at": "2026-11-02T00:00:00Z",
    }
    path = tmp_path / "issue.json"
    path.write_text(json.dumps(data))
    return path


def test_minimize_step_saves_the_original_runs_and_reports_the_minimized_repro(scrub_cli, tmp_path):
    issue = _issue_file(tmp_path)
    repros = tmp_path / "repros"
    config = f'[scrub]\nrepro_dir = "{repros}"\n'
    # First the gate: nothing is minimized without the maintainer's yes.
    code, out, err = scrub_cli("--issue-file", str(issue), "--env", LOCAL, "--allow-unreviewed", "--minimize",
                               "--json", config=config)
    assert code == 0, err
    doc = json.loads(out)
    assert doc["outcome"] == "reproduces"
    assert doc["gate"]["id"] == "accept_minimized"  # the minimizer ran and waits for accept/reject
    original = repros / "repro_424242_original.py"
    assert original.read_text() == REPRO  # saved before any change
    minimized = doc["gate"]["detail"]["minimized"]
    assert "insufficient funds" in minimized and len(minimized.splitlines()) < 15

    code, out, err = scrub_cli("--issue-file", str(issue), "--env", LOCAL, "--resume",
                               "--choose", "accept_minimized=accept", "--json", config=config)
    assert code == 0, err
    doc = json.loads(out)
    steps = {s["name"]: s["status"] for s in doc["steps"]}
    assert steps["minimize"] == "done"
    comment = plan_of(doc).comments[0]
    assert "Minimized repro:" in comment
    code_block = comment.split("```python\n", 1)[1].split("```", 1)[0]
    assert code_block.strip() == minimized.strip()
    assert len(code_block.strip().splitlines()) < len(REPRO.strip().splitlines()) // 3
    # The minimized repro still raises the reported error in a fresh interpreter.
    proc = subprocess.run([sys.executable, "-c", code_block], capture_output=True, text=True, timeout=60)
    assert "ValueError: insufficient funds in ledger account" in proc.stderr
    assert (repros / "repro_424242.py").read_text().strip() == code_block.strip()
