"""The engine with in-process oracles (cache, ddmin, determinism) and with real processes."""

import ast
import sys

import pytest

from core.minimize import (
    Expectation,
    Finished,
    MinimizeError,
    MinimizeOptions,
    Progress,
    StepAccepted,
    minimize,
    minimize_events,
)

NOISY = """
import os
import json

CONFIG = {"a": 1, "b": 2}


def helper(x):
    return x * 2


def unused_fn():
    return json.dumps(CONFIG)


class Thing:
    def __init__(self, v):
        self.v = v

    def describe(self):
        return f"thing {self.v}"


def compute(values):
    total = 0
    for v in values:
        total += helper(v)
    print("total", total)
    return values[len(values)]


things = [Thing(i) for i in range(5)]
print([t.describe() for t in things])
data = [1, 2, 3]
if os.environ.get("NEVER_SET_VAR"):
    data.append(4)
compute(data)
print("done")
"""

OPTS = dict(skip_if_minimal=False, use_fork_server=False)


def fails(src):
    try:
        exec(compile(src, "<c>", "exec"), {"__name__": "__main__", "print": lambda *a, **k: None})
    except IndexError:
        return True
    except Exception:
        return False
    return False


async def test_ddmin_and_passes_keep_only_what_the_oracle_needs(predicate_oracle):
    oracle = predicate_oracle(lambda s: "keep_a()" in s and "keep_b()" in s)
    src = "\n".join(f"stmt_{i}()" for i in range(30)).replace("stmt_7()", "keep_a()").replace("stmt_21()", "keep_b()")
    r = await minimize(src, Expectation("X"), MinimizeOptions(**OPTS), oracle=oracle)
    assert r.minimized == "keep_a()\nkeep_b()\n"
    assert r.confirmed_fresh


async def test_cache_answers_repeated_candidates_including_negative_ones(predicate_oracle):
    oracle = predicate_oracle(fails)
    r = await minimize(NOISY, Expectation("IndexError"), MinimizeOptions(**OPTS), oracle=oracle)
    judged = [ast.unparse(ast.parse(s)) for s in oracle.calls[1:-1]]  # original probe, final confirm
    assert len(judged) == len(set(judged))  # never ran the same normalised source twice
    assert r.stats.cache_hits > 0
    assert fails(r.minimized)
    assert r.stats.size_after.nodes < r.stats.size_before.nodes / 3


async def test_results_do_not_depend_on_jobs(predicate_oracle):
    results = []
    for jobs in (1, 2):
        oracle = predicate_oracle(fails, jitter=True)
        r = await minimize(NOISY, Expectation("IndexError"), MinimizeOptions(jobs=jobs, **OPTS), oracle=oracle)
        results.append((r.minimized, [s.pass_name for s in r.steps]))
    assert results[0] == results[1]


async def test_steps_carry_diffs_and_events_stream_progress(predicate_oracle):
    events = [ev async for ev in minimize_events(NOISY, Expectation("IndexError"), MinimizeOptions(**OPTS), oracle=predicate_oracle(fails))]
    assert isinstance(events[-1], Finished)
    steps = [e.step for e in events if isinstance(e, StepAccepted)]
    assert steps and all(s.diff.startswith("--- before") for s in steps)
    sizes = [s.size_after.nodes for s in steps]
    assert sizes == sorted(sizes, reverse=True)
    assert any(isinstance(e, Progress) for e in events)
    assert events[-1].result.minimized == steps[-1].source


async def test_skips_a_repro_that_is_already_minimal(predicate_oracle):
    r = await minimize("import os\nx = []\nx[1]\n", Expectation("IndexError"), oracle=predicate_oracle(lambda s: True))
    assert r.skipped and r.minimized == "import os\nx = []\nx[1]\n"


async def test_refuses_when_the_original_does_not_fail(predicate_oracle):
    with pytest.raises(MinimizeError):
        await minimize("x = 1\n", Expectation("IndexError"), MinimizeOptions(**OPTS), oracle=predicate_oracle(lambda s: False))


# ------------------------------------------------------------------ real processes

PURE = NOISY


async def test_end_to_end_with_fork_server_confirms_in_fresh_interpreter():
    r = await minimize(PURE, Expectation("IndexError", "list index out of range"), MinimizeOptions(jobs=2, skip_if_minimal=False, timeout=20))
    assert r.oracle_mode == "fork" and r.confirmed_fresh
    assert r.stats.fork_runs > 0 and r.stats.fresh_runs >= 2
    assert r.stats.size_after.nodes < r.stats.size_before.nodes / 3
    ns = {"__name__": "__main__"}
    with pytest.raises(IndexError):
        exec(compile(r.minimized, "<min>", "exec"), ns)


DISAGREE = """
import os
with open(f"/proc/{os.getppid()}/cmdline", "rb") as fh:
    parent = fh.read()
if parent.endswith(b"serve\\x00"):
    raise KeyError("only under the fork server")
x = [1, 2, 3]
y = [4, 5]
z = x + y
print(z)
raise ValueError("boom")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
async def test_falls_back_to_fresh_processes_when_fork_and_fresh_disagree():
    r = await minimize(DISAGREE, Expectation("ValueError", "boom"), MinimizeOptions(jobs=2, skip_if_minimal=False, timeout=20, concretize=False))
    assert r.oracle_mode == "fresh" and r.stats.fork_runs == 0
    assert any("disagree" in n for n in r.notes)
    assert r.confirmed_fresh and "boom" in r.minimized and "z = x + y" not in r.minimized
