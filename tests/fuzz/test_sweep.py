"""Multi-seed TorchFuzz runs: the output parser (real format, hostile and truncated text)
and ``triagedeck fuzz sweep`` against the fake checkout."""

from __future__ import annotations

import json
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.cli.main import run
from core.fuzz import parse_failed_seeds
from core.fuzz.sweep_output import parse_sweep_output

# -- the format (PyTorch tools/experimental/torchfuzz/multi_process_fuzzer.py) -------------------

PROGRAM_FAILURE = """\
STDOUT:
Running single fuzz_and_execute...
Using seed: {seed}, max_depth: 3
Running: /tmp/torchfuzz/fuzz_{seed}.py
=== Program Output (Failure) ===
Eager Success! \u2705

Traceback (most recent call last):
  File "/tmp/torchfuzz/fuzz_{seed}.py", line 9, in <module>
RuntimeError: bad stride {seed}
===============================
=== Program Source ===
import torch

def fuzzed_program(arg_0, sentinel):
    return arg_0 * sentinel
======================
Program exited with code: 1

Return code: 1"""


def render(results: list[tuple[int, str]], *, tqdm: bool = False, newline: str = "\n", verbose: bool = False) -> str:
    """What TorchFuzz's multi-seed mode prints for ``results`` ((seed, passed|failed|ignored|timeout))."""
    out: list[str] = []
    say = out.append
    seeds = [s for s, _ in results]
    n = len(seeds)
    say("\U0001F680 Starting multi-process fuzzer with 4 processes")
    say(f"\U0001F4CA Processing seeds {seeds[0]} to {seeds[-1]} ({n} total)")
    say("\U0001F527 Command template: python fuzzer.py --seed {seed} --template default")
    say("=" * 60)
    if not tqdm:
        say("Progress: (install tqdm for better progress bar)")
    ok = fail = ign = 0
    for i, (seed, status) in enumerate(results):
        ok += status == "passed"
        fail += status in ("failed", "timeout")
        ign += status == "ignored"
        if tqdm:
            # The bar redraws with carriage returns and no newline; writes clear it first.
            out.append(f"\rProcessing seeds:  {i * 10}%|##   | {i + 1}/{n} [00:01<00:09] \u2705/\u274C/\u2753={ok}/{fail}/{ign} | throughput: 9.0 seeds/hr\r{' ' * 20}\r")
        else:
            mark = "\u2705" if status == "passed" else "\u274C"
            say(f"Completed {i + 1}/{n} - Seed {seed}: {mark}" + (" (IGNORED)" if status == "ignored" else ""))
        body = None
        if status == "failed":
            body = PROGRAM_FAILURE.format(seed=seed)
        elif status == "timeout":
            body = "Process timed out after 300 seconds"
        elif status == "ignored" and verbose:
            body = "[IGNORED] " + PROGRAM_FAILURE.format(seed=seed)
        if body is not None and (status != "ignored" or verbose):
            label = "\U0001F6AB IGNORED" if status == "ignored" else "\u274C FAILURE"
            say(f"{label} - Seed {seed} (duration: 1.25s)" + (" [IGNORED]" if status == "ignored" else ""))
            say("\n".join(f"   {line}" for line in body.split("\n") if line.strip()))
    say("=" * 60)
    say("\U0001F4C8 SUMMARY")
    say("=" * 60)
    say(f"\u2705 Successful: {ok}/{n} ({ok / n * 100:.1f}%)")
    say(f"\u274C Failed:     {fail}/{n} ({fail / n * 100:.1f}%)")
    say("\u23F1\uFE0F  Total time: 3.00s")
    failed = [s for s, st_ in results if st_ in ("failed", "timeout")]
    if failed:
        say(f"\n\u274C Failed seeds: {failed}")
    if ok:
        say(f"\u2705 Successful seeds: {[s for s, st_ in results if st_ == 'passed']}")
    ignored = [s for s, st_ in results if st_ == "ignored"]
    if ignored:
        say(f"\n\U0001F6AB Ignored seeds: {ignored}")
        say("\n\U0001F6AB Ignored pattern statistics:")
        say(f"  Pattern 0: 'torch\\\\._inductor\\\\.exc\\\\.InductorError: AssertionError: -1' - {len(ignored)} (100.0%)")
    return newline.join(out) + newline


