"""The diff pane: patch parsing, a Line-API diff view, and the review pane around it."""

from .pane import DiffPane
from .patch import (
    FileDiff,
    Hunk,
    HunkLine,
    Patch,
    diff_texts,
    format_patch,
    parse_patch,
)
from .view import DiffView

__all__ = ["DiffPane", "DiffView", "FileDiff", "Hunk", "HunkLine", "Patch", "diff_texts", "format_patch", "parse_patch"]
