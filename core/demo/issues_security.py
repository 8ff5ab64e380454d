"""Demo issues whose repros a maintainer must not run blindly, and one hostile issue.

``security`` in the expectations lists the checklist categories a scanner should report:
network, file_ops, shell, download, obfuscation, install, env.
"""

from __future__ import annotations

from ._spec import comment, days_ago, expect, issue, versions

# Text that must render literally: Rich markup, ANSI escapes, control characters, RTL, emoji.
_HOSTILE_TITLE = (
    "[bold red]URGENT[/bold red] torch.compile \x1b[31mcrash\x1b[0m on \u202eevil\u202c input "
    "[link=file:///etc/passwd]details[/link] \U0001f525\U0001f525"
)
_LONG_LINE = "tensor([" + ", ".join(f"{i * 0.125:.4f}" for i in range(700)) + "])"
_HOSTILE_BODY = (
    "### \U0001f41b Describe the bug\n\n"
    "[bold magenta]Please read[/bold magenta] [link=file:///etc/passwd]my notes[/link] "
    "and [link=https://example.invalid/x]this[/link].\n\n"
    "Terminal output pasted raw: \x1b[1;31mERROR\x1b[0m \x1b]8;;file:///etc/shadow\x07click\x1b]8;;\x07 "
    "bell\x07 backspace\x08\x08 vertical-tab\x0b form-feed\x0c end.\n\n"
    "\u05e9\u05dc\u05d5\u05dd \u05e2\u05d5\u05dc\u05dd \u2014 \u0645\u0631\u062d\u0628\u0627 "
    "(RTL text), \u202eoverride\u202c, zero\u200bwidth, family \U0001f468\u200d\U0001f469\u200d\U0001f467, "
    "combining e\u0301\u0301\u0301.\n\n"
    "Rich escapes: \\[not markup] [/] [[double]] [bold]unclosed\n\n"
    "```python\n"
    "import torch\n"
    "print('[red]not markup[/red]', '\\x1b[31m')\n"
    "```\n\n"
    "Output:\n\n"
    f"{_LONG_LINE}\n"
)