statuses = st.sampled_from(["passed", "failed", "ignored", "timeout"])
runs = st.lists(statuses, min_size=1, max_size=12).flatmap(
    lambda sts: st.integers(min_value=-5, max_value=10**12).map(lambda first: [(first + i, s) for i, s in enumerate(sts)])
)


@settings(max_examples=60, deadline=None)
@given(results=runs, tqdm=st.booleans(), newline=st.sampled_from(["\n", "\r\n"]), verbose=st.booleans())
def test_real_format_round_trips(results, tqdm, newline, verbose):
    report = parse_sweep_output(render(results, tqdm=tqdm, newline=newline, verbose=verbose))
    assert report.complete and not report.interrupted and report.error is None
    assert report.failed_seeds == tuple(s for s, st_ in results if st_ in ("failed", "timeout"))
    assert report.ignored_seeds == tuple(s for s, st_ in results if st_ == "ignored")
    assert (report.first_seed, report.last_seed, report.total, report.processes) == (results[0][0], results[-1][0], len(results), 4)
    for seed, status in results:
        got = report.result_of(seed)
        assert got is not None and got.status == status
        if status == "failed":
            # The seed's own output (indented, blank lines dropped) still yields its error.
            assert got.signature is not None and got.signature.exc_type == "RuntimeError" and got.return_code == 1
            assert f"bad stride {seed}" in got.signature.message
    if any(s == "ignored" for _, s in results):
        assert report.ignore_patterns[0][0] == 0 and report.ignore_patterns[0][2] == report.ignored_seeds.__len__()


@settings(max_examples=40, deadline=None)
@given(results=runs, cut=st.floats(min_value=0.0, max_value=1.0))
def test_truncated_output_never_invents_failures(results, cut):
    text = render(results)
    full = parse_sweep_output(text)
    part = parse_sweep_output(text[: int(len(text) * cut)])
    assert set(part.failed_seeds) <= set(full.failed_seeds)
    assert set(part.ignored_seeds) <= set(full.ignored_seeds)
    for result in part.seeds:
        assert full.result_of(result.seed) is not None
    if part.complete:
        assert part.failed_seeds == full.failed_seeds
    # What the per-seed lines already showed is never lost by a cut summary.
    shown = {r.seed for r in part.seeds if r.status in ("failed", "timeout")}
    assert shown <= set(part.failed_seeds)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_hostile_text_never_raises(text):
    report = parse_sweep_output(text)
    json.dumps(report.to_json())
    assert isinstance(parse_failed_seeds(text), tuple)


def test_a_program_cannot_forge_the_summary_and_huge_numbers_are_refused():
    forged = "   Failed seeds: [666]\n   \U0001F4C8 SUMMARY\n   Completed 1/1 - Seed 777: \u274C\n"
    results = [(1, "failed"), (2, "passed")]
    text = render(results).replace("   Return code: 1", forged + "   Return code: 1")
    report = parse_sweep_output(text)
    assert report.failed_seeds == (1,) and report.result_of(666) is None and report.result_of(777) is None
    huge = "\u274C Failed seeds: [" + "9" * 5000 + ", 3]\n"
    assert parse_sweep_output(huge).failed_seeds == (3,)
    assert parse_failed_seeds("Failed seeds: [" + "1" * 100_000 + "]") == ()


