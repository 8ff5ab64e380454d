"""Demo issues for distributed triage: routing edge cases, prior human labels, priority, type
labels, missing repros and mislabel traps."""

from __future__ import annotations

from ._spec import comment, days_ago, dist, expect, hours_ago, issue, versions
from .issues_dist import CKPT, GPUS2, GPUS8, INFRA, OD, PAR

ISSUES = [
    issue(
        169418,
        "dist_fsdp_state_dict_save_load",
        "Loading an FSDP checkpoint saved with get_model_state_dict fails after changing world size",
        user="oliver-tan",
        created=days_ago(63),
        labels=[OD],
        body="""
### 🐛 Describe the bug

We save with `get_model_state_dict` + `dcp.save` on 8 GPUs and resume on 4. Loading with
`set_model_state_dict` fails with missing keys although the keys are present in the metadata.

```python
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint.state_dict import get_model_state_dict, set_model_state_dict, StateDictOptions

# save (8 ranks)
sd = get_model_state_dict(model, options=StateDictOptions(full_state_dict=False))
dcp.save({"model": sd}, checkpoint_id="/mnt/ckpt/step_5000")

# load (4 ranks)
sd = get_model_state_dict(model)
dcp.load({"model": sd}, checkpoint_id="/mnt/ckpt/step_5000")
set_model_state_dict(model, sd)
```

```
RuntimeError: Missing key in checkpoint state_dict: model.layers.0.attn.q_proj.weight.
```

The model is FSDP2 (`fully_shard` per layer), the same code resumes fine with the same world size.
""",
        expect=expect(
            kind="bug", repro_author="oliver-tan", repro_source="body", repro_env="multi_gpu", reproduces=None,
            error_class="RuntimeError", error_match="Missing key in checkpoint state_dict",
            dist=dist("routed", CKPT, ["module: fsdp"]),
        ),
    ),
    issue(
        169937,
        "dist_fsdp_state_dict_config",
        "FSDP1 SHARDED_STATE_DICT with offload_to_cpu=True asserts when called between forward and backward",
        user="diego-mn",
        created=days_ago(42),
        labels=[OD],
        body="""
### 🐛 Describe the bug

We log parameter statistics mid-step by calling `model.state_dict()` with the sharded state-dict
type configured. No saving or loading involved; the internal state-dict config alone triggers it.

```python
from torch.distributed.fsdp import FullyShardedDataParallel as FSDP, StateDictType, ShardedStateDictConfig

model = FSDP(net.cuda(), use_orig_params=True)
FSDP.set_state_dict_type(model, StateDictType.SHARDED_STATE_DICT, ShardedStateDictConfig(offload_to_cpu=True))
loss = model(batch).sum()
stats = {k: v.float().norm() for k, v in model.state_dict().items()}  # before backward
loss.backward()
```

```
[rank3]:   File "/usr/local/lib/python3.10/dist-packages/torch/distributed/fsdp/_state_dict_utils.py", line 182, in _common_pre_state_dict_hook
[rank3]:     _assert_in_training_states(fsdp_state, [TrainingState.IDLE])
[rank3]:   File "/usr/local/lib/python3.10/dist-packages/torch/distributed/fsdp/_common_utils.py", line 476, in _assert_in_training_states
[rank3]:     raise ValueError(msg)
[rank3]: ValueError: expected to be in states [<TrainingState.IDLE: 1>] but current state is TrainingState.FORWARD_BACKWARD
```
""",
        expect=expect(
            kind="bug", repro_author="diego-mn", repro_source="body", repro_env="multi_gpu", reproduces=None,
            error_class="ValueError", error_match="but current state is TrainingState.FORWARD_BACKWARD",
            dist=dist("classified", PAR, ["module: fsdp"]),
        ),
    ),
    issue(
        169566,
        "dist_nccl_timeout_fsdp",
        "FSDP training on one node hits the NCCL watchdog timeout in _ALLGATHER_BASE after ~3k steps",
        user="yusuf-demir",
        created=days_ago(57),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Single node, 8x A100, FSDP2. After roughly 3000 steps one rank stops and the others time out in
an all-gather. No OOM, GPUs are healthy. The model code is a standard Llama-style decoder.

```
[rank5]:[E ProcessGroupNCCL.cpp:632] [Rank 5] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=184233, OpType=_ALLGATHER_BASE, NumelIn=16777216, NumelOut=134217728, Timeout(ms)=600000) ran for 600043 milliseconds before timing out.
[rank5]:[E ProcessGroupNCCL.cpp:2168] [PG ID 0 PG GUID 0(default_pg) Rank 5] failure detected by watchdog at work sequence id: 184233 PG status: last enqueued work: 184240, last completed work: 184232
[rank5]:[E ProcessGroupNCCL.cpp:670] Some NCCL operations have failed or timed out. Due to the asynchronous nature of CUDA kernels, subsequent GPU operations might run on corrupted/incomplete data.
terminate called after throwing an instance of 'c10::DistBackendError'
```

Flight recorder dump attached shows rank 2 is one all-gather behind. `NCCL_DEBUG=INFO` shows
nothing unusual. Happy to run more diagnostics.
"""
        + versions("2.13.0+cu128", gpus="\n".join(f"GPU {i}: NVIDIA A100-SXM4-80GB" for i in range(8)), nccl="2.27.5"),
        expect=expect(
            kind="bug", repro_author=None, repro_source=None, signal=6,
            error_class="c10::DistBackendError", error_match="Watchdog caught collective operation timeout",
            dist=dist("routed", INFRA, ["module: nccl"]),
        ),
    ),
    issue(
        168867,
        "dist_init_backend_error",
        "init_process_group('nccl') fails with ncclSystemError inside Docker without --ipc=host",
        user="tomas-ryba",
        created=days_ago(86),
        labels=[OD],
        body="""
### 🐛 Describe the bug

The very first call, `dist.init_process_group("nccl", device_id=...)`, fails inside our container.
Same image works with `--ipc=host`.

```python
import os
import torch
import torch.distributed as dist

local_rank = int(os.environ["LOCAL_RANK"])
dist.init_process_group("nccl", device_id=torch.device("cuda", local_rank))
print("ok", dist.get_rank())
```

```
torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/NCCLUtils.cpp:77, unhandled system error (run with NCCL_DEBUG=INFO for details), NCCL version 2.27.5
ncclSystemError: System call (e.g. socket, malloc) or external library call failed or device error.
Last error:
Error while creating shared memory segment /dev/shm/nccl-Xk2fQ1 (size 9637888)
```
""",
        expect=expect(
            kind="bug", repro_author="tomas-ryba", repro_source="body", repro_env="multi_gpu", launcher="torchrun",
            reproduces=None, error_class="torch.distributed.DistBackendError", error_match="unhandled system error",
            dist=dist("routed", INFRA, ["module: c10d"]),
        ),
    ),
    issue(
        169822,
        "dist_torchrun_ddp_training",
        "torchrun job fails after launch: DDP 'is not needed when a module doesn't have any parameter that requires a gradient'",
        user="fatima-zahra-b",
        created=days_ago(47),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Rendezvous and process start are fine (all 4 workers print their rank), then training fails when
wrapping a frozen feature extractor in DDP. `torchrun` reports it as a ChildFailedError, but the
root cause is in DDP construction.

```python
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("gloo")
print("rank", dist.get_rank(), "started")
backbone = nn.Linear(32, 32)
for p in backbone.parameters():
    p.requires_grad_(False)
model = DDP(backbone)
```

```
rank 0 started
rank 1 started
[rank0]: RuntimeError: DistributedDataParallel is not needed when a module doesn't have any parameter that requires a gradient.
E0412 torch/distributed/elastic/multiprocessing/api.py:882] failed (exitcode: 1) local_rank: 0 (pid: 18811) of binary: /usr/bin/python3
torch.distributed.elastic.multiprocessing.errors.ChildFailedError:
============================================================
train.py FAILED
```
""",
        expect=expect(
            kind="bug", repro_author="fatima-zahra-b", repro_source="body", repro_env="cpu_torch", launcher="torchrun",
            reproduces=True, error_class="RuntimeError",
            error_match="DistributedDataParallel is not needed when a module doesn't have any parameter",
            dist=dist("classified", PAR, ["module: ddp"]),
        ),
    ),
    issue(
        166904,
        "dist_human_classified",
        "DDP static_graph=True with gradient checkpointing re-runs allreduce hooks twice",
        user="leah-goldman",
        created=days_ago(162),
        labels=[OD, PAR, "module: ddp"],
        comments=[
            comment("yzhou-dist", "MEMBER", days_ago(160), """
            Labelled; I'll take a look at the hook registration with static graph.
            """),
        ],
        body="""
### 🐛 Describe the bug

With `static_graph=True` and non-reentrant checkpointing in the model, the communication hook is
called twice per bucket in the first iteration; we see it in our logging hook.

```python
model = DDP(net, static_graph=True)
model.register_comm_hook(None, counting_hook)
loss = model(x).sum(); loss.backward()
print(calls)  # 2 per bucket, expected 1
```
""",
        expect=expect(
            kind="bug", repro_author="leah-goldman", repro_source="body", repro_env="multi_gpu", reproduces=None,
            dist=dist("already_classified", PAR, ["module: ddp"]),
        ),
    ),
    issue(
        169014,
        "dist_module_label_only",
        "fully_shard with reshard_after_forward=False keeps unsharded params after eval()",
        user="jae-won-p",
        created=days_ago(79),
        labels=[OD, "module: fsdp"],
        body="""
### 🐛 Describe the bug

After a training step with `reshard_after_forward=False`, switching to `model.eval()` and running
validation under `torch.no_grad()` keeps all parameters unsharded, so memory doubles.

```python
for layer in model.layers:
    fully_shard(layer, reshard_after_forward=False)
fully_shard(model)
train_step(model)
model.eval()
with torch.no_grad():
    validate(model)
print(torch.cuda.max_memory_allocated() / 2**30)
```

Expected: parameters are resharded at the end of the forward when no backward follows.
""",
        expect=expect(
            kind="bug", repro_author="jae-won-p", repro_source="body", repro_env="multi_gpu", reproduces=None,
            dist=dist("classified", PAR, ["module: fsdp"]),
        ),
    ),
    issue(
        168512,
        "dist_existing_suboncall",
        "DTensor redistribute from Partial to Shard(0) allocates a full-size buffer",
        user="arun-m",
        created=days_ago(100),
        labels=[OD, INFRA],
        body="""
### 🐛 Describe the bug

`redistribute(Partial() -> Shard(0))` should be a reduce-scatter, but memory profiling shows a
full-size temporary, as if it did all-reduce then chunk.

```python
from torch.distributed.tensor import DTensor, Partial, Shard

dt = DTensor.from_local(torch.randn(4096, 4096, device="cuda"), mesh, [Partial()])
torch.cuda.reset_peak_memory_stats()
out = dt.redistribute(mesh, [Shard(0)])
print(torch.cuda.max_memory_allocated() / 2**20, "MiB")
```
""",
        expect=expect(
            kind="bug", repro_author="arun-m", repro_source="body", repro_env="multi_gpu", reproduces=None,
            dist=dist("routed", INFRA, ["module: dtensor"]),
        ),
    ),
    issue(
        170173,
        "dist_pt2",
        "torch.compile of an FSDP2 model: graph break on fully_shard's pre-forward hook with compiled autograd",
        user="mei-lin-c",
        association="CONTRIBUTOR",
        created=days_ago(33),
        labels=[OD, "oncall: pt2"],
        body="""
### 🐛 Describe the bug

Compiling a `fully_shard`-ed model with compiled autograd enabled produces a graph break in the
FSDP pre-forward hook on every layer, and throughput drops by 40%.

```python
import torch
from torch.distributed.fsdp import fully_shard

torch._dynamo.config.compiled_autograd = True
for layer in model.layers:
    fully_shard(layer)
fully_shard(model)
model = torch.compile(model, fullgraph=False)
loss = model(tokens).sum()
loss.backward()
```

`TORCH_LOGS=graph_breaks`:

```
Graph break in user code at /usr/lib/python3/dist-packages/torch/distributed/fsdp/_fully_shard/_fsdp_state.py:249
Reason: Unsupported: call_method UserDefinedObjectVariable(FSDPParamGroup) wait_for_unshard [] {}
```
""",
        expect=expect(
            kind="bug", repro_author="mei-lin-c", repro_source="body", repro_env="multi_gpu", reproduces=None,
            dist=dist("classified", PAR, ["module: fsdp"]),
        ),
    ),
    issue(
        169266,
        "dist_high_priority_wrong_grads",
        "DDP no_sync + gradient accumulation gives different gradients than a single process",
        user="kristof-h",
        created=days_ago(69),
        labels=[OD],
        comments=[
            comment("sanjay-rao", "NONE", days_ago(60), """
            We see the same on 8 GPUs: the validation loss is consistently worse than the
            single-GPU baseline since 2.12. Silent, no error anywhere.
            """),
        ],
        body="""
### 🐛 Describe the bug

Accumulating over 4 micro-batches with `no_sync()` for the first 3 produces gradients that differ
from the single-process result by far more than rounding (relative error ~0.3). No error is raised;
we only found it from a loss-curve divergence. This worked in 2.11.

```python
import torch
import torch.distributed as dist
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("gloo")
torch.manual_seed(0)
ref = nn.Linear(16, 4)
model = DDP(nn.Linear(16, 4), bucket_cap_mb=0.0001)
model.module.load_state_dict(ref.state_dict())
data = torch.randn(8, 16)
for i, chunk in enumerate(data.chunk(4)):
    ctx = model.no_sync() if i < 3 else torch.enable_grad()
    with ctx:
        model(chunk).sum().backward()
ref(data).sum().backward()
grad = model.module.weight.grad
assert torch.allclose(grad, ref.weight.grad), (grad - ref.weight.grad).abs().max()
```

```
AssertionError: tensor(0.8315)
```
""",
        expect=expect(
            kind="bug", repro_author="kristof-h", repro_source="body", repro_env="cpu_torch", launcher="torchrun",
            reproduces=None, error_class="AssertionError",
            dist=dist("high_priority", PAR, ["module: ddp"], high_priority=True),
        ),
    ),
    issue(
        170396,
        "dist_high_priority_crash",
        "Regression in 2.13: FSDP2 with CPU offload segfaults in backward (worked in 2.12)",
        user="victor-almeida",
        created=days_ago(23, 12),
        labels=[OD],
        body="""
### 🐛 Describe the bug

After upgrading from 2.12.1 to 2.13.0, FSDP2 with `CPUOffloadPolicy(pin_memory=True)` crashes in
the first backward on every rank. Same script, same machine, 2.12.1 trains fine.

```python
from torch.distributed.fsdp import fully_shard, CPUOffloadPolicy

for block in model.blocks:
    fully_shard(block, offload_policy=CPUOffloadPolicy(pin_memory=True))
fully_shard(model, offload_policy=CPUOffloadPolicy(pin_memory=True))
model(batch).loss.backward()
```

```
[rank0]: *** SIGSEGV (@0x0) received by PID 40211 (TID 0x7f3a9dfff640) from PID 0; stack trace: ***
[rank0]:     @     0x7f3c1e63f520 (unknown)
[rank0]:     @     0x7f3bd94a2c31 at::native::copy_impl()
[rank0]:     @     0x7f3bd9c18f07 c10d::ProcessGroupNCCL::_reduce_scatter_base()
Segmentation fault (core dumped)
E0501 torch/distributed/elastic/multiprocessing/api.py:882] failed (exitcode: -11) local_rank: 0 (pid: 40211)
```
"""
        + versions("2.13.0+cu128", gpus=GPUS8, nccl="2.27.5"),
        expect=expect(
            kind="bug", repro_author="victor-almeida", repro_source="body", repro_env="multi_gpu", reproduces=None,
            signal=11, regression=True,
            dist=dist("high_priority", PAR, ["module: fsdp"], high_priority=True),
        ),
    ),
    issue(
        170521,
        "dist_needs_repro",
        "FSDP: 'expected all parameters to be flattened' when resuming my model",
        user="l-moreau",
        created=days_ago(18, 9),
        labels=[OD],
        body="""
### 🐛 Describe the bug

When I wrap my model with FSDP I get this error sometimes:

```
AssertionError: FSDP expected all parameters to be flattened but found 3 unflattened parameters
```

It happens on our cluster but not on my workstation. Any idea?
""",
        expect=expect(
            kind="bug", repro_author=None, repro_source=None, reproduces=None,
            error_class="AssertionError", error_match="expected all parameters to be flattened",
            dist=dist("needs_reproduction", PAR, ["module: fsdp"]),
        ),
    ),
    issue(
        170694,
        "dist_low_confidence",
        "Multi-GPU training gets stuck sometimes",
        user="chris-w-88",
        created=days_ago(12, 4),
        labels=[OD],
        body="""
Training with several GPUs sometimes stops making progress after a while. GPU utilisation goes to
100% and nothing is printed anymore. It doesn't happen every run. What should I check?
""",
        expect=expect(kind="bug", repro_author=None, repro_source=None, dist=dist("low_confidence", PAR, [])),
    ),
    issue(
        170247,
        "dist_feature",
        "[RFC] FSDP2: per-parameter reshard_after_forward policy",
        user="yzhou-dist",
        association="MEMBER",
        created=days_ago(30, 6),
        labels=[OD],
        body="""
### 🚀 The feature, motivation and pitch

`fully_shard(reshard_after_forward=...)` applies to a whole parameter group. For MoE models we
want to keep the (small) router weights unsharded after forward while resharding the (large)
expert weights, without splitting the module into separate `fully_shard` calls.

Proposal: accept a callable `reshard_after_forward=lambda name, param: bool` evaluated once at
construction, grouping parameters into two all-gather groups internally.

### Alternatives

Wrap routers separately; this costs an extra all-gather per layer.

### Additional context

Related to the MoE memory work in the tracker.
""",
        expect=expect(kind="feature", dist=dist("classified", PAR, ["module: fsdp"], type_labels=["feature"])),
    ),
    issue(
        170320,
        "dist_enhancement_perf",
        "DTensor: Shard(0) -> Replicate redistribute falls back to all_gather + cat on uneven shards (slow)",
        user="ravi-shankar-k",
        created=days_ago(27, 3),
        labels=[OD],
        body="""
### 🐛 Describe the bug

For evenly divisible shapes `redistribute([Replicate()])` uses a single `all_gather_into_tensor`.
When the first dim is not divisible by the mesh size it currently works but falls back to padding,
a list `all_gather`, and `torch.cat`, which is ~3x slower in our profile (1.9 ms vs 0.6 ms for a
4097x4096 bf16 tensor on 8 GPUs).

```python
dt = distribute_tensor(torch.randn(4097, 4096, device="cuda", dtype=torch.bfloat16), mesh, [Shard(0)])
out = dt.redistribute(mesh, [Replicate()])
```

Could the uneven case use a single padded `all_gather_into_tensor` and a narrow instead?
""",
        expect=expect(
            kind="bug", repro_author="ravi-shankar-k", repro_source="body", repro_env="multi_gpu", reproduces=None,
            dist=dist("classified", PAR, ["module: dtensor"], type_labels=["enhancement", "module: performance"]),
        ),
    ),
    issue(
        170795,
        "trap_nccl_undefined_symbol",
        "ImportError: undefined symbol ncclCommWindowRegister when importing torch",
        user="b-nowak",
        created=days_ago(8, 2),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Fresh venv, `pip install torch` (cu128 wheel), then:

```
$ python -c "import torch"
Traceback (most recent call last):
  File "<string>", line 1, in <module>
  File "/home/bnowak/venv/lib/python3.12/site-packages/torch/__init__.py", line 418, in <module>
    from torch._C import *  # noqa: F403
ImportError: /home/bnowak/venv/lib/python3.12/site-packages/torch/lib/libtorch_cuda.so: undefined symbol: ncclCommWindowRegister
```

There is an older `libnccl.so.2` in `/usr/local/lib` from a system install. I don't use
distributed at all.
""",
        expect=expect(
            kind="bug", repro_author=None, repro_source=None, reproduces=None,
            error_class="ImportError", error_match="undefined symbol: ncclCommWindowRegister",
            dist=dist("not_distributed", None, [], trap="nccl_undefined_symbol"),
        ),
    ),
    issue(
        170745,
        "trap_single_gpu_oom",
        "CUDA out of memory on a single GPU with batch size 64, fine with 32",
        user="nikhil-j",
        created=days_ago(10),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Training a ViT-L on one RTX 4090 runs out of memory with batch size 64. nvidia-smi shows 24 GB. No
DDP, no multiple GPUs.

```python
import torch
import torchvision

model = torchvision.models.vit_l_16().cuda()
opt = torch.optim.AdamW(model.parameters())
x = torch.randn(64, 3, 224, 224, device="cuda")
model(x).sum().backward()
opt.step()
```

```
torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.25 GiB. GPU 0 has a total capacity of 23.53 GiB of which 1.02 GiB is free. Including non-PyTorch memory, this process has 22.49 GiB memory in use. Of the allocated memory 21.87 GiB is allocated by PyTorch, and 187.41 MiB is reserved by PyTorch but unallocated.
```
"""
        + versions("2.13.0+cu128", gpus="GPU 0: NVIDIA GeForce RTX 4090"),
        expect=expect(
            kind="bug", repro_author="nikhil-j", repro_source="body", repro_env="cuda", needs_cuda=True,
            reproduces=None, missing_imports=["torchvision"],
            error_class="torch.OutOfMemoryError", error_match="CUDA out of memory. Tried to allocate 2.25 GiB",
            dist=dist("not_distributed", None, [], trap="single_gpu_oom"),
        ),
    ),
    issue(
        170624,
        "trap_pure_compile",
        "Inductor: recompiles on every call when a Python float changes",
        user="anja-weber",
        created=days_ago(14, 7),
        labels=[OD],
        body="""
### 🐛 Describe the bug

A compiled function that takes the learning rate as a Python float recompiles on every call until
the recompile limit is hit. Nothing distributed involved, single process.

```python
import torch

@torch.compile
def update(p, g, lr):
    return p - lr * g

p, g = torch.randn(10), torch.randn(10)
for step in range(12):
    p = update(p, g, 0.1 / (step + 1))
```

```
W torch/_dynamo/convert_frame.py:1016] torch._dynamo hit config.recompile_limit (8)
W   function: 'update' (repro.py:3)
W   last reason: 0/7: lr == 0.0125
```
""",
        expect=expect(
            kind="bug", repro_author="anja-weber", repro_source="body", repro_env="cpu_torch", reproduces=None,
            dist=dist("not_distributed", None, [], trap="pure_compile"),
        ),
    ),
    issue(
        170471,
        "trap_torchvision",
        "torchvision transforms.v2.RandomResizedCrop returns wrong boxes (reference scripts with --distributed)",
        user="sofia-mk",
        created=days_ago(21, 2),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Running torchvision's detection reference script (`train.py --distributed`, 2 GPUs), boxes after
`transforms.v2.RandomResizedCrop` are sometimes outside the image. It is the same without
`--distributed`, I only mention it because that's how we launch.

```python
import torch
from torchvision import tv_tensors
from torchvision.transforms import v2

img = torch.zeros(3, 100, 200)
boxes = tv_tensors.BoundingBoxes([[150, 10, 199, 60]], format="XYXY", canvas_size=(100, 200))
torch.manual_seed(3)
out_img, out_boxes = v2.RandomResizedCrop(64)(img, boxes)
print(out_boxes)  # x2 > 64
```

torchvision 0.28.0.
""",
        expect=expect(
            kind="bug", repro_author="sofia-mk", repro_source="body", repro_env="cpu_torch", reproduces=None,
            missing_imports=["torchvision"],
            dist=dist("not_distributed", None, [], trap="domain_library"),
        ),
    ),
    issue(
        166480,
        "dist_mpi",
        "MPI backend: all_reduce on CUDA tensors fails without CUDA-aware MPI; docs say it is supported",
        user="helga-s",
        created=days_ago(180),
        labels=[OD],
        comments=[
            comment("helga-s", "NONE", days_ago(178), """
            Built from source with OpenMPI 5.0.3 (not CUDA-aware). Launch: `mpirun -np 2 python mpi_ar.py`.
            """),
        ],
        body="""
### 🐛 Describe the bug

```python
import torch
import torch.distributed as dist

dist.init_process_group("mpi")
t = torch.ones(4, device=f"cuda:{dist.get_rank()}")
dist.all_reduce(t)
print(t)
```

```
[rank0]:   File "/opt/pt-src/torch/distributed/distributed_c10d.py", line 2950, in all_reduce
[rank0]:     work = group.allreduce([tensor], opts)
[rank0]: RuntimeError: CUDA tensor detected and the MPI used doesn't have CUDA-aware MPI support
```

The docs table says the MPI backend supports `all_reduce` on GPU. Could the message say how to
check for CUDA-aware MPI, and could the docs mention the requirement next to the table?
""",
        expect=expect(
            kind="bug", repro_author="helga-s", repro_source="body", repro_env="multi_gpu", reproduces=None,
            error_class="RuntimeError", error_match="doesn't have CUDA-aware MPI support",
            dist=dist("routed", INFRA, ["module: mpi"]),
        ),
    ),
]
