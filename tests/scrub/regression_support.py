"""Support for the regression and ssh bisection tests: a regression issue added to the demo
dataset, fake version environments where the bug *appears* in a release (old ones pass), and
a PyTorch-like checkout whose culprit commit lands between v2.3.0 and v2.4.0."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import git

from core.demo import demo_dataset

from .conftest import FAKE_CONDA, FAKE_TORCH, _commit

REGRESSION_ISSUE = 990001
BROKE_IN = (2, 4)

REPRO = """import torch
from torch import nn

layer = nn.Linear(8, 4).half()
x = torch.randn(2, 8).half()
y = layer(x)
print(y.dtype, y.shape)
"""

REGRESSION_BODY = f"""
### 🐛 Describe the bug

Half-precision `nn.Linear` on CPU fails after upgrading. This worked with PyTorch 2.1, it fails on 2.9.

```python
{REPRO}```

```
Traceback (most recent call last):
  File "half_cpu.py", line 6, in <module>
    y = layer(x)
  File "/opt/venv/lib/python3.11/site-packages/torch/nn/modules/linear.py", line 125, in forward
    return F.linear(input, self.weight, self.bias)
RuntimeError: "addmm_impl_cpu_" not implemented for 'Half'
```

### Versions

PyTorch version: 2.9.0+cpu
Python version: 3.11.9
"""


def regression_dataset(body: str = REGRESSION_BODY, pulls: list[dict] | None = None) -> dict:
    """The demo dataset plus one open regression issue (the demo's only regression is a
    multi-GPU segfault that cannot run here) and the PRs the culprit finder names."""
    data = demo_dataset()
    now = datetime.now(timezone.utc)
    stamp = (now - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    data["issues"].append({
        "number": REGRESSION_ISSUE, "title": "nn.Linear in half precision on CPU fails since a recent release",
        "body": body, "state": "open", "state_reason": None, "user": "half-user", "author_association": "NONE",
        "labels": ["module: half"], "assignees": [], "locked": False, "created_at": stamp, "updated_at": stamp,
        "closed_at": None, "comments": [],
    })
    data["pulls"] = pulls if pulls is not None else [
        {"number": 13579, "title": "Route Half addmm through the CPU dispatcher", "user": "kernel-dev"},
        {"number": 24680, "title": "Touch up nn.Linear docs", "user": "docs-dev"},
    ]
    return data


def fake_torch_source(version: str, broke_in: tuple[int, int] = BROKE_IN) -> str:
    """The conftest's fake torch, but the Half addmm error *appears* at ``broke_in``."""
    source = FAKE_TORCH.format(version=version).replace("FIXED = (2, 4)", f"BROKE_IN = {broke_in!r}")
    source = source.replace("< FIXED", ">= BROKE_IN")
    assert "BROKE_IN" in source and "FIXED" not in source
    return source


def write_fake_torch(site: Path, version: str, *, broken: bool = False) -> None:
    pkg = site / "torch"
    (pkg / "nn").mkdir(parents=True, exist_ok=True)
    if broken:
        (pkg / "__init__.py").write_text("raise ImportError('libtorch_cpu.so: cannot open shared object file')\n")
    else:
        (pkg / "__init__.py").write_text(fake_torch_source(version))
    (pkg / "nn" / "__init__.py").write_text("from torch import _Linear as Linear\n")


def make_regression_conda(root: Path, versions: list[str], *, broken: tuple[str, ...] = ()) -> Path:
    """A conda stand-in (the conftest's) whose ``pytorch-<v>`` envs fail from 2.4 on."""
    for v in versions:
        write_fake_torch(root / "envs" / f"pytorch-{v}" / "site", v, broken=v in broken)
    exe = root / "bin" / "conda"
    exe.parent.mkdir(parents=True, exist_ok=True)
    exe.write_text(FAKE_CONDA.format(python=sys.executable, root=str(root)))
    exe.chmod(0o755)
    return exe


def make_regression_checkout(root: Path) -> Path:
    """Tagged releases v2.0.0..v2.9.0; between v2.3.0 and v2.4.0 an unrelated commit, a docs
    touch of ``torch/nn/modules/linear.py`` (a traceback frame: weak evidence) and the
    culprit #13579, which adds the error text (``git log -S``: strong evidence)."""
    repo = git.Repo.init(root)
    with repo.config_writer() as cw:
        cw.set_value("user", "name", "Test")
        cw.set_value("user", "email", "t@example.com")
    _commit(repo, root, {
        "torch/nn/modules/linear.py": "def forward(x):\n    return addmm(x)\n",
        "aten/src/ATen/native/Blas.cpp": "void addmm() { /* Half supported */ }\n",
    }, "Initial import")
    for minor in range(0, 4):
        _commit(repo, root, {"docs/v.txt": f"2.{minor}\n"}, f"Release notes 2.{minor} (#{100 + minor})")
        repo.create_tag(f"v2.{minor}.0")
    _commit(repo, root, {"torch/utils/other.py": "x = 1\n"}, "Unrelated cleanup (#11111)")
    _commit(repo, root, {"torch/nn/modules/linear.py": "def forward(x):\n    \"\"\"Docs.\"\"\"\n    return addmm(x)\n"},
            "Touch up nn.Linear docs (#24680)")
    _commit(repo, root, {"aten/src/ATen/native/Blas.cpp":
                         "// \"addmm_impl_cpu_\" not implemented for 'Half'\nvoid addmm() { dispatch(); }\n"},
            "Route Half addmm through the CPU dispatcher (#13579)")
    for minor in range(4, 10):
        _commit(repo, root, {"docs/v.txt": f"2.{minor}\n"}, f"Release notes 2.{minor} (#{100 + minor})")
        repo.create_tag(f"v2.{minor}.0")
    repo.close()
    return root
