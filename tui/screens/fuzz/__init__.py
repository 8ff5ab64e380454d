"""The fuzz-bug sessions: the sessions list, one session's steps 0–5, and their dialogs."""

from .dialogs import FixForm, NewSessionForm, PushDialog, plan_text
from .session import FuzzSessionScreen
from .sessions import FuzzSessionsScreen

__all__ = ["FixForm", "FuzzSessionScreen", "FuzzSessionsScreen", "NewSessionForm", "PushDialog", "plan_text"]
