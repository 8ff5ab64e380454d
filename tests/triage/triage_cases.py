"""Synthetic distributed-triage issues, written for triagedeck, with the expected proposal.

Each case names the rule, edge case or trap it exercises (``tags``). Expectations:
``outcome``, the exact set of ``add`` (labels_to_add), whether a comment is proposed,
and for the quality measurement the expected sub-oncall and module labels.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from core.models import Comment, Issue, IssueThread

D = "oncall: distributed"
P = "oncall: distributed parallelisms"
I = "oncall: distributed infra"
C = "oncall: distributed checkpointing"
M = "bot-triaged"
TR = "triaged"
RV = "triage review"
NR = "needs reproduction"
FSDP = "module: fsdp"
DDP = "module: ddp"
DT = "module: dtensor"
C10D = "module: c10d"
PT2 = "oncall: pt2"

T0 = datetime(2025, 3, 1, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Case:
    id: str
    title: str
    body: str
    outcome: str
    add: frozenset[str]
    labels: tuple[str, ...] = (D,)
    comments: tuple[str, ...] = ()
    comment: bool = False  # a comment is proposed
    sub: str | None = None  # expected sub-oncall (None: not distributed)
    modules: frozenset[str] = frozenset()
    trap: bool = False
    tags: tuple[str, ...] = ()

    def thread(self, number: int = 1) -> IssueThread:
        issue = Issue(
            repo="pytorch/pytorch", number=number, title=self.title, state="open", author="reporter",
            author_association="NONE", created_at=T0, updated_at=T0, labels=self.labels, body=self.body,
            comments_count=len(self.comments),
        )
        comments = tuple(Comment(1000 + i, f"user{i}", "NONE", body, T0) for i, body in enumerate(self.comments))
        return IssueThread(issue, comments)


def fence(text: str, lang: str = "") -> str:
    return f"```{lang}\n{text.strip()}\n```"


def py(text: str) -> str:
    return fence(text, "python")


SITE = "/opt/conda/lib/python3.11/site-packages/"


def tb(*frames: str, error: str, rank: str = "") -> str:
    """A Python traceback; frames are paths under site-packages (or a user file)."""
    lines = [f"{rank}Traceback (most recent call last):"]
    for i, f in enumerate(frames):
        path = f if f.endswith(("train.py", "main.py", "repro.py")) else SITE + f
        lines.append(f'{rank}  File "{path}", line {100 + i}, in fn_{i}')
        lines.append(f"{rank}    result = call_{i}(*args)")
    lines.append(f"{rank}{error}")
    return fence("\n".join(lines))


BUG = "### 🐛 Describe the bug\n\n"
FEATURE = "### 🚀 The feature, motivation and pitch\n\n"
VERSIONS = "\n\n### Versions\n\nPyTorch version: 2.6.0\nIs CUDA available: True\nGPU models: 8x H100\n"

DDP_SCRIPT = py(
    """
import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel as DDP

dist.init_process_group("nccl")
model = DDP(torch.nn.Linear(10, 10).cuda(), device_ids=[dist.get_rank()])
loss = model(torch.randn(4, 10).cuda()).sum()
loss.backward()
"""
)
FSDP2_SCRIPT = py(
    """
import torch
from torch.distributed.device_mesh import init_device_mesh
from torch.distributed.fsdp import fully_shard

mesh = init_device_mesh("cuda", (8,))
model = Transformer()
for block in model.layers:
    fully_shard(block, mesh=mesh)
fully_shard(model, mesh=mesh)
model(torch.randint(0, 100, (2, 128))).sum().backward()
"""
)
DCP_SCRIPT = py(
    """
import torch
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint.state_dict import get_state_dict