ISSUES = [
    issue(
        169865,
        "sec_network",
        "Loading my fine-tuned ResNet checkpoint gives size mismatch for fc.weight",
        user="k-obuya",
        created=days_ago(45),
        labels=["module: serialization"],
        body="""
### 🐛 Describe the bug

The checkpoint is on our bucket, the script downloads it and loads it into a torchvision-style
model. It fails with a size mismatch.

```python
import urllib.request

import requests
import torch
from torch import nn

URL = "https://storage.example-ml-bucket.net/ckpts/resnet_ft_epoch40.pt"
urllib.request.urlretrieve(URL, "resnet_ft.pt")
meta = requests.get(URL + ".json", timeout=10).json()

state = torch.load("resnet_ft.pt")
model = nn.Sequential(nn.Flatten(), nn.Linear(2048, meta["num_classes"]))
model.load_state_dict(state)
```

```
RuntimeError: Error(s) in loading state_dict for Sequential:
	size mismatch for 1.weight: copying a param with shape torch.Size([100, 2048]) from checkpoint, the shape in current model is torch.Size([10, 2048]).
```
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="k-obuya", repro_source="body", repro_env="cpu_torch",
            reproduces=None, external_files=True, security=["network", "download"],
            error_class="RuntimeError", error_match="size mismatch for 1.weight",
        ),
    ),
    issue(
        170045,
        "sec_shell",
        "torch.cuda.device_count() disagrees with nvidia-smi inside a container",
        user="marco-bellini",
        created=days_ago(38),
        labels=["module: cuda"],
        body="""
### 🐛 Describe the bug

```python
import os
import subprocess

import torch

os.system("nvidia-smi -L > /root/gpus.txt")
smi = subprocess.run("nvidia-smi --query-gpu=index --format=csv,noheader", shell=True,
                     capture_output=True, text=True).stdout.split()
print("nvidia-smi:", len(smi), "torch:", torch.cuda.device_count())
assert len(smi) == torch.cuda.device_count(), "device count mismatch"
```

```
nvidia-smi: 4 torch: 2
AssertionError: device count mismatch
```

`CUDA_VISIBLE_DEVICES` is not set in the container.
"""
        + versions("2.13.0+cu128", gpus="GPU 0: NVIDIA L40S\nGPU 1: NVIDIA L40S\nGPU 2: NVIDIA L40S\nGPU 3: NVIDIA L40S"),
        expect=expect(
            kind="bug", actionable=True, repro_author="marco-bellini", repro_source="body", repro_env="cuda",
            needs_cuda=True, reproduces=None, security=["shell", "file_ops"],
            error_class="AssertionError", error_match="device count mismatch",
        ),
    ),
    issue(
        170449,
        "sec_obfuscation",
        "torch.linalg.inv gives inaccurate results for near-singular matrices",
        user="xr-7731",
        created=days_ago(22),
        labels=["module: linear algebra"],
        body="""
### 🐛 Describe the bug

My repro is long so I compressed it, just run it:

```python
import base64
exec(base64.b64decode("aW1wb3J0IHRvcmNoCnggPSB0b3JjaC5yYW5kbigzLCAzKQpwcmludCh0b3JjaC5saW5hbGcuaW52KHggQCB4LlQpKQo=").decode())
```

The output has huge values, which looks wrong.
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="xr-7731", repro_source="body", repro_env="cpu_torch",
            reproduces=None, security=["obfuscation", "shell"],
        ),
    ),
    issue(
        170598,
        "sec_pip_install",
        "torch.compile fails with triton after upgrading",
        user="ananya-g",
        created=days_ago(16),
        labels=["oncall: pt2"],
        body="""
### 🐛 Describe the bug

Steps:

```bash
pip install --upgrade triton==3.4.0
pip install -r https://raw.githubusercontent.com/example-org/llm-train/main/requirements.txt
```

then

```python
import subprocess
import sys

subprocess.check_call([sys.executable, "-m", "pip", "install", "flash-attn", "--no-build-isolation"])

import torch

@torch.compile
def f(x):
    return torch.nn.functional.gelu(x) * 2

print(f(torch.randn(8, device="cuda")))
```

```
torch._inductor.exc.InductorError: ImportError: cannot import name 'AttrsDescriptor' from 'triton.compiler.compiler'
```
"""
        + versions("2.13.0+cu128", gpus="GPU 0: NVIDIA A100-SXM4-40GB"),
        expect=expect(
            kind="bug", actionable=True, repro_author="ananya-g", repro_source="body", repro_env="cuda",
            needs_cuda=True, reproduces=None, security=["install", "shell", "network"],
            error_class="torch._inductor.exc.InductorError", error_match="cannot import name 'AttrsDescriptor'",
        ),
    ),
    issue(
        170718,
        "sec_torch_load_user_file",
        "Unpickling my saved optimizer state fails after upgrading to 2.13",
        user="jbrandt",
        created=days_ago(12),
        labels=["module: serialization"],
        body="""
### 🐛 Describe the bug

I attached the checkpoint (zipped) to this issue. Download it to `~/Downloads/opt_state.pt` and run:

```python
import os
import pickle

import torch

path = os.path.expanduser("~/Downloads/opt_state.pt")
state = torch.load(path, weights_only=False)
with open(path + ".meta", "rb") as f:
    meta = pickle.load(f)
print(state.keys(), meta)
```

[opt_state.zip](https://github.com/user-attachments/files/21877354/opt_state.zip)

```
_pickle.UnpicklingError: invalid load key, '\\x0a'.
```
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="jbrandt", repro_source="body", repro_env="cpu_torch",
            reproduces=None, external_files=True, security=["download", "file_ops"],
            error_class="_pickle.UnpicklingError", error_match="invalid load key",
        ),
    ),
    issue(
        170849,
        "sec_home_write",
        "Inductor cache is not reused across runs when the home directory is on NFS",
        user="stefan-ilic",
        created=days_ago(6),
        labels=["oncall: pt2", "module: inductor"],
        body="""
### 🐛 Describe the bug

```python
import os
import pathlib

os.environ["LD_PRELOAD"] = "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"
os.environ["HOME"] = "/mnt/nfs/stefan"
os.environ["TORCHINDUCTOR_CACHE_DIR"] = os.path.expanduser("~/.cache/inductor")
os.environ["TORCHINDUCTOR_FX_GRAPH_CACHE"] = "1"

cfg = pathlib.Path.home() / ".config" / "torch" / "inductor.json"
cfg.parent.mkdir(parents=True, exist_ok=True)
cfg.write_text('{"autotune": true}')

import torch

@torch.compile
def f(x):
    return (x.sin() + x.cos()).sum()

f(torch.randn(1024))
```

Every run recompiles from scratch (the FX graph cache reports a miss each time).
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="stefan-ilic", repro_source="body", repro_env="cpu_torch",
            reproduces=None, security=["env", "file_ops"],
        ),
    ),
    issue(
        170948,
        "hostile_markup",
        _HOSTILE_TITLE,
        user="t0xic-paste",
        created=days_ago(2, 5),
        labels=["oncall: pt2"],
        raw_body=True,
        comments=[
            comment("t0xic-paste", "NONE", days_ago(2), """
            [blink]bump[/blink] \\x1b[2J (escaped, this one is just text)
            """),
        ],
        body=_HOSTILE_BODY,
        expect=expect(kind="bug", hostile=True),
    ),
]
