"""Flakiness over several real runs, and the environment probe."""

from __future__ import annotations

import sys

from core.models import ErrorSignature
from core.run import LocalRunner, RunSpec, local_env, probe_environment, run_repeated
from core.run.probe import EnvironmentProbe, cached_probe

from .helpers import PYTHON

ENV = local_env(PYTHON)

# Fails on odd-numbered runs (a counter file outside the scratch dir keeps state).
FLAKY = """\
import sys
path = sys.argv[1]
try:
    n = int(open(path).read())
except FileNotFoundError:
    n = 0
open(path, "w").write(str(n + 1))
if n % 2 == 1:
    raise RuntimeError("flaky mismatch in reduction")
print("ok")
"""


async def test_flaky_ratio_and_verdict_per_run(tmp_path):
    spec = RunSpec(FLAKY, args=(str(tmp_path / "count"),), env=ENV, sandbox="off")
    events = []
    report = await run_repeated(
        LocalRunner(), spec, runs=5, expected=ErrorSignature("RuntimeError", "mismatch in reduction"),
        on_event=lambda i, e: events.append(i), log_dir=tmp_path,
    )
    assert [o.verdict.kind.value for o in report.outcomes] == ["passes", "reproduces", "passes", "reproduces", "passes"]
    assert report.ratio == "2/5" and report.flaky and report.reproduced == 2
    assert report.to_json()["counts"] == {"passes": 3, "reproduces": 2}
    assert report.verdict is not None and report.verdict.kind.value == "passes"
    assert sorted(set(events)) == [0, 1, 2, 3, 4]
    assert all(o.log_path and o.log_path.exists() for o in report.outcomes)


async def test_probe_local_python_and_cache():
    probe = await probe_environment(ENV)
    assert probe.error is None and probe.python == ".".join(map(str, sys.version_info[:3]))
    assert probe.executable == PYTHON
    try:
        import torch  # noqa: F401
    except ImportError:
        assert probe.torch is None and probe.torch_error is not None
    else:
        assert probe.torch == torch.__version__ and probe.cuda_available == torch.cuda.is_available()
    assert cached_probe(ENV) is probe and await probe_environment(ENV) is probe
    assert EnvironmentProbe.from_json(probe.to_json()) == probe


async def test_probe_tolerates_missing_torch(tmp_path):
    # An interpreter whose `import torch` fails: the real one behind a wrapper that blocks torch.
    wrapper = tmp_path / "python-without-torch"
    wrapper.write_text(f"#!/bin/sh\nexec {PYTHON} -c 'import sys; sys.modules[\"torch\"] = None; sys.argv = sys.argv[1:]; import runpy; runpy.run_path(sys.argv[0], run_name=\"__main__\")' \"$@\"\n")
    wrapper.chmod(0o755)
    probe = await probe_environment(local_env(str(wrapper)))
    assert probe.error is None and probe.torch is None and "ModuleNotFoundError" in (probe.torch_error or "")


async def test_probe_of_missing_interpreter_reports_error():
    probe = await probe_environment(local_env("/nonexistent/python3"))
    assert probe.error and "could not start" in probe.error
