"""The conda runner against a fake ``conda`` executable that execs python."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, strategies as st

from core.run import CondaRunner, RunSpec, collect, conda_env, discover_conda_envs, parse_env_list, runner_for
from core.run.conda import pytorch_version_envs

from .helpers import PYTHON

FAKE_CONDA = f"""#!{PYTHON}
import json, os, sys
args = sys.argv[1:]
if args[:3] == ["env", "list", "--json"]:
    print(json.dumps({{"envs": ["/opt/conda", "/opt/conda/envs/pytorch-2.6", "/opt/conda/envs/pytorch-2.10",
                                "/opt/conda/envs/pytorch-2.8", "/data/loose-env"], "root_prefix": "/opt/conda"}}))
    sys.exit(0)
print("FAKE_CONDA_ARGV=" + json.dumps(args), file=sys.stderr, flush=True)
print("FAKE_CONDA_CWD=" + os.getcwd(), file=sys.stderr, flush=True)
python_at = args.index("python")
os.execv(sys.executable, [sys.executable] + args[python_at + 1:])
"""


@pytest.fixture
def fake_conda(tmp_path):
    exe = tmp_path / "bin" / "conda"
    exe.parent.mkdir()
    exe.write_text(FAKE_CONDA)
    exe.chmod(0o755)
    return str(exe)


def _stderr_value(result, key):
    return next(line.text[len(key) + 1 :] for line in result.tail if line.text.startswith(key + "="))


async def test_conda_run_argv_cwd_and_cleared_pythonpath(fake_conda, monkeypatch):
    monkeypatch.setenv("PYTHONPATH", "/home/me/pytorch")
    env = conda_env("pytorch-2.6", {"conda": {"executable": fake_conda}})
    source = "import os, sys\nprint('PYTHONPATH' in os.environ, sys.argv[1:])\n"
    result = await collect(runner_for(env), RunSpec(source, args=("--flag",), env=env, sandbox="off"), write_log=False)
    argv = json.loads(_stderr_value(result, "FAKE_CONDA_ARGV"))
    assert argv[:6] == ["run", "-n", "pytorch-2.6", "--no-capture-output", "python", argv[5]]
    assert argv[5].startswith("/tmp/triagedeck-run-") and argv[5].endswith("/repro.py") and argv[6:] == ["--flag"]
    assert _stderr_value(result, "FAKE_CONDA_CWD").startswith("/tmp/triagedeck-run-")
    assert result.text("stdout") == "False ['--flag']"
    assert result.started.command[0] == fake_conda and result.exit_code == 0


async def test_conda_run_reports_failure_and_signal(fake_conda):
    env = conda_env("pytorch-2.8", {"conda": {"executable": fake_conda}})
    result = await collect(CondaRunner(), RunSpec("import os\nos.abort()\n", env=env, sandbox="off"), write_log=False)
    assert result.exit_code == 134 and result.signal == 6


async def test_discover_conda_envs(fake_conda):
    envs = await discover_conda_envs({"conda": {"executable": fake_conda}})
    assert [e.name for e in envs] == ["base", "pytorch-2.6", "pytorch-2.10", "pytorch-2.8", "/data/loose-env"]
    assert [e.name for e in pytorch_version_envs(envs)] == ["pytorch-2.6", "pytorch-2.8", "pytorch-2.10"]


async def test_no_conda_means_no_envs(tmp_path):
    assert await discover_conda_envs({"conda": {"executable": str(tmp_path / "missing-conda")}}) == []


def test_parse_env_list_without_root_prefix():
    envs = parse_env_list('{"envs": ["/home/u/miniconda3", "/home/u/miniconda3/envs/dev"]}')
    assert [(e.name, e.path) for e in envs] == [("base", "/home/u/miniconda3"), ("dev", "/home/u/miniconda3/envs/dev")]


@given(st.lists(st.text(min_size=1, max_size=30), max_size=8))
def test_parse_env_list_never_crashes_on_odd_paths(paths):
    envs = parse_env_list({"envs": paths})
    assert len(envs) == len(paths) and all(e.name for e in envs)
