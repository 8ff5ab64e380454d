"""TorchFuzz over ssh: step 0 and sweeps on a real SSH server on 127.0.0.1 (asyncssh, the
runner tests' fixture), in a fake remote checkout; steps 1+ in the local checkout."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from pathlib import Path

import pytest
from run.helpers import kill_all, needs_proc, new_mark, survivors

from core.cli.main import run
from core.fuzz import FuzzConfig, FuzzError, FuzzWorkflow, ProcLine, ProcStarted, drain
from core.fuzz.remote import SshCommandRunner
from core.fuzz.sweep import SweepDone, run_sweep

from .conftest import FAILING_SEED, PASSING_SEED, make_config
from .fakecheckout import build_fake_checkout


def host_table(server, **extra) -> dict:
    return {
        "host": "127.0.0.1",
        "port": server.port,
        "key_file": str(server.key_file),
        "known_hosts": str(server.known_hosts),
        "python": sys.executable,
        **extra,
    }


@pytest.fixture
def remote(tmp_path) -> Path:
    """The "host's" PyTorch checkout: another fake checkout, elsewhere."""
    return build_fake_checkout(tmp_path / "remote-host")


def ssh_config(tmp_path, server, remote_checkout, **overrides) -> FuzzConfig:
    return make_config(
        tmp_path, env="ssh:gpu1", remote_checkout=str(remote_checkout), ssh_hosts={"gpu1": host_table(server)}, **overrides
    )


async def test_seed_runs_on_the_host_and_the_test_runs_locally(tmp_path, checkout, remote, tools, store, ssh_server):
    config = ssh_config(tmp_path, ssh_server, remote)
    wf = FuzzWorkflow(store, tmp_path / "data", config=config)
    session = wf.start(checkout, seed=FAILING_SEED)
    events = []
    result = await drain(session.capture(), events.append)
    assert result.ok, result.reason

    started = next(e for e in events if isinstance(e, ProcStarted))
    assert started.argv[:2] == ("ssh", "gpu1") and started.argv[3:] == ("fuzzer.py", "--seed", str(FAILING_SEED))
    assert started.cwd == f"{remote}/tools/experimental/torchfuzz"
    lines = [e.text for e in events if isinstance(e, ProcLine)]
    assert "=== Program Source ===" in lines and lines.index("=== Program Source ===") < len(lines) - 1  # streamed

    capture = session.evidence["capture"]
    assert session.signature.exc_type == "IndexError"
    # The program comes from the printed source section (the host's /tmp is not ours).
    assert "def fuzzed_program(" in capture["program_source"]
    assert Path(capture["program_path"]).read_text() == capture["program_source"]
    assert capture["fuzzer_where"] == f"ssh:gpu1:{remote}/tools/experimental/torchfuzz"
    assert "steps 1-3 (test, fix, lint) run in the local checkout" in capture["env_notes"][0]
    assert any("steps 1-3" in entry["text"] for entry in session.state["log"])
    assert not capture["mentions_cuda"]

    # Step 1 writes and runs the test in the local checkout, never on the host.
    result = await drain(session.repro())
    assert result.ok, result.reason
    assert "test_fuzzer_seed_1" in (checkout / "test/test_torchfuzz_repros.py").read_text()
    assert "test_fuzzer_seed_1" not in (remote / "test/test_torchfuzz_repros.py").read_text()
    assert session.evidence["repro"]["run_fail"]["cwd"] == str(checkout)


async def test_a_passing_seed_over_ssh_stops_the_session(tmp_path, checkout, remote, tools, store, ssh_server):
    wf = FuzzWorkflow(store, tmp_path / "data", config=ssh_config(tmp_path, ssh_server, remote))
    session = wf.start(checkout, seed=PASSING_SEED)
    result = await drain(session.capture())
    assert not result.ok and "does not fail" in result.reason and session.status == "stopped"


async def test_ssh_failure_modes_are_reported_and_retryable(tmp_path, checkout, remote, tools, store, ssh_server):
    # Host unreachable: a port nobody listens on.
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        dead_port = sock.getsockname()[1]
    config = make_config(tmp_path, env="ssh:gpu1", remote_checkout=str(remote), ssh_hosts={"gpu1": host_table(ssh_server, port=dead_port)})
    wf = FuzzWorkflow(store, tmp_path / "data", config=config)
    session = wf.start(checkout, seed=FAILING_SEED)
    result = await drain(session.capture())
    assert not result.ok and "cannot connect to ssh host gpu1" in result.reason
    assert session.status == "active" and session.step == "capture"  # not a verdict: it can be retried

    # The remote checkout does not exist.
    wf = FuzzWorkflow(store, tmp_path / "data", config=ssh_config(tmp_path, ssh_server, tmp_path / "no-such-checkout"))
    result = await drain(wf.start(checkout, seed=FAILING_SEED).capture())
    assert not result.ok and "does not exist" in result.reason and "remote_checkout" in result.reason

    # A checkout without TorchFuzz, then one with only the older torchfuzz.py name.
    fuzz_dir = remote / "tools/experimental/torchfuzz"
    (fuzz_dir / "fuzzer.py").rename(fuzz_dir / "elsewhere.py")
    wf = FuzzWorkflow(store, tmp_path / "data", config=ssh_config(tmp_path, ssh_server, remote))
    result = await drain(wf.start(checkout, seed=FAILING_SEED).capture())
    assert not result.ok and "no TorchFuzz entry point" in result.reason
    (fuzz_dir / "elsewhere.py").rename(fuzz_dir / "torchfuzz.py")
    events = []
    session = wf.start(checkout, seed=FAILING_SEED)
    result = await drain(session.capture(), events.append)
    assert result.ok, result.reason
    assert next(e for e in events if isinstance(e, ProcStarted)).argv[3] == "torchfuzz.py"
    assert "python torchfuzz.py --seed 1" in (await _repro_text(session, checkout))


async def _repro_text(session, checkout) -> str:
    await drain(session.repro())
    return (checkout / "test/test_torchfuzz_repros.py").read_text()


def test_config_needs_a_known_host_and_a_remote_checkout():
    with pytest.raises(FuzzError, match="remote_checkout"):
        FuzzConfig.from_mapping({"env": "ssh:gpu1"})
    with pytest.raises(FuzzError, match="absolute path"):
        FuzzConfig.from_mapping({"env": "ssh:gpu1", "remote_checkout": "pytorch"})
    with pytest.raises(FuzzError, match=r"unknown ssh host 'gpu2'.*\[runners\.ssh\.gpu2\].*gpu1"):
        FuzzConfig.from_app_config({"fuzz": {"env": "ssh:gpu2", "remote_checkout": "/p"}, "runners": {"ssh": {"gpu1": {"host": "h"}}}})
    config = FuzzConfig.from_app_config({"fuzz": {"env": "ssh:gpu1", "remote_checkout": "/p"}, "runners": {"ssh": {"gpu1": {"host": "h", "port": 2222}}}})
    assert config.ssh_host().port == 2222 and config.local_env == "local"
    assert FuzzConfig.from_json(config.to_json()).ssh_host() == config.ssh_host()  # a stored session keeps its host
    with pytest.raises(FuzzError, match="ssh_hosts is not a"):
        FuzzConfig.from_app_config({"fuzz": {"ssh_hosts": {}}})


@needs_proc
async def test_remote_timeout_kills_the_remote_fuzzer(tmp_path, checkout, remote, tools, store, ssh_server, monkeypatch):
    mark = new_mark()
    # The test server runs commands with this process's environment: that is the "remote" one.
    monkeypatch.setenv("FAKE_FUZZER_HANG", "1")
    config = ssh_config(tmp_path, ssh_server, remote, fuzzer_timeout_s=3.0, extra_env={"TD_TEST_MARK": mark})
    wf = FuzzWorkflow(store, tmp_path / "data", config=config)
    session = wf.start(checkout, seed=FAILING_SEED)
    try:
        result = await drain(session.capture())
        assert not result.ok and "timed out after 3s" in result.reason and "gpu1" in result.reason
        assert survivors("TD_TEST_MARK", mark) == []
        assert session.evidence["capture"]["command"]["timed_out"]
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


@needs_proc
async def test_closing_the_stream_kills_the_remote_process(ssh_server):
    mark = new_mark()
    runner = SshCommandRunner(FuzzConfig(env="ssh:h", remote_checkout="/", ssh_hosts={"h": host_table(ssh_server)}).ssh_host())
    program = "import time\nprint('up', flush=True)\ntime.sleep(600)\n"
    stream = runner.stream([sys.executable, "-c", program], cwd="/tmp", env={"TD_TEST_MARK": mark})
    try:
        async for event in stream:
            if isinstance(event, ProcLine) and event.text == "up":
                assert survivors("TD_TEST_MARK", mark) != []
                break
        await stream.aclose()
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


async def test_sweep_over_ssh(tmp_path, remote, tools, ssh_server):
    config = ssh_config(tmp_path, ssh_server, remote)
    lines, done = [], None
    async for event in run_sweep(config, None, start=10, count=5, processes=2):
        if isinstance(event, ProcLine):
            lines.append(event.text)
        if isinstance(event, SweepDone):
            done = event
    assert done is not None and done.error is None, done.error
    assert done.command[1:] == ("fuzzer.py", "--start", "10", "--count", "5", "--processes", "2")
    assert done.report.failed_seeds == (14,) and done.report.ignored_seeds == (13,)
    assert any(line.startswith("Completed 1/5 - Seed 10") for line in lines)


async def test_cli_repro_test_over_ssh_says_where_things_run(tmp_path, checkout, remote, tools, ssh_server, capsys, monkeypatch):
    monkeypatch.delenv("TRIAGEDECK_CONFIG", raising=False)
    table = host_table(ssh_server)
    config = tmp_path / "config.toml"
    config.write_text(
        "[fuzz]\n"
        f"python = {json.dumps(sys.executable)}\n"
        # The fake program then prints the device it ran on: a CUDA failure, seen from here.
        'extra_env = { PYTEST_DISABLE_PLUGIN_AUTOLOAD = "1", FAKE_FUZZER_DEVICE = "cuda" }\n'
        f"remote_checkout = {json.dumps(str(remote))}\n"
        "[runners.ssh.gpu1]\n" + "".join(f"{k} = {json.dumps(v)}\n" for k, v in table.items())
    )
    base = ["--config", str(config), "--data-dir", str(tmp_path / "data")]

    async def cli(*argv):
        # The CLI runs its own event loop: in a thread, so the server's loop keeps serving.
        return await asyncio.to_thread(run, list(argv))

    code = await cli("fuzz", "repro-test", *base, "--checkout", str(checkout), "--seed", str(FAILING_SEED), "--env", "ssh:gpu1", "--json")
    out, err = capsys.readouterr()
    assert code == 0, err + out
    doc = json.loads(out)
    assert doc["env"] == "ssh:gpu1" and doc["fuzzer_where"].startswith("ssh:gpu1:")
    assert doc["runs"]["fails"]["cwd"] == str(checkout)
    notes = " ".join(doc["notes"])
    assert "run in the local checkout" in notes
    assert "mentions CUDA" in notes and "has none" in notes

    # Text mode prints the same notes as the step runs.
    code = await cli("fuzz", "repro-test", *base, "--checkout", str(checkout), "--seed", "5", "--env", "ssh:gpu1")
    out, err = capsys.readouterr()
    assert code == 0, err + out
    assert "mentions CUDA" in out and "may not fail the same way" in out

    # A sweep on the host needs no local checkout; the repro commands are ready for a bot.
    code = await cli("fuzz", "sweep", *base, "--env", "ssh:gpu1", "--start", "12", "--count", "3", "--json")
    out, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out)
    assert doc["failed_seeds"] == [14] and doc["ignored_seeds"] == [13]
    assert doc["repro_commands"] == ["triagedeck fuzz repro-test --checkout PATH --env ssh:gpu1 --seed 14 --json"]
