"""The demo repository's labels and collaborators."""

from __future__ import annotations

VIEWER = "demo-maintainer"

# Maintainers of the demo repository (collaborators); the viewer is one of them.
COLLABORATORS = [VIEWER, "lkessler-pt", "vchandra-dev", "mhorvath", "yzhou-dist", "rbaptiste", "okafor-n"]

# (name, colour, description). Descriptions are written for the demo.
_LABELS: list[tuple[str, str, str]] = [
    # Process labels.
    ("triaged", "0e8a16", "This issue has been looked at by a team member and prioritized"),
    ("triage review", "fbca04", "Needs a human to review the triage"),
    ("needs reproduction", "d93f0b", "The report lacks a script that reproduces it"),
    ("high priority", "b60205", "Must be looked at soon"),
    ("actionable", "c2e0c6", "There is enough information to act on this"),
    ("has workaround", "bfdadc", "A workaround is known"),
    ("good first issue", "7057ff", "Suitable for a first contribution"),
    ("bot-triaged", "ededed", "Processed by a triage bot"),
    ("ptd-bot-triaged", "ededed", "Processed by the distributed triage bot"),
    # Types.
    ("feature", "a2eeef", "A request for new functionality"),
    ("enhancement", "84b6eb", "An improvement to something that already works"),
    ("better-engineering", "5319e7", "Refactoring and code-health work"),
    ("tracker", "006b75", "Tracks a set of related issues"),
    ("module: docs", "0075ca", "Documentation"),
    # Areas.
    ("module: nn", "f9d0c4", "torch.nn"),
    ("module: autograd", "f9d0c4", "Automatic differentiation"),
    ("module: cuda", "f9d0c4", "CUDA support"),
    ("module: cpu", "f9d0c4", "CPU kernels"),
    ("module: data", "f9d0c4", "torch.utils.data"),
    ("module: dataloader", "f9d0c4", "DataLoader and samplers"),
    ("module: error checking", "f9d0c4", "Error messages and input validation"),
    ("module: optimizer", "f9d0c4", "torch.optim"),
    ("module: serialization", "f9d0c4", "torch.save / torch.load"),
    ("module: rnn", "f9d0c4", "Recurrent layers"),
    ("module: linear algebra", "f9d0c4", "torch.linalg"),
    ("module: convolution", "f9d0c4", "Convolution layers"),
    ("module: half", "f9d0c4", "float16 support"),
    ("module: numerical-stability", "f9d0c4", "Overflow, underflow and precision problems"),
    ("module: correctness (silent)", "b60205", "Wrong results without an error"),
    ("module: regression", "b60205", "Worked in an earlier release"),
    ("module: crash", "b60205", "Segfaults and aborts"),
    ("module: memory usage", "f9d0c4", "Memory consumption"),
    ("module: build", "f9d0c4", "Building from source"),
    ("module: binaries", "f9d0c4", "Release binaries and wheels"),
    ("module: tools", "f9d0c4", "Developer tools under tools/"),
    ("module: benchmark", "f9d0c4", "Benchmark scripts"),
    ("module: codegen", "f9d0c4", "torchgen and generated code"),
    ("module: flaky-tests", "f9d0c4", "Tests that fail intermittently"),
    ("module: tests", "f9d0c4", "The test suite"),
    ("module: python frontend", "f9d0c4", "Python bindings and frontend"),
    ("module: vision", "f9d0c4", "Vision domain libraries"),
    ("module: amp (automated mixed precision)", "f9d0c4", "autocast and GradScaler"),
    # PT2.
    ("oncall: pt2", "d4c5f9", "torch.compile and the PT2 stack"),
    ("oncall: export", "d4c5f9", "torch.export"),
    ("module: dynamo", "d4c5f9", "TorchDynamo"),
    ("module: inductor", "d4c5f9", "TorchInductor"),
    ("module: dynamic shapes", "d4c5f9", "Symbolic shapes"),
    ("module: graph breaks", "d4c5f9", "Graph breaks under torch.compile"),
    ("topic: fuzzer", "d4c5f9", "Found by TorchFuzz"),
    # Distributed: the oncall, its three sub-oncalls, the module labels of the triage allow-list.
    ("oncall: distributed", "f7c6c7", "Distributed training"),
    ("oncall: distributed parallelisms", "f7c6c7", "FSDP, DDP, DTensor, tensor/context/pipeline parallel"),
    ("oncall: distributed infra", "f7c6c7", "c10d, process groups, backends, elastic, torchrun, RPC"),
    ("oncall: distributed checkpointing", "f7c6c7", "Distributed checkpoint save/load, DCP, state_dict utilities"),
    ("module: fsdp", "c5def5", "Fully sharded data parallel (FSDP1 and FSDP2)"),
    ("module: ddp", "c5def5", "DistributedDataParallel"),
    ("module: dtensor", "c5def5", "Distributed tensors"),
    ("module: c10d", "c5def5", "Process groups, collectives and stores"),
    ("module: DeviceMesh", "c5def5", "The DeviceMesh abstraction"),
    ("module: pipelining", "c5def5", "Pipeline parallelism"),
    ("module: rpc", "c5def5", "RPC, RRef and distributed autograd"),
    ("module: nccl", "c5def5", "The NCCL backend"),
    ("module: elastic", "c5def5", "torchelastic and torchrun"),
    ("module: data parallel", "c5def5", "Legacy nn.DataParallel"),
    ("module: symm_mem", "c5def5", "Symmetric memory"),
    ("module: context parallel", "c5def5", "Context parallelism"),
    ("module: activation checkpointing", "c5def5", "Activation checkpointing used with distributed"),
    ("module: mpi", "c5def5", "The MPI backend"),
    ("module: threaded pg", "c5def5", "The multi-threaded process group"),
    ("module: distributed_tool", "c5def5", "Tooling around distributed training"),
    ("module: performance", "c5def5", "Speed"),
]


def demo_labels() -> list[dict[str, str]]:
    return [{"name": n, "color": c, "description": d} for n, c, d in _LABELS]
