"""The local runner with real processes: streaming, exit status, timeouts, cancel, env scrub."""

from __future__ import annotations

import asyncio
import json
import os

import pytest

from core.run import (
    LocalRunner,
    OutputLine,
    RunFinished,
    RunSpec,
    RunStarted,
    SeedOptions,
    collect,
    local_env,
)
from core.run.sandbox import SandboxStatus, SandboxUnavailable, resolve_sandbox

from .helpers import DOUBLE_FORK, PYTHON, kill_all, needs_proc, new_mark, survivors

ENV = local_env(PYTHON)


def spec(source: str, **kw) -> RunSpec:
    kw.setdefault("sandbox", "off")
    return RunSpec(source, env=ENV, **kw)


async def events_of(runner, run_spec):
    return [event async for event in runner.run(run_spec)]


async def test_streams_started_lines_finished_in_order():
    source = "import sys\nprint('out one')\nprint('\\x1b[1;31mcoloured\\x1b[0m', file=sys.stderr)\nprint('out two')\nsys.exit(3)\n"
    events = await events_of(LocalRunner(), spec(source))
    assert isinstance(events[0], RunStarted) and isinstance(events[-1], RunFinished)
    assert events[0].sandboxed is False and events[0].env_name == ENV.name
    lines = [(e.stream, e.text) for e in events if isinstance(e, OutputLine)]
    assert [t for s, t in lines if s == "stdout"] == ["out one", "out two"]
    assert [t for s, t in lines if s == "stderr"] == ["coloured"]
    assert events[-1].exit_code == 3 and events[-1].signal is None
    assert not events[-1].timed_out and not events[-1].cancelled


async def test_signal_death_is_decoded():
    events = await events_of(LocalRunner(), spec("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n"))
    assert events[-1].exit_code == 139 and events[-1].signal == 11


async def test_args_and_cwd_in_private_scratch_dir():
    events = await events_of(LocalRunner(), spec("import os, sys\nprint(sys.argv[1:])\nprint(os.getcwd())\n", args=("a b", "--x")))
    texts = [e.text for e in events if isinstance(e, OutputLine)]
    assert texts[0] == "['a b', '--x']"
    assert texts[1] == events[0].cwd and texts[1].startswith("/tmp/triagedeck-run-")
    assert not os.path.exists(events[0].cwd)  # cleaned up after the run


async def test_progress_bar_and_unterminated_last_line():
    source = "import sys\nsys.stdout.write('10%\\r50%\\r100%\\nno newline at end')\n"
    result = await collect(LocalRunner(), spec(source), write_log=False)
    assert [line.text for line in result.tail] == ["100%", "no newline at end"]


@needs_proc
async def test_timeout_kills_double_forked_grandchild():
    mark = new_mark()
    result = await collect(LocalRunner(), spec(DOUBLE_FORK, timeout_s=2, extra_env={"TD_TEST_MARK": mark}), write_log=False)
    try:
        assert result.timed_out and result.signal == 9
        assert "grandchild up" in result.text()
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


@needs_proc
async def test_children_that_outlive_the_main_process_are_killed():
    mark = new_mark()
    result = await collect(
        LocalRunner(), spec(DOUBLE_FORK, args=("--exit",), timeout_s=60, extra_env={"TD_TEST_MARK": mark}), write_log=False
    )
    try:
        assert result.exit_code == 0 and not result.timed_out
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


@needs_proc
async def test_handle_cancel_kills_tree_and_reports_cancelled():
    mark = new_mark()
    handle = LocalRunner().run(spec(DOUBLE_FORK, extra_env={"TD_TEST_MARK": mark}))
    finished = None
    try:
        async for event in handle:
            if isinstance(event, OutputLine) and event.text == "main waiting":
                handle.cancel()
            if isinstance(event, RunFinished):
                finished = event
        assert finished is not None and finished.cancelled and not finished.timed_out
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