model_sd, optim_sd = get_state_dict(model, optimizer)
dcp.save({"model": model_sd, "optim": optim_sd}, checkpoint_id="/tmp/ckpt")
"""
)

# An older wording of each comment (as a bot might have posted before the templates changed).
OLD_NOT_DISTRIBUTED = (
    "Hi! After a look at this issue it does not seem to be related to distributed training (DDP, FSDP, "
    "DTensor, c10d and so on). We flagged it for human review so the oncall can re-route it to the correct "
    "team. If this does involve distributed training, please update the description with details about your "
    "distributed setup and we will re-evaluate."
)
OLD_REPRO = (
    "Thanks for the report! To help us investigate this distributed issue, could you provide a minimal "
    "reproduction script (self-contained), environment details (number of nodes and GPUs per node, how you "
    "launch the job, PyTorch version, NCCL version, GPU model and driver version), full error logs from all "
    "ranks including the full stack trace, and the distributed init method (env://, tcp://, file://)? "
    "A script that reproduces on a single node with 2 GPUs is ideal."
)


def _c(id, title, body, outcome, add, **kw) -> Case:
    kw.setdefault("modules", frozenset())
    kw["modules"] = frozenset(kw["modules"])
    return Case(id, title, body, outcome, frozenset(add), **kw)


CASES: list[Case] = [
    # ---------------------------------------------------------------- step 0
    _c("s0-human-classified-fsdp", "FSDP2 hangs in backward with reshard_after_forward", BUG + "Reproduces with the script below.\n" + FSDP2_SCRIPT,
       "already_classified", {M, TR}, labels=(D, P, FSDP), sub=P, modules={FSDP}, tags=("step0",)),
    _c("s0-human-classified-infra", "ProcessGroupGloo all_reduce error", BUG + "dist.all_reduce fails with gloo.",
       "already_classified", {M, TR}, labels=(D, I, C10D), sub=I, modules={C10D}, tags=("step0",)),
    _c("s0-marker-present", "DDP gradient bucket size issue", BUG + DDP_SCRIPT,
       "already_classified", {TR}, labels=(D, P, DDP, M), sub=P, modules={DDP}, tags=("step0",)),
    _c("s0-only-module-label", "Training fails after a few hundred steps",
       BUG + "Our job fails after a few hundred steps, no script I can share. Error:\n" + fence("RuntimeError: expected all parameters to be on the same device"),
       "needs_reproduction", {P, NR, M}, labels=(D, FSDP), comment=True, sub=P, modules={FSDP}, tags=("step0", "step6")),
    _c("s0-only-sub-parallelisms", "DistributedDataParallel with find_unused_parameters raises", BUG + DDP_SCRIPT + "\n" +
       tb("train.py", "torch/nn/parallel/distributed.py", error="RuntimeError: Expected to have finished reduction in the prior iteration before starting a new one."),
       "classified", {DDP, M, TR}, labels=(D, P), sub=P, modules={DDP}, tags=("step0", "step3")),
    _c("s0-only-sub-infra-kept", "FSDP2 wrong dtype of gradients", BUG + FSDP2_SCRIPT,
       "routed", {M, TR}, labels=(D, I), sub=I, tags=("step0", "step2-existing")),
    _c("s0-only-sub-checkpointing-kept", "Loading after resharding gives key errors", BUG + DCP_SCRIPT,
       "routed", {M, TR}, labels=(D, C), sub=C, tags=("step0", "step2-existing")),

    # ---------------------------------------------------------------- step 1: traps
    _c("trap-single-gpu-oom", "CUDA out of memory when training ResNet-152",
       BUG + "Training on one GPU with batch size 256:\n" + py("import torch\nmodel = resnet152().cuda()\nmodel(torch.randn(256, 3, 224, 224).cuda())") + "\n" +
       fence("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB"),
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("trap", "single-gpu")),
    _c("trap-device-assert", "device-side assert triggered in nn.Embedding",
       BUG + py("import torch\nemb = torch.nn.Embedding(10, 4).cuda()\nemb(torch.tensor([12]).cuda())") + "\n" + fence("RuntimeError: CUDA error: device-side assert triggered"),
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("trap", "single-gpu")),
    _c("trap-nccl-undefined-symbol", "import torch fails: undefined symbol ncclCommRegister",
       BUG + "After installing the nightly wheel:\n" + fence("$ python -c 'import torch'\nImportError: /usr/lib/libtorch_cuda.so: undefined symbol: ncclCommRegister"),
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("trap", "nccl-import")),
    _c("trap-libnccl-missing", "libnccl.so.2 cannot be loaded",
       BUG + "We build from source and ship our own NCCL.\n" + fence("OSError: libnccl.so.2: cannot open shared object file: No such file or directory"),
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("trap", "nccl-import")),
    _c("trap-compile-inductor", "torch.compile fails with inductor lowering error",
       BUG + py("import torch\n@torch.compile\ndef f(x):\n    return x.sin() + x.cos()\nf(torch.randn(8))") + "\n" +
       tb("repro.py", "torch/_inductor/lowering.py", error="torch._inductor.exc.LoweringException: AssertionError"),
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("trap", "compiler")),
    _c("trap-dynamo-graph-break", "Graph break on data-dependent control flow in dynamo",
       BUG + "Dynamo graph-breaks on this:\n" + py("import torch\n@torch.compile(fullgraph=True)\ndef f(x):\n    if x.sum() > 0:\n        return x\n    return -x"),
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("trap", "compiler")),
    _c("trap-torchvision-root", "Detection transforms crash in the reference training scripts",
       BUG + "We run the torchvision detection reference in distributed training mode and the data loading fails.\n" +
       tb("train.py", "torchvision/transforms/v2/_geometry.py", error="ValueError: bounding boxes must be 2D"),
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("trap", "domain")),
    _c("trap-torchaudio", "torchaudio.load returns wrong sample rate",
       BUG + py("import torchaudio\nwav, sr = torchaudio.load('a.flac')\nprint(sr)"),
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("trap", "domain")),
    _c("trap-no-signal", "Accuracy lower than the paper",
       "My model reaches 71% instead of 76%. Is something wrong with the optimizer?",
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("trap", "no-signal")),
    _c("trap-notice-already-posted", "CUDA out of memory on a single GPU with AMP",
       BUG + fence("torch.OutOfMemoryError: CUDA out of memory."), "not_distributed", {RV, M},
       comments=(OLD_NOT_DISTRIBUTED,), comment=False, trap=True, tags=("trap", "dedupe")),
    _c("trap-notice-paraphrased", "Embedding index out of range on one GPU",
       BUG + fence("RuntimeError: CUDA error: device-side assert triggered"), "not_distributed", {RV, M},
       comments=("It looks like this issue is **not related to distributed training** (DDP, FSDP, DTensor, c10d). "
                 "We've flagged it for human review so the oncall can re-route it to the correct team. If it does "
                 "involve distributed training, please update the description with your distributed setup.",),
       comment=False, trap=True, tags=("trap", "dedupe")),
    _c("not-trap-fsdp-oom", "CUDA OOM with FSDP2 on 8 GPUs although the model fits",
       BUG + FSDP2_SCRIPT + "\n" + fence("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.00 GiB"),
       "classified", {P, FSDP, M, TR}, sub=P, modules={FSDP}, tags=("trap-avoided",)),
    _c("pt2-fsdp-compile", "torch.compile on an FSDP2 model fails in the pre-forward hook",
       BUG + FSDP2_SCRIPT.replace("model(torch", "torch.compile(model)(torch") + "\n" +
       tb("train.py", "torch/_dynamo/eval_frame.py", "torch/distributed/fsdp/_fully_shard/_fsdp_state.py", error="RuntimeError: FSDP pre-forward hook expected unsharded parameters"),
       "classified", {P, FSDP, M, TR}, labels=(D, PT2), sub=P, modules={FSDP}, tags=("pt2",)),
    _c("pt2-dtensor-compile", "Compiling a tensor parallel model fails in DTensor dispatch",
       BUG + py("import torch\nfrom torch.distributed.tensor.parallel import parallelize_module, ColwiseParallel\nmodel = parallelize_module(model, mesh, {'w1': ColwiseParallel()})\ntorch.compile(model)(x)") + "\n" +
       tb("train.py", "torch/_dynamo/variables/torch.py", "torch/distributed/tensor/_dispatch.py", error="NotImplementedError: Operator aten.foo.default does not have a sharding strategy registered."),
       "classified", {P, DT, M, TR}, labels=(D, PT2), sub=P, modules={DT}, tags=("pt2",)),

    # ---------------------------------------------------------------- step 2: routing
    _c("route-dcp-save", "dcp.save raises while writing shards",
       BUG + DCP_SCRIPT + "\n" + tb("train.py", "torch/distributed/checkpoint/state_dict_saver.py", "torch/distributed/checkpoint/filesystem.py", error="OSError: [Errno 28] No space left on device"),
       "routed", {C, M, TR}, sub=C, tags=("routing",)),
    _c("route-async-save", "async_save never finishes staging",
       BUG + py("import torch.distributed.checkpoint as dcp\nfuture = dcp.async_save(state_dict, checkpoint_id=path)\nfuture.result()") ,
       "routed", {C, M, TR}, sub=C, tags=("routing",)),
    _c("route-c10d-broadcast", "dist.broadcast raises for non-contiguous tensors",
       BUG + py("import torch\nimport torch.distributed as dist\ndist.init_process_group('gloo')\nt = torch.randn(4, 4).t()\ndist.broadcast(t, src=0)") + "\n" +
       tb("repro.py", "torch/distributed/c10d_logger.py", "torch/distributed/distributed_c10d.py", error="ValueError: Tensors must be contiguous"),
       "routed", {I, M, TR}, sub=I, tags=("routing", "c10d")),
    _c("route-tcpstore", "TCPStore client cannot connect to the server",
       BUG + py("import torch.distributed as dist\nstore = dist.TCPStore('10.0.0.1', 29500, 2, False)") + "\n" +
       tb("repro.py", "torch/distributed/rendezvous.py", error="torch.distributed.DistNetworkError: The client socket has timed out after 60s while trying to connect to (10.0.0.1, 29500)."),
       "routed", {I, M, TR}, sub=I, tags=("routing",)),
    _c("route-gloo", "Gloo connectFullMesh failed on machines with several interfaces",
       BUG + "Setting GLOO_SOCKET_IFNAME does not help.\n" + py("import torch.distributed as dist\ndist.init_process_group('gloo', init_method='env://')\ndist.barrier()") + "\n" +
       fence("RuntimeError: [../third_party/gloo/gloo/transport/tcp/pair.cc:144] Gloo connectFullMesh failed with ..."),
       "routed", {I, M, TR}, sub=I, tags=("routing",)),
    _c("route-rpc", "rpc_sync to a remote worker raises RRef error",
       BUG + py("import torch.distributed.rpc as rpc\nrpc.init_rpc('worker0', rank=0, world_size=2)\nrpc.rpc_sync('worker1', torch.add, args=(1, 2))") + "\n" +
       tb("repro.py", "torch/distributed/rpc/api.py", error="RuntimeError: RRef creation via rpc.remote() timed out"),
       "routed", {I, M, TR}, sub=I, tags=("routing",)),
    _c("route-elastic-rendezvous", "torchrun rendezvous times out with c10d backend",
       BUG + fence("torchrun --nnodes=1 --nproc-per-node=8 --rdzv-backend=c10d --rdzv-endpoint=localhost:0 train.py") + "\n" +
       tb("torch/distributed/run.py", "torch/distributed/elastic/agent/server/api.py", "torch/distributed/elastic/rendezvous/dynamic_rendezvous.py", error="torch.distributed.elastic.rendezvous.api.RendezvousTimeoutError"),
       "routed", {I, M, TR}, sub=I, tags=("routing",)),
    _c("route-devicemesh-bug", "init_device_mesh fails for a 3D mesh with mesh_dim_names",
       BUG + py("from torch.distributed.device_mesh import init_device_mesh\nmesh = init_device_mesh('cuda', (2, 2, 2), mesh_dim_names=('dp', 'tp', 'cp'))\nmesh['dp', 'cp']") + "\n" +
       tb("repro.py", "torch/distributed/device_mesh.py", error="KeyError: 'Invalid mesh_dim_names for DeviceMesh slicing'"),
       "routed", {I, M, TR}, sub=I, tags=("routing", "devicemesh")),
    _c("route-symm-mem", "symmetric memory rendezvous fails on H100",
       BUG + py("import torch.distributed._symmetric_memory as symm_mem\nt = symm_mem.empty(1024, device='cuda')\nsymm_mem.rendezvous(t, group)") + "\n" +
       tb("repro.py", "torch/distributed/_symmetric_memory/__init__.py", error="RuntimeError: CUDASymmetricMemory: multicast is not supported"),
       "routed", {I, M, TR}, sub=I, tags=("routing",)),
    _c("route-flight-recorder", "Flight recorder dump is empty after a hang",
       BUG + "With TORCH_NCCL_TRACE_BUFFER_SIZE set the flight recorder trace has no entries, and fr_trace fails to analyse it.\n" +
       fence("python tools/flight_recorder/fr_trace.py dumps/ -j") + "\n" + tb("tools/flight_recorder/components/builder.py", error="KeyError: 'entries'"),
       "routed", {I, M, TR}, sub=I, tags=("routing",)),
    _c("route-mpi", "MPI backend not initialised with OpenMPI 5",
       BUG + py("import torch.distributed as dist\ndist.init_process_group(backend='mpi')") + "\n" + fence("mpirun -n 2 python repro.py"),
       "routed", {I, M, TR}, sub=I, tags=("routing",)),
    _c("route-threaded-pg", "threaded process group leaks worlds between tests",
       BUG + py("from torch.testing._internal.common_distributed import MultiThreadedTestCase\nclass T(MultiThreadedTestCase):\n    def test_a(self): ...") ,
       "routed", {I, M, TR}, sub=I, tags=("routing",)),
    _c("route-default-vague", "Problem with distributed training",
       "Our distributed training job does not behave as expected. Any idea?",
       "low_confidence", {P, RV, NR, M}, comment=True, sub=P, tags=("routing", "default", "low")),
    _c("route-pipelining", "ScheduleInterleaved1F1B fails in backward for uneven stages",
       BUG + py("from torch.distributed.pipelining import PipelineStage, ScheduleInterleaved1F1B\nstages = [PipelineStage(m, i, 4, device) for i, m in enumerate(chunks)]\nsched = ScheduleInterleaved1F1B(stages, n_microbatches=8)\nsched.step(x)") + "\n" +
       tb("repro.py", "torch/distributed/pipelining/schedules.py", error="RuntimeError: stage 3 received gradient of unexpected shape"),
       "classified", {P, "module: pipelining", M, TR}, sub=P, modules={"module: pipelining"}, tags=("routing", "step3")),
    _c("route-context-parallel", "context_parallel gives NaN with causal ring attention",
       BUG + py("from torch.distributed.tensor.experimental import context_parallel\nwith context_parallel(mesh, buffers=[q, k, v], buffer_seq_dims=[2, 2, 2]):\n    out = sdpa(q, k, v, is_causal=True)") + "\n" +
       tb("repro.py", "torch/distributed/tensor/experimental/_attention.py", error="RuntimeError: NaN detected in ring attention output"),
       "classified", {P, "module: context parallel", M, TR}, sub=P, modules={"module: context parallel"}, tags=("routing", "step3")),

    # ---------------------------------------------------------------- edge cases
    _c("edge-nccl-timeout-in-fsdp", "FSDP training stops with NCCL watchdog timeout on one node",
       BUG + "Single node, 8 GPUs, FSDP with FULL_SHARD.\n" + FSDP2_SCRIPT + "\n" +
       fence("[rank3]:[E ProcessGroupNCCL.cpp:616] [Rank 3] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=5, OpType=_ALLGATHER_BASE) ran for 600000 milliseconds before timing out."),
       "routed", {I, M, TR}, sub=I, tags=("edge", "nccl-timeout")),
    _c("edge-fsdp-state-dict-save", "Saving the FSDP model state dict with torch.save produces huge files",
       BUG + "When saving a checkpoint of my FSDP model every rank writes the full model.\n" +
       py("import torch\nfrom torch.distributed.fsdp import FullyShardedDataParallel as FSDP\nmodel = FSDP(model)\ntorch.save(model.state_dict(), f'ckpt_{rank}.pt')"),
       "routed", {C, M, TR}, sub=C, tags=("edge", "state-dict")),
    _c("edge-fsdp-state-dict-load", "Loading a checkpoint into FSDP fails with missing keys",
       BUG + "Resuming from a checkpoint into the FSDP model:\n" + py("import torch\nfrom torch.distributed.fsdp import FullyShardedDataParallel as FSDP\nmodel = FSDP(model)\nmodel.load_state_dict(torch.load('ckpt.pt'))") + "\n" +
       fence("RuntimeError: Error(s) in loading state_dict for FullyShardedDataParallel: Missing key(s)"),
       "routed", {C, M, TR}, sub=C, tags=("edge", "state-dict")),
    _c("edge-fsdp-state-dict-config", "set_state_dict_type with ShardedStateDictConfig ignores offload_to_cpu",
       BUG + py("import torch\nfrom torch.distributed.fsdp import FullyShardedDataParallel as FSDP, StateDictType, ShardedStateDictConfig\nFSDP.set_state_dict_type(model, StateDictType.SHARDED_STATE_DICT, ShardedStateDictConfig(offload_to_cpu=True))\nsd = model.state_dict()\nassert all(t.device.type == 'cpu' for t in sd.values())"),
       "classified", {P, FSDP, M, TR}, sub=P, modules={FSDP}, tags=("edge", "state-dict")),
    _c("edge-torchrun-launch-failure", "torchrun DDP job fails to start: address already in use",
       BUG + "Launching my DDP training with torchrun:\n" + fence("torchrun --nproc-per-node=4 train.py") + "\n" +
       tb("torch/distributed/run.py", "torch/distributed/elastic/rendezvous/c10d_rendezvous_backend.py", error="torch.distributed.DistNetworkError: The server socket has failed to listen on any local network address. port: 29500, useIpv6: 0, code: -98, name: EADDRINUSE, message: address already in use"),
       "routed", {I, M, TR}, sub=I, tags=("edge", "torchrun")),
    _c("edge-torchrun-training-failure", "DDP training under torchrun fails in backward with unused parameters",
       BUG + "Launched with torchrun, training starts and then fails.\n" + DDP_SCRIPT + "\n" +
       tb("train.py", "torch/nn/parallel/distributed.py", error="RuntimeError: Expected to have finished reduction in the prior iteration before starting a new one. This error indicates that your module has parameters that were not used in producing loss.", rank="[rank1]: ") + "\n" +
       tb("torch/distributed/run.py", "torch/distributed/elastic/multiprocessing/errors/__init__.py", "torch/distributed/launcher/api.py", error="torch.distributed.elastic.multiprocessing.errors.ChildFailedError: train.py FAILED"),
       "classified", {P, DDP, M, TR}, sub=P, modules={DDP}, tags=("edge", "torchrun")),
    _c("edge-init-backend-no-gpu", "init_process_group with nccl fails on a CPU node",
       BUG + py("import torch.distributed as dist\ndist.init_process_group(backend='nccl')") + "\n" +
       tb("repro.py", "torch/distributed/c10d_logger.py", "torch/distributed/distributed_c10d.py", error="RuntimeError: ProcessGroupNCCL is only supported with GPUs, no GPUs found!"),
       "routed", {I, M, TR}, sub=I, tags=("edge", "init")),
    _c("edge-init-backend-not-built", "Distributed package doesn't have NCCL built in on Windows",
       BUG + "Training my DDP model on Windows:\n" + py("import torch.distributed as dist\ndist.init_process_group('nccl', rank=0, world_size=1)") + "\n" +
       fence("RuntimeError: Distributed package doesn't have NCCL built in"),
       "routed", {I, M, TR}, sub=I, tags=("edge", "init")),

    # ---------------------------------------------------------------- known confusions
    _c("conf-sharding-not-fsdp", "Redistribute from Shard(0) to Shard(1) gives wrong shape",
       BUG + "Tensor sharding across the mesh: redistributing a DTensor between shard dims returns the wrong local shape.\n" +
       py("import torch\nfrom torch.distributed.tensor import distribute_tensor, Shard\nd = distribute_tensor(torch.randn(8, 8), mesh, [Shard(0)])\nprint(d.redistribute(mesh, [Shard(1)]).to_local().shape)"),
       "classified", {P, DT, M, TR}, sub=P, modules={DT}, tags=("confusion", "sharding")),
    _c("conf-dataparallel-not-ddp", "nn.DataParallel scatters kwargs incorrectly",
       BUG + py("import torch\nmodel = torch.nn.DataParallel(Net()).cuda()\nmodel(x, mask=m)") + "\n" +
       tb("train.py", "torch/nn/parallel/data_parallel.py", "torch/nn/parallel/scatter_gather.py", error="TypeError: forward() got an unexpected keyword argument"),
       "classified", {P, "module: data parallel", M, TR}, sub=P, modules={"module: data parallel"}, tags=("confusion", "dataparallel")),
    _c("conf-ddp-not-dataparallel", "DistributedDataParallel static_graph breaks with checkpointed submodule",
       BUG + py("import torch\nfrom torch.nn.parallel import DistributedDataParallel\nmodel = DistributedDataParallel(net, static_graph=True)\nmodel(x).sum().backward()"),
       "classified", {P, DDP, M, TR}, sub=P, modules={DDP}, tags=("confusion", "dataparallel")),
    _c("conf-c10d-call-path", "DDP constructor fails: model parameters differ across ranks",
       BUG + DDP_SCRIPT + "\n" +
       tb("train.py", "torch/nn/parallel/distributed.py", "torch/distributed/utils.py", "torch/distributed/distributed_c10d.py",
          error="RuntimeError: DDP expects same model across all ranks, but Rank 1 has 12 params, while rank 0 has inconsistent 10 params."),
       "classified", {P, DDP, M, TR}, sub=P, modules={DDP}, tags=("confusion", "c10d")),
    _c("conf-c10d-call-path-dtensor", "DTensor redistribute raises inside all_gather_into_tensor",
       BUG + py("from torch.distributed.tensor import distribute_tensor, Replicate, Shard\nd = distribute_tensor(t, mesh, [Shard(0)])\nd.redistribute(mesh, [Replicate()])") + "\n" +
       tb("repro.py", "torch/distributed/tensor/_api.py", "torch/distributed/tensor/_redistribute.py", "torch/distributed/_functional_collectives.py", "torch/distributed/distributed_c10d.py",
          error="RuntimeError: DTensor redistribute: uneven shard sizes are not supported for this placement"),
       "classified", {P, DT, M, TR}, sub=P, modules={DT}, tags=("confusion", "c10d")),
    _c("conf-nccl-at-import", "undefined symbol ncclCommSplit when importing torch",
       BUG + "We use NCCL for our training jobs but this fails before anything runs.\n" + fence(">>> import torch\nImportError: libtorch_cuda.so: undefined symbol: ncclCommSplit"),
       "not_distributed", {RV, M}, comment=True, trap=True, tags=("confusion", "nccl-import", "trap")),
    _c("conf-activation-ckpt-not-dcp", "Activation checkpointing with FSDP recomputes twice",
       BUG + "Using apply_activation_checkpointing with checkpoint_wrapper on an FSDP model.\n" +
       py("import torch\nfrom torch.distributed.algorithms._checkpoint.checkpoint_wrapper import apply_activation_checkpointing, checkpoint_wrapper\napply_activation_checkpointing(model, checkpoint_wrapper_fn=checkpoint_wrapper)\nmodel(x).sum().backward()") + "\n" +
       tb("train.py", "torch/utils/checkpoint.py", error="RuntimeError: Recomputed values for the following tensors have different metadata than during the forward pass."),
       "classified", {P, "module: activation checkpointing", M, TR}, sub=P, modules={"module: activation checkpointing"}, tags=("confusion", "activation-checkpointing")),
    _c("conf-devicemesh-usage", "FSDP2 reshard_after_forward=False leaks memory",
       BUG + FSDP2_SCRIPT + "\n" + tb("train.py", "torch/distributed/fsdp/_fully_shard/_fsdp_param_group.py", error="AssertionError: FSDP param group expected to be resharded"),
       "classified", {P, FSDP, M, TR}, sub=P, modules={FSDP}, tags=("confusion", "devicemesh")),

    # ---------------------------------------------------------------- step 3
    _c("s3-fsdp2-dtensor", "FSDP2 fully_shard fails with DTensor error in redistribute",
       BUG + FSDP2_SCRIPT + "\n" +
       tb("train.py", "torch/distributed/fsdp/_fully_shard/_fsdp_state.py", "torch/distributed/tensor/_redistribute.py", error="RuntimeError: DTensor redistribute_local_tensor got mismatched placements"),
       "classified", {P, FSDP, DT, M, TR}, sub=P, modules={FSDP, DT}, tags=("step3", "multi-module")),
    _c("s3-low-confidence", "Distributed job: different results with different world sizes?",
       "Question: is it expected that the final loss changes a little when world_size changes?\n" +
       py("import torch\nimport torch.distributed as dist\ndist.init_process_group('nccl')\ntrain(model, world_size=dist.get_world_size())"),
       "low_confidence", {P, RV, M}, sub=P, tags=("step3", "low")),
    _c("s3-medium-mention", "Loss spikes after enabling mixed precision",
       BUG + "When using FSDP with bf16 the loss spikes after 1k steps.\n" + py("import torch\ntrain(model, precision='bf16')"),
       "classified", {P, FSDP, M, TR}, sub=P, modules={FSDP}, tags=("step3", "medium")),
    _c("s3-tensor-parallel", "parallelize_module with RowwiseParallel gives wrong output",
       BUG + py("from torch.distributed.tensor.parallel import parallelize_module, ColwiseParallel, RowwiseParallel\nmodel = parallelize_module(model, mesh, {'w1': ColwiseParallel(), 'w2': RowwiseParallel()})\nout = model(x)"),
       "classified", {P, DT, M, TR}, sub=P, modules={DT}, tags=("step3",)),

    # ---------------------------------------------------------------- step 4
    _c("s4-feature", "[Feature request] Support uneven sharding in fully_shard",
       FEATURE + "FSDP2's fully_shard should accept a custom shard placement function so that parameters can be sharded unevenly. This does not exist today.",
       "classified", {P, FSDP, "feature", M, TR}, sub=P, modules={FSDP}, tags=("step4", "feature")),
    _c("s4-enhancement-perf", "DDP comm hook falls back to a slower path for bf16 gradients",
       FEATURE + "DDP gradient allreduce with register_comm_hook currently works for bf16 but falls back to a slow fp32 path. It would be great to make it faster by reducing in bf16 natively (throughput drops 20%).",
       "classified", {P, DDP, "enhancement", "module: performance", M, TR}, sub=P, modules={DDP}, tags=("step4", "enhancement", "performance")),
    _c("s4-enhancement-error-message", "Better error message for mismatched DTensor placements",
       FEATURE + "When placements do not match the mesh ndim, DTensor raises an opaque IndexError. It would be nice to improve this with a better error message naming the mesh.",
       "classified", {P, DT, "enhancement", M, TR}, sub=P, modules={DT}, tags=("step4", "enhancement")),
    _c("s4-infra-feature-stops", "[RFC] Add a new all_to_all_single variant to c10d",
       FEATURE + "Proposal: add support for an all_to_all_single variant with per-rank split sizes in the process group API, for ProcessGroupNCCL and ProcessGroupGloo.",
       "routed", {I, M, TR}, sub=I, tags=("step4", "routing")),
    _c("s4-bug-no-type", "FSDP raises when a parameter is frozen",
       BUG + FSDP2_SCRIPT + "\n" + tb("train.py", "torch/distributed/fsdp/_fully_shard/_fsdp_param.py", error="RuntimeError: FSDP does not support mixed requires_grad in one group"),
       "classified", {P, FSDP, M, TR}, sub=P, modules={FSDP}, tags=("step4", "bug")),

    # ---------------------------------------------------------------- step 5
    _c("s5-segfault", "DDP segfaults in backward with gradient_as_bucket_view",
       BUG + DDP_SCRIPT + "\n" + fence("Segmentation fault (core dumped)"),
       "high_priority", {P, DDP, RV}, sub=P, modules={DDP}, tags=("step5", "crash")),
    _c("s5-silent-wrong", "DDP gradients are not synchronized with no_sync and accumulation",
       BUG + "The gradients are not synchronized across ranks after no_sync; training silently diverges.\n" + DDP_SCRIPT,
       "high_priority", {P, DDP, RV}, sub=P, modules={DDP}, tags=("step5", "silent")),
    _c("s5-regression", "FSDP2 mixed precision regression in 2.6",
       BUG + "This worked in 2.5 but fails since upgrading to 2.6.\n" + FSDP2_SCRIPT + "\n" +
       tb("train.py", "torch/distributed/fsdp/_fully_shard/_fsdp_param.py", error="RuntimeError: FSDP expects uniform dtype"),
       "high_priority", {P, FSDP, RV}, sub=P, modules={FSDP}, tags=("step5", "regression")),
    _c("s5-multinode-hang", "Training hangs with NCCL timeout on 4 nodes",
       BUG + "Multi-node job (4 nodes x 8 GPUs) hangs after 2 hours.\n" + fence("srun torchrun --nnodes=4 --nproc-per-node=8 train.py") + "\n" +
       fence("[rank12]:[E ProcessGroupNCCL.cpp:616] Watchdog caught collective operation timeout: WorkNCCL(SeqNum=91, OpType=ALLREDUCE) ran for 1800000 milliseconds before timing out."),
       "high_priority", {I, RV}, sub=I, tags=("step5", "hang")),
    _c("s5-ckpt-corruption", "DCP checkpoint is corrupted after preemption",
       BUG + "After a preemption during dcp.save the checkpoint is corrupted and cannot be loaded.\n" + DCP_SCRIPT,
       "high_priority", {C, RV}, sub=C, tags=("step5", "corruption")),
    _c("s5-c10d-internal-assert", "INTERNAL ASSERT FAILED in ProcessGroupNCCL work cleanup",
       BUG + py("import torch.distributed as dist\ndist.init_process_group('nccl')\ndist.all_reduce(t)") + "\n" +
       fence("RuntimeError: work.future() INTERNAL ASSERT FAILED at \"/pytorch/torch/csrc/distributed/c10d/ProcessGroupNCCL.cpp\":1020, please report a bug to PyTorch."),
       "high_priority", {I, RV}, sub=I, tags=("step5", "internal-assert")),
    _c("s5-many-users", "DDP with torch 2.6 logs a warning every step",
       BUG + DDP_SCRIPT + "\nEvery step prints a UserWarning about bucket views.",
       "high_priority", {P, DDP, RV}, comments=("+1, seeing this on all our jobs", "Same issue here with 8 GPUs", "me too"),
       sub=P, modules={DDP}, tags=("step5", "many-users")),
    _c("s5-deadlock", "Deadlock in all_gather_object with uneven inputs",
       BUG + py("import torch.distributed as dist\nout = [None] * dist.get_world_size()\ndist.all_gather_object(out, obj)") + "\nThe collective deadlocks on rank 0.",
       "high_priority", {I, RV}, sub=I, tags=("step5", "deadlock")),

    # ---------------------------------------------------------------- step 6
    _c("s6-no-repro-classified", "FSDP2 mixed precision raises dtype error",
       BUG + "With MixedPrecisionPolicy(param_dtype=torch.bfloat16) we get:\n" + fence("RuntimeError: FSDP expected all-gather input dtype bfloat16 but got float32"),
       "needs_reproduction", {P, FSDP, NR, M}, comment=True, sub=P, modules={FSDP}, tags=("step6",)),
    _c("s6-steps", "DDP join context manager ignores uneven inputs",
       BUG + "Using DDP with the Join context manager.\n\nSteps to reproduce:\n1. Launch 2 ranks with uneven dataloaders\n2. Wrap the loop in `with Join([model]):`\n3. Rank 1 finishes first and rank 0 raises",
       "classified", {P, DDP, M, TR}, sub=P, modules={DDP}, tags=("step6", "steps")),
    _c("s6-multinode-script", "FSDP loss differs between 2 and 4 nodes",
       BUG + "Using FSDP full sharding, our job script:\n" + fence("#!/bin/bash\n#SBATCH --nodes=4\nsrun torchrun --nnodes=4 --nproc-per-node=8 --rdzv-endpoint=$HEAD:29500 pretrain.py"),
       "classified", {P, FSDP, M, TR}, sub=P, modules={FSDP}, tags=("step6", "multinode-script")),
    _c("s6-request-already-posted", "FSDP2 raises on frozen embeddings",
       BUG + "Freezing the embedding then calling fully_shard fails with an AssertionError in FSDP.",
       "needs_reproduction", {P, FSDP, NR, M}, comments=(OLD_REPRO,), comment=False, sub=P, modules={FSDP}, tags=("step6", "dedupe")),
    _c("s6-repro-in-comment", "DDP crashes with sparse gradients",
       BUG + "DDP with sparse embedding gradients raises during backward.",
       "classified", {P, DDP, M, TR}, comments=("Here is a script:\n" + DDP_SCRIPT.replace("Linear(10, 10)", "Embedding(10, 10, sparse=True)"),),
       sub=P, modules={DDP}, tags=("step6", "comment")),
    _c("s6-feature-no-repro", "[Feature request] pipeline schedule with zero bubble for PipelineStage",
       FEATURE + "Add a zero-bubble schedule to torch.distributed.pipelining; it does not exist today.",
       "classified", {P, "module: pipelining", "feature", M, TR}, sub=P, modules={"module: pipelining"}, tags=("step6", "feature")),
]
