"""The scrub workflow (seed: scrub-issue): actionability, repro presence, recent
verification, reproduction, version bisection + fixing PR, minimize hand-off, trivial fix,
and the drafted report and write plan — as a persisted, resumable step machine."""

from .actionability import Actionability, assess, classify_kind
from .session import (
    KIND,
    STEPS,
    BisectProgress,
    Finished,
    GateOpened,
    MinimizeProgress,
    Note,
    PlanDrafted,
    RunOutput,
    ScrubEvent,
    ScrubOptions,
    ScrubSession,
    StepChanged,
    event_json,
)
from .similar import BM25, SimilarIssue, explicit_duplicates, rank_similar

__all__ = [
    "Actionability", "BM25", "BisectProgress", "Finished", "GateOpened", "KIND", "MinimizeProgress", "Note",
    "PlanDrafted", "RunOutput", "STEPS", "ScrubEvent", "ScrubOptions", "ScrubSession", "SimilarIssue", "StepChanged",
    "assess", "classify_kind", "event_json", "explicit_duplicates", "rank_similar",
]
