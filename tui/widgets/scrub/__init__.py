"""Widgets of the scrub screen: the step list, the gate bar, the bisect timeline, and the
text builders for the step panel and the runs table."""

from .gate import GATE_KEYS, GateBar, gate_keymap
from .panels import plan_text, runs_table, step_panel, verdict_line
from .steps import STEP_TITLES, StepList, steps_text
from .timeline import BisectTimeline, candidates_text

__all__ = [
    "GATE_KEYS", "STEP_TITLES", "BisectTimeline", "GateBar", "StepList", "candidates_text", "gate_keymap",
    "plan_text", "runs_table", "step_panel", "steps_text", "verdict_line",
]
