"""Demo issues: non-bugs, stops of the scrub workflow, and fuzzer reports."""

from __future__ import annotations

from ._spec import comment, days_ago, expect, hours_ago, issue, versions

ISSUES = [
    issue(
        170868,
        "screenshot_only",
        "Loss becomes NaN after a few hundred steps with autocast",
        user="priyanka-rt",
        created=days_ago(5, 3),
        labels=[],
        body="""
### 🐛 Describe the bug

Training goes fine for ~300 steps and then the loss is NaN. Here is my training code and the log:

<img width="912" alt="training code" src="https://github.com/user-attachments/assets/3f9b1c52-7d0e-4c1a-9b8e-2e6f14a0d7c1">

![loss curve and error](https://github.com/user-attachments/assets/a61e0f3b-52c4-4d8f-8f0e-9d3b7c21e845.png)

It happens every time. I tried lowering the learning rate but it still goes to NaN.

### Versions

torch 2.13, CUDA 12.8, RTX 4080
""",
        expect=expect(
            kind="bug", actionable=False, stop_reason="screenshot_only", screenshot_only=True,
            repro_author=None, repro_source=None,
        ),
    ),
    issue(
        170819,
        "cuda_only",
        "Illegal memory access in index_add_ with large int64 indices on CUDA",
        user="jdeluca",
        created=days_ago(7, 1),
        labels=["module: cuda"],
        body="""
### 🐛 Describe the bug

`index_add_` on a CUDA tensor with more than 2**31 elements crashes with an illegal memory access.
The same code on CPU gives the right answer (slowly).

```python
import torch

device = "cuda"
n = 2**31 + 1024
out = torch.zeros(n, dtype=torch.float16, device=device)
idx = torch.randint(0, n, (4096,), device=device)
src = torch.ones(4096, dtype=torch.float16).cuda()
out.index_add_(0, idx, src)
torch.cuda.synchronize()
print(out.sum())
```

```
Traceback (most recent call last):
  File "/home/jdeluca/ia.py", line 9, in <module>
    torch.cuda.synchronize()
  File "/home/jdeluca/.venv/lib/python3.12/site-packages/torch/cuda/__init__.py", line 1083, in synchronize
    return torch._C._cuda_synchronize()
RuntimeError: CUDA error: an illegal memory access was encountered
CUDA kernel errors might be asynchronously reported at some other API call, so the stacktrace below might be incorrect.
For debugging consider passing CUDA_LAUNCH_BLOCKING=1
Compile with `TORCH_USE_CUDA_DSA` to enable device-side assertions.
```
"""
        + versions("2.13.0+cu128", gpus="GPU 0: NVIDIA H100 80GB HBM3"),
        expect=expect(
            kind="bug", actionable=True, repro_author="jdeluca", repro_source="body",
            repro_env="cuda", needs_cuda=True, reproduces=None,
            error_class="RuntimeError", error_match="CUDA error: an illegal memory access was encountered",
        ),
    ),
    issue(
        170721,
        "feature_request",
        "Add a skip_nonfinite option to clip_grad_norm_",
        user="elena-marchetti",
        created=days_ago(11),
        labels=["module: optimizer"],
        body="""
### 🚀 The feature, motivation and pitch

When one parameter's gradient contains `inf`, `torch.nn.utils.clip_grad_norm_` returns a non-finite
total norm and (with `error_if_nonfinite=False`) scales every gradient by `nan`. In large runs we
would rather skip the offending parameters, log them, and clip the rest.

Proposal: a `nonfinite="error" | "propagate" | "skip"` argument, where `"skip"` zeroes the
gradients that are non-finite, excludes them from the norm, and returns the list of their indices.

Today we do this by hand:

```python
grads = [p.grad for p in model.parameters() if p.grad is not None]
bad = [i for i, g in enumerate(grads) if not torch.isfinite(g).all()]
for i in bad:
    grads[i].zero_()
torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
```

which costs an extra pass and a host sync per parameter.

### Alternatives

Use `GradScaler`-style inf checks before clipping, but that is tied to AMP.

### Additional context

Similar to what several training frameworks implement on top of PyTorch.
""",
        expect=expect(kind="feature", actionable=False, stop_reason="not_bug", propose_labels=["feature"]),
    ),
    issue(
        170672,
        "question",
        "How do I step OneCycleLR per batch when using gradient accumulation?",
        user="samirk",
        created=days_ago(13),
        labels=[],
        body="""
Hi, I'm not sure if this is a bug or if I'm using the scheduler wrong. I accumulate gradients over
4 batches and call the scheduler like this:

    for i, (x, y) in enumerate(loader):
        loss = model(x, y) / 4
        loss.backward()
        if (i + 1) % 4 == 0:
            opt.step()
            opt.zero_grad()
        sched.step()

and get `ValueError: Tried to step 1001 times. The specified number of total steps is 1000`.
Should `total_steps` be the number of batches or the number of optimizer steps? What is the
recommended way to do this? The docs example does not use accumulation.

Thanks!
""",
        expect=expect(kind="question", actionable=False, stop_reason="not_bug", indented_code=True),
    ),
    issue(
        170089,
        "docs",
        "[docs] register_parametrization example uses an outdated import path",
        user="hannah-b",
        association="CONTRIBUTOR",
        created=days_ago(36),
        labels=["module: docs", "triaged"],
        body="""
### 📚 The doc issue

The example in the `torch.nn.utils.parametrize.register_parametrization` docstring imports
`orthogonal` from a module that was moved, and the second snippet refers to a variable `layer` that
is never defined. Copy-pasting the example fails.

### Suggest a potential alternative/fix

Use `torch.nn.utils.parametrizations.orthogonal` and define `layer = nn.Linear(3, 3)` before
using it. I can open a PR.
""",
        expect=expect(kind="docs", actionable=False, stop_reason="not_bug"),
    ),
    issue(
        170394,
        "refactor",
        "Consolidate the duplicated _get_device_index helpers",
        user="okafor-n",
        association="MEMBER",
        created=days_ago(24),
        labels=["module: python frontend"],
        body="""
There are four near-identical copies of `_get_device_index` (in `torch/cuda/_utils.py`,
`torch/xpu/_utils.py`, `torch/mtia/`, and `torch/_utils.py`). They differ only in which device
types they accept and in small wording differences in the error messages.

This is a code-health task, no behaviour change intended:

- [ ] make `torch/_utils.py::_get_device_index` accept an `allowed_types` tuple
- [ ] replace the backend copies with thin wrappers
- [ ] unify the error messages and update the tests that match on them

Filed so it can be picked up as a cleanup; no user-visible bug.
""",
        expect=expect(kind="refactor", actionable=False, stop_reason="not_bug", propose_labels=["better-engineering"]),
    ),
    issue(
        169548,
        "tracker",
        "[Tracker] Graph breaks in popular vision models (2.14 burn-down)",
        user="mhorvath",
        association="MEMBER",
        created=days_ago(58),
        labels=["oncall: pt2", "module: dynamo"],
        assignees=["mhorvath"],
        comments=[
            comment("dgorecki", "CONTRIBUTOR", days_ago(20), """
            #170468 is another instance (data-dependent branching in a clipping helper).
            """),
        ],
        body="""
This issue tracks the remaining graph breaks found by the weekly run over the vision model zoo.
Each item links the issue with a minimal repro.

**Data-dependent control flow**
- [ ] #169101 `if x.max() > 1:` normalisation in preprocessing
- [x] #168650 `tensor.item()` in a learning-rate warmup branch
- [ ] #169377 `torch.nonzero` feeding a Python loop

**Unsupported builtins / third-party calls**
- [ ] #169402 `numpy.random` inside `forward`
- [x] #168911 `copy.deepcopy` of a module attribute

**Other**
- [ ] #169455 recompilations from `nn.Module` hooks registered per step

Targets: zero graph breaks on the top-20 models for 2.14. Please link new issues here.
""",
        expect=expect(kind="tracker", actionable=False, stop_reason="tracker", propose_labels=["tracker"]),
    ),
    issue(
        157512,
        "stale_underspecified",
        "model very slow",
        user="user-4417",
        created=days_ago(540),
        updated=days_ago(431),
        labels=["module: performance"],
        comments=[
            comment("user-4417", "NONE", days_ago(431), """
            any update?
            """),
        ],
        body="""
My model is much slower than expected on my machine, it takes forever to train one epoch. Other
frameworks are faster. Please fix.
""",
        expect=expect(kind="bug", actionable=False, stop_reason="stale", suggest_close_stale=True,
                      repro_author=None, repro_source=None),
    ),
    issue(
        164477,
        "locked",
        "Please keep publishing wheels for Python 3.9",
        user="t-marsh",
        created=days_ago(260),
        updated=days_ago(240),
        locked=True,
        labels=["module: binaries", "triaged"],
        comments=[
            comment("t-marsh", "NONE", days_ago(259), """
            Our cluster is stuck on 3.9 and this breaks every job we have.
            """),
            comment("rbaptiste", "MEMBER", days_ago(258), """
            Python 3.9 reached end of life and the support matrix follows the Python release
            schedule. Older wheels stay available; please pin `torch<2.9` on that cluster.
            """),
            comment("anon-dev-77", "NONE", days_ago(241), """
            This is ridiculous, you are breaking people's work for no reason!!!
            """),
            comment("lkessler-pt", "MEMBER", days_ago(240), """
            Locking this issue as the discussion is no longer productive. The decision and the
            workaround are in the comments above.
            """),
        ],
        body="""
### 🐛 Describe the bug

`pip install torch` on Python 3.9 now picks a very old version instead of the latest release.
Please keep building 3.9 wheels, many HPC clusters cannot upgrade Python.
""",
        expect=expect(kind="bug", actionable=False, stop_reason="locked", locked=True),
    ),
    issue(
        169241,
        "closed",
        "torch.bucketize returns wrong indices for descending boundaries",
        user="ferhat-k",
        created=days_ago(70),
        state="closed",
        state_reason="completed",
        closed=days_ago(61),
        labels=["module: correctness (silent)", "triaged"],
        comments=[
            comment("vchandra-dev", "COLLABORATOR", days_ago(68), """
            `bucketize` requires `boundaries` to be sorted in ascending order; that is documented,
            but we should raise instead of returning garbage. PR incoming.
            """),
            comment("vchandra-dev", "COLLABORATOR", days_ago(61), """
            The check landed in #169380, closing.
            """),
        ],
        body="""
### 🐛 Describe the bug

```python
import torch

boundaries = torch.tensor([9.0, 5.0, 1.0])
print(torch.bucketize(torch.tensor([6.0]), boundaries))
```

prints `tensor([0])`; I expected an error or `tensor([1])`.
""",
        expect=expect(kind="bug", actionable=False, stop_reason="closed"),
    ),
    issue(
        160493,
        "closed_not_planned",
        "Support complex32 in torch.fft on CPU",
        user="qiang-w",
        created=days_ago(420),
        state="closed",
        state_reason="not_planned",
        closed=days_ago(360),
        labels=["feature"],
        comments=[
            comment("okafor-n", "MEMBER", days_ago(360), """
            We don't plan to add chalf kernels on CPU; upcast to complex64 instead. Closing.
            """),
        ],
        body="""
### 🚀 The feature, motivation and pitch

`torch.fft.fft` on a `torch.chalf` tensor works on CUDA but not on CPU. It would help to test
half-precision FFT pipelines locally.
""",
        expect=expect(kind="feature", actionable=False, stop_reason="closed"),
    ),
    issue(
        170268,
        "fuzzer_report",
        "[Fuzzer] Inductor: index_select on a matmul result gives a lowering error with dynamic shapes",
        user="fuzzbot-runner",
        association="MEMBER",
        created=days_ago(29),
        labels=["oncall: pt2", "module: inductor", "topic: fuzzer"],
        body="""
Found by TorchFuzz, seed 48213, template `default`, on CUDA.

Eager runs fine; `torch.compile(fullgraph=True, dynamic=True)` fails during lowering.

```python
import torch
import sys

torch._dynamo.config.capture_scalar_outputs = True
torch._dynamo.config.capture_dynamic_output_shape_ops = True
torch._inductor.config.emulate_precision_casts = True


def fuzzed_program(arg_0, arg_1, arg_2, sentinel):
    var_node_2 = arg_0  # size=(5, 3), stride=(3, 1), dtype=float32, device=cuda
    var_node_3 = arg_1  # size=(3, 7), stride=(7, 1), dtype=float32, device=cuda
    var_node_1 = torch.matmul(var_node_2.to(torch.float32), var_node_3.to(torch.float32))  # size=(5, 7)
    var_node_5 = arg_2  # size=(4,), stride=(1,), dtype=int64, device=cuda
    var_node_4 = torch.index_select(var_node_1, 1, var_node_5)  # size=(5, 4)
    var_node_6 = torch.nn.functional.silu(var_node_4)  # size=(5, 4)
    var_node_0 = var_node_6.sum(dim=0)  # size=(4,)
    return var_node_0 * sentinel


arg_0 = torch.as_strided(torch.randn(15).to(torch.float32), (5, 3), (3, 1)).to("cuda")
arg_1 = torch.as_strided(torch.randn(21).to(torch.float32), (3, 7), (7, 1)).to("cuda")
arg_2 = torch.randint(0, 7, (4,), dtype=torch.int64).to("cuda")
sentinel = torch.tensor(1.0, requires_grad=True).to("cuda")

args = (arg_0, arg_1, arg_2) + (sentinel,)
result_original = fuzzed_program(*args)
print("✅ eager success")
compiled_program = torch.compile(fuzzed_program, fullgraph=True, dynamic=True)
result_compiled = compiled_program(*args)
print("✅ compile success")
```

```
✅ eager success
Traceback (most recent call last):
  File "/tmp/torchfuzz/fuzz_6c1f0e2ab7d94b1c.py", line 33, in <module>
    result_compiled = compiled_program(*args)
  File "/opt/pytorch/torch/_dynamo/eval_frame.py", line 1177, in compile_wrapper
    raise e.with_traceback(
torch._inductor.exc.InductorError: LoweringException: AssertionError: index_select expects a 1-D index with a known dtype, got s0 of dtype torch.int64
  target: aten.index_select.default
  args[0]: TensorBox(StorageBox(ComputedBuffer(name='buf0', layout=FixedLayout('cuda:0', torch.float32, size=[5, 7], stride=[7, 1]))))
  args[1]: 1

Set TORCHDYNAMO_VERBOSE=1 for the internal stack trace (please do this especially if you're reporting a bug to PyTorch). For even more developer context, set TORCH_LOGS="+dynamo"
Program exited with code: 1
```
""",
        expect=expect(
            kind="bug", actionable=True, fuzzer=True, fuzz_seed=48213, fuzz_template="default",
            repro_author="fuzzbot-runner", repro_source="body", repro_env="cuda", needs_cuda=True,
            reproduces=None, error_class="torch._inductor.exc.InductorError",
            error_match="LoweringException: AssertionError: index_select expects a 1-D index",
        ),
    ),
    issue(
        170519,
        "fuzzer_report_cpu",
        "[Fuzzer] Eager and compiled results differ for cumsum over an expanded bfloat16 tensor",
        user="fuzzbot-runner",
        association="MEMBER",
        created=days_ago(19),
        labels=["oncall: pt2", "module: inductor", "topic: fuzzer", "module: correctness (silent)"],
        comments=[
            comment("fuzzbot-runner", "MEMBER", hours_ago(30), """
            Still fails with seed 90517 on the latest nightly.
            """),
        ],
        body="""
Found by TorchFuzz, seed 90517, template `default`, CPU only.

```python
import torch


def fuzzed_program(arg_0, arg_1, sentinel):
    var_node_1 = arg_0.expand(6, 4)  # size=(6, 4), stride=(0, 1), dtype=bfloat16, device=cpu
    var_node_2 = torch.cumsum(var_node_1, dim=0)  # size=(6, 4)
    var_node_3 = var_node_2 + arg_1  # size=(6, 4)
    var_node_0 = var_node_3.to(torch.float32).mean()
    return var_node_0 * sentinel


arg_0 = torch.randn(1, 4).to(torch.bfloat16)
arg_1 = torch.randn(6, 4).to(torch.bfloat16)
sentinel = torch.tensor(1.0, requires_grad=True)

args = (arg_0, arg_1) + (sentinel,)
result_original = fuzzed_program(*args)
print("✅ eager success")
compiled_program = torch.compile(fuzzed_program, fullgraph=True, dynamic=True)
result_compiled = compiled_program(*args)
print("✅ compile success")
torch.testing.assert_close(result_original, result_compiled, rtol=1e-2, atol=1e-2)
print("✅ results match")
```

```
✅ eager success
✅ compile success
Traceback (most recent call last):
  File "/tmp/torchfuzz/fuzz_0b7e4d1a9c2f5e36.py", line 23, in <module>
    torch.testing.assert_close(result_original, result_compiled, rtol=1e-2, atol=1e-2)
AssertionError: Scalars are not close!

Expected -0.3876953125 but got -0.40234375.
Absolute difference: 0.0146484375 (up to 0.01 allowed)
Relative difference: 0.03778337531486146 (up to 0.01 allowed)
Program exited with code: 1
```
""",
        expect=expect(
            kind="bug", actionable=True, fuzzer=True, fuzz_seed=90517, fuzz_template="default",
            repro_author="fuzzbot-runner", repro_source="body", repro_env="cpu_torch", reproduces=None,
            error_class="AssertionError", error_match="Scalars are not close!",
        ),
    ),
]