def test_interrupted_pool_errors_and_fatal_errors():
    text = (
        "\U0001F4CA Processing seeds 0 to 9 (10 total)\n"
        "Completed 1/10 - Seed 0: \u274C POOL ERROR\n"
        "\u274C POOL ERROR - Seed 0: worker died\n"
        "Completed 2/10 - Seed 1: \u2705\n"
        "\n\U0001F6D1 Interrupted by user (Ctrl+C)\n"
        "============================================================\n"
        "\U0001F4C8 SUMMARY (partial, interrupted)\n"
        "\u2705 Successful: 1/2 (50.0%)\n"
        "\u274C Failed:     1/2 (50.0%)\n"
        "\n\u274C Failed seeds: [0]\n"
    )
    report = parse_sweep_output(text)
    assert report.interrupted and not report.complete and report.failed_seeds == (0,)
    assert report.result_of(0).status == "pool_error" and report.result_of(0).detail == "worker died"
    cut = parse_sweep_output("Completed 1/3 - Seed 4: \u274C\n\u274C FAILURE - Seed 4 (duration: 0.10s)\n   Return code: 1\nCompleted 2/3 - Seed 5: \u274C")
    assert cut.result_of(5) is None  # the unterminated last line may be cut: not read
    assert cut.failed_seeds == (4,) and not cut.complete and cut.notes
    assert parse_sweep_output("\u274C Unexpected error: boom\n").error == "Unexpected error: boom"
    # Mangled emoji (a pipe in another encoding) still parse.
    assert parse_sweep_output("\u00e2\u009d\u008c Failed seeds: [5, 6]\n").failed_seeds == (5, 6)


# -- the verb, against the fake checkout ---------------------------------------------------------


@pytest.fixture
def cli(tmp_path, tools, capsys, monkeypatch):
    monkeypatch.delenv("TRIAGEDECK_CONFIG", raising=False)
    config = tmp_path / "config.toml"
    config.write_text(
        "[fuzz]\n"
        f"python = {json.dumps(sys.executable)}\n"
        'extra_env = { PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1" }\n'
        "test_timeout_s = 60\n"
    )
    base = ["--config", str(config), "--data-dir", str(tmp_path / "data")]

    def invoke(*args):
        code = run(["fuzz", args[0], *base, *args[1:]])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


def test_sweep_lists_failing_seeds_and_each_becomes_a_repro_test(cli, checkout):
    code, out, err = cli("sweep", "--checkout", str(checkout), "--start", "10", "--count", "5", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["ok"] and doc["exit_code"] == 0
    assert doc["failed_seeds"] == [14] and doc["ignored_seeds"] == [13]
    assert doc["command"][1:] == ["fuzzer.py", "--start", "10", "--count", "5"]
    seeds = {s["seed"]: s for s in doc["report"]["seeds"]}
    assert seeds[14]["status"] == "failed" and seeds[14]["signature"]["exc_type"] == "IndexError"
    assert seeds[13]["status"] == "ignored" and seeds[10]["status"] == "passed"
    assert doc["repro_commands"] == [f"triagedeck fuzz repro-test --checkout {checkout} --seed 14 --json"]

    # A bot turns the failing seed into a verified xfail test.
    argv = doc["repro_commands"][0].split()[2:]
    code, out, err = cli(*argv)
    assert code == 0, err
    assert json.loads(out)["runs"]["xfail"]["outcomes"][0]["outcome"] == "xfailed"

    # TorchFuzz exits 0 with failing seeds; --fail-on-seeds turns them into an exit status.
    code, out, err = cli("sweep", "--checkout", str(checkout), "--start", "12", "--count", "3", "--fail-on-seeds")
    assert code == 7
    assert "seed 14" in out and "IndexError" in out and "seed 13" in out and "ignored" in out
    code, out, err = cli("sweep", "--checkout", str(checkout), "--start", "10", "--count", "3", "--fail-on-seeds", "--json")
    assert code == 0 and json.loads(out)["failed_seeds"] == []


def test_sweep_refuses_what_it_cannot_read(cli, checkout, tmp_path):
    # Not a multi-seed output (the script prints something else and exits 0): not "no failures".
    fuzzer = checkout / "tools/experimental/torchfuzz/fuzzer.py"
    fuzzer.write_text("print('hello')\n")
    code, out, err = cli("sweep", "--checkout", str(checkout), "--start", "0", "--count", "2", "--json")
    doc = json.loads(out)
    assert code == 1 and not doc["ok"] and "no summary" in doc["reason"]
    code, out, err = cli("sweep", "--start", "0", "--count", "2")
    assert code == 1 and "--checkout" in err
