"""The repro pane: the chosen repro, its findings, the security gate, and live runs.

``screen`` is the pane; ``gate`` the gate and editor, ``lookups`` the background analysis,
targets and probes, ``run`` the run worker, ``messages`` what the workers post.
"""

from .gate import ReproEditor
from .lookups import CollaboratorCheck
from .run import FRAME_S, KEEP_LINES
from .screen import DEFAULT_MAX_LINES, DEFAULT_REPEAT, ReproScreen, RunnerFactory

__all__ = [
    "DEFAULT_MAX_LINES",
    "DEFAULT_REPEAT",
    "FRAME_S",
    "KEEP_LINES",
    "CollaboratorCheck",
    "ReproEditor",
    "ReproScreen",
    "RunnerFactory",
]
