"""Second-level triage of ``oncall: distributed`` issues: rules as data, a pure engine,
evidence for every label, and a write plan that enforces the workflow's constraints."""

from .engine import propose
from .model import OUTCOMES, Evidence, TriageProposal
from .plan import build_plan
from .ruleset import Rules, RulesError, default_rules, load_rules, rules_from_config

__all__ = [
    "OUTCOMES",
    "Evidence",
    "Rules",
    "RulesError",
    "TriageProposal",
    "build_plan",
    "default_rules",
    "load_rules",
    "propose",
    "rules_from_config",
]
