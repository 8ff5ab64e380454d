"""Demo issues: bug reports with runnable repros (pure Python and CPU PyTorch)."""

from __future__ import annotations

from ._spec import comment, days_ago, expect, issue, versions

CPU = versions("2.13.0+cpu", cuda=None, gpus=None)

ISSUES = [
    issue(
        170772,
        "cpu_repro_traceback",
        "nn.Linear shape error after concatenating extra features in forward",
        user="kmaslova",
        created=days_ago(9, 4),
        labels=["module: nn"],
        body="""
### 🐛 Describe the bug

I'm concatenating two flag columns onto the hidden state before the output layer, and the output
layer is sized `hidden + 2`. The forward fails with a shape error and I can't see why, the sizes
look right to me.

```python
import torch
import torch.nn as nn


class TabularHead(nn.Module):
    def __init__(self, num_features: int, hidden: int = 64, num_classes: int = 8):
        super().__init__()
        self.proj = nn.Linear(num_features, hidden)
        self.act = nn.GELU()
        self.out = nn.Linear(hidden + 2, num_classes)  # +2 for the two extra flags

    def forward(self, x, flags):
        h = self.act(self.proj(x))
        h = torch.cat([h, flags], dim=-1)
        return self.out(h[:, :-2])


torch.manual_seed(0)
model = TabularHead(num_features=10)
x = torch.randn(4, 10)
flags = torch.zeros(4, 2)
print(model(x, flags).shape)
```

Output:

```
Traceback (most recent call last):
  File "/home/kmaslova/work/tab/head.py", line 22, in <module>
    print(model(x, flags).shape)
          ^^^^^^^^^^^^^^^
  File "/home/kmaslova/.venv/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1778, in _wrapped_call_impl
    return self._call_impl(*args, **kwargs)
  File "/home/kmaslova/.venv/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1789, in _call_impl
    return forward_call(*args, **kwargs)
  File "/home/kmaslova/work/tab/head.py", line 15, in forward
    return self.out(h[:, :-2])
           ^^^^^^^^^^^^^^^^^^^
  File "/home/kmaslova/.venv/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1778, in _wrapped_call_impl
    return self._call_impl(*args, **kwargs)
  File "/home/kmaslova/.venv/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1789, in _call_impl
    return forward_call(*args, **kwargs)
  File "/home/kmaslova/.venv/lib/python3.11/site-packages/torch/nn/modules/linear.py", line 134, in forward
    return F.linear(input, self.weight, self.bias)
           ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
RuntimeError: mat1 and mat2 shapes cannot be multiplied (4x64 and 66x8)
```

I would expect either this to work or a clearer message saying which layer got the wrong width.
"""
        + CPU,
        expect=expect(
            kind="bug", actionable=True, repro_author="kmaslova", repro_source="body",
            repro_env="cpu_torch", reproduces=True,
            error_class="RuntimeError", error_match="mat1 and mat2 shapes cannot be multiplied",
        ),
    ),
    issue(
        170618,
        "cpu_dtype_mismatch",
        "Linear layer fails on float64 input loaded from CSV",
        user="tpham92",
        created=days_ago(15, 2),
        labels=["module: nn", "module: error checking"],
        body="""
### 🐛 Describe the bug

Features read from a CSV with full precision (float64) can't be fed through a freshly built
`nn.Sequential`. I know I can call `.float()`, but the error message does not say which module or
what to do, and older code I have used to call `model.double()` implicitly somewhere (I think).

```python
import csv
import io

import torch
from torch import nn

CSV = "a,b,c,d\\n0.1,0.2,0.3,0.4\\n1.5,0.2,0.8,0.1\\n0.3,0.3,0.9,1.2\\n"
rows = [[float(v) for v in r.values()] for r in csv.DictReader(io.StringIO(CSV))]
features = torch.tensor(rows, dtype=torch.float64)  # keep full precision from the CSV

encoder = nn.Sequential(
    nn.Linear(4, 32),
    nn.ReLU(),
    nn.Linear(32, 4),
)

with torch.no_grad():
    out = encoder(features)
print(out.mean())
```

```
  File "/opt/conda/lib/python3.12/site-packages/torch/nn/modules/linear.py", line 134, in forward
    return F.linear(input, self.weight, self.bias)
RuntimeError: mat1 and mat2 must have the same dtype, but got Double and Float
```

It would be nice if the message named the layer (`encoder.0`).
"""
        + versions("2.13.0+cpu", python="3.12.4 | packaged by conda-forge | (main, Jun 17 2026) [GCC 12.3.0] (64-bit runtime)", cuda=None, gpus=None),
        expect=expect(
            kind="bug", actionable=True, repro_author="tpham92", repro_source="body",
            repro_env="cpu_torch", reproduces=True,
            error_class="RuntimeError", error_match="mat1 and mat2 must have the same dtype, but got Double and Float",
        ),
    ),
    issue(
        168617,
        "cpu_inplace_autograd",
        "In-place mul_ on sigmoid output breaks backward",
        user="amir-hs",
        created=days_ago(95),
        labels=["module: autograd", "triaged"],
        comments=[
            comment("okafor-n", "MEMBER", days_ago(93), """
            `sigmoid` saves its output for backward, so modifying it in place invalidates the saved
            tensor. The error is expected; the question is whether we can point at the `mul_` call
            in the message. Marking as an error-message improvement.
            """),
            comment("amir-hs", "NONE", days_ago(92), """
            Thanks, `gate = gate * 0.5` works. Keeping this open for the message then.
            """),
        ],
        body="""
### 🐛 Describe the bug

Scaling a sigmoid gate in place, to save a bit of memory, makes `backward()` fail.

```python
import torch


def gated_update(x, w):
    gate = torch.sigmoid(x @ w)
    # scale the gate in place to save memory
    gate.mul_(0.5)
    return (gate * x).sum()


x = torch.randn(8, 4, requires_grad=True)
w = torch.randn(4, 4, requires_grad=True)
loss = gated_update(x, w)
loss.backward()
print(x.grad.norm())
```

```
Traceback (most recent call last):
  File "gate.py", line 14, in <module>
    loss.backward()
  File "/usr/local/lib/python3.11/site-packages/torch/_tensor.py", line 623, in backward
    torch.autograd.backward(
  File "/usr/local/lib/python3.11/site-packages/torch/autograd/__init__.py", line 395, in backward
    _engine_run_backward(
  File "/usr/local/lib/python3.11/site-packages/torch/autograd/graph.py", line 979, in _engine_run_backward
    return Variable._execution_engine.run_backward(  # Calls into the C++ engine to run the backward pass
RuntimeError: one of the variables needed for gradient computation has been modified by an inplace operation: [torch.FloatTensor [8, 4]], which is output 0 of Sigmoid, is at version 1; expected version 0 instead. Hint: enable anomaly detection to find the operation that failed to compute its gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).
```
"""
        + versions("2.12.1+cu126", cuda="12.6", gpus="GPU 0: NVIDIA GeForce RTX 4090"),
        expect=expect(
            kind="bug", actionable=True, repro_author="amir-hs", repro_source="body",
            repro_env="cpu_torch", reproduces=True, error_class="RuntimeError",
            error_match="modified by an inplace operation: [torch.FloatTensor [8, 4]], which is output 0 of Sigmoid",
        ),
    ),
    issue(
        169788,
        "cpu_index_out_of_range",
        "nn.Embedding: IndexError with a vocabulary that reserves index 0",
        user="lucia-ferraz",
        created=days_ago(48),
        labels=["module: nn"],
        body="""
### 🐛 Describe the bug

I shift every token id by one so that 0 means "unknown", and size the embedding with
`len(vocab)`. The lookup fails on the last token.

```python
import torch
from torch import nn

vocab = ["<pad>", "the", "cat", "sat", "on", "mat"]
stoi = {tok: i + 1 for i, tok in enumerate(vocab)}  # reserve 0 for unknown

emb = nn.Embedding(num_embeddings=len(vocab), embedding_dim=8, padding_idx=0)
ids = torch.tensor([[stoi[t] for t in ["the", "cat", "sat", "on", "mat"]]])
print(ids)
out = emb(ids)
print(out.shape)
```

<details>
<summary>Full traceback</summary>

```
tensor([[2, 3, 4, 5, 6]])
Traceback (most recent call last):
  File "/Users/lucia/src/tok/emb.py", line 10, in <module>
    out = emb(ids)
          ^^^^^^^^
  File "/Users/lucia/miniforge3/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1778, in _wrapped_call_impl
    return self._call_impl(*args, **kwargs)
  File "/Users/lucia/miniforge3/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1789, in _call_impl
    return forward_call(*args, **kwargs)
  File "/Users/lucia/miniforge3/lib/python3.11/site-packages/torch/nn/modules/sparse.py", line 189, in forward
    return F.embedding(
  File "/Users/lucia/miniforge3/lib/python3.11/site-packages/torch/nn/functional.py", line 2615, in embedding
    return torch.embedding(weight, input, padding_idx, scale_grad_by_freq, sparse)
IndexError: index out of range in self
```

</details>

The message does not say which index or what the size was, which made this take a while to find
(on CUDA it is a device-side assert instead, which is even worse).

<details>
<summary>Versions</summary>

```
Collecting environment information...
PyTorch version: 2.13.0
Is debug build: False
CUDA used to build PyTorch: None
OS: macOS 15.4 (arm64)
Python version: 3.11.11 (main, Dec  3 2025, 17:51:16) [Clang 16.0.6 ] (64-bit runtime)
Is CUDA available: False
Is MPS available: True
[pip3] torch==2.13.0
```

</details>
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="lucia-ferraz", repro_source="body",
            repro_env="cpu_torch", reproduces=True,
            error_class="IndexError", error_match="index out of range in self",
        ),
    ),
    issue(
        170468,
        "compile_graph_break",
        "torch.compile(fullgraph=True) fails on norm-based clipping with a Python if",
        user="dgorecki",
        association="CONTRIBUTOR",
        created=days_ago(21, 6),
        labels=["oncall: pt2", "module: dynamo", "module: graph breaks"],
        body="""
### 🐛 Describe the bug

A small clipping helper fails under `fullgraph=True` even with the eager backend. Without
`fullgraph` it silently graph-breaks. I expected dynamo to turn this into a `torch.where` or at
least to suggest `torch.cond`.

```python
import torch


def clipped_step(x, threshold):
    norm = x.norm()
    if norm > threshold:
        x = x * (threshold / norm)
    return x.relu()


compiled = torch.compile(clipped_step, backend="eager", fullgraph=True)
x = torch.randn(16)
print(compiled(x, 1.0))
```

### Error logs

```
Traceback (most recent call last):
  File "/data/users/dgorecki/clip.py", line 13, in <module>
    print(compiled(x, 1.0))
  File "/data/users/dgorecki/pytorch/torch/_dynamo/eval_frame.py", line 1177, in compile_wrapper
    raise e.with_traceback(
torch._dynamo.exc.Unsupported: Data-dependent branching
  Explanation: Detected data-dependent branching (e.g. `if my_tensor.sum() > 0:`). Dynamo does not support tracing dynamic control flow.

      The branch condition involves a tensor computed as follows:
        # File "/data/users/dgorecki/clip.py", line 6, in clipped_step, code: if norm > threshold:
        gt = gt(norm, 1.0)

  Hint: Use `torch.cond` to express dynamic control flow.

  Developer debug context: attempted to jump with TensorVariable()

from user code:
   File "/data/users/dgorecki/clip.py", line 6, in clipped_step
    if norm > threshold:

Set TORCHDYNAMO_VERBOSE=1 for the internal stack trace (please do this especially if you're reporting a bug to PyTorch). For even more developer context, set TORCH_LOGS="+dynamo"
```
"""
        + versions("2.13.0a0+git3f1c2d9", cuda="12.8", gpus="GPU 0: NVIDIA H100 80GB HBM3"),
        expect=expect(
            kind="bug", actionable=True, repro_author="dgorecki", repro_source="body",
            repro_env="cpu_torch", reproduces=True,
            error_class="torch._dynamo.exc.Unsupported", error_match="Data-dependent branching",
        ),
    ),
    issue(
        170141,
        "cpu_conv_channels",
        "Conv2d error message for grayscale input could suggest repeating channels",
        user="benoit-lm",
        created=days_ago(34),
        labels=["module: convolution", "module: error checking"],
        body="""
### 🐛 Describe the bug

Passing MNIST-style single-channel images through a network that expects RGB:

```py
import torch
import torch.nn as nn

model = nn.Sequential(
    nn.Conv2d(3, 16, kernel_size=3, padding=1),
    nn.BatchNorm2d(16),
    nn.ReLU(),
    nn.AdaptiveAvgPool2d(1),
    nn.Flatten(),
    nn.Linear(16, 10),
)
model.eval()

# MNIST-style grayscale batch
images = torch.rand(8, 1, 28, 28)
logits = model(images)
print(logits.argmax(1))
```

gives

```
RuntimeError: Given groups=1, weight of size [16, 3, 3, 3], expected input[8, 1, 28, 28] to have 3 channels, but got 1 channels instead
```

The error is correct but it is the single most common question on the forums. Could it say
"did you mean to `expand`/`repeat` the channel dimension?" when the input has 1 channel?
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="benoit-lm", repro_source="body",
            repro_env="cpu_torch", reproduces=True,
            error_class="RuntimeError", error_match="to have 3 channels, but got 1 channels",
        ),
    ),
    issue(
        170571,
        "cpu_lstm",
        "LSTM input_size check fires after switching tokenizer",
        user="h-okonkwo",
        created=days_ago(17),
        labels=["module: rnn"],
        body="""
### 🐛 Describe the bug

After switching to a tokenizer that produces 12-dimensional embeddings the tagger fails. I
understand the sizes disagree, but I'd like to confirm this is not a regression because the same
checkpoint "worked" in 2.11 (it may have been silently truncating?).

```python
import torch
from torch import nn

class Tagger(nn.Module):
    def __init__(self, emb_dim=10, hidden=20):
        super().__init__()
        self.rnn = nn.LSTM(emb_dim, hidden, batch_first=True, bidirectional=True)
        self.head = nn.Linear(2 * hidden, 5)

    def forward(self, x):
        out, _ = self.rnn(x)
        return self.head(out)

tagger = Tagger()
tokens = torch.randn(2, 7, 12)  # embeddings from the new tokenizer are 12-d
print(tagger(tokens).shape)
```

```
  File "/home/hok/.local/lib/python3.10/site-packages/torch/nn/modules/rnn.py", line 329, in check_input
    raise RuntimeError(
RuntimeError: input.size(-1) must be equal to input_size. Expected 10, got 12
```
"""
        + versions("2.13.0+cu128", python="3.10.14 (main, Mar 21 2026, 16:24:04) [GCC 11.2.0] (64-bit runtime)", gpus="GPU 0: NVIDIA GeForce RTX 3090"),
        expect=expect(
            kind="bug", actionable=True, repro_author="h-okonkwo", repro_source="body",
            repro_env="cpu_torch", reproduces=True,
            error_class="RuntimeError", error_match="input.size(-1) must be equal to input_size. Expected 10, got 12",
        ),
    ),
    issue(
        170322,
        "pure_python_traceback",
        "tools/stats: test-time summary crashes with KeyError: 'time' on skipped test cases",
        user="sgreenberg",
        association="CONTRIBUTOR",
        created=days_ago(27),
        labels=["module: tools"],
        body=r'''
### 🐛 Describe the bug

The helper that sums test durations from the JUnit XML reports assumes every `<testcase>` has a
`time` attribute. Test cases skipped at collection time (e.g. `@skipIfNoCUDA` on a CPU runner)
are written without one, and the summary job dies. Here is a stand-alone copy of the logic with a
report trimmed from a CPU shard:

```python
import xml.etree.ElementTree as ET

REPORT = """<testsuites>
  <testsuite name="test_nn" tests="3">
    <testcase classname="TestNN" name="test_linear" time="0.412"/>
    <testcase classname="TestNN" name="test_conv" time="1.077"/>
    <testcase classname="TestNN" name="test_rnn_cuda">
      <skipped message="no CUDA"/>
    </testcase>
  </testsuite>
</testsuites>"""


def summarize(xml_text):
    root = ET.fromstring(xml_text)
    totals = {}
    for case in root.iter("testcase"):
        key = (case.attrib["classname"], case.attrib["name"])
        totals[key] = float(case.attrib["time"])
    return totals


print(sum(summarize(REPORT).values()))
```

```
Traceback (most recent call last):
  File "/tmp/summ.py", line 23, in <module>
    print(sum(summarize(REPORT).values()))
              ^^^^^^^^^^^^^^^^^
  File "/tmp/summ.py", line 19, in summarize
    totals[key] = float(case.attrib["time"])
                        ~~~~~~~~~~~^^^^^^^^
KeyError: 'time'
```

Treating a missing `time` as 0.0 (`case.attrib.get("time", 0.0)`) fixes it. Happy to send a PR.
''',
        expect=expect(
            kind="bug", actionable=True, repro_author="sgreenberg", repro_source="body",
            repro_env="python", reproduces=True, error_class="KeyError", error_match="'time'",
        ),
    ),
    issue(
        169991,
        "pure_python_math_domain",
        "benchmarks/dynamo summary: geomean speedup raises ValueError when a model failed",
        user="ynakamura-ml",
        created=days_ago(40),
        labels=["module: benchmark", "oncall: pt2"],
        body="""
### 🐛 Describe the bug

When a model fails to compile the dashboard script records its speedup as `0.0`, and the geomean
then fails with a math domain error, so the whole summary is missing instead of one row. Reduced:

```python
import math

speedups = {
    "BERT_pytorch": 1.41,
    "hf_T5": 1.18,
    "resnet50": 1.32,
    "mobilenet_v3_large": 0.0,  # failed to compile, recorded as 0
    "timm_vision_transformer": 1.07,
}


def geomean(values):
    return math.exp(sum(math.log(v) for v in values) / len(values))


print(f"geomean speedup: {geomean(speedups.values()):.3f}x")
```

```
Traceback (most recent call last):
  File "summary.py", line 16, in <module>
    print(f"geomean speedup: {geomean(speedups.values()):.3f}x")
  File "summary.py", line 13, in geomean
    return math.exp(sum(math.log(v) for v in values) / len(values))
  File "summary.py", line 13, in <genexpr>
    return math.exp(sum(math.log(v) for v in values) / len(values))
                        ^^^^^^^^^^^
ValueError: math domain error
```

Failed models should be excluded from the geomean and counted separately.
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="ynakamura-ml", repro_source="body",
            repro_env="python", reproduces=True, error_class="ValueError", error_match="math domain error",
        ),
    ),
    issue(
        168988,
        "split_repro",
        "torchgen: argument splitter breaks on a default string that contains a comma",
        user="pvasquez",
        association="CONTRIBUTOR",
        created=days_ago(80),
        labels=["module: codegen"],
        body="""
### 🐛 Describe the bug

`split_args`-style splitting in the schema parser only tracks brackets, not quotes, so a default
value like `"sum,mean"` gets split in two. This is a simplified copy of the helper:

```python
def split_args(args: str) -> list[str]:
    out, depth, cur = [], 0, ""
    for ch in args:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        if ch == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
        else:
            cur += ch
    out.append(cur.strip())
    return out


def parse_arg(arg: str) -> tuple[str, str, str | None]:
    decl, _, default = arg.partition("=")
    parts = decl.split()
    if len(parts) != 2:
        raise ValueError(f"malformed argument {arg!r} in schema")
    return parts[0], parts[1], default or None
```

and then calling it on the schema of the op I'm adding:

```python
schema = 'Tensor self, str reduce="sum,mean", *, bool include_self=True'
for a in split_args(schema):
    print(parse_arg(a))
```

```
('Tensor', 'self', None)
('str', 'reduce', '"sum')
Traceback (most recent call last):
  File "split.py", line 25, in <module>
    print(parse_arg(a))
  File "split.py", line 21, in parse_arg
    raise ValueError(f"malformed argument {arg!r} in schema")
ValueError: malformed argument 'mean"' in schema
```

### Alternatives

Disallow commas in string defaults and document it.
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="pvasquez", repro_source="body", repro_split=True,
            repro_env="python", reproduces=True,
            error_class="ValueError", error_match="malformed argument 'mean\"' in schema",
        ),
    ),
    issue(
        167228,
        "already_fixed",
        "CPU half-precision nn.Linear: addmm_impl_cpu_ not implemented for 'Half'",
        user="mirela-d",
        created=days_ago(150),
        labels=["module: half", "module: cpu", "triaged"],
        body="""
### 🐛 Describe the bug

Running a float16 model on CPU (to check numerics before moving to the GPU) fails in the first
linear layer.

```python
import torch
from torch import nn

layer = nn.Linear(8, 4).half()
x = torch.randn(2, 8).half()
y = layer(x)
print(y.dtype, y.shape)
```

```
Traceback (most recent call last):
  File "half_cpu.py", line 6, in <module>
    y = layer(x)
  File "/home/mirela/venvs/old/lib/python3.9/site-packages/torch/nn/modules/module.py", line 1501, in _call_impl
    return forward_call(*args, **kwargs)
  File "/home/mirela/venvs/old/lib/python3.9/site-packages/torch/nn/modules/linear.py", line 114, in forward
    return F.linear(input, self.weight, self.bias)
RuntimeError: "addmm_impl_cpu_" not implemented for 'Half'
```

### Versions

PyTorch version: 2.0.1+cpu
Python version: 3.9.18
OS: Ubuntu 20.04.6 LTS (x86_64)
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="mirela-d", repro_source="body",
            repro_env="cpu_torch", reproduces=False, reported_version="2.0.1",
            error_class="RuntimeError", error_match="\"addmm_impl_cpu_\" not implemented for 'Half'",
        ),
    ),
    issue(
        166239,
        "fixed_in_comments",
        "torch.logsumexp returns nan when every input is -inf",
        user="f-albrecht",
        created=days_ago(190),
        labels=["module: numerical-stability", "triaged"],
        comments=[
            comment("vchandra-dev", "COLLABORATOR", days_ago(120), """
            This was fixed by #152871 (the kernel now special-cases an all `-inf` reduction), which
            is in 2.12. I can't reproduce on a current nightly. Please reopen if you still see it.
            """),
        ],
        body="""
### 🐛 Describe the bug

Masked attention rows where everything is masked give `nan` from `logsumexp` instead of `-inf`,
which then poisons the loss.

```python
import torch

scores = torch.full((3,), float("-inf"))
out = torch.logsumexp(scores, dim=0)
print(out)
assert not torch.isnan(out), "logsumexp of all -inf returned nan"
```

```
tensor(nan)
Traceback (most recent call last):
  File "lse.py", line 6, in <module>
    assert not torch.isnan(out), "logsumexp of all -inf returned nan"
AssertionError: logsumexp of all -inf returned nan
```
"""
        + versions("2.10.0+cu126", cuda="12.6", gpus="GPU 0: NVIDIA L4"),
        expect=expect(
            kind="bug", actionable=False, stop_reason="resolved_in_comments", resolved_by_pr=152871,
            repro_author="f-albrecht", repro_source="body", repro_env="cpu_torch", reproduces=False,
            error_class="AssertionError", error_match="logsumexp of all -inf returned nan",
        ),
    ),
    issue(
        167741,
        "shorter_commenter_repro",
        "CrossEntropyLoss with label_smoothing fails inside training loop",
        user="gwen-adeyemi",
        created=days_ago(130),
        labels=["module: nn"],
        comments=[
            comment("raf-silva", "CONTRIBUTOR", days_ago(128), """
            This doesn't need the dataset or the optimizer, the labels are parsed as floats:

            ```python
            import torch
            import torch.nn.functional as F

            logits = torch.randn(4, 3)
            target = torch.tensor([0.0, 2.0, 1.0, 1.0])
            F.cross_entropy(logits, target)
            ```

            Class indices need to be `long`; a float target of shape `(N,)` is not treated as
            probabilities because probabilities need shape `(N, C)`.
            """),
            comment("gwen-adeyemi", "NONE", days_ago(127), """
            Ah, `float(r["label"])`. Thanks! Is it possible to improve the message? It doesn't
            mention that a float target must have the same shape as the input.
            """),
        ],
        body="""
### 🐛 Describe the bug

My small tabular training loop fails on the first batch. Full script:

```python
import csv
import io

import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

CSV = "f1,f2,f3,label\\n0.1,0.5,0.3,2\\n0.7,0.1,0.9,0\\n0.4,0.4,0.2,1\\n0.9,0.8,0.1,1\\n"


class CsvDataset(Dataset):
    def __init__(self, text):
        rows = list(csv.DictReader(io.StringIO(text)))
        self.x = torch.tensor([[float(r["f1"]), float(r["f2"]), float(r["f3"])] for r in rows])
        self.y = torch.tensor([float(r["label"]) for r in rows])

    def __len__(self):
        return len(self.y)

    def __getitem__(self, i):
        return self.x[i], self.y[i]


model = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Linear(16, 3))
opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss(label_smoothing=0.1)
loader = DataLoader(CsvDataset(CSV), batch_size=2, shuffle=True)

for epoch in range(3):
    for x, y in loader:
        opt.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
    print(f"epoch {epoch}: loss={loss.item():.4f}")
```

```
Traceback (most recent call last):
  File "train.py", line 32, in <module>
    loss = loss_fn(model(x), y)
  File "/home/gwen/miniconda3/lib/python3.11/site-packages/torch/nn/modules/loss.py", line 1400, in forward
    return F.cross_entropy(
  File "/home/gwen/miniconda3/lib/python3.11/site-packages/torch/nn/functional.py", line 3555, in cross_entropy
    return torch._C._nn.cross_entropy_loss(
RuntimeError: expected target dtype to be Long or Byte, but got Float
```
"""
        + versions("2.12.0+cpu", cuda=None, gpus=None),
        expect=expect(
            kind="bug", actionable=True, repro_author="raf-silva", repro_source=0,
            repro_env="cpu_torch", reproduces=True,
            error_class="RuntimeError", error_match="expected target dtype to be Long or Byte, but got Float",
        ),
    ),
    issue(
        169487,
        "needs_repro_label_valid",
        "F.one_hot rejects -1 labels used as ignore index",
        user="ivan-petrov-ml",
        created=days_ago(60),
        labels=["needs reproduction", "module: nn"],
        comments=[
            comment("rbaptiste", "MEMBER", days_ago(59), """
            Could you share a small script that shows the failure? The snippet of the error alone is
            not enough to tell which call produced it.
            """),
            comment("ivan-petrov-ml", "NONE", days_ago(57), """
            Sure, here it is:

            ```python
            import torch
            import torch.nn.functional as F

            labels = torch.tensor([2, 0, -1, 1])  # -1 marks "ignore" in our dataset
            onehot = F.one_hot(labels, num_classes=3)
            print(onehot)
            ```

            ```
            RuntimeError: Class values must be non-negative.
            ```

            I'd like an `ignore_index` argument that gives an all-zero row, like `cross_entropy` has.
            """),
        ],
        body="""
### 🐛 Describe the bug

Converting labels that contain `-1` (our "ignore" marker) to one-hot fails with
`RuntimeError: Class values must be non-negative.`

Other losses accept an `ignore_index`, `one_hot` should too, or at least document it.
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="ivan-petrov-ml", repro_source=1,
            repro_env="cpu_torch", reproduces=True, needs_reproduction_removal=True,
            error_class="RuntimeError", error_match="Class values must be non-negative.",
        ),
    ),
    issue(
        162744,
        "recent_verification",
        "Tensor.view on a transposed tensor: message should mention contiguous()",
        user="nthorne",
        created=days_ago(330),
        labels=["module: error checking", "triaged"],
        comments=[
            comment("chen-yufei", "NONE", days_ago(250), """
            +1, still hit this in 2.10.
            """),
            comment("mhorvath", "MEMBER", days_ago(24), """
            Still reproduces on today's nightly (2.14.0.dev+cpu) with the script above:

            ```
            RuntimeError: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.
            ```
            """),
        ],
        body="""
### 🐛 Describe the bug

```python
import torch

x = torch.randn(4, 6)
y = x.t()
flat = y.view(-1)
print(flat.shape)
```

```
Traceback (most recent call last):
  File "v.py", line 5, in <module>
    flat = y.view(-1)
RuntimeError: view size is not compatible with input tensor's size and stride (at least one dimension spans across two contiguous subspaces). Use .reshape(...) instead.
```

The message suggests `.reshape(...)` but not `.contiguous().view(...)`, and does not say the
input is non-contiguous because of the transpose. Beginners don't know what "two contiguous
subspaces" means.
"""
        + versions("2.9.0+cu128", gpus="GPU 0: NVIDIA GeForce RTX 4070"),
        expect=expect(
            kind="bug", actionable=True, repro_author="nthorne", repro_source="body",
            repro_env="cpu_torch", reproduces=True, recent_verification=True, recent_comment=1,
            error_class="RuntimeError", error_match="view size is not compatible with input tensor's size and stride",
        ),
    ),
    issue(
        163478,
        "duplicate_original",
        "DataLoader collate_fn: torch.cat on an empty list of detections",
        user="ochoa-r",
        created=days_ago(300),
        labels=["module: dataloader", "triaged"],
        body="""
### 🐛 Describe the bug

Images without any detections produce an empty list, and concatenating them inside `collate_fn`
raises instead of returning an empty tensor.

```python
import torch
from torch.utils.data import DataLoader, Dataset


class Sparse(Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        # odd indices have no detections
        return [torch.rand(4) for _ in range(i % 2 * 2)]


def collate(batch):
    return [torch.cat(item) if item else torch.cat(item) for item in batch]


loader = DataLoader(Sparse(), batch_size=2, collate_fn=collate)
for b in loader:
    print([t.shape for t in b])
```

```
  File "/home/rochoa/det/collate.py", line 15, in <listcomp>
    return [torch.cat(item) if item else torch.cat(item) for item in batch]
ValueError: torch.cat(): expected a non-empty list of Tensors
```

(the `if item else` branch is obviously silly, it is the reduced version of our real collate.)
`torch.cat([])` could return an empty 1-D tensor.
""",
        expect=expect(
            kind="bug", actionable=True, repro_author="ochoa-r", repro_source="body",
            repro_env="cpu_torch", reproduces=True,
            error_class="ValueError", error_match="torch.cat(): expected a non-empty list of Tensors",
        ),
    ),
    issue(
        170249,
        "explicit_duplicate",
        "torch.cat([]) raises ValueError for images with no boxes",
        user="wkalinowski",
        created=days_ago(30),
        labels=[],
        comments=[
            comment("lkessler-pt", "MEMBER", days_ago(29), """
            Duplicate of #163478
            """),
        ],
        body="""
### 🐛 Describe the bug

```python
import torch

boxes_per_image = [[torch.rand(4), torch.rand(4)], []]
merged = [torch.cat(b) for b in boxes_per_image]
print(merged)
```

```
ValueError: torch.cat(): expected a non-empty list of Tensors
```

Expected an empty tensor for the second image.
"""
        + versions("2.13.0+cu128", gpus="GPU 0: NVIDIA RTX A6000"),
        expect=expect(
            kind="bug", actionable=False, stop_reason="duplicate", duplicate_of=163478,
            repro_author="wkalinowski", repro_source="body", repro_env="cpu_torch", reproduces=True,
            error_class="ValueError", error_match="torch.cat(): expected a non-empty list of Tensors",
        ),
    ),
    issue(
        170369,
        "third_party_import",
        "Exporting a Hugging Face model with torch.export fails on the attention mask",
        user="dmitri-vo",
        created=days_ago(25),
        labels=["oncall: export"],
        body="""
### 🐛 Describe the bug

```python
import torch
from transformers import AutoModelForSequenceClassification

model = AutoModelForSequenceClassification.from_pretrained("distilbert-base-uncased")
model.eval()
ids = torch.randint(0, 1000, (2, 16))
mask = torch.ones(2, 16, dtype=torch.long)
ep = torch.export.export(model, (ids,), kwargs={"attention_mask": mask}, strict=False)
print(ep)
```

```
torch._dynamo.exc.UserError: Could not guard on data-dependent expression Eq(u0, 16) (unhinted: Eq(u0, 16)).
```

transformers 4.52.4.
"""
        + versions("2.13.0+cu128", gpus="GPU 0: NVIDIA A10G"),
        expect=expect(
            kind="bug", actionable=True, repro_author="dmitri-vo", repro_source="body",
            repro_env="cpu_torch", reproduces=None, missing_imports=["transformers"],
            external_files=True, security=["download"],
            error_class="torch._dynamo.exc.UserError", error_match="Could not guard on data-dependent expression",
        ),
    ),
]
