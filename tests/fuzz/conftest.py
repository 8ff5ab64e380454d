"""Fixtures: a fake PyTorch checkout (real git), stand-in lintrunner/ghstack on PATH, a store."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from core.fuzz import FuzzConfig, FuzzWorkflow
from core.store import Store

from .fakecheckout import build_fake_checkout, install_tools, write_ghstackrc

FAILING_SEED = 1  # rank-1 sum over dim=-1: IndexError in the compiled path
PASSING_SEED = 0
OTHER_FAILING_SEED = 5  # rank 2, another message


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return build_fake_checkout(tmp_path)


@pytest.fixture
def tools(tmp_path: Path, monkeypatch) -> Path:
    tools_dir = tmp_path / "tools"
    install_tools(tools_dir / "bin")
    monkeypatch.setenv("FAKE_TOOLS_DIR", str(tools_dir))
    monkeypatch.setenv("PATH", f"{tools_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    # The fake fuzzer writes its programs under $TMPDIR/torchfuzz, like TorchFuzz under /tmp.
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    return tools_dir


@pytest.fixture
def ghstackrc(tmp_path: Path) -> Path:
    return write_ghstackrc(tmp_path / "ghstackrc")


def make_config(tmp_path: Path, **overrides) -> FuzzConfig:
    values = dict(
        python=sys.executable,
        ghstackrc=str(tmp_path / "ghstackrc"),
        fuzzer_timeout_s=60.0,
        test_timeout_s=60.0,
        lint_timeout_s=10.0,
        push_timeout_s=10.0,
        # Plugin autoload off: the generated tests need none, and startup is several times faster.
        extra_env={"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"},
    )
    values.update(overrides)
    return FuzzConfig(**values)


@pytest.fixture
def store(tmp_path: Path):
    s = Store(tmp_path / "data" / "triagedeck.sqlite3")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def workflow(store, tmp_path: Path, tools) -> FuzzWorkflow:
    return FuzzWorkflow(store, tmp_path / "data", config=make_config(tmp_path))


# The real SSH server on 127.0.0.1 of the runner tests (tests/run/conftest.py), reused as is.
from run.conftest import ssh_server  # noqa: F401
