"""The torchrun launcher: the argv every runner builds, the verdict on torchrun's output, and
real torchrun runs (the real torch, sandboxed where bubblewrap is usable; skipped without torch)."""

from __future__ import annotations

import importlib.util
import io
import json

import pytest

from core.cli.context import CliContext
from core.cli.main import build_parser
from core.config import Config
from core.issue.analysis import analyze_repro
from core.models import ErrorSignature
from core.run import (
    LauncherError,
    LocalRunner,
    RunLauncher,
    RunSpec,
    VerdictKind,
    collect,
    judge,
    judge_result,
    launcher_from_analysis,
    local_env,
    parse_environment,
    parse_launcher,
    runner_for,
    sandbox_status,
)
from core.run.conda import CondaRunner
from core.run.environment import conda_env

from .helpers import PYTHON, kill_all, needs_proc, new_mark, survivors

HAS_TORCH = importlib.util.find_spec("torch") is not None
needs_torch = pytest.mark.skipif(not HAS_TORCH, reason="needs the real torch (torch.distributed.run); not installed here")
SANDBOX = "on" if sandbox_status().usable else "off"
TORCHRUN = ["-m", "torch.distributed.run", "--standalone"]


# --- the launcher description -----------------------------------------------------------------

def test_parse_launcher():
    assert parse_launcher("python") == RunLauncher()
    assert parse_launcher("torchrun") == RunLauncher("torchrun", 1)
    assert parse_launcher("torchrun:4").nproc_per_node == 4
    assert parse_launcher("torchrun:2").label == "torchrun --standalone --nproc_per_node=2"
    for bad in ("torchrun:0", "torchrun:99", "torchrun:x", "mpirun", "python:2", "torchrun:2;rm -rf /", ""):
        with pytest.raises(LauncherError):
            parse_launcher(bad)


def test_launcher_from_analysis():
    bare = analyze_repro('import torch.distributed as dist\ndist.init_process_group("gloo")\n').launcher
    assert launcher_from_analysis(bare) == RunLauncher("torchrun", 1, bare.note)
    spawn = analyze_repro("import torch.multiprocessing as mp\ndef f(r): pass\nmp.spawn(f, nprocs=2)\n").launcher
    assert spawn is not None and spawn.kind == "mp.spawn"
    assert launcher_from_analysis(spawn).kind == "python"  # it spawns its own workers
    assert launcher_from_analysis(None) == RunLauncher()
    # The analysis' JSON (as the scrub session stores it), separate-argument and oversized counts.
    doc = {"kind": "torchrun", "command": ["torchrun", "--nproc_per_node", "2", "{file}"], "note": "reported"}
    assert launcher_from_analysis(doc) == RunLauncher("torchrun", 2, "reported")
    big = launcher_from_analysis({"kind": "torchrun", "command": ["torchrun", "--nproc-per-node=64", "{file}"]})
    assert big.nproc_per_node == 8 and "capped" in big.note
    assert launcher_from_analysis({"kind": "self-launching", "command": ["python", "{file}"]}).kind == "python"


def test_no_issue_text_reaches_the_command_line(tmp_path):
    hostile = {"kind": "torchrun", "command": ["torchrun", "--nproc_per_node=2", "--rdzv-endpoint=evil:1", "$(id)", "{file}"],
               "note": "$(curl evil)"}
    launcher = launcher_from_analysis(hostile)
    argv = LocalRunner().command(RunSpec("pass", env=local_env(PYTHON), launcher=launcher), "/s/repro.py", None)
    assert argv == [PYTHON, *TORCHRUN, "--nproc_per_node=2", "/s/repro.py"]


# --- the argv each runner builds ---------------------------------------------------------------

