"""What a repro needs before it can run (scrub seed, step 3).

Pure static analysis, except :func:`probe_imports`, which asks the *target* interpreter
(not the app's) which of the repro's imports it can find.
"""

from __future__ import annotations

import ast
import asyncio
import json
import re
from dataclasses import dataclass

from core.errors import TriagedeckError
from core.issue.classify import strip_magics
from core.models import ErrorSignature


class ImportProbeError(TriagedeckError):
    """The target interpreter could not be asked about imports."""


@dataclass(frozen=True, slots=True)
class SyntaxProblem:
    line: int
    col: int
    message: str


@dataclass(frozen=True, slots=True)
class ExternalRef:
    """Something outside the script it needs: a URL, a user file, a model download."""

    kind: str  # url | path | from_pretrained | torch_load | download
    line: int
    text: str


@dataclass(frozen=True, slots=True)
class Launcher:
    """How to start the repro; ``{file}`` stands for the script path."""

    kind: str  # torchrun | mp.spawn | self-launching
    command: tuple[str, ...]
    note: str


@dataclass(frozen=True, slots=True)
class ReproAnalysis:
    parses: bool
    syntax_error: SyntaxProblem | None
    imports: tuple[str, ...]
    needs_cuda: bool
    gpus: int
    multi_node: bool
    external_files: tuple[ExternalRef, ...]
    launcher: Launcher | None
    expected_error_described: bool


_IMPORT_RE = re.compile(r"^\s*(?:import|from)\s+([A-Za-z_]\w*)", re.M)
_CUDA_RE = re.compile(
    r"\.cuda\(|\bdevice\s*=\s*f?['\"]cuda|f?['\"]cuda(?::[^'\"]*)?['\"]|torch\.cuda\.(?!is_available)\w+|"
    r"backend\s*=\s*['\"]nccl|['\"]nccl['\"]|\.to\(\s*f?['\"]cuda"
)
# Data/model-parallel constructs: on a GPU per rank unless the code says gloo or CPU.
_PARALLEL_RE = re.compile(
    r"\b(?:DDP|DistributedDataParallel|DataParallel|FSDP|FullyShardedDataParallel|fully_shard|"
    r"distribute_tensor|DTensor|init_device_mesh|symm_mem|ProcessGroupNCCL)\b|['\"]nccl['\"]|"
    r"set_device\(\s*(?:dist\.get_rank\(\)|rank|local_rank|int\(os\.environ)|f['\"]cuda:\{"
)
# "on 8 GPUs", "with 2x A100", "4 H100s": the reporter's own hardware statement.
_PROSE_GPUS_RE = re.compile(
    r"\b(\d{1,3})[ \t]*(?:x[ \t]*)?(?:NVIDIA[ \t]+)?(?:GPUs?|[AHVBL]\d{2,3}s?|RTX[ \t]?\d{4}s?)\b", re.I
)
_CPU_HINT_RE = re.compile(r"['\"]gloo['\"]|device\s*=\s*['\"]cpu['\"]")
_CUDA_INDEX_RE = re.compile(r"['\"]cuda:(\d+)['\"]|\.cuda\((\d+)\)")
_WORLD_RE = re.compile(r"\bworld_size\s*=\s*(\d+)|\bnprocs\s*=\s*(\d+)")
_NPROC_RE = re.compile(r"--?nproc[_-]per[_-]node[= ]\s*(\d+)|\bnproc_per_node\s*=\s*(\d+)|\bmpirun\s+-n(?:p)?\s+(\d+)")
_NNODES_RE = re.compile(r"--?nnodes[= ]\s*['\"]?(\d+)|\bnnodes\s*=\s*(\d+)")
_MASTER_RE = re.compile(r"MASTER_ADDR['\"]?\s*(?:\]\s*=|=|,)\s*['\"]([^'\"]*)['\"]")
_LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "0.0.0.0", "::1"}
_URL_RE = re.compile(r"\b(?:https?|ftp|s3|gs)://[^\s'\"<>)]+")
_DATA_EXT = re.compile(r"\.(?:pt|pth|bin|ckpt|safetensors|pkl|pickle|npy|npz|csv|json|jsonl|parquet|h5|hdf5|onnx|png|jpe?g|txt|tar|zip|gz|mp4|wav)$", re.I)
# A command, not a mention: the launcher followed by an option or a script.
_TORCHRUN_RE = re.compile(
    r"(?:^|[\s`$])(?:torchrun|python[\d.]*\s+-m\s+torch\.distributed\.(?:run|launch))[ \t]+(?:-|[\w./-]+\.py\b).*", re.M
)
_MESH_SHAPE_RE = re.compile(r"init_device_mesh\([^()]*?\(\s*(\d+(?:\s*,\s*\d+)*)\s*,?\s*\)|mesh_shape\s*=\s*\(\s*(\d+(?:\s*,\s*\d+)*)")
_STAGES_RE = re.compile(r"PipelineStage\(\s*[^,()]+,\s*[^,()]+,\s*(\d+)\b|\bnum_stages\s*=\s*(\d+)")
_WORLD_EQ_RE = re.compile(r"(?:world_size|get_world_size\(\))\s*==\s*(\d+)")
_RANK_K_RE = re.compile(r"\brank\s*==\s*(\d+)|\b(?:src|dst|peer)\s*=\s*(\d+)")
_RANK_BRANCH_RE = re.compile(r"\bif\s+(?:dist\.get_rank\(\)|rank)\s*==\s*0\b[^\n]*(?:\n[ \t]+[^\n]*)*\n[ \t]*else\b|"
                             r"\bif\s+(?:dist\.get_rank\(\)|rank)\s*==\s*0\s+else\b|\bif\s+rank\s*==\s*0\s+else\b")
