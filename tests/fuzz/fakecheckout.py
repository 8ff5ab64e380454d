"""A tiny PyTorch-like checkout for fuzz-session tests, and stand-ins for lintrunner/ghstack.

``minitorch`` is a nested-list tensor library whose "compiled" reduction path normalises a
negative ``dim`` wrongly (``dim += ndim - 1``): eager works, ``minitorch.compile`` raises
``IndexError: Dimension out of range``. The fake TorchFuzz at
``tools/experimental/torchfuzz/fuzzer.py`` generates deterministic programs per seed, runs
them, and prints TorchFuzz's output format.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

BUGGY_LINE = "        dim += ndim - 1\n"
FIXED_LINE = "        dim += ndim\n"

OPS = '''\
"""Eager ops and a "compiled" path over nested lists."""

import builtins
import random
import threading

_state = threading.local()


def rand(shape, seed=0):
    rng = random.Random(seed)

    def build(dims):
        if not dims:
            return round(rng.uniform(-1.0, 1.0), 4)
        return [build(dims[1:]) for _ in range(dims[0])]

    return build(list(shape))


def _ndim(x):
    n = 0
    while isinstance(x, list):
        x = x[0]
        n += 1
    return n


def _zip_with(fn, a, b):
    if isinstance(a, list):
        return [_zip_with(fn, x, y) for x, y in zip(a, b)]
    return fn(a, b)


def add(a, b):
    return _zip_with(lambda x, y: x + y, a, b)


def mul(a, b):
    return _zip_with(lambda x, y: x * y, a, b)


def _check_dim(dim, ndim):
    if not 0 <= dim < ndim:
        raise IndexError(
            f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}], but got {dim})"
        )
    return dim


def _normalize_dim(dim, ndim):
    if dim < 0:
        dim += ndim
    return _check_dim(dim, ndim)


def _lowered_dim(dim, ndim):
    # The compiled path normalises dims itself (it sees symbolic ranks).
    if dim < 0:
BUGGY_LINE_HERE    return _check_dim(dim, ndim)


def _reduce(x, dim):
    if dim == 0:
        total = x[0]
        for item in x[1:]:
            total = add(total, item)
        return total
    return [_reduce(item, dim - 1) for item in x]


def sum(x, dim):
    ndim = _ndim(x)
    if getattr(_state, "compiling", False):
        return _reduce(x, _lowered_dim(dim, ndim))
    return _reduce(x, _normalize_dim(dim, ndim))


def compile(fn, fullgraph=True, dynamic=True):
    def compiled(*args):
        _state.compiling = True
        try:
            return fn(*args)
        finally:
            _state.compiling = False

    return compiled
'''.replace("BUGGY_LINE_HERE", BUGGY_LINE)

INIT = '''\
"""A tiny PyTorch-like package for tests."""

from . import testing
from .ops import add, compile, mul, rand, sum

__all__ = ["add", "compile", "mul", "rand", "sum", "testing"]
'''

TESTING = '''\
def _flat(x):
    if isinstance(x, list):
        out = []
        for item in x:
            out.extend(_flat(item))
        return out
    return [x]


def assert_close(actual, expected, atol=1e-6):
    a, b = _flat(actual), _flat(expected)
    if len(a) != len(b) or any(abs(x - y) > atol for x, y in zip(a, b)):
        raise AssertionError("Tensor-likes are not close!")
'''

FUZZER = r'''"""Fake TorchFuzz: deterministic programs per seed, TorchFuzz's output format."""

import argparse
import hashlib
import os
import random
import subprocess
import sys
import tempfile

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
TEMPLATES = ("default", "unbacked")


