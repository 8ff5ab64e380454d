"""The scrub screen (issue 4): the scrub seed's steps on one screen, resumable."""

from .keys import SCOPES, SCRUB_ACTIONS
from .screen import ScrubScreen

__all__ = ["SCOPES", "SCRUB_ACTIONS", "ScrubScreen"]
