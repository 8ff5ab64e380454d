"""How a scrub session runs (:class:`ScrubOptions`) and the small helpers the steps share."""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from core.config import Config
from core.models import ErrorSignature
from core.run import (
    RunEnvironment,
    RunSpec,
    collect,
    local_env,
    parse_environment,
    runner_for,
)
from core.run.verdict import Verdict

# -- options ------------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class ScrubOptions:
    """How a session runs. ``from_config`` reads ``[scrub]``: ``repro_dir``, ``sandbox``,
    ``timeout_s``, ``conda_pattern``, ``versions``, ``bisect_probes``."""

    env: RunEnvironment = field(default_factory=local_env)
    run: bool = True
    timeout_s: float = 120.0
    sandbox: str = "auto"
    allow_unsandboxed: bool = False
    confirm_runs: int = 3
    flaky_runs: int = 5
    bisect_k: int = 3  # parallel probes per round (the issue: 2-3; benchmarks/bisect_parallel.py measures 3)
    repro_dir: Path = field(default_factory=lambda: Path(tempfile.gettempdir()))
    checkout: Path | None = None
    signature: str = "Analysis done with triagedeck."
    extra: dict = field(default_factory=dict)
    now: datetime | None = None

    @classmethod
    def from_config(cls, config: Config, *, env: str | None = None, **overrides: Any) -> "ScrubOptions":
        scrub = dict(config.extra.get("scrub") or {})
        runners = dict(config.extra.get("runners") or {})
        values: dict[str, Any] = {
            "env": parse_environment(env or scrub.get("env", "local"), runners),
            "timeout_s": float(scrub.get("timeout_s", 120.0)),
            "sandbox": str(scrub.get("sandbox", "auto")),
            "allow_unsandboxed": bool(scrub.get("allow_unsandboxed", False)),
            "bisect_k": int(scrub.get("bisect_probes", 3)),
            "checkout": config.pytorch_checkout,
            "signature": config.signature,
            "extra": dict(config.extra),
        }
        if scrub.get("repro_dir"):
            values["repro_dir"] = Path(str(scrub["repro_dir"])).expanduser()
        values.update(overrides)
        return cls(**values)


# -- helpers ------------------------------------------------------------------------------------

_IMPORT_PROBE = (
    "import importlib.util, json, sys\n"
    "sys.path[:] = [p for p in sys.path if p not in ('', '.')]\n"
    "out = {}\n"
    "for m in MODS:\n"
    "    try:\n"
    "        out[m] = importlib.util.find_spec(m) is not None\n"
    "    except Exception:\n"
    "        out[m] = False\n"
    "print('TRIAGEDECK_IMPORTS=' + json.dumps(out))\n"
)


async def probe_imports_in(env: RunEnvironment, modules: Iterable[str]) -> dict[str, bool] | None:
    """Which top-level modules the *target* environment can import (None: it could not be asked).
    Our own snippet, so it runs unsandboxed; module names are checked to be identifiers first."""
    names = [m for m in dict.fromkeys(modules) if m.isidentifier()]
    if not names:
        return {}
    spec = RunSpec(f"MODS = {names!r}\n" + _IMPORT_PROBE, env=env, timeout_s=90, sandbox="off", script_name="imports.py")
    try:
        result = await collect(runner_for(env), spec, keep_lines=50, write_log=False)
    except Exception:  # noqa: BLE001 - an unreachable env is reported as "could not ask"
        return None
    for line in reversed(result.tail):
        if line.text.startswith("TRIAGEDECK_IMPORTS="):
            try:
                return json.loads(line.text.split("=", 1)[1])
            except ValueError:
                return None
    return None


def _sig_from_json(data: dict | None) -> ErrorSignature | None:
    if not data:
        return None
    return ErrorSignature(data.get("exception_class"), data.get("message_substring"), data.get("signal"))


def _verdict_json(v: Verdict) -> dict:
    return v.to_json()


class _Stop(Exception):
    pass

