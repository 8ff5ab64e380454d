"""Fixtures for the scrub tests: the demo dataset on a loopback GitHub server, the CLI
pointed at it, an interpreter without torch (fast pure-Python runs), and fake version
environments behind a conda stand-in."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import git
import pytest

from core.cli.main import run
from core.demo import demo_dataset
from core.loopback import LoopbackServer, LoopbackState
from core.run.probe import clear_probe_cache
from tests.conftest import make_workbench


def base_python() -> str:
    """The interpreter under this venv: plain stdlib, normally without torch (fast start)."""
    for name in ("python3", "python"):
        path = Path(sys.base_prefix) / "bin" / name
        if path.exists():
            return str(path)
    return sys.executable


@pytest.fixture(autouse=True)
def _fresh_probes():
    clear_probe_cache()
    yield
    clear_probe_cache()


@pytest.fixture
def demo_server():
    server = LoopbackServer(LoopbackState.from_dataset(demo_dataset())).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def demo_wb(demo_server, tmp_path):
    wb = make_workbench(demo_server, tmp_path / "data")
    try:
        yield wb
    finally:
        await wb.aclose()


@pytest.fixture
def scrub_cli(demo_server, tmp_path, capsys, monkeypatch):
    """``scrub_cli(args..., config=TOML)`` → (exit code, stdout, stderr)."""
    monkeypatch.setenv("GITHUB_TOKEN", "test-token")
    monkeypatch.delenv("TRIAGEDECK_CONFIG", raising=False)

    def invoke(*args: str, config: str | None = None):
        base = ["--api-url", demo_server.url, "--data-dir", str(tmp_path / "data"), "--repo", "pytorch/pytorch"]
        if config is not None:
            path = tmp_path / "config.toml"
            path.write_text(config)
            base += ["--config", str(path)]
        code = run(["scrub", *base, *args])
        out, err = capsys.readouterr()
        return code, out, err

    return invoke


FAKE_TORCH = '''
__version__ = "{version}.0"
FIXED = (2, 4)


class version:
    cuda = None


class cuda:
    @staticmethod
    def is_available():
        return False


class _T:
    def __init__(self, half=False):
        self.is_half = half
        self.shape = (2, 4)

    def half(self):
        return _T(True)

    @property
    def dtype(self):
        return "torch.float16" if self.is_half else "torch.float32"


def randn(*size):
    return _T()


def _too_old():
    return tuple(int(p) for p in __version__.split(".")[:2]) < FIXED


class _Linear:
    def __init__(self, n_in, n_out):
        self.n_out = n_out

    def half(self):
        return self

    def __call__(self, x):
        if x.is_half and _too_old():
            raise RuntimeError('"addmm_impl_cpu_" not implemented for \\'Half\\'')
        return _T(x.is_half)
'''

FAKE_CONDA = '''#!{python}
import json, os, sys
ROOT = {root!r}
args = sys.argv[1:]
if args[:3] == ["env", "list", "--json"]:
    names = sorted(os.listdir(os.path.join(ROOT, "envs")))
    print(json.dumps({{"envs": [ROOT] + [os.path.join(ROOT, "envs", n) for n in names], "root_prefix": ROOT}}))
    sys.exit(0)
name = args[args.index("-n") + 1]
site = os.path.join(ROOT, "envs", name, "site")
if not os.path.isdir(site):
    print("EnvironmentLocationNotFound: Not a conda environment: " + name, file=sys.stderr)
    sys.exit(1)
with open(os.path.join(ROOT, "calls.log"), "a") as log:
    log.write(name + " " + repr(os.environ.get("PYTHONPATH")) + " " + os.getcwd() + "\\n")
# `conda run` clears nothing of ours: the stand-in gives the env its own site dir, and -S
# keeps the host's site-packages (a real torch) out.
os.environ["PYTHONPATH"] = site
at = args.index("python")
os.execv(sys.executable, [sys.executable, "-S"] + args[at + 1:])
'''


def make_fake_conda(root: Path, versions: list[str], *, broken: tuple[str, ...] = ()) -> Path:
    """A conda stand-in whose ``pytorch-<v>`` envs each hold a fake ``torch`` of version v
    (the Half linear bug is fixed in 2.4); envs in ``broken`` fail to import torch."""
    for v in versions:
        pkg = root / "envs" / f"pytorch-{v}" / "site" / "torch"
        (pkg / "nn").mkdir(parents=True)
        if v in broken:
            (pkg / "__init__.py").write_text("raise ImportError('libtorch_cpu.so: cannot open shared object file')\n")
        else:
            (pkg / "__init__.py").write_text(FAKE_TORCH.format(version=v))
        (pkg / "nn" / "__init__.py").write_text("from torch import _Linear as Linear\n")
    exe = root / "bin" / "conda"
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.write_text(FAKE_CONDA.format(python=sys.executable, root=str(root)))
    exe.chmod(0o755)
    return exe


def calls(root: Path) -> list[str]:
    log = root / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def rest_writes(server) -> list[tuple[str, str, object]]:
    """(method, path, json body) of the REST writes the server received."""
    from tests.conftest import writes

    return [(r.method, r.path, r.json_body) for r in writes(server) if r.path != "/graphql"]


def _commit(repo: git.Repo, root: Path, files: dict[str, str], message: str):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        repo.index.add([rel])
    return repo.index.commit(message)


XFAIL_TEST = '''import unittest


class TestLinalg(unittest.TestCase):
    # https://github.com/pytorch/pytorch/issues/{n}
    @unittest.expectedFailure
    def test_addmm_half_cpu(self):
        pass

    def test_other(self):
        pass
'''


def make_checkout(root: Path, n: int) -> Path:
    """A PyTorch-like git checkout with tagged releases v2.0.0..v2.9.0: the Half addmm fix
    lands as PR #12345 between v2.3.0 and v2.4.0, and a test still carries a stale
    ``expectedFailure`` for issue ``n``."""
    repo = git.Repo.init(root)
    with repo.config_writer() as cw:
        cw.set_value("user", "name", "Test")
        cw.set_value("user", "email", "t@example.com")
    _commit(repo, root, {
        "torch/nn/modules/linear.py": "def forward(x):\n    return addmm(x)\n",
        "aten/src/ATen/native/Blas.cpp": "// \"addmm_impl_cpu_\" not implemented for 'Half'\nvoid addmm() {}\n",
        "test/test_linalg.py": XFAIL_TEST.format(n=n),
    }, "Initial import")
    for minor in range(0, 4):
        _commit(repo, root, {"docs/v.txt": f"2.{minor}\n"}, f"Release notes 2.{minor} (#{100 + minor})")
        repo.create_tag(f"v2.{minor}.0")
    _commit(repo, root, {"torch/utils/other.py": "x = 1\n"}, "Unrelated cleanup (#11111)")
    _commit(repo, root, {"aten/src/ATen/native/Blas.cpp": "void addmm() { /* Half supported */ }\n"},
            "Implement addmm for Half on CPU (#12345)")
    for minor in range(4, 10):
        _commit(repo, root, {"docs/v.txt": f"2.{minor}\n"}, f"Release notes 2.{minor} (#{100 + minor})")
        repo.create_tag(f"v2.{minor}.0")
    repo.close()
    return root


def doc_of(out: str) -> dict:
    return json.loads(out)


__all__ = ["base_python", "make_checkout", "make_fake_conda", "calls", "rest_writes", "doc_of", "os"]
