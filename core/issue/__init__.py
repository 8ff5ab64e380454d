"""Issue text analysis: markdown structure, block classes, repro choice, error signatures.

Pure functions over ``core.models.IssueThread``; only ``analysis.probe_imports`` does I/O.
"""

from core.issue.analysis import ReproAnalysis, analyze_repro, probe_imports
from core.issue.markdown import ParsedThread, parse_thread
from core.issue.select import Candidate, Selection, Stop, select_repro
from core.issue.signature import Match, ReportedError, matches, reported_error

__all__ = [
    "Candidate",
    "Match",
    "ParsedThread",
    "ReportedError",
    "ReproAnalysis",
    "Selection",
    "Stop",
    "analyze_repro",
    "matches",
    "parse_thread",
    "probe_imports",
    "reported_error",
    "select_repro",
]
