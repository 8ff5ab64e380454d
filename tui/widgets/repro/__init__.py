"""Widgets of the repro pane: code view, gate panel, side-panel and run-state text."""

from .code import CodeView, code_renderable, display_lines
from .gate import GatePanel
from .keys import REPRO_ACTIONS, SCOPES, ReproChecks, bindings
from .output import display_line
from .panels import (
    VERDICT_LABELS,
    TextLine,
    analysis_text,
    candidates_text,
    findings_text,
    gate_text,
    reported_text,
    results_table,
    review_text,
    status_badge,
    targets_text,
    trust_text,
    verdict_text,
)

__all__ = [
    "REPRO_ACTIONS",
    "SCOPES",
    "VERDICT_LABELS",
    "CodeView",
    "GatePanel",
    "ReproChecks",
    "TextLine",
    "analysis_text",
    "bindings",
    "candidates_text",
    "code_renderable",
    "display_line",
    "display_lines",
    "findings_text",
    "gate_text",
    "reported_text",
    "results_table",
    "review_text",
    "status_badge",
    "targets_text",
    "trust_text",
    "verdict_text",
]
