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

FUZZER = r'''"""Fake TorchFuzz: deterministic programs per seed, TorchFuzz's output formats
(single seed: runner.ProgramRunner's; --start/--count: multi_process_fuzzer's, without tqdm)."""

import argparse
import hashlib
import os
import random
import re
import subprocess
import sys
import tempfile
import time

REPO = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
TEMPLATES = ("default", "unbacked")
# Like TorchFuzz's IGNORE_PATTERNS: failures of a known issue, counted apart ("ignored").
IGNORE_PATTERNS = [re.compile(r"AssertionError: Tensor-likes are not close!")]


def generate(seed, template):
    rng = random.Random(seed)
    rank = rng.choice([1, 2])
    shape = [rng.randint(2, 4) for _ in range(rank)]
    dim = rng.randrange(-rank, rank)
    op = rng.choice(["add", "mul"])
    device = os.environ.get("FAKE_FUZZER_DEVICE")
    announce = f'print("running on {device}:0")\n' if device else ""
    return f"""import minitorch
import minitorch.testing


def fuzzed_program(arg_0, arg_1, sentinel):
    var_node_1 = minitorch.{op}(arg_0, arg_1)
    var_node_0 = minitorch.sum(var_node_1, dim={dim})
    return var_node_0


arg_0 = minitorch.rand({shape}, seed={seed})
arg_1 = minitorch.rand({shape}, seed={seed + 1})
sentinel = 1.0
{announce}
out_eager = fuzzed_program(arg_0, arg_1, sentinel)
print("Eager Success! \u2705")
compiled_program = minitorch.compile(fuzzed_program, fullgraph=True, dynamic=True)
out_compiled = compiled_program(arg_0, arg_1, sentinel)
print("Compile Success! \u2705")
minitorch.testing.assert_close(out_eager, out_compiled)
"""


def run_one(seed, template):
    print(f"Using seed: {seed}, max_depth: 2")
    print("OPERATION_STATS:")
    print("  minitorch.sum: 1")
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


def say(msg):
    print(msg, file=sys.stderr, flush=True)


def run_seed_subprocess(seed, template):
    started = time.time()
    cmd = [sys.executable, os.path.abspath(__file__), "--single", "--seed", str(seed), "--template", template]
    result = subprocess.run(cmd, capture_output=True, text=True)
    output = ""
    if result.stdout:
        output += f"STDOUT:\n{result.stdout}\n"
    if result.stderr:
        output += f"STDERR:\n{result.stderr}\n"
    output += f"Return code: {result.returncode}"
    ignored = next((i for i, p in enumerate(IGNORE_PATTERNS) if p.search(output)), -1)
    if ignored != -1:
        output = "[IGNORED] " + output
    return result.returncode == 0, output, time.time() - started, ignored


def block(label, seed, duration, output, ignored=False):
    say(f"{label} - Seed {seed} (duration: {duration:.2f}s)" + (" [IGNORED]" if ignored else ""))
    for line in output.split("\n"):
        if line.strip():
            say(f"   {line}")


def multi(start, count, template, processes, verbose):
    seeds = list(range(start, start + count))
    say(f"\U0001F680 Starting multi-process fuzzer with {processes} processes")
    say(f"\U0001F4CA Processing seeds {start} to {start + count - 1} ({len(seeds)} total)")
    say(f"\U0001F527 Command template: python fuzzer.py --seed {{seed}} --template {template}")
    say("=" * 60)
    say("Progress: (install tqdm for better progress bar)")
    began = time.time()
    ok, failed, ignored, counts = [], [], [], {}
    for i, seed in enumerate(seeds):
        success, output, duration, pattern = run_seed_subprocess(seed, template)
        if pattern != -1:
            ignored.append(seed)
            counts[pattern] = counts.get(pattern, 0) + 1
        if success:
            ok.append((seed, duration))
        elif pattern == -1:
            failed.append(seed)
        mark = "\u2705" if success else "\u274C"
        say(f"Completed {i + 1}/{len(seeds)} - Seed {seed}: {mark}" + (" (IGNORED)" if pattern != -1 else ""))
        if not success and pattern == -1:
            block("\u274C FAILURE", seed, duration, output)
        elif not success and verbose:
            block("\U0001F6AB IGNORED", seed, duration, output, ignored=True)
        elif verbose:
            block("\u2705 SUCCESS", seed, duration, output)
    total = time.time() - began
    n = len(seeds)
    say("=" * 60)
    say("\U0001F4C8 SUMMARY")
    say("=" * 60)
    say(f"\u2705 Successful: {len(ok)}/{n} ({len(ok) / n * 100:.1f}%)")
    say(f"\u274C Failed:     {len(failed)}/{n} ({len(failed) / n * 100:.1f}%)")
    say(f"\u23F1\uFE0F  Total time: {total:.2f}s")
    say(f"\u26A1 Throughput: {(n / (total / 3600)):.2f} seeds/hr" if total > 0 else "\u26A1 Throughput: N/A")
    if failed:
        say(f"\n\u274C Failed seeds: {failed}")
    if ok:
        say(f"\u2705 Successful seeds: {[s for s, _ in ok]}")
        say(f"\u26A1 Avg time for successful runs: {sum(d for _, d in ok) / len(ok):.2f}s")
    if ignored:
        say(f"\n\U0001F6AB Ignored seeds: {ignored}")
        say("\n\U0001F6AB Ignored pattern statistics:")
        for idx, pattern in enumerate(IGNORE_PATTERNS):
            count = counts.get(idx, 0)
            say(f"  Pattern {idx}: {pattern.pattern!r} - {count} ({count / len(ignored) * 100:.1f}%)")
    say("\n\U0001F4CA No operation statistics collected (no successful runs with stats)")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", type=int)
    parser.add_argument("--single", action="store_true")
    parser.add_argument("--start", type=int)
    parser.add_argument("--count", type=int)
    parser.add_argument("--processes", "-p", type=int)
    parser.add_argument("--verbose", "-v", action="store_true")
    parser.add_argument("--template", default="default", choices=TEMPLATES)
    args = parser.parse_args()
    if os.environ.get("FAKE_FUZZER_HANG"):
        time.sleep(3600)
    if args.seed is not None:
        print("Running single fuzz_and_execute...")
        if not run_one(args.seed, args.template):
            sys.exit(1)
        return
    if args.start is None or args.count is None:
        print("\u274C Error: --start and --count go together")
        sys.exit(1)
    multi(args.start, args.count, args.template, args.processes or 1, args.verbose)


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


# -- a stand-in for PyTorch's device-type test framework ---------------------------------

# torch.testing._internal.common_device_type, reduced to what the generated device tests use,
# with PyTorch's semantics: instantiate_device_type_tests makes one class per device type
# (TestXCPU.test_y_cpu, TestXCUDA.test_y_cuda); expectedFailure<DEVICE> runs the test on that
# device, swallows its exception and *passes*, and fails it when nothing raises.
COMMON_DEVICE_TYPE = '''\
import functools
import unittest