def test_local_argv_uses_the_target_interpreter_never_a_path_torchrun(tmp_path):
    env = local_env(PYTHON)
    spec = RunSpec("pass", env=env, launcher=parse_launcher("torchrun:2"), args=("--x",))
    assert LocalRunner().command(spec, "/s/repro.py", None) == [PYTHON, *TORCHRUN, "--nproc_per_node=2", "/s/repro.py", "--x"]
    # Seeded: every worker runs the seeding wrapper, which then runs the script.
    from core.run.spec import SeedOptions

    seeded = RunSpec("pass", env=env, launcher=parse_launcher("torchrun"), seed=SeedOptions(seed=3))
    assert LocalRunner().command(seeded, "/s/repro.py", "/s/w.py") == [
        PYTHON, *TORCHRUN, "--nproc_per_node=1", "/s/w.py", "3", "/s/repro.py"]
    # The default stays python FILE.
    assert LocalRunner().command(RunSpec("pass", env=env), "/s/repro.py", None) == [PYTHON, "/s/repro.py"]


def test_conda_argv_runs_the_envs_own_python(tmp_path):
    env = conda_env("pytorch-2.4", {"conda": {"executable": "/opt/conda/bin/conda"}})
    argv = CondaRunner().command(RunSpec("pass", env=env, launcher=parse_launcher("torchrun")), "/s/r.py", None)
    assert argv == ["/opt/conda/bin/conda", "run", "-n", "pytorch-2.4", "--no-capture-output", "python",
                    *TORCHRUN, "--nproc_per_node=1", "/s/r.py"]
    assert "torchrun" not in argv


# --- the verdict on torchrun's output ----------------------------------------------------------

# What torchrun 2.x prints when rank 1 fails first and it then stops rank 0 with SIGTERM.
TORCHRUN_OUTPUT = """\
/x/torch/_subclasses/functional_tensor.py:368: UserWarning: Failed to initialize NumPy: No module named 'numpy'
[rank1]: Traceback (most recent call last):
[rank1]:   File "/tmp/r/repro.py", line 9, in <module>
[rank1]:     raise ValueError("known error 4242 on rank one")
[rank1]: ValueError: known error 4242 on rank one
[rank0]: Traceback (most recent call last):
[rank0]:   File "/tmp/r/repro.py", line 7, in <module>
[rank0]:     dist.barrier()
[rank0]: RuntimeError: [../gloo/transport/tcp/pair.cc:534] Connection closed by peer [127.0.0.1]:4242
W1125 12:00:00.000000 2 torch/distributed/elastic/multiprocessing/api.py:1028] Sending process 6 closing signal SIGTERM
E1125 12:00:00.000000 2 torch/distributed/elastic/multiprocessing/api.py:1002] failed (exitcode: 1) local_rank: 1 (pid: 7)
Traceback (most recent call last):
  File "/x/torch/distributed/run.py", line 1032, in <module>
    main()
  File "/x/torch/distributed/launcher/api.py", line 383, in launch_agent
    raise ChildFailedError(
torch.distributed.elastic.multiprocessing.errors.ChildFailedError: 
============================================================
/tmp/r/repro.py FAILED
------------------------------------------------------------
Failures:
[1]:
  time      : 2026-11-25_12:00:00
  host      : localhost
  rank      : 0 (local_rank: 0)
  exitcode  : -15 (pid: 6)
  error_file: <N/A>
  traceback : Signal 15 (SIGTERM) received by PID 6
------------------------------------------------------------
Root Cause (first observed failure):
[0]:
  time      : 2026-11-25_12:00:00
  host      : localhost
  rank      : 1 (local_rank: 1)
  exitcode  : {code} (pid: 7)
  error_file: <N/A>
  traceback : To enable traceback see: https://pytorch.org/docs/stable/elastic/errors.html
============================================================
"""


def test_verdict_stands_on_the_root_cause_workers_error_not_the_wrapper():
    lines = TORCHRUN_OUTPUT.replace("{code}", "1").splitlines()
    alone = judge(lines, exit_code=1)
    assert alone.kind is VerdictKind.FAILS
    assert alone.observed is not None and alone.observed.line == "ValueError: known error 4242 on rank one"
    # The numpy warning is noise, not a setup problem; SIGTERM of the stopped rank is no crash.
    assert alone.hint is None and not alone.setup_problem
    other = judge(lines, exit_code=1, expected=ErrorSignature("RuntimeError", "expected scalar type"))
    assert other.kind is VerdictKind.DIFFERENT_ERROR and "known error 4242" in other.summary
    assert "ChildFailedError" not in other.summary
    same = judge(lines, exit_code=1, expected=ErrorSignature("ValueError", "known error 4242"))
    assert same.kind is VerdictKind.REPRODUCES
    assert same.evidence == ("[rank1]: ValueError: known error 4242 on rank one",)


