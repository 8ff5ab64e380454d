"""Widgets of the distributed-triage review: the issue with evidence highlighted, the
proposal as label toggles, and the batch tally."""

from .evidence import EvidenceThread, highlighted
from .proposal import LabelToggle, ProposalPanel, outcome_name
from .tally import Tally, TallyBar

__all__ = ["EvidenceThread", "LabelToggle", "ProposalPanel", "Tally", "TallyBar", "highlighted", "outcome_name"]