def generate(seed, template):
    rng = random.Random(seed)
    rank = rng.choice([1, 2])
    shape = [rng.randint(2, 4) for _ in range(rank)]
    dim = rng.randrange(-rank, rank)
    op = rng.choice(["add", "mul"])
    return f"""import minitorch
import minitorch.testing


def fuzzed_program(arg_0, arg_1, sentinel):
    var_node_1 = minitorch.{op}(arg_0, arg_1)
    var_node_0 = minitorch.sum(var_node_1, dim={dim})
    return var_node_0


arg_0 = minitorch.rand({shape}, seed={seed})
arg_1 = minitorch.rand({shape}, seed={seed + 1})
sentinel = 1.0

out_eager = fuzzed_program(arg_0, arg_1, sentinel)
print("Eager Success! \u2705")
compiled_program = minitorch.compile(fuzzed_program, fullgraph=True, dynamic=True)
out_compiled = compiled_program(arg_0, arg_1, sentinel)
print("Compile Success! \u2705")
minitorch.testing.assert_close(out_eager, out_compiled)
"""


def run_one(seed, template):
    source = generate(seed, template)
    folder = os.path.join(tempfile.gettempdir(), "torchfuzz")
    os.makedirs(folder, exist_ok=True)
    path = os.path.join(folder, "fuzz_" + hashlib.sha256(source.encode()).hexdigest()[:16] + ".py")
    with open(path, "w") as f:
        f.write(source)
    print(f"Running: {path}")
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.run([sys.executable, path], capture_output=True, text=True, env=env)
    if proc.returncode == 0:
        print("=== Program Output ===")
        print(proc.stdout)
        print(proc.stderr)
        return True
    print("=== Program Output (Failure) ===")
    print(proc.stdout)
    print(proc.stderr)
    print("===============================")
    print("=== Program Source ===")
    print(source)
    print("======================")
    print(f"Program exited with code: {proc.returncode}")
    return False


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int)
    parser.add_argument("--start", type=int)
    parser.add_argument("--count", type=int)
    parser.add_argument("--template", default="default", choices=TEMPLATES)
    args = parser.parse_args()
    if os.environ.get("FAKE_FUZZER_HANG"):
        import time
        time.sleep(3600)
    if args.seed is not None:
        print(f"Running single fuzz_and_execute with seed={args.seed} template={args.template}")
        if not run_one(args.seed, args.template):
            sys.exit(1)
        return
    failed = [s for s in range(args.start, args.start + args.count) if not run_one(s, args.template)]
    print(f"Failed seeds: {failed}")


if __name__ == "__main__":
    main()
'''

REPROS = '''\
# Owner(s): ["module: dynamo"]
import unittest

import pytest

import minitorch


class TestFuzzerCompileIssues(unittest.TestCase):
    @pytest.mark.xfail(reason="Issue #1001")
    def test_fuzzer_issue_1001(self):
        # An older repro that is still broken.
        raise RuntimeError("still broken")

    def test_fuzzer_issue_1000(self):
        self.assertEqual(minitorch.sum([1.0, 2.0], dim=0), 3.0)


if __name__ == "__main__":
    unittest.main()
