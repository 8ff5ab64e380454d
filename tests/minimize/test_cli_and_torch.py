"""The CLI verb headless, and a torch minimization (skipped without torch)."""

import argparse
import importlib.util
import json
import os

import pytest

from core.cli.verbs import minimize as verb
from core.minimize import Expectation, MinimizeOptions, minimize

SRC = """
import sys
import json

def load():
    return json.loads('{"items": [1, 2]}')

def pick(cfg, i):
    return cfg["items"][i]

cfg = load()
print(pick(cfg, 0))
print(pick(cfg, 1))
for k in range(3):
    print(k)
print(pick(cfg, 5))
print("unreachable")
"""


def parse(argv):
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers()
    verb.register(sub, [])
    return ap.parse_args(argv)


async def test_cli_writes_original_first_then_result_and_json(tmp_path, capsys):
    f = tmp_path / "repro.py"
    f.write_text(SRC)
    args = parse(["minimize", str(f), "--expect-class", "IndexError", "--expect-match", "out of range", "--force", "--json", "--jobs", "2"])
    assert await args.handler(args, None) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["confirmed_fresh"] and out["stats"]["size_after"]["nodes"] < out["stats"]["size_before"]["nodes"]
    assert (tmp_path / "repro_min_original.py").read_text() == SRC
    minimized = (tmp_path / "repro_min.py").read_text()
    assert "unreachable" not in minimized and "print" not in minimized  # e.g. `[][0]` after hoisting


async def test_cli_events_are_json_lines(tmp_path, capsys):
    f = tmp_path / "r.py"
    f.write_text(SRC)
    args = parse(["minimize", str(f), "--expect-class", "IndexError", "--force", "--events", "--no-fork-server", "-o", str(tmp_path / "o.py")])
    assert await args.handler(args, None) == 0
    kinds = [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()]
    assert "progress" in kinds and "step" in kinds and kinds[-1] == "finished"


async def test_cli_reports_a_repro_that_does_not_fail(tmp_path, capsys):
    f = tmp_path / "ok.py"
    f.write_text("x = 1\n")
    args = parse(["minimize", str(f), "--expect-class", "IndexError", "--force"])
    assert await args.handler(args, None) == 1
    assert "does not show the expected failure" in capsys.readouterr().err


TORCH_SRC = """
import torch
import torch.nn as nn

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.a = nn.Linear(16, 32)
        self.b = nn.Linear(64, 4)

    def forward(self, x):
        return self.b(torch.relu(self.a(x)))

print(torch.__version__)
net = Net()
x = torch.randn(8, 16)
for _ in range(2):
    x = x * 1.0
print(net(x).shape)
"""


@pytest.mark.slow
@pytest.mark.skipif(importlib.util.find_spec("torch") is None, reason="torch is not installed")
@pytest.mark.skipif(bool(os.environ.get("TRIAGEDECK_SKIP_TORCH_TESTS")), reason="TRIAGEDECK_SKIP_TORCH_TESTS is set")
async def test_torch_shape_mismatch_minimizes_with_fork_server():
    r = await minimize(TORCH_SRC, Expectation("RuntimeError", "cannot be multiplied"), MinimizeOptions(jobs=2, skip_if_minimal=False, timeout=60))
    assert r.confirmed_fresh and r.oracle_mode == "fork"
    assert r.stats.size_after.nodes < 30, r.minimized
    assert "print(torch.__version__)" not in r.minimized and "class Net" not in r.minimized
    assert r.stats.oracle_runs <= 120, r.stats
