"""Version bisection (parallel k-ary search) and the fixing-PR finder."""

from .search import BisectResult, Outcome, ProbeCancelled, ProbeResult, RoundStarted, VersionEnv, bisect, expected_rounds, version_key

__all__ = ["BisectResult", "Outcome", "ProbeCancelled", "ProbeResult", "RoundStarted", "VersionEnv", "bisect", "expected_rounds", "version_key"]
