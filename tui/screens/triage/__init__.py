"""The distributed-triage review screen (label-by-label review and the batch flow)."""

from .review import DISTRIBUTED_SECTION_TITLE, TriageReviewScreen, distributed_section

__all__ = ["DISTRIBUTED_SECTION_TITLE", "TriageReviewScreen", "distributed_section"]
