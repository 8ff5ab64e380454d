"""A small generic step machine: ordered steps with a status and a reason, gates that need
an explicit choice, persisted as JSON in the store's sessions table after every change.

Workflows (scrub, ...) drive it; it holds no business rules. A killed app resumes from the
last save: steps that were running without an open gate are rerun, open gates stay open.
"""

from .machine import (
    Gate,
    GateError,
    StepState,
    StepStatus,
    Workflow,
    WorkflowError,
)

__all__ = ["Gate", "GateError", "StepState", "StepStatus", "Workflow", "WorkflowError"]
