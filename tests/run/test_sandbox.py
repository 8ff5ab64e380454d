"""The bubblewrap sandbox, for real: read-only $HOME, private /tmp, loopback-only network."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from core.run import LocalRunner, RunSpec, collect, local_env

from .helpers import DOUBLE_FORK, PYTHON, kill_all, needs_bwrap, new_mark, survivors

pytestmark = needs_bwrap

ENV = local_env(PYTHON)

PROBE = r'''
import os, socket, sys, threading
def attempt(name, fn):
    try:
        fn()
        print(name, "ok", flush=True)
    except Exception as exc:
        print(name, "fail", type(exc).__name__, flush=True)

home = os.path.expanduser("~")
def write_home():
    with open(os.path.join(home, ".triagedeck-sandbox-probe"), "w") as f:
        f.write("x")
attempt("home_write", write_home)

def outside():
    s = socket.create_connection(("192.0.2.1", 80), timeout=3)  # TEST-NET-1: never routable
    s.close()
attempt("outside_connect", outside)

def loopback():
    srv = socket.socket(); srv.bind(("127.0.0.1", 0)); srv.listen(1)
    port = srv.getsockname()[1]
    t = threading.Thread(target=lambda: srv.accept()[0].sendall(b"pong")); t.start()
    c = socket.create_connection(("127.0.0.1", port), timeout=3)
    assert c.recv(4) == b"pong"
    t.join(); c.close(); srv.close()
attempt("loopback", loopback)

print("host_tmp_file_visible", os.path.exists(sys.argv[1]), flush=True)
def write_tmp():
    with open("/tmp/written-inside-sandbox-" + sys.argv[2], "w") as f:
        f.write("x")
attempt("tmp_write", write_tmp)
def write_scratch():
    with open("scratch.txt", "w") as f:
        f.write("x")
attempt("scratch_write", write_scratch)
print("pid_inside", os.getpid(), flush=True)
'''


async def test_sandbox_isolates_home_network_and_tmp(tmp_path):
    token = uuid.uuid4().hex
    host_file = Path("/tmp") / f"host-only-{token}"
    host_file.write_text("secret")
    try:
        result = await collect(
            LocalRunner(), RunSpec(PROBE, args=(str(host_file), token), env=ENV, sandbox="on", timeout_s=60), write_log=False
        )
    finally:
        host_file.unlink()
    assert result.started.sandboxed
    out = dict(line.text.split(" ", 1) for line in result.tail if line.stream == "stdout")
    assert out["home_write"].startswith("fail"), result.text()
    assert out["outside_connect"].startswith("fail"), result.text()
    assert out["loopback"] == "ok", result.text()
    assert out["host_tmp_file_visible"] == "False"
    assert out["tmp_write"] == "ok" and out["scratch_write"] == "ok"
    # Fresh PID namespace: the script is one of the first processes in it.
    assert int(out["pid_inside"]) < 10
    assert not (Path("/tmp") / f"written-inside-sandbox-{token}").exists()
    assert not (Path(os.path.expanduser("~")) / ".triagedeck-sandbox-probe").exists()
    assert result.exit_code == 0


async def test_sandboxed_timeout_kills_the_whole_tree():
    mark = new_mark()
    result = await collect(
        LocalRunner(),
        RunSpec(DOUBLE_FORK, env=ENV, sandbox="on", timeout_s=3, extra_env={"TD_TEST_MARK": mark}),
        write_log=False,
    )
    try:
        assert result.started.sandboxed and result.timed_out
        assert "grandchild up" in result.text()
        assert survivors("TD_TEST_MARK", mark) == []
    finally:
        kill_all(survivors("TD_TEST_MARK", mark))


async def test_sandboxed_crash_signal_is_decoded():
    result = await collect(
        LocalRunner(), RunSpec("import os\nos.abort()\n", env=ENV, sandbox="auto"), write_log=False
    )
    assert result.started.sandboxed
    assert result.exit_code == 134 and result.signal == 6


def test_bwrap_binds_back_a_tool_that_lives_in_tmp(tmp_path):
    from core.run.sandbox import bwrap_argv

    venv_python = "/tmp/some-venv/bin/python"
    argv = bwrap_argv("bwrap", "/tmp/scratch-1", [venv_python, "x.py"])
    tmpfs = argv.index("/tmp")  # the fresh /tmp comes first ...
    bind = argv.index("/tmp/some-venv")  # ... then the venv is bound back over it, read-only
    assert bind > tmpfs and argv[bind - 1] == "--ro-bind"
    assert "/tmp/scratch-1/x" not in argv  # nothing inside the scratch dir is bound twice


@needs_bwrap
async def test_sandboxed_run_with_an_interpreter_under_tmp(tmp_path):
    # CI builds its venv under /tmp: the sandbox's private /tmp must not hide it.
    import subprocess
    import sys
    import tempfile

    root = tempfile.mkdtemp(prefix="triagedeck-venv-", dir="/tmp")
    try:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", root], check=True, timeout=120)
        env = local_env(f"{root}/bin/python")
        result = await collect(LocalRunner(), RunSpec(script="print('inside')", env=env, sandbox="on", timeout_s=60), write_log=False)
        assert result.finished.exit_code == 0
        assert [line.text for line in result.tail] == ["inside"]
    finally:
        import shutil

        shutil.rmtree(root, ignore_errors=True)
