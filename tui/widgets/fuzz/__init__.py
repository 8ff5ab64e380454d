"""Widgets and key rows of the fuzz-session screens."""

from .keys import FUZZ_ACTIONS, FUZZ_SCOPES, FuzzChecks, bindings
from .panels import PANELS, StepRow, header_text, source_text, step_rows, steps_text

__all__ = ["FUZZ_ACTIONS", "FUZZ_SCOPES", "PANELS", "FuzzChecks", "StepRow", "bindings", "header_text", "source_text", "step_rows", "steps_text"]
