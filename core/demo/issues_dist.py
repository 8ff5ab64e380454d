"""Demo issues for distributed triage: one or more per module label of the allow-list.

Expected outcomes follow the distributed-triage seed: routing precedence is checkpointing, then
infra, then parallelisms (the default). Issues routed to infra or checkpointing stop after routing,
so their ``modules`` name the module the issue is about but are not expected in the plan.
"""

from __future__ import annotations

from ._spec import comment, days_ago, dist, expect, issue, versions

PAR = "oncall: distributed parallelisms"
INFRA = "oncall: distributed infra"
CKPT = "oncall: distributed checkpointing"
OD = "oncall: distributed"

GPUS8 = "\n".join(f"GPU {i}: NVIDIA H100 80GB HBM3" for i in range(8))
GPUS2 = "GPU 0: NVIDIA A100-SXM4-80GB\nGPU 1: NVIDIA A100-SXM4-80GB"

ISSUES = [
    issue(
        170523,
        "dist_fsdp",
        "FSDP use_orig_params=False fails when a frozen embedding shares a wrap unit with trainable layers",
        user="harsh-vm",
        created=days_ago(18, 7),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Freezing the embedding of a small LM and wrapping with FSDP (FSDP1, `use_orig_params=False`) fails
at construction. Launched with `torchrun --nproc_per_node=2 fsdp_freeze.py`.

```python
import os
import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.fsdp import FullyShardedDataParallel as FSDP


class LM(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(1000, 64)
        self.body = nn.Sequential(nn.Linear(64, 64), nn.ReLU(), nn.Linear(64, 1000))

    def forward(self, ids):
        return self.body(self.emb(ids))


dist.init_process_group("nccl")
rank = int(os.environ["LOCAL_RANK"])
torch.cuda.set_device(rank)
model = LM().cuda()
model.emb.weight.requires_grad_(False)
model = FSDP(model, use_orig_params=False)
out = model(torch.randint(0, 1000, (4, 16), device="cuda"))
out.sum().backward()
dist.destroy_process_group()
```

```
[rank0]: Traceback (most recent call last):
[rank0]:   File "/workspace/fsdp_freeze.py", line 24, in <module>
[rank0]:     model = FSDP(model, use_orig_params=False)
[rank0]:   File "/usr/local/lib/python3.11/dist-packages/torch/distributed/fsdp/fully_sharded_data_parallel.py", line 511, in __init__
[rank0]:     _init_param_handle_from_module(
[rank0]:   File "/usr/local/lib/python3.11/dist-packages/torch/distributed/fsdp/_init_utils.py", line 615, in _init_param_handle_from_module
[rank0]:     _init_param_handle_from_params(state, managed_params, fully_sharded_module)
[rank0]:   File "/usr/local/lib/python3.11/dist-packages/torch/distributed/fsdp/_flat_param.py", line 740, in _init_flat_param_and_metadata
[rank0]:     raise ValueError(
[rank0]: ValueError: Must flatten tensors with uniform `requires_grad` when `use_orig_params=False`
```

`use_orig_params=True` works. Is this expected for FSDP1? The docs suggest mixed `requires_grad`
only matters for the optimizer.
"""
        + versions("2.13.0+cu128", gpus=GPUS2, nccl="2.27.5"),
        expect=expect(
            kind="bug", repro_author="harsh-vm", repro_source="body", repro_env="multi_gpu", launcher="torchrun",
            reproduces=None, error_class="ValueError", error_match="Must flatten tensors with uniform `requires_grad`",
            dist=dist("classified", PAR, ["module: fsdp"]),
        ),
    ),
    issue(
        170671,
        "dist_fsdp2_dtensor",
        "FSDP2 + clip_grad_norm_: mixed torch.Tensor and DTensor in _foreach_norm",
        user="zainab-q",
        association="CONTRIBUTOR",
        created=days_ago(13, 2),
        labels=[OD],
        body="""
### 🐛 Describe the bug

With `fully_shard` applied to the transformer blocks but not to a small un-sharded head,
`clip_grad_norm_` fails because the gradients are a mix of plain tensors and DTensors.

```python
import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.fsdp import fully_shard
from torch.distributed.device_mesh import init_device_mesh

dist.init_process_group("nccl")
torch.cuda.set_device(dist.get_rank())
mesh = init_device_mesh("cuda", (dist.get_world_size(),))

blocks = nn.ModuleList(nn.Linear(256, 256) for _ in range(4)).cuda()
head = nn.Linear(256, 10).cuda()
for b in blocks:
    fully_shard(b, mesh=mesh)

x = torch.randn(8, 256, device="cuda")
for b in blocks:
    x = b(x)
head(x).sum().backward()
params = list(blocks.parameters()) + list(head.parameters())
torch.nn.utils.clip_grad_norm_(params, max_norm=1.0)
```

```
[rank1]:   File "/opt/conda/lib/python3.12/site-packages/torch/nn/utils/clip_grad.py", line 105, in _get_total_norm
[rank1]:     norms.extend(torch._foreach_norm(device_tensors, norm_type))
[rank1]:   File "/opt/conda/lib/python3.12/site-packages/torch/distributed/tensor/_dispatch.py", line 167, in dispatch
[rank1]:     op_info = self.unwrap_to_op_info(op_call, args, kwargs)
[rank1]:   File "/opt/conda/lib/python3.12/site-packages/torch/distributed/tensor/_dispatch.py", line 402, in unwrap_to_op_info
[rank1]:     raise RuntimeError(
[rank1]: RuntimeError: aten._foreach_norm.Scalar: got mixed torch.Tensor and DTensor, need to convert all torch.Tensor to DTensor before calling distributed operators!
```

Wrapping the head with `fully_shard` too is a workaround, but it is tiny and replicated on
purpose. FSDP2 should either handle this in `clip_grad_norm_` or DTensor should allow replicated
plain tensors here.
"""
        + versions("2.13.0+cu128", gpus=GPUS8),
        expect=expect(
            kind="bug", repro_author="zainab-q", repro_source="body", repro_env="multi_gpu", launcher="torchrun",
            reproduces=None, error_class="RuntimeError", error_match="got mixed torch.Tensor and DTensor",
            dist=dist("classified", PAR, ["module: fsdp", "module: dtensor"]),
        ),
    ),
    issue(
        169896,
        "dist_ddp",
        "DDP: 'Expected to have finished reduction in the prior iteration' with an auxiliary head used every other step",
        user="m-ostrowski",
        created=days_ago(44),
        labels=[OD],
        body="""
### 🐛 Describe the bug

The auxiliary head is only used on even steps. With DDP the second iteration fails. Single node,
2 processes via `mp.spawn`.

```python
import os
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from torch import nn
from torch.nn.parallel import DistributedDataParallel as DDP


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.trunk = nn.Linear(16, 16)
        self.main = nn.Linear(16, 1)
        self.aux = nn.Linear(16, 1)

    def forward(self, x, use_aux):
        h = self.trunk(x).relu()
        return self.main(h) + (self.aux(h) if use_aux else 0)


def run(rank, world):
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = "29511"
    dist.init_process_group("gloo", rank=rank, world_size=world)
    model = DDP(Net())
    for step in range(3):
        model(torch.randn(4, 16), use_aux=step % 2 == 0).sum().backward()
    dist.destroy_process_group()


if __name__ == "__main__":
    mp.spawn(run, args=(2,), nprocs=2)
```

```
RuntimeError: Expected to have finished reduction in the prior iteration before starting a new one. This error indicates that your module has parameters that were not used in producing loss. You can enable unused parameter detection by passing the keyword argument `find_unused_parameters=True` to `torch.nn.parallel.DistributedDataParallel`
```

I know about `find_unused_parameters=True`; the issue is that the error only appears on the
*second* iteration and points at the wrong step.
""",
        expect=expect(
            kind="bug", repro_author="m-ostrowski", repro_source="body", repro_env="cpu_torch", launcher="mp.spawn",
            reproduces=None, security=[],
            error_class="RuntimeError", error_match="Expected to have finished reduction in the prior iteration",
            dist=dist("classified", PAR, ["module: ddp"]),
        ),
    ),
    issue(
        170294,
        "dist_dtensor",
        "DTensor view on a tensor sharded along dim 1: 'Attempted to flatten sharded dimension'",
        user="ravi-shankar-k",
        created=days_ago(28),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Column-wise sharding a weight and then flattening it fails. I'd expect an implicit redistribute
(or at least a hint). The DeviceMesh is only used to create the DTensor.

```python
import torch
import torch.distributed as dist
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor import Shard, distribute_tensor

dist.init_process_group("gloo")
mesh = init_device_mesh("cpu", (dist.get_world_size(),))
w = torch.randn(8, 6)
dw = distribute_tensor(w, mesh, [Shard(1)])
flat = dw.view(-1)
print(flat.placements)
```

`torchrun --nproc_per_node=2 dt_view.py`:

```
[rank0]:   File "/home/ravi/pt/torch/distributed/tensor/_ops/_view_ops.py", line 575, in propagate_shape_and_sharding
[rank0]:     raise RuntimeError(
[rank0]: RuntimeError: Attempted to flatten sharded dimension 1, but only the leftmost dim of a Flatten can be sharded.
```

This came up while experimenting with a custom sharding of attention weights; the same with
`Shard(0)` works.
""",
        expect=expect(
            kind="bug", repro_author="ravi-shankar-k", repro_source="body", repro_env="cpu_torch", launcher="torchrun",
            reproduces=None, error_class="RuntimeError", error_match="Attempted to flatten sharded dimension 1",
            dist=dist("classified", PAR, ["module: dtensor"]),
        ),
    ),
    issue(
        169993,
        "dist_c10d",
        "Gloo all_gather_into_tensor silently ignores non-contiguous output tensor",
        user="weiss-lab",
        created=days_ago(40),
        labels=[OD],
        body="""
### 🐛 Describe the bug

`dist.all_gather_into_tensor` with the gloo backend and a non-contiguous output (a transposed
view) raises on rank 0 only, which leaves the other rank waiting forever.

```python
import torch
import torch.distributed as dist

dist.init_process_group("gloo")
rank, world = dist.get_rank(), dist.get_world_size()
out = torch.empty(4, world * 2).t()  # non-contiguous view
inp = torch.full((2, 4), float(rank))
dist.all_gather_into_tensor(out, inp)
print(rank, out)
```

`torchrun --nproc_per_node=2 ag.py`

```
[rank0]: Traceback (most recent call last):
[rank0]:   File "/work/ag.py", line 8, in <module>
[rank0]:     dist.all_gather_into_tensor(out, inp)
[rank0]:   File "/usr/lib/python3/dist-packages/torch/distributed/distributed_c10d.py", line 3974, in all_gather_into_tensor
[rank0]:     work = group._allgather_base(output_tensor, input_tensor, opts)
[rank0]: ValueError: Tensors must be contiguous
```

Rank 1 hangs in the collective instead of failing too. Expected: the check happens before the
collective is issued on every rank, or the process group is aborted.
""",
        expect=expect(
            kind="bug", repro_author="weiss-lab", repro_source="body", repro_env="cpu_torch", launcher="torchrun",
            reproduces=None, error_class="ValueError", error_match="Tensors must be contiguous",
            dist=dist("routed", INFRA, ["module: c10d"]),
        ),
    ),
    issue(
        170122,
        "dist_nccl",
        "ProcessGroupNCCL: ncclCommSplit 'invalid usage' when splitting with TORCH_NCCL_USE_COMM_NONBLOCKING=1",
        user="g-lindqvist",
        association="CONTRIBUTOR",
        created=days_ago(35),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Creating sub-groups with `dist.new_group` (which uses `ncclCommSplit`) fails when non-blocking
communicators are enabled. Without the env var it works.

```python
import os
import torch
import torch.distributed as dist

os.environ["TORCH_NCCL_USE_COMM_NONBLOCKING"] = "1"
dist.init_process_group("nccl", device_id=torch.device("cuda", int(os.environ["LOCAL_RANK"])))
even = dist.new_group([0, 2])
odd = dist.new_group([1, 3])
g = even if dist.get_rank() % 2 == 0 else odd
t = torch.ones(1, device="cuda")
dist.all_reduce(t, group=g)
print(t)
```

```
torch.distributed.DistBackendError: NCCL error in: /pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp:3512, invalid usage (run with NCCL_DEBUG=WARN for details), NCCL version 2.27.5
ncclInvalidUsage: This usually reflects invalid usage of NCCL library.
Last error:
ncclCommSplit: cannot split a communicator that is still initializing (nonblocking)
```

4x H100, single node, `torchrun --nproc_per_node=4`.
"""
        + versions("2.13.0+cu128", gpus=GPUS8, nccl="2.27.5"),
        expect=expect(
            kind="bug", repro_author="g-lindqvist", repro_source="body", repro_env="multi_gpu", launcher="torchrun",
            reproduces=None, error_class="torch.distributed.DistBackendError", error_match="invalid usage",
            dist=dist("routed", INFRA, ["module: nccl"]),
        ),
    ),
    issue(
        169643,
        "dist_device_mesh",
        "DeviceMesh._flatten() on a 3-D mesh returns the wrong ranks for the flattened dim",
        user="sora-ito",
        created=days_ago(54),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Flattening `("dp_replicate", "dp_shard")` of a `(2, 2, 2)` mesh gives groups that are not the
product of the two dims: rank 0's flattened group is `[0, 1, 4, 5]` instead of `[0, 2, 4, 6]`.

```python
import torch.distributed as dist
from torch.distributed.device_mesh import init_device_mesh

dist.init_process_group("gloo")
mesh = init_device_mesh("cpu", (2, 2, 2), mesh_dim_names=("dp_replicate", "dp_shard", "tp"))
dp = mesh["dp_replicate", "dp_shard"]._flatten("dp")
print(dist.get_rank(), dist.get_process_group_ranks(dp.get_group()))
```

Run with `torchrun --nproc_per_node=8 mesh.py` (CPU/gloo is enough). Expected on rank 0:
`[0, 2, 4, 6]`; actual: `[0, 1, 4, 5]`. The mesh tensor printed by `mesh["dp_replicate",
"dp_shard"]` is correct, so the bug is in how `_flatten` computes the sub-groups.
""",
        expect=expect(
            kind="bug", repro_author="sora-ito", repro_source="body", repro_env="cpu_torch", launcher="torchrun",
            reproduces=None, dist=dist("routed", INFRA, ["module: DeviceMesh"]),
        ),
    ),
    issue(
        170010,
        "dist_pipelining",
        "pipelining: ScheduleGPipe fails when the last stage returns a tuple",
        user="p-adebayo",
        created=days_ago(39),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Using `torch.distributed.pipelining` with a manual split into two `PipelineStage`s; the last
stage returns `(logits, aux_loss)` and `ScheduleGPipe.step` fails in the loss computation.

```python
import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.pipelining import PipelineStage, ScheduleGPipe

dist.init_process_group("gloo")
rank = dist.get_rank()


class Last(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(32, 8)

    def forward(self, x):
        y = self.lin(x)
        return y, y.pow(2).mean()


mod = nn.Linear(32, 32) if rank == 0 else Last()
stage = PipelineStage(mod, rank, 2, torch.device("cpu"))
sched = ScheduleGPipe(stage, n_microbatches=4, loss_fn=lambda out, tgt: out[0].sum() + out[1])
x = torch.randn(8, 32)
if rank == 0:
    sched.step(x)
else:
    sched.step(target=torch.zeros(8))
```

```
[rank1]:   File "/site-packages/torch/distributed/pipelining/stage.py", line 611, in _validate_fwd_outputs
[rank1]:     raise PipeliningShapeError(
[rank1]: torch.distributed.pipelining._utils.PipeliningShapeError: Stage 1 forward outputs: expected 1 tensors but got 2
```
""",
        expect=expect(
            kind="bug", repro_author="p-adebayo", repro_source="body", repro_env="cpu_torch", launcher="torchrun",
            reproduces=None, error_class="torch.distributed.pipelining._utils.PipeliningShapeError",
            error_match="expected 1 tensors but got 2",
            dist=dist("classified", PAR, ["module: pipelining"]),
        ),
    ),
    issue(
        167012,
        "dist_rpc",
        "rpc.shutdown() hangs when an RRef owned by a worker is still referenced",
        user="ilya-fedorov",
        created=days_ago(158),
        labels=[OD],
        body="""
### 🐛 Describe the bug

`rpc.shutdown()` never returns if the caller still holds an `RRef` created by `rpc.remote`.

```python
import os
import torch
import torch.distributed.rpc as rpc
import torch.multiprocessing as mp


def make():
    return torch.ones(2)


def run(rank):
    os.environ["MASTER_ADDR"] = "localhost"
    os.environ["MASTER_PORT"] = "29600"
    rpc.init_rpc(f"worker{rank}", rank=rank, world_size=2)
    if rank == 0:
        rref = rpc.remote("worker1", make)
        print(rref.to_here())
    rpc.shutdown()


if __name__ == "__main__":
    mp.spawn(run, nprocs=2)
```

Rank 0 prints the tensor, then both processes sit in `shutdown` until the 60 s RPC timeout:

```
RuntimeError: RPC ran for more than set timeout (60000 ms) and will now be marked with an error
```
""",
        expect=expect(
            kind="bug", repro_author="ilya-fedorov", repro_source="body", repro_env="cpu_torch", launcher="mp.spawn",
            reproduces=None, error_class="RuntimeError", error_match="RPC ran for more than set timeout",
            dist=dist("routed", INFRA, ["module: rpc"]),
        ),
    ),
    issue(
        169341,
        "dist_elastic_launch",
        "torchrun multi-node: RendezvousConnectionError with c10d rendezvous behind a hostname alias",
        user="nadia-kr",
        created=days_ago(66),
        labels=[OD],
        body="""
### 🐛 Describe the bug

The job never starts: `torchrun` fails during rendezvous, before any of my code runs. Using the
node's DNS alias as `--rdzv-endpoint`; the IP address works.

```bash
torchrun --nnodes=2 --nproc_per_node=8 --rdzv-backend=c10d \\
    --rdzv-endpoint=trainer-head.cluster.internal:29400 --rdzv-id=job42 train.py
```

```
[W rendezvous] The IPv6 network addresses of (trainer-head.cluster.internal, 29400) cannot be retrieved (gai error: -2 - Name or service not known).
Traceback (most recent call last):
  File "/opt/venv/bin/torchrun", line 8, in <module>
    sys.exit(main())
  File "/opt/venv/lib/python3.11/site-packages/torch/distributed/run.py", line 936, in main
    run(args)
  File "/opt/venv/lib/python3.11/site-packages/torch/distributed/launcher/api.py", line 263, in launch_agent
    result = agent.run()
  File "/opt/venv/lib/python3.11/site-packages/torch/distributed/elastic/rendezvous/c10d_rendezvous_backend.py", line 159, in _create_tcp_store
    raise RendezvousConnectionError(
torch.distributed.elastic.rendezvous.api.RendezvousConnectionError: The connection to the C10d store has failed. See inner exception for details.
```

`getent hosts trainer-head.cluster.internal` resolves fine on both nodes (IPv4 only).
""",
        expect=expect(
            kind="bug", repro_author="nadia-kr", repro_source="body", repro_env="multi_node", launcher="torchrun",
            reproduces=None, error_class="torch.distributed.elastic.rendezvous.api.RendezvousConnectionError",
            error_match="The connection to the C10d store has failed",
            dist=dist("routed", INFRA, ["module: elastic"]),
        ),
    ),
    issue(
        168244,
        "dist_data_parallel",
        "nn.DataParallel: buffers registered in forward end up on cuda:0 for every replica",
        user="bruno-cs",
        created=days_ago(111),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Old code base, still on `nn.DataParallel` (not DDP). A module caches a positional table as a
buffer the first time `forward` runs; with DataParallel the second replica fails.

```python
import torch
from torch import nn


class PosCache(nn.Module):
    def forward(self, x):
        if not hasattr(self, "table"):
            self.register_buffer("table", torch.arange(x.shape[1], device=x.device))
        return x + self.table


model = nn.DataParallel(nn.Sequential(nn.Linear(8, 8), PosCache())).cuda()
print(model(torch.randn(4, 8).cuda()).shape)
print(model(torch.randn(4, 8).cuda()).shape)
```

```
RuntimeError: module must have its parameters and buffers on device cuda:0 (device_ids[0]) but found one of them on device: cuda:1
```

2 GPUs. I know DataParallel is discouraged; moving to DDP is not possible this quarter.
""",
        expect=expect(
            kind="bug", repro_author="bruno-cs", repro_source="body", repro_env="multi_gpu",
            reproduces=None, error_class="RuntimeError",
            error_match="module must have its parameters and buffers on device cuda:0",
            dist=dist("classified", PAR, ["module: data parallel"]),
        ),
    ),
    issue(
        170392,
        "dist_symm_mem",
        "symm_mem.rendezvous fails when tensors were allocated before set_device",
        user="ke-huang",
        association="CONTRIBUTOR",
        created=days_ago(24, 2),
        labels=[OD],
        body="""
### 🐛 Describe the bug

```python
import os
import torch
import torch.distributed as dist
import torch.distributed._symmetric_memory as symm_mem

dist.init_process_group("nccl")
t = symm_mem.empty(1024, device="cuda")  # allocated before set_device
torch.cuda.set_device(int(os.environ["LOCAL_RANK"]))
hdl = symm_mem.rendezvous(t, dist.group.WORLD.group_name)
```

```
RuntimeError: CUDASymmetricMemory::rendezvous: detected allocations from different devices (expected cuda:1, got cuda:0)
```

The error is reasonable but it would be nicer to fail in `symm_mem.empty` when the current device
doesn't match the local rank. 8x H100, `torchrun --nproc_per_node=8`.
""",
        expect=expect(
            kind="bug", repro_author="ke-huang", repro_source="body", repro_env="multi_gpu", launcher="torchrun",
            reproduces=None, error_class="RuntimeError", error_match="detected allocations from different devices",
            dist=dist("routed", INFRA, ["module: symm_mem"]),
        ),
    ),
    issue(
        170563,
        "dist_context_parallel",
        "context_parallel with SDPA raises for a causal mask given as attn_mask",
        user="lin-zhao-ai",
        created=days_ago(17, 5),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Context parallelism works with `is_causal=True` but not when the same causal mask is passed
explicitly as `attn_mask`.

```python
import torch
import torch.nn.functional as F
import torch.distributed as dist
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.tensor.experimental import context_parallel

dist.init_process_group("nccl")
torch.cuda.set_device(dist.get_rank())
mesh = init_device_mesh("cuda", (dist.get_world_size(),), mesh_dim_names=("cp",))
q, k, v = (torch.randn(1, 8, 4096, 64, device="cuda", dtype=torch.bfloat16) for _ in range(3))
mask = torch.ones(4096, 4096, device="cuda", dtype=torch.bool).tril()
with context_parallel(mesh, buffers=[q, k, v], buffer_seq_dims=[2, 2, 2]):
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=mask)
```

```
NotImplementedError: context_parallel does not support attn_mask; use is_causal=True for causal attention
```
""",
        expect=expect(
            kind="bug", repro_author="lin-zhao-ai", repro_source="body", repro_env="multi_gpu", launcher="torchrun",
            reproduces=None, error_class="NotImplementedError", error_match="context_parallel does not support attn_mask",
            dist=dist("classified", PAR, ["module: context parallel"]),
        ),
    ),
    issue(
        169712,
        "dist_activation_checkpointing",
        "checkpoint_wrapper under FSDP: recomputed tensors have different metadata with dropout",
        user="ahmed-saleh",
        created=days_ago(51),
        labels=[OD],
        body="""
### 🐛 Describe the bug

Applying activation checkpointing (not distributed checkpointing!) to transformer blocks that are
wrapped with FSDP fails in backward when a block has dropout whose shape depends on the input.

```python
import functools
import torch
import torch.distributed as dist
from torch import nn
from torch.distributed.algorithms._checkpoint.checkpoint_wrapper import (
    apply_activation_checkpointing, checkpoint_wrapper, CheckpointImpl,
)
from torch.distributed.fsdp import FullyShardedDataParallel as FSDP


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(128, 128)

    def forward(self, x):
        keep = x.abs().sum(-1) > 0.5  # data-dependent
        return self.lin(x[keep])


dist.init_process_group("nccl")
torch.cuda.set_device(dist.get_rank())
model = FSDP(nn.Sequential(Block(), Block()).cuda(), use_orig_params=True)
apply_activation_checkpointing(
    model,
    checkpoint_wrapper_fn=functools.partial(checkpoint_wrapper, checkpoint_impl=CheckpointImpl.NO_REENTRANT),
    check_fn=lambda m: isinstance(m, Block),
)
x = torch.randn(64, 128, device="cuda", requires_grad=True)
model(x).sum().backward()
```

```
torch.utils.checkpoint.CheckpointError: torch.utils.checkpoint: Recomputed values for the following tensors have different metadata than during the forward pass.
tensor at position 4:
saved metadata: {'shape': torch.Size([41, 128]), 'dtype': torch.float32, 'device': device(type='cuda', index=0)}
recomputed metadata: {'shape': torch.Size([39, 128]), 'dtype': torch.float32, 'device': device(type='cuda', index=0)}
```
""",
        expect=expect(
            kind="bug", repro_author="ahmed-saleh", repro_source="body", repro_env="multi_gpu", launcher="torchrun",
            reproduces=None, error_class="torch.utils.checkpoint.CheckpointError",
            error_match="Recomputed values for the following tensors have different metadata",
            dist=dist("classified", PAR, ["module: activation checkpointing"]),
        ),
    ),
    issue(
        169120,
        "dist_dcp",
        "dcp.async_save: checkpoint directory missing .metadata after process exits",
        user="camille-r",
        created=days_ago(75),
        labels=[OD],
        body="""
### 🐛 Describe the bug

With `torch.distributed.checkpoint.async_save` the training script exits right after the last
step. The checkpoint directory has the shard files but no `.metadata`, so loading fails.

```python
import torch
import torch.distributed as dist
import torch.distributed.checkpoint as dcp
from torch import nn

dist.init_process_group("gloo")
model = nn.Linear(1024, 1024)
state = {"model": model.state_dict()}
future = dcp.async_save(state, checkpoint_id="/tmp/ckpt/step_1000")
# script ends here; future.result() never called
```

Loading afterwards:

```
torch.distributed.checkpoint.api.CheckpointException: CheckpointException ranks:dict_keys([0, 1])
Traceback (most recent call last): (RANK 0)
FileNotFoundError: [Errno 2] No such file or directory: '/tmp/ckpt/step_1000/.metadata'
```

Shouldn't the process wait for pending async saves at exit (or warn)?
""",
        expect=expect(
            kind="bug", repro_author="camille-r", repro_source="body", repro_env="cpu_torch", launcher="torchrun",
            reproduces=None, error_class="torch.distributed.checkpoint.api.CheckpointException",
            error_match="No such file or directory", dist=dist("routed", CKPT, []),
        ),
    ),
]
