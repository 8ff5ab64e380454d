"""The write gate: the one way triagedeck writes to GitHub (plan → confirmation → executor)."""

from .plan import (
    AddLabels,
    CloseIssue,
    Confirmation,
    PostComment,
    RemoveLabel,
    WriteAction,
    WritePlan,
)

__all__ = [
    "AddLabels",
    "CloseIssue",
    "Confirmation",
    "PostComment",
    "RemoveLabel",
    "WriteAction",
    "WritePlan",
]