@needs_proc
async def test_task_cancel_kills_tree():
    mark = new_mark()
    seen = asyncio.Event()

    async def consume():
        async for event in LocalRunner().run(spec(DOUBLE_FORK, extra_env={"TD_TEST_MARK": mark})):
            if isinstance(event, OutputLine) and event.text == "main waiting":
                seen.set()

    task = asyncio.create_task(consume())
    try:
        await asyncio.wait_for(seen.wait(), 60)
        assert survivors("TD_TEST_MARK", mark) != []
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


PRINT_ENV = "import json, os\nprint(json.dumps(dict(os.environ)))\n"


async def test_environment_is_scrubbed(monkeypatch):
    secrets = {
        "GITHUB_TOKEN": "ghp_x", "GH_TOKEN": "gho_x", "MY_API_TOKEN": "t", "DB_PASSWORD": "p",
        "CLIENT_SECRET": "s", "OPENAI_API_KEY": "k", "AWS_ACCESS_KEY_ID": "a", "AWS_REGION": "r",
        "SSH_AUTH_SOCK": "/tmp/agent.sock",
    }
    for key, value in secrets.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("HARMLESS_SETTING", "kept")
    result = await collect(LocalRunner(), spec(PRINT_ENV, extra_env={"TORCH_LOGS": "+dynamo"}), write_log=False)
    env = json.loads(result.text("stdout"))
    assert not set(secrets) & set(env)
    assert env["HARMLESS_SETTING"] == "kept" and env["TORCH_LOGS"] == "+dynamo"
    assert "PATH" in env and "PYTHONHASHSEED" not in env


async def test_hash_seed_and_rng_seed_make_runs_repeatable():
    source = "import random\nprint(hash('triagedeck'), random.random())\n"
    seeded = spec(source, seed=SeedOptions(hash_seed=0, seed=1234))
    first = await collect(LocalRunner(), seeded, write_log=False)
    second = await collect(LocalRunner(), seeded, write_log=False)
    assert first.exit_code == 0, first.text()
    assert first.text("stdout") == second.text("stdout")
    import random

    assert first.text("stdout").split()[1] == str(random.Random(1234).random())


async def test_seed_wrapper_keeps_script_semantics():
    source = "import sys\nprint(__name__, sys.argv[1:])\nraise ValueError('boom')\n"
    result = await collect(LocalRunner(), spec(source, args=("x",), seed=SeedOptions(seed=0)), write_log=False)
    assert result.text("stdout") == "__main__ ['x']"
    assert result.exit_code == 1 and result.tail[-1].text == "ValueError: boom"


async def test_collect_keeps_last_lines_and_writes_full_log(tmp_path):
    result = await collect(LocalRunner(), spec("for i in range(5000):\n    print(i)\n"), keep_lines=10, log_dir=tmp_path)
    assert result.line_count == 5000 and result.truncated
    assert [line.text for line in result.tail] == [str(i) for i in range(4990, 5000)]
    assert result.log_path is not None and result.log_path.parent == tmp_path
    assert result.log_path.read_text().splitlines() == [str(i) for i in range(5000)]


async def test_missing_interpreter_is_a_clear_error():
    from core.run import RunnerError

    with pytest.raises(RunnerError, match="could not start"):
        await collect(LocalRunner(), RunSpec("print(1)", env=local_env("/nonexistent/python"), sandbox="off"), write_log=False)


def test_auto_without_bwrap_requires_an_explicit_choice():
    missing = SandboxStatus(False, "bubblewrap (bwrap) is not installed")
    with pytest.raises(SandboxUnavailable, match="not installed.*explicit choice"):
        resolve_sandbox("auto", allow_unsandboxed=False, status=missing)
    with pytest.raises(SandboxUnavailable):
        resolve_sandbox("on", allow_unsandboxed=True, status=missing)
    sandboxed, note = resolve_sandbox("auto", allow_unsandboxed=True, status=missing)
    assert not sandboxed and "not installed" in note
    assert resolve_sandbox("off", allow_unsandboxed=False, status=missing)[0] is False
