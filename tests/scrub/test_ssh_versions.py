"""Version environments on an ssh host: remote interpreters listed per version, and remote
conda envs found with ``conda env list --json`` over ssh. Probes run through the ssh runner
against a real SSH server on 127.0.0.1 (the runner tests' server), alone or mixed with local
conda envs, and the bisection finds the right flip."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from core.bisect import BisectResult, RoundStarted, bisect
from core.models import ErrorSignature
from core.scrub.bisection import discover_version_envs, make_probe
from tests.run.helpers import SubprocessSSHServer

from .conftest import FAKE_TORCH, make_fake_conda

EXPECTED = ErrorSignature("RuntimeError", "\"addmm_impl_cpu_\" not implemented for 'Half'")
REPRO = ("import torch\nfrom torch import nn\nlayer = nn.Linear(8, 4).half()\nx = torch.randn(2, 8).half()\n"
         "y = layer(x)\nprint(y.dtype, y.shape)\n")


@pytest.fixture
async def ssh_server(tmp_path):
    server = SubprocessSSHServer(tmp_path)
    try:
        await server.start()
    except OSError as exc:  # pragma: no cover - only where loopback sockets are forbidden
        pytest.skip(f"cannot start an SSH server on 127.0.0.1: {exc}")
    yield server
    server.close()


def remote_python(prefix: Path, version: str, log: Path) -> Path:
    """A "remote" interpreter shim: a fake torch of ``version`` (the Half bug fixed in 2.4)
    on its own path, the host's site-packages kept out, every start logged."""
    site = prefix / "site"
    (site / "torch" / "nn").mkdir(parents=True)
    (site / "torch" / "__init__.py").write_text(FAKE_TORCH.format(version=version))
    (site / "torch" / "nn" / "__init__.py").write_text("from torch import _Linear as Linear\n")
    shim = prefix / "bin" / "python"
    shim.parent.mkdir(parents=True)
    shim.write_text(f"#!/bin/sh\necho {version} >> '{log}'\nPYTHONPATH='{site}' exec '{sys.executable}' -S \"$@\"\n")
    shim.chmod(0o755)
    return shim


def remote_conda(root: Path, names: list[str]) -> Path:
    exe = root / "conda"
    listing = {"envs": [str(root)] + [str(root / "envs" / n) for n in names], "root_prefix": str(root)}
    exe.write_text(f"#!/bin/sh\necho '{json.dumps(listing)}'\n")
    exe.chmod(0o755)
    return exe


def host_table(server) -> dict:
    return {"host": "127.0.0.1", "port": server.port, "key_file": str(server.key_file),
            "known_hosts": str(server.known_hosts), "python": sys.executable}


async def run_bisect(extra: dict):
    envs, notes = await discover_version_envs(extra)
    probe = make_probe(REPRO, EXPECTED, timeout_s=60, sandbox="off", allow_unsandboxed=False)
    events = [e async for e in bisect(envs, probe, direction="fix", k=2)]
    assert isinstance(events[-1], BisectResult)
    return envs, notes, events


async def test_remote_conda_envs_only(ssh_server, tmp_path):
    root = tmp_path / "remote-conda"
    log = tmp_path / "remote.log"
    versions = [f"2.{m}" for m in range(8)]
    for v in versions:
        remote_python(root / "envs" / f"pytorch-{v}", v, log)
    exe = remote_conda(root, [f"pytorch-{v}" for v in versions] + ["scratch"])
    extra = {"runners": {"ssh": {"gpu1": host_table(ssh_server)}},
             "scrub": {"conda": False, "ssh": {"gpu1": {"conda": str(exe)}}}}
    envs, notes, events = await run_bisect(extra)
    assert notes == []
    assert [v.version for v in envs] == versions and {v.env.kind for v in envs} == {"ssh"}
    assert envs[4].env.python == str(root / "envs" / "pytorch-2.4" / "bin" / "python")
    result = events[-1]
    assert (result.last_before, result.first_after) == ("2.3", "2.4") and result.exact
    # probes ran on the "remote" interpreters, several per round
    ran = log.read_text().split()
    assert {p.version for p in result.timeline} <= set(ran)
    assert any(isinstance(e, RoundStarted) and len(e.versions) == 2 for e in events)


async def test_ssh_and_local_envs_mixed(ssh_server, tmp_path):
    log = tmp_path / "remote.log"
    conda_exe = make_fake_conda(tmp_path / "local-conda", ["2.0", "2.1", "2.2", "2.3"])
    pythons = {v: str(remote_python(tmp_path / "remote" / v, v, log)) for v in ("2.4", "2.5", "2.6")}
    extra_python = remote_python(tmp_path / "remote" / "2.7", "2.7", log)
    extra = {
        "runners": {"conda": {"executable": str(conda_exe)}, "ssh": {"gpu1": host_table(ssh_server)}},
        "scrub": {"ssh": {"gpu1": {"pythons": pythons}}, "versions": {"2.7": f"ssh:gpu1:{extra_python}"}},
    }
    envs, notes, events = await run_bisect(extra)
    kinds = {v.version: v.env.kind for v in envs}
    assert kinds == {"2.0": "conda", "2.1": "conda", "2.2": "conda", "2.3": "conda",
                     "2.4": "ssh", "2.5": "ssh", "2.6": "ssh", "2.7": "ssh"}
    result = events[-1]
    assert (result.last_before, result.first_after) == ("2.3", "2.4") and result.exact
    outcomes = {p.version: p.outcome.value for p in result.timeline}
    assert outcomes["2.3"] == "bug" and outcomes["2.4"] == "fixed"
    assert "2.4" in log.read_text().split()  # the flip's "fixed" verdict came from the remote interpreter


async def test_an_unreachable_host_is_a_note_not_a_crash(tmp_path):
    table = {"host": "127.0.0.1", "port": 9, "known_hosts": "", "connect_timeout_s": 5}
    extra = {"runners": {"ssh": {"down": table}},
             "scrub": {"conda": False, "ssh": {"down": {"conda": True, "pythons": {"2.4": "/opt/py"}}},
                       "versions": {"2.5": "ssh:nowhere:/opt/py"}}}
    envs, notes = await discover_version_envs(extra)
    assert [v.version for v in envs] == ["2.4"]  # listed: it is only tried (and marked broken) when probed
    assert any("down" in n and "cannot connect" in n for n in notes)
    assert any("2.5" in n and "unknown ssh host" in n for n in notes)
    probe = make_probe(REPRO, EXPECTED, timeout_s=30, sandbox="off", allow_unsandboxed=False)
    result = [e async for e in bisect(envs, probe, direction="fix", k=2)][-1]
    assert result.broken == ("2.4",) and result.first_after is None