def test_a_worker_killed_by_a_signal_is_a_crash_and_matches_a_reported_signal():
    lines = TORCHRUN_OUTPUT.replace("{code}", "-11").splitlines()
    crash = judge(lines, exit_code=1)
    assert crash.kind is VerdictKind.CRASH and "SIGSEGV" in crash.summary and "torchrun worker" in crash.summary
    assert judge(lines, exit_code=1, expected=ErrorSignature(signal=11)).kind is VerdictKind.REPRODUCES


# --- real torchrun runs ------------------------------------------------------------------------

GLOO_ERROR = """\
import torch
import torch.distributed as dist

dist.init_process_group("gloo")
t = torch.ones(2)
dist.all_reduce(t)
print("rank", dist.get_rank(), "of", dist.get_world_size(), "sum", t.tolist(), flush=True)
if dist.get_rank() == {bad}:
    raise ValueError("known error 4242 from rank {bad}")
dist.barrier()
dist.destroy_process_group()
"""


# Workers without torch (torchrun alone pays the import): rank 1 raises, rank 0 waits until
# torchrun stops it (SIGTERM), as a rank stuck in a collective would be.
RANK_ONE_FAILS = """\
import os, time
rank = int(os.environ["RANK"])
os.write(1, f"worker {rank} of {os.environ['WORLD_SIZE']}\\n".encode())  # one write: workers share the pipe
if rank == 1:
    raise ValueError("known error 4242 from rank 1")
time.sleep(600)
"""


@needs_torch
async def test_torchrun_two_workers_the_failing_rank_is_judged(tmp_path):
    # Unsandboxed on purpose: the sandboxed path is covered by the CLI test below.
    env = local_env(PYTHON)
    spec = RunSpec(RANK_ONE_FAILS, env=env, sandbox="off", launcher=parse_launcher("torchrun:2"), timeout_s=180)
    result = await collect(runner_for(env), spec, write_log=False)
    text = result.text()
    assert "worker 1 of 2" in text and "ChildFailedError" in text, text[-3000:]
    verdict = judge_result(result, ErrorSignature("RuntimeError", "expected scalar type"))
    assert verdict.kind is VerdictKind.DIFFERENT_ERROR, (verdict, text[-3000:])
    assert verdict.observed is not None and verdict.observed.line == "ValueError: known error 4242 from rank 1"
    assert judge_result(result, ErrorSignature("ValueError", "known error 4242")).kind is VerdictKind.REPRODUCES


# The worker needs no torch (torchrun alone pays the import), starts a grandchild that leaves
# the session to outlive the run, and hangs.
HANGING_WORKER = """\
import os, sys, time
rank = os.environ["RANK"]
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        time.sleep(600)
    os._exit(0)
os.write(1, f"worker up {rank}\\n".encode())  # one write: workers share the pipe
time.sleep(600)
"""


@needs_torch
@needs_proc
async def test_torchrun_hang_is_killed_by_the_timeout_with_nothing_left(tmp_path):
    # 45 s: both workers must be up (three torch imports on 2 busy cores) before the timeout fires
    mark = new_mark()
    env = local_env(PYTHON)
    spec = RunSpec(HANGING_WORKER, env=env, sandbox=SANDBOX, launcher=parse_launcher("torchrun:2"), timeout_s=45,
                   extra_env={"TD_TEST_MARK": mark})
    try:
        result = await collect(runner_for(env), spec, write_log=False)
        assert result.timed_out
        assert "worker up 0" in result.text() and "worker up 1" in result.text(), result.text()[-2000:]
        assert judge_result(result).kind is VerdictKind.TIMEOUT
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


