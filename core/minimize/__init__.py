"""Python-aware repro minimizer: AST passes, trace-guided slicing, a fork-server oracle.

Entry points: :func:`minimize` / :func:`minimize_events` (engine), :class:`Expectation` (the
verdict to keep), the :class:`Oracle` protocol with :class:`FreshOracle` and
:class:`ForkServerOracle`.
"""

from core.minimize.edits import Size, measure, normalize
from core.minimize.engine import (
    Finished,
    MinimizeError,
    MinimizeEvent,
    MinimizeOptions,
    MinimizeResult,
    MinimizeStats,
    MinimizeStep,
    Notice,
    Progress,
    StepAccepted,
    minimize,
    minimize_events,
    reducible_lines,
    save_original,
)
from core.minimize.oracle import (
    Expectation,
    ForkServerError,
    ForkServerOracle,
    FreshOracle,
    Oracle,
    OracleResult,
    ProbeResult,
    RaisingFrame,
    scrubbed_env,
)

__all__ = [
    "Expectation",
    "Finished",
    "ForkServerError",
    "ForkServerOracle",
    "FreshOracle",
    "MinimizeError",
    "MinimizeEvent",
    "MinimizeOptions",
    "MinimizeResult",
    "MinimizeStats",
    "MinimizeStep",
    "Notice",
    "Oracle",
    "OracleResult",
    "ProbeResult",
    "Progress",
    "RaisingFrame",
    "Size",
    "StepAccepted",
    "measure",
    "minimize",
    "minimize_events",
    "normalize",
    "reducible_lines",
    "save_original",
    "scrubbed_env",
]
