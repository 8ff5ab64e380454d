"""Fixed seeds for flaky repros, without sitecustomize: a tiny wrapper run instead of the file."""

from __future__ import annotations

from .launch import PYTHON, RunLauncher

WRAPPER_NAME = "_triagedeck_seeded.py"

# argv: SEED SCRIPT [ARGS...]. Seeds random, then numpy and torch when the script mentions them
# (importing torch costs seconds; a script that never names it gains nothing) and they are
# importable, then runs SCRIPT as __main__ with its own argv and its directory on sys.path.
WRAPPER_SOURCE = '''\
import os, random, runpy, sys
seed = int(sys.argv[1])
script = sys.argv[2]
with open(script, encoding="utf-8", errors="replace") as f:
    text = f.read()
random.seed(seed)
if "numpy" in text:
    try:
        import numpy
        numpy.random.seed(seed)
    except Exception:
        pass
if "torch" in text:
    try:
        import torch
        torch.manual_seed(seed)
    except Exception:
        pass
sys.argv = [script] + sys.argv[3:]
sys.path[0] = os.path.dirname(os.path.abspath(script))
runpy.run_path(script, run_name="__main__")
'''


def python_argv(
    python: list[str],
    script: str,
    args: tuple[str, ...],
    seed: int | None,
    wrapper: str | None,
    launcher: RunLauncher = PYTHON,
) -> list[str]:
    """``python script args`` or, with a seed, ``python wrapper SEED script args``; under
    torchrun ``python -m torch.distributed.run --standalone --nproc_per_node=N`` comes
    before the script (each worker then runs the wrapper, which seeds and runs the script)."""
    head = [*python, *launcher.python_args()]
    if seed is None or wrapper is None:
        return [*head, script, *args]
    return [*head, wrapper, str(seed), script, *args]
