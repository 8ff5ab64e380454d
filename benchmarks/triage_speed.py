"""Benchmark: distributed-triage proposals (and plans) for 1,000 synthetic issues.

    .venv/bin/python benchmarks/triage_speed.py [--issues N] [--repeat R]

Target: <= 2 s in total for 1,000 issues (rule loading excluded: it happens once per run).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.models import Comment, Issue, IssueThread  # noqa: E402
from core.triage import build_plan, default_rules, propose  # noqa: E402

T0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
SITE = "/opt/conda/lib/python3.11/site-packages/torch/"

TITLES = [
    "FSDP2 fully_shard fails in backward with {x}", "DDP hangs after {x} steps", "NCCL watchdog timeout during {x}",
    "dcp.save raises while writing {x}", "DTensor redistribute gives wrong shape for {x}", "CUDA out of memory with {x}",
    "torch.compile fails on {x}", "init_process_group error on {x}", "torchrun rendezvous times out on {x}",
    "[Feature request] support {x} in pipelining", "Distributed training question about {x}",
]
FRAMES = [
    "distributed/fsdp/_fully_shard/_fsdp_state.py", "distributed/tensor/_redistribute.py", "nn/parallel/distributed.py",
    "distributed/distributed_c10d.py", "distributed/checkpoint/filesystem.py", "distributed/elastic/agent/server/api.py",
    "_inductor/lowering.py", "nn/modules/module.py", "distributed/pipelining/schedules.py", "utils/checkpoint.py",
]
ERRORS = [
    "RuntimeError: Expected to have finished reduction in the prior iteration",
    "RuntimeError: DTensor placements mismatch", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2 GiB",
    "torch.distributed.DistBackendError: NCCL error in: ProcessGroupNCCL.cpp:1970, unhandled system error",
    "ValueError: Tensors must be contiguous", "OSError: [Errno 28] No space left on device",
]
CODE = [
    "import torch\nimport torch.distributed as dist\nfrom torch.nn.parallel import DistributedDataParallel as DDP\n"
    "dist.init_process_group('nccl')\nmodel = DDP(Net().cuda())\nmodel(x).sum().backward()",
    "import torch\nfrom torch.distributed.fsdp import fully_shard\nfor b in model.layers:\n    fully_shard(b)\nfully_shard(model)",
    "import torch.distributed.checkpoint as dcp\ndcp.save(state_dict, checkpoint_id=path)",
    "import torch\n@torch.compile\ndef f(x):\n    return x.sin()\nf(torch.randn(8))",
]
PROSE = (
    "We train a 7B decoder on 8 nodes. After a few thousand steps the job stops making progress and one rank reports "
    "the error below. The same configuration worked with a smaller model. Our launcher is a SLURM script around "
    "torchrun, NCCL_DEBUG=INFO shows nothing unusual. "
)
ENV = "\n### Versions\n\nPyTorch version: 2.13.0+cu128\nIs CUDA available: True\n" + "".join(
    f"GPU {i}: NVIDIA H100 80GB HBM3\n" for i in range(8)
) + "[pip3] numpy==2.2.6\n[pip3] torch==2.13.0\n"


def make_issue(i: int, rng: random.Random) -> IssueThread:
    frames = rng.sample(FRAMES, rng.randint(1, 4))
    tb = "Traceback (most recent call last):\n" + "".join(
        f'  File "{SITE}{f}", line {100 + k}, in fn_{k}\n    call_{k}()\n' for k, f in enumerate(frames)
    ) + rng.choice(ERRORS)
    parts = ["### 🐛 Describe the bug\n", PROSE * rng.randint(1, 4)]
    if rng.random() < 0.7:
        parts.append("```python\n" + rng.choice(CODE) + "\n```\n")
    if rng.random() < 0.8:
        parts.append("```\n" + tb + "\n```\n")
    parts.append(ENV)
    labels = ["oncall: distributed"]
    if rng.random() < 0.2:
        labels.append(rng.choice(["oncall: distributed parallelisms", "module: fsdp", "oncall: distributed infra"]))
    comments = tuple(
        Comment(k, "someone", "NONE", rng.choice(["Same here.", "Any update?", PROSE, "```\n" + tb + "\n```"]), T0)
        for k in range(rng.randint(0, 3))
    )
    issue = Issue("pytorch/pytorch", 100000 + i, rng.choice(TITLES).format(x=f"case {i}"), "open", "u", "NONE",
                  T0, T0, tuple(labels), "\n".join(parts), comments_count=len(comments))
    return IssueThread(issue, comments)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--issues", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(20250301)
    threads = [make_issue(i, rng) for i in range(args.issues)]
    chars = sum(len(t.issue.body or "") + sum(len(c.body) for c in t.comments) for t in threads)
    t = time.perf_counter()
    rules = default_rules()
    load_s = time.perf_counter() - t
    best = best_cpu = float("inf")
    outcomes: dict[str, int] = {}
    for _ in range(args.repeat):
        start, cpu = time.perf_counter(), time.process_time()
        for thread in threads:
            proposal = propose(thread, rules)
            build_plan(proposal, thread, rules)
            outcomes[proposal.outcome] = outcomes.get(proposal.outcome, 0) + 1
        best = min(best, time.perf_counter() - start)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    print(f"rules loaded in {load_s * 1000:.0f} ms")
    print(f"{args.issues} issues ({chars / args.issues / 1024:.1f} KiB text each on average): "
          f"best of {args.repeat}: {best:.3f} s total, {best / args.issues * 1000:.2f} ms/issue "
          f"(target <= 2 s per 1,000: {'OK' if best * 1000 / args.issues <= 2 else 'MISSED'})")
    print(f"process CPU time (less sensitive to a loaded machine): best {best_cpu:.3f} s")
    print("outcomes:", {k: v // args.repeat for k, v in sorted(outcomes.items())})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
