"""Fixtures: the fake PyTorch checkout and stand-in tools of tests/fuzz (imported, not copied)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from core.fuzz import FuzzWorkflow
from core.store import Store
from fuzz.conftest import make_config
from fuzz.fakecheckout import build_fake_checkout, install_tools, write_ghstackrc


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    return build_fake_checkout(tmp_path)


@pytest.fixture
def tools(tmp_path: Path, monkeypatch) -> Path:
    tools_dir = tmp_path / "tools"
    install_tools(tools_dir / "bin")
    monkeypatch.setenv("FAKE_TOOLS_DIR", str(tools_dir))
    monkeypatch.setenv("PATH", f"{tools_dir / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    return tools_dir


@pytest.fixture
def ghstackrc(tmp_path: Path) -> Path:
    return write_ghstackrc(tmp_path / "ghstackrc")


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