'''

PYTEST_INI = "[pytest]\nxfail_strict = True\n"

# -- stand-in tools -----------------------------------------------------------------------

_TOOL_HEAD = """#!{python}
import json, os, subprocess, sys, time
DIR = os.environ["FAKE_TOOLS_DIR"]
NAME = {name!r}
def mode():
    try:
        return open(os.path.join(DIR, NAME + ".mode")).read().strip()
    except OSError:
        return "ok"
head = subprocess.run(["git", "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
with open(os.path.join(DIR, "calls.jsonl"), "a") as log:
    log.write(json.dumps({{"tool": NAME, "argv": sys.argv[1:], "cwd": os.getcwd(), "head": head, "mode": mode()}}) + "\\n")
"""

LINTRUNNER = """
m = mode()
if m == "hang":
    time.sleep(3600)
if m == "garbage":
    print("<<<not json>>> \\x1b[31mboom\\x1b[0m")
    print("[1, 2, 3]")
    sys.exit(0)
if m == "fail":
    print(json.dumps({"path": "minitorch/ops.py", "line": 1, "char": None, "code": "FLAKE8", "severity": "error",
                      "name": "E999", "original": None, "replacement": None, "description": "unfixable problem"}))
    sys.exit(1)
# ok: strip trailing whitespace (a real autofix), one JSON message per fixed file
for path in [a for a in sys.argv[1:] if not a.startswith("-") and a != "json"]:
    if not os.path.isfile(path):
        continue
    text = open(path).read()
    fixed = "".join(line.rstrip() + "\\n" for line in text.splitlines())
    if fixed != text:
        open(path, "w").write(fixed)
        print(json.dumps({"path": path, "line": None, "char": None, "code": "WHITESPACE", "severity": "warning",
                          "name": "trailing-whitespace", "original": text, "replacement": fixed, "description": "stripped"}))
"""

GHSTACK = """
m = mode()
if m == "hang":
    time.sleep(3600)
if m == "prompt":
    sys.stdout.write("GitHub username: ")
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        print("EOFError: EOF when reading a line", file=sys.stderr)
        sys.exit(1)
if m == "fail":
    print("ghstack: remote rejected", file=sys.stderr)
    sys.exit(2)
print("Summary of changes (ghstack 0.9.3)")
print("")
print(" - https://github.com/pytorch/pytorch/pull/4242 (created)")
print(" - https://github.com/pytorch/pytorch/pull/4243 (created)")
print("")
print("Facebook employees can import your changes by running ...")
"""


def _git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def build_fake_checkout(root: Path) -> Path:
    """Create the checkout (a git repository with one commit) under ``root``; returns it."""
    repo = root / "pytorch"
    files = {
        "minitorch/__init__.py": INIT,
        "minitorch/ops.py": OPS,
        "minitorch/testing.py": TESTING,
        "tools/experimental/torchfuzz/fuzzer.py": FUZZER,
        "test/test_torchfuzz_repros.py": REPROS,
        "pytest.ini": PYTEST_INI,
        ".gitignore": "__pycache__/\n",
    }
    for rel, text in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    _git(repo.parent, "init", "-q", "-b", "main", str(repo))
    _git(repo, "config", "user.name", "Fuzz Tester")
    _git(repo, "config", "user.email", "fuzz@example.invalid")
    _git(repo, "config", "commit.gpgsign", "false")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "fake pytorch")
    return repo


def install_tools(bin_dir: Path) -> None:
    """Write the ``lintrunner`` and ``ghstack`` stand-ins into ``bin_dir``."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for name, body in (("lintrunner", LINTRUNNER), ("ghstack", GHSTACK)):
        path = bin_dir / name
        path.write_text(_TOOL_HEAD.format(python=sys.executable, name=name) + textwrap.dedent(body), encoding="utf-8")
        path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)


def tool_calls(tools_dir: Path) -> list[dict]:
    path = tools_dir / "calls.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def set_mode(tools_dir: Path, tool: str, mode: str) -> None:
    (tools_dir / f"{tool}.mode").write_text(mode)


def apply_fix(checkout: Path) -> None:
    """The real fix to the fake package."""
    ops = checkout / "minitorch/ops.py"
    text = ops.read_text()
    assert BUGGY_LINE in text
    ops.write_text(text.replace(BUGGY_LINE, FIXED_LINE))


def write_ghstackrc(path: Path, *, complete: bool = True) -> Path:
    lines = ["[ghstack]", "github_url = github.com", "github_username = tester"]
    if complete:
        lines.append("github_oauth = not-a-real-token")
    path.write_text("\n".join(lines) + "\n")
    return path


if __name__ == "__main__":  # pragma: no cover - a helper to look at the fake fuzzer by hand
    import tempfile

    where = build_fake_checkout(Path(tempfile.mkdtemp()))
    fuzz_dir = where / "tools/experimental/torchfuzz"
    for seed in range(int(sys.argv[1]) if len(sys.argv) > 1 else 10):
        proc = subprocess.run([sys.executable, "fuzzer.py", "--seed", str(seed)], cwd=fuzz_dir, capture_output=True, text=True)
        last = [l for l in proc.stdout.splitlines() if "Error" in l]
        print(seed, proc.returncode, last[-1] if last else "")
    shutil.rmtree(where.parent)