@needs_torch
@needs_proc
async def test_torchrun_cancel_kills_the_workers(tmp_path):
    mark = new_mark()
    env = local_env(PYTHON)
    spec = RunSpec(HANGING_WORKER, env=env, sandbox=SANDBOX, launcher=parse_launcher("torchrun"), timeout_s=180,
                   extra_env={"TD_TEST_MARK": mark})
    handle = runner_for(env).run(spec)
    seen = []
    try:
        async for event in handle:
            if getattr(event, "text", "").startswith("worker up"):
                seen.append(event.text)
                handle.cancel()
            if event.kind == "finished":
                assert event.cancelled and not event.timed_out
        assert seen == ["worker up 0"]
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


# --- ssh and the CLI -----------------------------------------------------------------------------

@needs_torch
async def test_ssh_torchrun_uses_the_hosts_python(ssh_server):
    table = {"host": "127.0.0.1", "port": ssh_server.port, "key_file": str(ssh_server.key_file),
             "known_hosts": str(ssh_server.known_hosts), "python": PYTHON}
    env = parse_environment("ssh:gpu1", {"ssh": {"gpu1": table}})
    spec = RunSpec(RANK_ONE_FAILS, env=env, sandbox="off", launcher=parse_launcher("torchrun:2"), timeout_s=180)
    result = await collect(runner_for(env), spec, write_log=False)
    assert list(result.started.command[:7]) == ["ssh", "gpu1", PYTHON, *TORCHRUN, "--nproc_per_node=2"]
    verdict = judge_result(result, ErrorSignature("ValueError", "known error 4242"))
    assert verdict.kind is VerdictKind.REPRODUCES, result.text()[-3000:]


async def run_cli(tmp_path, *argv):
    args = build_parser().parse_args(["run", *argv])
    out, err = io.StringIO(), io.StringIO()
    ctx = CliContext(config=Config(data_dir=tmp_path / "data", extra={"runners": {}}), args=args, stdout=out, stderr=err)
    code = await args.handler(args, ctx)
    return code, out.getvalue(), err.getvalue()


async def test_cli_launcher_option(tmp_path):
    script = tmp_path / "repro.py"
    script.write_text("print('hi')\n")
    code, _, err = await run_cli(tmp_path, str(script), "--launcher", "mpirun", "--sandbox", "off", "--no-probe")
    assert code == 2 and "unknown launcher" in err
    code, out, _ = await run_cli(tmp_path, str(script), f"--env=local:{PYTHON}", "--launcher", "python",
                                 "--sandbox", "off", "--no-probe", "--json")
    doc = json.loads(out)
    assert code == 0 and doc["launcher"]["kind"] == "python" and doc["verdict"]["kind"] == "passes"


@needs_torch
async def test_cli_runs_a_gloo_repro_under_torchrun_sandboxed(tmp_path):
    script = tmp_path / "repro.py"
    script.write_text(GLOO_ERROR.replace("{bad}", "0"))
    code, out, _ = await run_cli(tmp_path, str(script), f"--env=local:{PYTHON}", "--launcher", "torchrun:1",
                                 "--sandbox", SANDBOX, "--no-probe", "--expect-class", "ValueError",
                                 "--expect-match", "known error 4242", "--events")
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    started = next(e for e in events if e.get("event") == "started")
    assert started["command"][:-1] == [PYTHON, *TORCHRUN, "--nproc_per_node=1"]
    assert started["command"][-1].endswith("repro.py") and started["sandboxed"] is (SANDBOX == "on")
    text = "\n".join(e["text"] for e in events if e.get("event") == "line")
    assert "rank 0 of 1 sum [1.0, 1.0]" in text, text[-3000:]  # the rendezvous worked (loopback only)
    assert "Error initializing torch.distributed" not in text
    summary = next(e for e in events if e.get("event") == "summary")
    verdict = summary["verdict"]
    assert code == 0 and verdict["kind"] == "reproduces", (verdict, text[-3000:])
    assert any("ValueError: known error 4242 from rank 0" in line for line in verdict["evidence"])
    assert verdict["observed"]["exception_class"] == "ValueError"  # the worker's, not ChildFailedError
    assert summary["launcher"]["kind"] == "torchrun" and summary["launcher"]["nproc_per_node"] == 1
