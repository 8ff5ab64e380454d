"""One cheap probe per environment: Python, torch, CUDA, GPU name (cached per environment)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

from .environment import RunEnvironment
from .result import collect
from .runners import runner_for
from .spec import RunSpec

PROBE_MARKER = "TRIAGEDECK_PROBE="

# Tolerates a missing or broken torch: the error is reported, not raised.
PROBE_SOURCE = f"""\
import json, platform, sys
info = {{"python": platform.python_version(), "executable": sys.executable, "torch": None,
        "torch_cuda": None, "cuda_available": False, "gpu": None, "torch_error": None}}
try:
    import torch
    info["torch"] = torch.__version__
    info["torch_cuda"] = torch.version.cuda
    info["cuda_available"] = bool(torch.cuda.is_available())
    if info["cuda_available"]:
        info["gpu"] = torch.cuda.get_device_name(0)
except Exception as exc:
    info["torch_error"] = "%s: %s" % (type(exc).__name__, exc)
print("{PROBE_MARKER}" + json.dumps(info), flush=True)
"""


@dataclass(frozen=True, slots=True)
class EnvironmentProbe:
    env_key: str
    env_name: str
    python: str | None = None
    executable: str | None = None
    torch: str | None = None
    torch_cuda: str | None = None
    cuda_available: bool = False
    gpu: str | None = None
    torch_error: str | None = None
    # Set when the probe itself could not run; the other fields are then empty.
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "EnvironmentProbe":
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


_CACHE: dict[str, EnvironmentProbe] = {}


def clear_probe_cache() -> None:
    _CACHE.clear()


def cached_probe(env: RunEnvironment) -> EnvironmentProbe | None:
    return _CACHE.get(env.key)


async def probe_environment(env: RunEnvironment, *, refresh: bool = False, timeout_s: float = 90.0) -> EnvironmentProbe:
    """Probe ``env`` once (a single ``python -c``-sized script) and cache the answer.

    The probe is our own code, so it runs unsandboxed.
    """
    if not refresh and env.key in _CACHE:
        return _CACHE[env.key]
    spec = RunSpec(PROBE_SOURCE, env=env, timeout_s=timeout_s, sandbox="off", script_name="probe.py")
    try:
        result = await collect(runner_for(env), spec, keep_lines=200, write_log=False)
    except Exception as exc:  # noqa: BLE001 - a probe failure is a fact about the environment
        return EnvironmentProbe(env.key, env.name, error=str(exc))
    for line in reversed(result.tail):
        if line.stream == "stdout" and line.text.startswith(PROBE_MARKER):
            data = json.loads(line.text[len(PROBE_MARKER) :])
            probe = EnvironmentProbe(env_key=env.key, env_name=env.name, **data)
            _CACHE[env.key] = probe
            return probe
    why = "timed out" if result.timed_out else f"exit status {result.exit_code}"
    return EnvironmentProbe(env.key, env.name, error=f"probe failed ({why}): {result.text('stderr')[-500:]}")