DEVICE_TYPES = ("cpu", "cuda")


class expectedFailure:
    def __init__(self, device_type):
        self.device_type = device_type

    def __call__(self, fn):
        @functools.wraps(fn)
        def efail_fn(slf, *args, **kwargs):
            if self.device_type is None or self.device_type == slf.device_type:
                try:
                    fn(slf, *args, **kwargs)
                except Exception:
                    return
                else:
                    slf.fail("expected test to fail, but it passed")
            return fn(slf, *args, **kwargs)

        return efail_fn


def expectedFailureCPU(fn):
    return expectedFailure("cpu")(fn)


def expectedFailureCUDA(fn):
    return expectedFailure("cuda")(fn)


def _on_device(fn, device):
    @functools.wraps(fn)
    def instantiated(self):
        import minitorch.ops

        minitorch.ops._state.device = device
        try:
            return fn(self, device)
        finally:
            minitorch.ops._state.device = None

    return instantiated


def instantiate_device_type_tests(generic, scope):
    del scope[generic.__name__]
    for device in DEVICE_TYPES:
        attrs = {"device_type": device}
        for name, value in list(vars(generic).items()):
            if name.startswith("test") and callable(value):
                attrs[f"{name}_{device}"] = _on_device(value, device)
        cls_name = generic.__name__ + device.upper()
        scope[cls_name] = type(cls_name, (unittest.TestCase,), attrs)
'''

# The fake compiler has no CPU backend: on "cpu" the compiled path is the eager one, so the
# bug shows only on the other device (and where no device is set, as in TorchFuzz's program).
_COMPILE_BUGGY = "        _state.compiling = True\n"
_COMPILE_PER_DEVICE = '        _state.compiling = getattr(_state, "device", None) != "cpu"\n'


def add_device_type_framework(checkout: Path) -> None:
    """Give the checkout the device-type test stand-in (committed, so worktrees have it)."""
    files = {
        "torch/__init__.py": '"""Only torch.testing._internal.common_device_type, for the device-style tests."""\n',
        "torch/testing/__init__.py": "",
        "torch/testing/_internal/__init__.py": "",
        "torch/testing/_internal/common_device_type.py": COMMON_DEVICE_TYPE,
    }
    for rel, text in files.items():
        path = checkout / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    ops = checkout / "minitorch/ops.py"
    text = ops.read_text()
    assert _COMPILE_BUGGY in text
    ops.write_text(text.replace(_COMPILE_BUGGY, _COMPILE_PER_DEVICE))
    _git(checkout, "add", "-A")
    _git(checkout, "commit", "-q", "-m", "device-type test framework")


def add_build_output(checkout: Path) -> Path:
    """An ignored, untracked module the package imports, like PyTorch's built ``torch/_C*.so``:
    a worktree of the checkout lacks it unless ``[fuzz] worktree_links`` brings it in."""
    gitignore = checkout / ".gitignore"
    gitignore.write_text(gitignore.read_text() + "minitorch/_native.py\n")
    init = checkout / "minitorch/__init__.py"
    init.write_text(init.read_text().replace("from . import testing\n", "from . import _native, testing\n"))
    _git(checkout, "add", "-A")
    _git(checkout, "commit", "-q", "-m", "import the built module")
    built = checkout / "minitorch/_native.py"
    built.write_text("BUILT = True\n")
    return built
