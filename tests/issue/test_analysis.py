from __future__ import annotations

import sys

import pytest

from core.issue.analysis import ImportProbeError, analyze_repro, probe_imports
from core.models import ErrorSignature


def test_parses_and_imports():
    a = analyze_repro("import torch\nimport numpy as np\nfrom torch._dynamo import config\nimport os.path\nfrom . import x\n")
    assert a.parses and a.syntax_error is None
    assert a.imports == ("torch", "numpy", "os")


def test_syntax_error_position_and_imports_still_found():
    a = analyze_repro("import torch\nimport transformers\nx = (1,\n")
    assert not a.parses and a.syntax_error.line >= 3
    assert a.imports == ("torch", "transformers")


def test_notebook_magic_is_a_syntax_error_but_imports_are_seen():
    a = analyze_repro("!pip install foo\nimport torch\n")
    assert not a.parses and a.imports == ("torch",)


@pytest.mark.parametrize(
    ("code", "cuda", "gpus"),
    [
        ("import torch\nx = torch.ones(2)\n", False, 0),
        ("import torch\nx = torch.ones(2).cuda()\n", True, 1),
        ("import torch\nx = torch.ones(2, device='cuda')\n", True, 1),
        ("import torch\nx = torch.ones(2, device='cuda:3')\n", True, 4),
        ("import torch\nworld_size = 4\ndist.init_process_group('nccl')\n", True, 4),
        ("import torch\nn = torch.cuda.device_count()\n", True, 2),
        ("import torch\nprint(torch.cuda.is_available())\n", False, 0),
    ],
)
def test_hardware(code, cuda, gpus):
    a = analyze_repro(code)
    assert (a.needs_cuda, a.gpus) == (cuda, gpus)


@pytest.mark.parametrize(
    ("code", "prose", "cuda", "gpus"),
    [
        ("import torch.distributed.checkpoint as dcp\ndcp.load(sd, checkpoint_id='/mnt/c')", "We save on 8 GPUs and resume on 4.", True, 8),
        ("import torch.distributed as dist\ndist.init_process_group('gloo')", "on 8 GPUs", False, 0),
        ("import torchvision\nT.RandomResize(3)", "reference script, 2 GPUs", False, 0),
        ("import torch.distributed as dist", "GPU models and configuration:\nGPU 0: NVIDIA H100", False, 0),
        ("import torch.distributed as dist", "with 2x A100s", True, 2),
    ],
)
def test_hardware_from_the_reporters_prose_only_for_distributed_code(code, prose, cuda, gpus):
    a = analyze_repro(code, description=prose)
    assert (a.needs_cuda, a.gpus) == (cuda, gpus)


def test_multi_node():
    assert analyze_repro("import os\nos.environ['MASTER_ADDR'] = '10.0.0.5'\n").multi_node
    assert not analyze_repro("import os\nos.environ['MASTER_ADDR'] = 'localhost'\n").multi_node
    assert analyze_repro("x = 1\n", shell_text="torchrun --nnodes=2 --nproc_per_node=8 r.py").multi_node


def test_external_files():
    code = (
        "import torch\nfrom transformers import AutoModel\n"
        "m = AutoModel.from_pretrained('bert-base-uncased')\n"
        "s = torch.load('my_checkpoint.pt')\n"
        "torch.save(s, '/tmp/mine.pt')\nt = torch.load('/tmp/mine.pt', weights_only=True)\n"
        "d = open('data/train.csv').read()\nu = 'https://example.com/file.bin'\n"
        "h = torch.hub.load('pytorch/vision', 'resnet18')\n"
    )
    kinds = {(e.kind, e.line) for e in analyze_repro(code).external_files}
    assert ("from_pretrained", 3) in kinds and ("torch_load", 4) in kinds
    assert ("path", 7) in kinds and ("url", 8) in kinds and ("download", 9) in kinds
    assert not any(line == 6 for _, line in kinds)


def test_self_saved_file_is_not_external():
    code = "import torch\np = 'w.pt'\ntorch.save({}, p)\nx = torch.load(p)\n"
    assert analyze_repro(code).external_files == ()


def test_launchers():
    spawn = analyze_repro("import torch.multiprocessing as mp\nmp.spawn(run, nprocs=2)\n").launcher
    assert spawn.kind == "mp.spawn" and spawn.command == ("python", "{file}")
    reported = analyze_repro("import torch.distributed as dist\ndist.init_process_group('gloo')\n",
                             shell_text="$ torchrun --nproc_per_node=4 repro.py").launcher
    assert reported.kind == "torchrun" and "--nproc_per_node=1" in reported.command
    needs_two = analyze_repro("dist.init_process_group('gloo')\nif rank == 1:\n    pass\n",
                              shell_text="torchrun --nproc_per_node=2 r.py").launcher
    assert "--nproc_per_node=2" in needs_two.command
    bare = analyze_repro("import torch.distributed as dist\ndist.init_process_group('gloo')\n").launcher
    assert bare.kind == "torchrun" and "--nproc_per_node=1" in bare.command
    assert analyze_repro("import torch\n").launcher is None


def test_expected_error_described():
    assert analyze_repro("x=1", reported=ErrorSignature("RuntimeError", "boom")).expected_error_described
    assert analyze_repro("x=1", description="The output is wrong on CPU").expected_error_described
    assert not analyze_repro("x=1", description="Here is some code.").expected_error_described


async def test_probe_imports_against_a_real_interpreter():
    found = await probe_imports(sys.executable, ["json", "surely_not_a_module_xyz", "os", "bad name", "torch.x"])
    assert found["json"] is True and found["os"] is True
    assert found["surely_not_a_module_xyz"] is False
    assert found["bad name"] is False and found["torch.x"] is False  # never sent to the interpreter


async def test_probe_imports_of_a_missing_interpreter():
    with pytest.raises(ImportProbeError):
        await probe_imports("/nonexistent/python3", ["json"])


async def test_probe_imports_of_a_failing_interpreter(tmp_path):
    fake = tmp_path / "python"
    fake.write_text("#!/bin/sh\necho broken >&2\nexit 3\n")
    fake.chmod(0o755)
    with pytest.raises(ImportProbeError, match="broken"):
        await probe_imports(str(fake), ["json"])


@pytest.mark.parametrize(("code", "ranks"), [
    ("mesh = init_device_mesh('cpu', (2, 2, 2), mesh_dim_names=('a', 'b', 'c'))", 8),
    ("mesh = init_device_mesh('cuda', mesh_shape=(2, 4))", 8),
    ("stage = PipelineStage(mod, rank, 2, torch.device('cpu'))", 2),
    ("mod = A() if rank == 0 else B()", 2),
    ("if rank == 0:\n    x = 1\nelse:\n    x = 2\n", 2),
    ("assert dist.get_world_size() == 4", 4),
    ("dist.send(t, dst=3)", 4),
    ("dist.init_process_group('gloo')\nprint(dist.get_rank())", 1),
])
def test_ranks_the_code_itself_needs(code, ranks):
    from core.issue.analysis import ranks_needed

    assert ranks_needed(code) == ranks


def test_the_launcher_runs_as_many_workers_as_the_code_needs_and_a_mention_is_not_a_command():
    code = "import torch.distributed as dist\ndist.init_process_group('gloo')\nmesh = init_device_mesh('cpu', (2, 2))\n"
    assert "--nproc_per_node=4" in analyze_repro(code).launcher.command
    mention = analyze_repro("import torch.distributed as dist\ndist.init_process_group('gloo')\n",
                            shell_text="`torchrun` reports it as a ChildFailedError, but the worker failed").launcher
    assert mention.note.startswith("calls init_process_group")
