"""The rule set's types: areas and their signals, groups, conditions, templates, scoring."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

from ...errors import ConfigError
from ..fastre import FastPattern

SKILL_DIR = Path(".claude/skills/distributed-triage")
LABELS_FILE = "distributed-labels.json"
TEMPLATES_FILE = "templates.json"

TEXT_KINDS = ("title", "body", "code", "error", "wrapper_error", "comment")
FRAME_KINDS = ("root_frame", "call_frame")
ALL_KINDS = TEXT_KINDS + FRAME_KINDS
SUB_ONCALLS = ("checkpointing", "infra", "parallelisms")
SIGNAL_KINDS = ("keywords", "apis", "imports", "frames", "patterns")
DEFAULT_TEXT_WHERE = ("title", "body", "code", "error", "wrapper_error", "comment")


class RulesError(ConfigError):
    """A rule file is malformed; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Signal:
    """One thing that points at an area (a keyword, an API name, an import, a frame path)."""

    area: str
    kind: str  # keywords / apis / imports / frames / patterns
    text: str
    where: frozenset[str]

    @property
    def rule(self) -> str:
        return f"{self.area}:{self.kind[:-1] if self.kind.endswith('s') else self.kind}"


@dataclass(frozen=True, slots=True)
class Area:
    name: str
    label: str | None
    sub_oncall: str
    signals: tuple[Signal, ...]
    weights: Mapping[str, float]  # per region kind, area overrides applied
    transport: bool = False  # its frames are a root cause only when no other area's frame is below
    context_areas: tuple[str, ...] = ()  # usual context of this area: added beside it only with root-cause evidence


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    parts: tuple[FastPattern, ...]  # one per pattern, each with its literal prefilter
    where: frozenset[str]
    min_count: int = 1


@dataclass(frozen=True, slots=True)
class Condition:
    all: tuple[str, ...] = ()
    any: tuple[str, ...] = ()
    none: tuple[str, ...] = ()

    def names(self) -> Iterable[str]:
        return (*self.all, *self.any, *self.none)


@dataclass(frozen=True, slots=True)
class NamedRule:
    """An edge case, a trap or a high-priority criterion: a name, a note and a condition."""

    name: str
    note: str
    condition: Condition
    route: str | None = None


@dataclass(frozen=True, slots=True)
class Confusion:
    name: str
    area: str
    decoy: FastPattern | None
    note: str


@dataclass(frozen=True, slots=True)
class Template:
    name: str
    comment: str
    label: str | None = None
    older_wordings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class LabelNames:
    marker: str
    triaged: str
    review: str
    needs_reproduction: str
    feature: str
    enhancement: str
    performance: str
    distributed: str
    pt2: str


@dataclass(frozen=True, slots=True)
class Scoring:
    max_repeats: int
    high: float
    medium: float
    secondary_ratio: float
    route_dominance: float
    min_distributed: float


@dataclass(frozen=True)
class Rules:
    """Validated, compiled rules (build with :func:`load_rules`)."""

    labels: LabelNames
    allow_list: tuple[str, ...]
    scoring: Scoring
    sub_oncall_labels: Mapping[str, str]
    precedence: tuple[str, ...]
    default_sub_oncall: str
    areas: tuple[Area, ...]
    confusions: tuple[Confusion, ...]
    groups: Mapping[str, Group]
    edge_cases: tuple[NamedRule, ...]
    traps: tuple[NamedRule, ...]
    high_priority: tuple[NamedRule, ...]
    types: Mapping[str, tuple[str, ...]]
    repro_groups: tuple[str, ...]
    templates: Mapping[str, Template]
    wrapper_errors: re.Pattern[str] | None
    negation: FastPattern | None = None
    sources: tuple[str, ...] = ()
    # Compiled at build time (see compile_rules): one prefiltered pattern per distinct signal,
    # most specific (longest) first, with the signals it stands for.
    signal_patterns: tuple[tuple[FastPattern, str | None, tuple[Signal, ...]], ...] = field(default=(), repr=False)
    frame_regex: re.Pattern[str] = field(default=None, repr=False)  # type: ignore[assignment]
    transport_frame_regex: re.Pattern[str] = field(default=None, repr=False)  # type: ignore[assignment]

    # -- lookups -----------------------------------------------------------------------

    def is_allowed(self, label: str) -> bool:
        return label.lower() in self._allowed_lower

    @property
    def _allowed_lower(self) -> frozenset[str]:
        return _lower_set(self.allow_list)

    def area(self, name: str) -> Area:
        for area in self.areas:
            if area.name == name:
                return area
        raise KeyError(name)

    @property
    def module_labels(self) -> tuple[str, ...]:
        """Allow-listed labels that classify a module (``module:`` labels, type labels excluded)."""
        skip = {self.labels.performance.lower()}
        return tuple(l for l in self.allow_list if l.lower().startswith("module:") and l.lower() not in skip)

    def area_for_label(self, label: str) -> Area | None:
        low = label.lower()
        for area in self.areas:
            if area.label and area.label.lower() == low:
                return area
        return None

    def sub_oncall_of_label(self, label: str) -> str | None:
        low = label.lower()
        for name, sub_label in self.sub_oncall_labels.items():
            if sub_label.lower() == low:
                return name
        return None


@lru_cache(maxsize=64)
def _lower_set(labels: tuple[str, ...]) -> frozenset[str]:
    return frozenset(l.lower() for l in labels)
