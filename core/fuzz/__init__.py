"""TorchFuzz bug-fixing sessions: seed → failing test → xfail → fix → validation → commits → ghstack.

Headless: the TUI and the ``fuzz`` CLI verbs drive :class:`FuzzWorkflow` / :class:`FuzzSession`.
TorchFuzz itself runs locally, in a conda env, or on an ssh host (``remote``); multi-seed
sweeps are :func:`run_sweep`, read by :func:`parse_sweep_output`.
"""

from .config import FuzzConfig
from .errors import FuzzError, GateLocked, PushRefused
from .fuzzer import FuzzerReport, find_entry_point, parse_failed_seeds, parse_fuzzer_output
from .gitops import DiffFile, DiffView
from .proc import CommandRunner, LocalRunner, ProcFinished, ProcLine, ProcResult, ProcStarted
from .session import (
    QUALITY_ROWS,
    STEPS,
    SUMMARY_QUESTIONS,
    FuzzEvent,
    FuzzSession,
    FuzzSessionInfo,
    FuzzWorkflow,
    Phase,
    Proof,
    PushConfirmation,
    PushPlan,
    StepResult,
    drain,
)
from .signature import FuzzSignature, extract_signature
from .sweep import FuzzerLocation, SweepDone, locate_fuzzer, run_sweep
from .sweep_output import SeedResult, SweepReport, parse_sweep_output

__all__ = [
    "FuzzConfig",
    "FuzzError",
    "GateLocked",
    "PushRefused",
    "FuzzerReport",
    "find_entry_point",
    "parse_failed_seeds",
    "parse_fuzzer_output",
    "DiffFile",
    "DiffView",
    "CommandRunner",
    "LocalRunner",
    "ProcFinished",
    "ProcLine",
    "ProcResult",
    "ProcStarted",
    "QUALITY_ROWS",
    "STEPS",
    "SUMMARY_QUESTIONS",
    "FuzzEvent",
    "FuzzSession",
    "FuzzSessionInfo",
    "FuzzWorkflow",
    "Phase",
    "Proof",
    "PushConfirmation",
    "PushPlan",
    "StepResult",
    "drain",
    "FuzzSignature",
    "extract_signature",
    "FuzzerLocation",
    "SweepDone",
    "locate_fuzzer",
    "run_sweep",
    "SeedResult",
    "SweepReport",
    "parse_sweep_output",
]
