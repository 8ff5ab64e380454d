"""Distributed triage rules: data (TOML/JSON), validated and compiled once.

The project's defaults ship as ``rules/default_rules.toml`` inside ``core.triage``. A PyTorch
checkout's ``.claude/skills/distributed-triage/distributed-labels.json`` (the allow-list)
and ``templates.json`` (comment texts) override the defaults when present.

- ``model``: the types; ``validate``: the schema checker; ``parse``: document → rules;
- ``compile``: signals → the engine's fast patterns; ``load``: defaults, checkout, config.
"""

from .load import (
    _default_text,
    default_rules,
    load_rules,
    parse_labels_file,
    parse_templates_file,
    rules_from_config,
)
from .model import (
    ALL_KINDS,
    FRAME_KINDS,
    LABELS_FILE,
    SKILL_DIR,
    SUB_ONCALLS,
    TEMPLATES_FILE,
    TEXT_KINDS,
    Area,
    Condition,
    Confusion,
    Group,
    LabelNames,
    NamedRule,
    Rules,
    RulesError,
    Scoring,
    Signal,
    Template,
)
from .parse import parse_rules

__all__ = [
    "ALL_KINDS", "FRAME_KINDS", "LABELS_FILE", "SKILL_DIR", "SUB_ONCALLS", "TEMPLATES_FILE", "TEXT_KINDS", "Area",
    "Condition", "Confusion", "Group", "LabelNames", "NamedRule", "Rules", "RulesError", "Scoring", "Signal",
    "Template", "_default_text", "default_rules", "load_rules", "parse_labels_file", "parse_rules",
    "parse_templates_file", "rules_from_config",
]
