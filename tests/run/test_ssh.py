"""The ssh runner against a real SSH server on 127.0.0.1 (asyncssh), started by the test."""

from __future__ import annotations

import json

import pytest

from core.errors import ConfigError
from core.run import RunnerError, RunSpec, SandboxUnavailable, collect, parse_environment, runner_for
from core.run.events import OutputLine, RunFinished

from .helpers import DOUBLE_FORK, PYTHON, kill_all, needs_proc, new_mark, survivors


def host_env(server, **extra):
    table = {
        "host": "127.0.0.1",
        "port": server.port,
        "key_file": str(server.key_file),
        "known_hosts": str(server.known_hosts),
        "python": PYTHON,
        **extra,
    }
    return parse_environment("ssh:gpu1", {"ssh": {"gpu1": table}})


async def test_ssh_run_streams_output_and_exit_status(ssh_server, monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_should_not_travel")
    env = host_env(ssh_server)
    source = "import json, os, sys\nprint('hello from', os.getcwd())\nprint(json.dumps(dict(os.environ)))\nprint('err line', file=sys.stderr)\nsys.exit(7)\n"
    result = await collect(runner_for(env), RunSpec(source, env=env, sandbox="off"), write_log=False)
    assert result.started.command[:2] == ("ssh", "gpu1") and not result.started.sandboxed
    stdout = [line.text for line in result.tail if line.stream == "stdout"]
    assert stdout[0].startswith("hello from /tmp/triagedeck-run-")
    remote_env = json.loads(stdout[1])
    assert "GITHUB_TOKEN" not in remote_env and remote_env["PYTHONUNBUFFERED"] == "1"
    assert [line.text for line in result.tail if line.stream == "stderr"] == ["err line"]
    assert result.exit_code == 7


async def test_ssh_remote_secrets_are_scrubbed_too(ssh_server, monkeypatch):
    # The test server runs commands with this process's environment, i.e. the "remote" one.
    monkeypatch.setenv("REMOTE_API_TOKEN", "t")
    env = host_env(ssh_server)
    result = await collect(runner_for(env), RunSpec("import os\nprint('REMOTE_API_TOKEN' in os.environ)\n", env=env, sandbox="off"), write_log=False)
    assert result.text("stdout") == "False"


async def test_ssh_signal_is_decoded(ssh_server):
    env = host_env(ssh_server)
    result = await collect(runner_for(env), RunSpec("import os\nos.abort()\n", env=env, sandbox="off"), write_log=False)
    assert result.exit_code == 134 and result.signal == 6


@needs_proc
async def test_ssh_timeout_kills_the_remote_tree(ssh_server):
    mark = new_mark()
    env = host_env(ssh_server)
    spec = RunSpec(DOUBLE_FORK, env=env, sandbox="off", timeout_s=3, extra_env={"TD_TEST_MARK": mark})
    result = await collect(runner_for(env), spec, write_log=False)
    try:
        assert result.timed_out and "grandchild up" in result.text()
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


@needs_proc
async def test_ssh_cancel_kills_the_remote_tree(ssh_server):
    mark = new_mark()
    env = host_env(ssh_server)
    handle = runner_for(env).run(RunSpec(DOUBLE_FORK, env=env, sandbox="off", extra_env={"TD_TEST_MARK": mark}))
    finished = None
    try:
        async for event in handle:
            if isinstance(event, OutputLine) and event.text == "main waiting":
                handle.cancel()
            if isinstance(event, RunFinished):
                finished = event
        assert finished is not None and finished.cancelled
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


async def test_ssh_needs_explicit_unsandboxed_choice(ssh_server):
    env = host_env(ssh_server)
    with pytest.raises(SandboxUnavailable, match="explicitly"):
        runner_for(env).run(RunSpec("print(1)", env=env, sandbox="auto"))


async def test_ssh_wrong_key_is_a_clear_error(ssh_server, tmp_path):
    import asyncssh

    other = tmp_path / "other_key"
    asyncssh.generate_private_key("ssh-ed25519").write_private_key(str(other))
    env = host_env(ssh_server, key_file=str(other))
    with pytest.raises(RunnerError, match="cannot connect to gpu1"):
        await collect(runner_for(env), RunSpec("print(1)", env=env, sandbox="off"), write_log=False)


def test_unknown_ssh_host_and_bad_tables():
    with pytest.raises(ConfigError, match="unknown ssh host"):
        parse_environment("ssh:nope", {"ssh": {}})
    with pytest.raises(ConfigError, match="port"):
        parse_environment("ssh:h", {"ssh": {"h": {"port": "22"}}})
    with pytest.raises(ConfigError, match="unknown key"):
        parse_environment("ssh:h", {"ssh": {"h": {"hostname": "x"}}})


@needs_proc
async def test_ssh_leftovers_are_killed_when_the_repro_exits(ssh_server):
    mark = new_mark()
    env = host_env(ssh_server)
    spec = RunSpec(DOUBLE_FORK, args=("--exit",), env=env, sandbox="off", timeout_s=60, extra_env={"TD_TEST_MARK": mark})
    result = await collect(runner_for(env), spec, write_log=False)
    try:
        assert result.exit_code == 0 and not result.timed_out
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))