_NEEDS_RANKS_RE = re.compile(r"\bworld_size\s*==\s*[2-9]|\brank\s*==\s*[1-9]|\b(?:src|dst|peer)\s*=\s*[1-9]")
_DESCRIBED_RE = re.compile(
    r"\b(?:error|exception|traceback|crash(?:es|ed)?|segfault|fails?|failed|raises?|expected|wrong|incorrect|"
    r"mismatch|hangs?|nan|differs?|inconsistent|bug)\b",
    re.I,
)
_DOWNLOADERS = ("hub.load", "load_state_dict_from_url", "download_url_to_file", "urlretrieve", "hf_hub_download",
                "snapshot_download", "load_dataset", "wget.download")
_WRITERS = ("save", "to_csv", "savez", "write_text", "write_bytes", "dump")


def _call_name(func: ast.expr) -> str:
    parts: list[str] = []
    while isinstance(func, ast.Attribute):
        parts.append(func.attr)
        func = func.value
    if isinstance(func, ast.Name):
        parts.append(func.id)
    return ".".join(reversed(parts))


def _const_str(node: ast.expr | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _arg_key(node: ast.expr | None) -> str | None:
    """A comparable key for a path argument: its text, or the variable holding it."""
    if node is None:
        return None
    s = _const_str(node)
    if s is not None:
        return s
    if isinstance(node, ast.Name):
        return "$" + node.id
    return None


def _under_tmp(path: str) -> bool:
    return path.startswith("/tmp/") or path == "/tmp"


def _externals(tree: ast.Module) -> tuple[ExternalRef, ...]:
    written: set[str] = set()
    consts = {t.id: n.value.value for n in ast.walk(tree) if isinstance(n, ast.Assign) and isinstance(n.value, ast.Constant)
              and isinstance(n.value.value, str) for t in n.targets if isinstance(t, ast.Name)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node.func)
            mode = _const_str(node.args[1]) if len(node.args) > 1 else None
            mode = mode or next((_const_str(k.value) for k in node.keywords if k.arg == "mode"), None)
            if name.endswith(_WRITERS) and len(node.args) >= 2 and name != "json.dump":
                key = _arg_key(node.args[1]) if name.split(".")[-1] in ("save", "dump") else _arg_key(node.args[0])
                if key:
                    written.add(key)
            elif name == "open" and node.args and mode and any(ch in mode for ch in "wax"):
                key = _arg_key(node.args[0])
                if key:
                    written.add(key)
    written |= {consts[k[1:]] for k in written if k.startswith("$") and k[1:] in consts}
    refs: list[ExternalRef] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = _call_name(node.func)
            first = node.args[0] if node.args else None
            text = ast.unparse(first)[:200] if first is not None else ""
            key = _arg_key(first)
            if name.endswith("from_pretrained"):
                refs.append(ExternalRef("from_pretrained", node.lineno, text))
            elif name.endswith(_DOWNLOADERS):
                refs.append(ExternalRef("download", node.lineno, text))
            elif name in ("torch.load", "load") and key not in written and not (key and _under_tmp(key)):
                refs.append(ExternalRef("torch_load", node.lineno, text))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            value = node.value
            if _URL_RE.search(value):
                refs.append(ExternalRef("url", node.lineno, _URL_RE.search(value).group(0)))
            elif _DATA_EXT.search(value) and "\n" not in value and value not in written and not _under_tmp(value):
                refs.append(ExternalRef("path", node.lineno, value))
    seen: set[tuple[str, int]] = set()
    unique = []
    for ref in sorted(refs, key=lambda r: (r.line, r.kind)):
        if (ref.kind, ref.line) not in seen:
            seen.add((ref.kind, ref.line))
            unique.append(ref)
    return tuple(unique)


def _max_int(rx: re.Pattern[str], text: str) -> int:
    values = [int(g) for m in rx.finditer(text) for g in m.groups() if g]
    return max(values, default=0)


def ranks_needed(code: str) -> int:
    """How many ranks the code itself needs to do what it was written for (1 when nothing says more):
    a device-mesh shape, pipeline stages, ``world_size == N``, ``rank == K``, a rank-0/else branch."""
    needed = 1
    for m in _MESH_SHAPE_RE.finditer(code):
        dims = [int(d) for d in (m.group(1) or m.group(2)).replace(" ", "").split(",") if d]
        product = 1
        for d in dims:
            product *= max(d, 1)
        needed = max(needed, product)
    needed = max(needed, _max_int(_STAGES_RE, code), _max_int(_WORLD_EQ_RE, code))
    needed = max(needed, max((int(a or b) + 1 for a, b in _RANK_K_RE.findall(code)), default=1))
    if _RANK_BRANCH_RE.search(code):
        needed = max(needed, 2)
    return needed


def _launcher(code: str, shell_text: str, tree: ast.Module | None) -> Launcher | None:
    uses_spawn = re.search(r"\b(?:mp|multiprocessing|torch\.multiprocessing)\.(?:spawn|start_processes)\(|\bspawn\(", code)
    if uses_spawn:
        return Launcher("mp.spawn", ("python", "{file}"), "spawns its own worker processes; run it directly")
    if re.search(r"['\"](?:torchrun|torch\.distributed\.(?:run|launch))['\"\s]", code):
        return Launcher("self-launching", ("python", "{file}"), "starts torchrun itself through subprocess")
    reported = _TORCHRUN_RE.search(shell_text)
    distributed = "init_process_group" in code or "init_device_mesh" in code
    if not (reported or distributed):
        return None
    nproc = max(_max_int(_NPROC_RE, shell_text), 1)
    needed = ranks_needed(code)
    keep = nproc > 1 and (needed > 1 or _NEEDS_RANKS_RE.search(code) is not None)
    n = max(needed, nproc if keep else 1)
    command = ("torchrun", "--standalone", f"--nproc_per_node={n}", "{file}")
    why = f"the code needs {needed} ranks" if needed > 1 else ""
    if reported:
        note = f"reported as: {reported.group(0).strip()[:200]}"
        if keep:
            note += "; it relies on several ranks, so the reported count is kept"
        elif n > 1:
            note += f"; {why}"
        else:
            note += "; run with one process"
    elif n > 1:
        note = f"calls init_process_group without spawning workers: run under torchrun; {why}"
    else:
        note = "calls init_process_group without spawning workers: run under torchrun with one process"
    return Launcher("torchrun", command, note)


def analyze_repro(
    code: str,
    *,
    shell_text: str = "",
    description: str = "",
    reported: ErrorSignature | None = None,
) -> ReproAnalysis:
    """Static facts about ``code``; ``shell_text`` holds the issue's shell blocks."""
    tree: ast.Module | None = None
    problem: SyntaxProblem | None = None
    try:
        tree = ast.parse(code)
    except SyntaxError as exc:
        problem = SyntaxProblem(exc.lineno or 0, exc.offset or 0, exc.msg)
        try:  # notebook magics aside, the rest may still parse for the other checks
            tree = ast.parse(strip_magics(code))
        except (SyntaxError, ValueError, RecursionError):
            tree = None
    except (ValueError, RecursionError, MemoryError) as exc:
        problem = SyntaxProblem(0, 0, str(exc)[:200])
    if tree is not None:
        mods: list[str] = []
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            mods += [n.split(".")[0] for n in names if n.split(".")[0] != "__future__"]
        imports = tuple(dict.fromkeys(mods))
        externals = _externals(tree)
    else:
        imports = tuple(dict.fromkeys(m for m in _IMPORT_RE.findall(code) if m != "__future__"))
        externals = tuple(ExternalRef("url", 0, u) for u in dict.fromkeys(_URL_RE.findall(code)))
    both = code + "\n" + shell_text
    cpu_hint = _CPU_HINT_RE.search(code) is not None
    parallel = _PARALLEL_RE.search(code) is not None and not cpu_hint
    # A distributed fragment that needs a model from elsewhere shows no device: the prose says
    # where it ran. Not for other code: "2 GPUs" beside a transforms bug is the reporter's setup.
    distributed = "torch.distributed" in code or "init_process_group" in code
    prose_gpus = _max_int(_PROSE_GPUS_RE, description) if distributed and not cpu_hint else 0
    needs_cuda = _CUDA_RE.search(code) is not None or parallel or prose_gpus > 1
    index_gpus = max((int(a or b) + 1 for a, b in _CUDA_INDEX_RE.findall(code)), default=0)
    procs = max(_max_int(_WORLD_RE, code), _max_int(_NPROC_RE, both))
    gpus = 0
    if needs_cuda:
        gpus = max(1, index_gpus, procs, prose_gpus)
        if "device_count()" in code or parallel:
            gpus = max(gpus, 2)
    multi_node = _max_int(_NNODES_RE, both) > 1 or any(h.strip() not in _LOCAL_HOSTS for h in _MASTER_RE.findall(both))
    described = bool(reported is not None and not reported.empty) or _DESCRIBED_RE.search(description) is not None
    return ReproAnalysis(
        parses=problem is None,
        syntax_error=problem,
        imports=imports,
        needs_cuda=needs_cuda,
        gpus=gpus,
        multi_node=multi_node,
        external_files=externals,
        launcher=_launcher(code, shell_text, tree),
        expected_error_described=described,
    )


_PROBE = (
    "import importlib.util, json, sys\n"
    "sys.path[:] = [p for p in sys.path if p not in ('', '.')]\n"
    "out = {}\n"
    "for m in sys.argv[1:]:\n"
    "    try:\n"
    "        out[m] = importlib.util.find_spec(m) is not None\n"
    "    except Exception:\n"
    "        out[m] = False\n"
    "print(json.dumps(out))\n"
)


async def probe_imports(python: str, modules, *, timeout: float = 30.0) -> dict[str, bool]:
    """Ask interpreter ``python`` which top-level ``modules`` it can import (find_spec only).

    Names that are not identifiers are reported missing without being sent.
    """
    names = [m for m in dict.fromkeys(modules) if isinstance(m, str) and m.isidentifier()]
    result = {m: False for m in modules if isinstance(m, str)}
    if not names:
        return result
    try:
        proc = await asyncio.create_subprocess_exec(
            python, "-c", _PROBE, *names,
            stdin=asyncio.subprocess.DEVNULL, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        )
    except OSError as exc:
        raise ImportProbeError(f"cannot start {python!r}: {exc}") from exc
    try:
        out, err = await asyncio.wait_for(proc.communicate(), timeout)
    except asyncio.TimeoutError:
        proc.kill()
        await proc.wait()
        raise ImportProbeError(f"{python!r} did not answer within {timeout:g} s") from None
    if proc.returncode != 0:
        raise ImportProbeError(f"{python!r} failed: {err.decode(errors='replace').strip()[-300:]}")
    try:
        found = json.loads(out.decode(errors="replace").strip().splitlines()[-1])
    except (ValueError, IndexError) as exc:
        raise ImportProbeError(f"unexpected answer from {python!r}") from exc
    result.update({m: bool(found.get(m)) for m in names})
    return result
