"""Distributed triage rules: data (TOML/JSON), validated and compiled once.

The project's defaults ship as ``rules/default_rules.toml`` inside this package. A PyTorch
checkout's ``.claude/skills/distributed-triage/distributed-labels.json`` (the allow-list)
and ``templates.json`` (comment texts) override the defaults when present.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import ConfigError
from .fastre import FastPattern

SKILL_DIR = Path(".claude/skills/distributed-triage")
LABELS_FILE = "distributed-labels.json"
TEMPLATES_FILE = "templates.json"

TEXT_KINDS = ("title", "body", "code", "error", "wrapper_error", "comment")
FRAME_KINDS = ("root_frame", "call_frame")
ALL_KINDS = TEXT_KINDS + FRAME_KINDS
SUB_ONCALLS = ("checkpointing", "infra", "parallelisms")
_SIGNAL_KINDS = ("keywords", "apis", "imports", "frames", "patterns")
_DEFAULT_TEXT_WHERE = ("title", "body", "code", "error", "wrapper_error", "comment")


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
    # Compiled at build time (see _compile): one prefiltered pattern per distinct signal,
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


# -- validation helpers ------------------------------------------------------------------


class _V:
    """Small schema checker that raises RulesError naming the file and the key path."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str, message: str) -> RulesError:
        return RulesError(message, path=self.path, key=key)

    def table(self, data: Any, key: str) -> dict:
        if not isinstance(data, dict):
            raise self.fail(key, "must be a table")
        return data

    def string(self, data: Mapping, key: str, prefix: str, *, optional: bool = False, default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is None:
            if optional:
                return None
            raise self.fail(f"{prefix}{key}", "is required (a string)")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{prefix}{key}", "must be a non-empty string")
        return value

    def strings(self, data: Mapping, key: str, prefix: str, *, default: Iterable[str] = ()) -> tuple[str, ...]:
        value = data.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{prefix}{key}", "must be an array of non-empty strings")
        return tuple(value)

    def number(self, data: Mapping, key: str, prefix: str, *, minimum: float = 0.0) -> float:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{prefix}{key}", "must be a number")
        if value < minimum:
            raise self.fail(f"{prefix}{key}", f"must be at least {minimum}")
        return float(value)

    def regex(self, pattern: str, key: str, flags: int = re.IGNORECASE | re.MULTILINE) -> re.Pattern[str]:
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            raise self.fail(key, f"invalid regular expression {pattern!r}: {exc}") from None

    def unknown(self, data: Mapping, allowed: Iterable[str], prefix: str) -> None:
        extra = sorted(set(data) - set(allowed))
        if extra:
            raise self.fail(f"{prefix}{extra[0]}", f"unknown key (expected one of: {', '.join(sorted(allowed))})")


def _signal_regex(sig: Signal) -> str:
    """The regex source of one signal (scoped flags keep case rules per alternative)."""
    text = sig.text
    if sig.kind == "patterns":
        return f"(?i:{text})"
    if sig.kind == "frames":
        parts = [re.escape(p) for p in text.split("/")]
        return r"[/\\]".join(parts)
    escaped = re.escape(text).replace(r"\ ", r"\s+")
    if sig.kind == "keywords":
        # Words match case-insensitively and whole: "DDP" never matches inside "FSDDP".
        lead = r"(?<![\w])" if text[0].isalnum() or text[0] == "_" else ""
        tail = r"(?![\w])" if text[-1].isalnum() or text[-1] == "_" else ""
        return f"(?i:{lead}{escaped}{tail})"
    # apis / imports: case-sensitive identifiers; a word boundary keeps "DataParallel" out
    # of "DistributedDataParallel".
    lead = r"(?<![\w])" if text[0].isalnum() or text[0] == "_" else ""
    tail = r"(?![\w])" if text[-1].isalnum() or text[-1] == "_" else ""
    return f"{lead}{escaped}{tail}"


_COMMON_PATH_PARTS = {"torch", "distributed", "csrc", "nn", "parallel", "_composable", "utils", "tools"}


_TOKEN = re.compile(r"[a-z0-9_]+")


def _signal_token(sig: Signal) -> str | None:
    """A word every match of the signal contains as a whole token (``[a-z0-9_]+`` of the
    lower-cased text), so a thread's token set can rule the signal out without a scan.
    None when no such word is certain (raw patterns, open-ended path parts)."""
    text = sig.text.lower()
    if sig.kind == "patterns":
        return None
    if sig.kind == "frames":
        pieces = text.split("/")
        # A component is whole when a "/" follows it, or it has an extension.
        whole = [p for p in pieces[:-1] if p] + ([pieces[-1].split(".")[0]] if "." in pieces[-1] else [])
        words = [w for p in whole if p not in _COMMON_PATH_PARTS for w in _TOKEN.findall(p) if w == p or "." in p]
        words = [w for w in words if w not in _COMMON_PATH_PARTS]
        return max(words, key=len) if words else None
    words = _TOKEN.findall(text)
    if not words:
        return None
    # Keywords, APIs and imports are matched with word guards at word-character edges.
    inner = words[1:-1] if len(words) > 2 else []
    candidates = list(inner)
    if text[0].isalnum() or text[0] == "_":
        candidates.append(words[0])
    if text[-1].isalnum() or text[-1] == "_":
        candidates.append(words[-1])
    if len(words) == 2 and not (text[0].isalnum() or text[0] == "_") and not (text[-1].isalnum() or text[-1] == "_"):
        candidates = []
    rare = [c for c in candidates if c not in _COMMON_PATH_PARTS]
    candidates = rare or candidates
    return max(candidates, key=len) if candidates else None


def _compile(rules: Rules) -> Rules:
    by_source: dict[str, list[Signal]] = {}
    for area in rules.areas:
        for sig in area.signals:
            by_source.setdefault(_signal_regex(sig), []).append(sig)
    # Longest first so a specific path/import wins over its own prefix at the same position.
    ordered = sorted(by_source.items(), key=lambda kv: -len(kv[1][0].text))
    patterns = tuple((FastPattern(src, re.MULTILINE), _signal_token(sigs[0]), tuple(sigs)) for src, sigs in ordered)
    frame_parts = [_signal_regex(s) for a in rules.areas if not a.transport for s in a.signals if s.kind == "frames"]
    frame_regex = re.compile("|".join(frame_parts) or "(?!)")
    transport_parts = [_signal_regex(s) for a in rules.areas if a.transport for s in a.signals if s.kind == "frames"]
    object.__setattr__(rules, "transport_frame_regex", re.compile("|".join(transport_parts) or "(?!)"))
    object.__setattr__(rules, "signal_patterns", patterns)
    object.__setattr__(rules, "frame_regex", frame_regex)
    return rules


def _fast(v: _V, source: str, key: str) -> FastPattern:
    v.regex(source, key)
    return FastPattern(source, re.IGNORECASE | re.MULTILINE)


def _condition(v: _V, data: Mapping, prefix: str, names: set[str]) -> Condition:
    cond = Condition(
        all=v.strings(data, "all", prefix),
        any=v.strings(data, "any", prefix),
        none=v.strings(data, "none", prefix),
    )
    if not cond.all and not cond.any:
        raise v.fail(prefix.rstrip("."), "needs `all` or `any`")
    for name in cond.names():
        if name not in names:
            raise v.fail(prefix.rstrip("."), f"unknown group or area {name!r}")
    return cond


def parse_rules(data: Mapping[str, Any], *, path: str = "<rules>") -> Rules:
    """Validate a parsed rule document and compile it."""
    v = _V(path)
    v.table(data, "(top level)")
    v.unknown(
        data,
        {"schema_version", "labels", "allow_list", "scoring", "tracebacks", "sub_oncalls", "areas", "negation", "confusions",
         "groups", "edge_cases", "traps", "high_priority", "types", "reproduction", "templates"},
        "",
    )
    if data.get("schema_version") != 1:
        raise v.fail("schema_version", "must be 1")

    lab = v.table(data.get("labels"), "labels")
    fields = LabelNames.__dataclass_fields__  # type: ignore[attr-defined]
    v.unknown(lab, fields, "labels.")
    labels = LabelNames(**{k: v.string(lab, k, "labels.") for k in fields})  # type: ignore[arg-type]

    allow = v.strings(v.table(data.get("allow_list"), "allow_list"), "labels", "allow_list.")

    sc = v.table(data.get("scoring"), "scoring")
    v.unknown(sc, {"max_repeats", "high", "medium", "secondary_ratio", "route_dominance", "min_distributed", "weights"}, "scoring.")
    scoring = Scoring(
        max_repeats=int(v.number(sc, "max_repeats", "scoring.", minimum=1)),
        high=v.number(sc, "high", "scoring."),
        medium=v.number(sc, "medium", "scoring."),
        secondary_ratio=v.number(sc, "secondary_ratio", "scoring."),
        route_dominance=v.number(sc, "route_dominance", "scoring."),
        min_distributed=v.number(sc, "min_distributed", "scoring."),
    )
    if scoring.medium > scoring.high:
        raise v.fail("scoring.medium", "must not exceed scoring.high")
    w = v.table(sc.get("weights"), "scoring.weights")
    v.unknown(w, ALL_KINDS, "scoring.weights.")
    weights = {k: v.number(w, k, "scoring.weights.") for k in ALL_KINDS}

    tb = v.table(data.get("tracebacks", {}), "tracebacks")
    v.unknown(tb, {"wrapper_errors"}, "tracebacks.")
    wrappers = v.strings(tb, "wrapper_errors", "tracebacks.")
    wrapper_re = re.compile("|".join(re.escape(x) for x in wrappers)) if wrappers else None

    so = v.table(data.get("sub_oncalls"), "sub_oncalls")
    v.unknown(so, {"precedence", "default", *SUB_ONCALLS}, "sub_oncalls.")
    precedence = v.strings(so, "precedence", "sub_oncalls.")
    if sorted(precedence) != sorted(SUB_ONCALLS):
        raise v.fail("sub_oncalls.precedence", f"must list each of {', '.join(SUB_ONCALLS)} once")
    default = v.string(so, "default", "sub_oncalls.")
    if default not in SUB_ONCALLS:
        raise v.fail("sub_oncalls.default", f"must be one of {', '.join(SUB_ONCALLS)}")
    sub_labels = {}
    for name in SUB_ONCALLS:
        entry = v.table(so.get(name), f"sub_oncalls.{name}")
        v.unknown(entry, {"label"}, f"sub_oncalls.{name}.")
        sub_labels[name] = v.string(entry, "label", f"sub_oncalls.{name}.")

    areas_raw = data.get("areas")
    if not isinstance(areas_raw, list) or not areas_raw:
        raise v.fail("areas", "must be a non-empty array of tables ([[areas]])")
    areas: list[Area] = []
    seen: set[str] = set()
    for i, raw in enumerate(areas_raw):
        pre = f"areas[{i}]."
        v.table(raw, pre.rstrip("."))
        weight_keys = {f"{k}_weight" for k in ALL_KINDS}
        v.unknown(raw, {"name", "label", "sub_oncall", "where", "transport", "context_areas", *_SIGNAL_KINDS, *weight_keys}, pre)
        context_areas = v.strings(raw, "context_areas", pre)
        transport = raw.get("transport", False)
        if not isinstance(transport, bool):
            raise v.fail(f"{pre}transport", "must be true or false")
        name = v.string(raw, "name", pre)
        if name in seen:
            raise v.fail(f"{pre}name", f"duplicate area {name!r}")
        seen.add(name)
        label = v.string(raw, "label", pre, optional=True)
        sub = v.string(raw, "sub_oncall", pre)
        if sub not in SUB_ONCALLS:
            raise v.fail(f"{pre}sub_oncall", f"must be one of {', '.join(SUB_ONCALLS)}")
        where = v.strings(raw, "where", pre, default=ALL_KINDS)
        for kind in where:
            if kind not in ALL_KINDS:
                raise v.fail(f"{pre}where", f"unknown region kind {kind!r} (known: {', '.join(ALL_KINDS)})")
        signals: list[Signal] = []
        for kind in _SIGNAL_KINDS:
            base = FRAME_KINDS if kind == "frames" else _DEFAULT_TEXT_WHERE
            sig_where = frozenset(k for k in base if k in where)
            for text in v.strings(raw, kind, pre):
                if kind == "patterns":
                    v.regex(text, f"{pre}patterns")
                signals.append(Signal(name, kind, text, sig_where))
        if not signals:
            raise v.fail(pre.rstrip("."), "needs at least one signal (keywords, apis, imports, frames or patterns)")
        area_weights = dict(weights)
        for key in weight_keys:
            if key in raw:
                area_weights[key[: -len("_weight")]] = v.number(raw, key, pre)
        areas.append(Area(name, label, sub, tuple(signals), area_weights, transport, context_areas))
    area_names = {a.name for a in areas}
    for i, area in enumerate(areas):
        for ctx_name in area.context_areas:
            if ctx_name not in area_names:
                raise v.fail(f"areas[{i}].context_areas", f"unknown area {ctx_name!r}")

    neg = v.table(data.get("negation", {}), "negation")
    v.unknown(neg, {"pattern"}, "negation.")
    neg_src = v.string(neg, "pattern", "negation.", optional=True)
    negation = _fast(v, neg_src, "negation.pattern") if neg_src else None

    confusions: list[Confusion] = []
    for i, raw in enumerate(data.get("confusions", [])):
        pre = f"confusions[{i}]."
        v.table(raw, pre.rstrip("."))
        v.unknown(raw, {"name", "area", "decoy", "note"}, pre)
        area = v.string(raw, "area", pre)
        if area not in area_names:
            raise v.fail(f"{pre}area", f"unknown area {area!r}")
        decoy = v.string(raw, "decoy", pre, optional=True)
        confusions.append(
            Confusion(v.string(raw, "name", pre), area, _fast(v, decoy, f"{pre}decoy") if decoy else None, v.string(raw, "note", pre))
        )

    groups: dict[str, Group] = {}
    for gname, raw in v.table(data.get("groups"), "groups").items():
        pre = f"groups.{gname}."
        v.table(raw, pre.rstrip("."))
        v.unknown(raw, {"patterns", "where", "min_count"}, pre)
        pats = v.strings(raw, "patterns", pre)
        if not pats:
            raise v.fail(f"{pre}patterns", "needs at least one pattern")
        for p in pats:
            v.regex(p, f"{pre}patterns")
        where = v.strings(raw, "where", pre, default=ALL_KINDS)
        for kind in where:
            if kind not in ALL_KINDS:
                raise v.fail(f"{pre}where", f"unknown region kind {kind!r}")
        min_count = int(v.number(raw, "min_count", pre, minimum=1)) if "min_count" in raw else 1
        parts = tuple(FastPattern(p, re.IGNORECASE | re.MULTILINE) for p in pats)
        groups[gname] = Group(gname, parts, frozenset(where), min_count)
    names = set(groups) | {f"area:{a}" for a in area_names}

    def named(key: str, *, route: bool = False) -> tuple[NamedRule, ...]:
        out = []
        items = data.get(key, [])
        if not isinstance(items, list):
            raise v.fail(key, "must be an array of tables")
        for i, raw in enumerate(items):
            pre = f"{key}[{i}]."
            v.table(raw, pre.rstrip("."))
            v.unknown(raw, {"name", "note", "all", "any", "none", *(["route"] if route else [])}, pre)
            target = None
            if route:
                target = v.string(raw, "route", pre)
                if target not in SUB_ONCALLS:
                    raise v.fail(f"{pre}route", f"must be one of {', '.join(SUB_ONCALLS)}")
            out.append(NamedRule(v.string(raw, "name", pre), v.string(raw, "note", pre), _condition(v, raw, pre, names), target))
        return tuple(out)

    edge_cases = named("edge_cases", route=True)
    traps = named("traps")
    high = named("high_priority")

    ty = v.table(data.get("types"), "types")
    v.unknown(ty, {"request", "bug", "enhancement", "performance"}, "types.")
    types = {k: v.strings(ty, k, "types.") for k in ("request", "bug", "enhancement", "performance")}
    for k, gs in types.items():
        for g in gs:
            if g not in groups:
                raise v.fail(f"types.{k}", f"unknown group {g!r}")
    rp = v.table(data.get("reproduction"), "reproduction")
    v.unknown(rp, {"has_repro"}, "reproduction.")
    repro = v.strings(rp, "has_repro", "reproduction.")
    for g in repro:
        if g not in groups:
            raise v.fail("reproduction.has_repro", f"unknown group {g!r}")

    templates: dict[str, Template] = {}
    for tname, raw in v.table(data.get("templates"), "templates").items():
        pre = f"templates.{tname}."
        v.table(raw, pre.rstrip("."))
        v.unknown(raw, {"comment", "label", "older_wordings"}, pre)
        tlabel = v.string(raw, "label", pre, optional=True)
        if tlabel is not None and tlabel not in fields:
            raise v.fail(f"{pre}label", f"must name a [labels] key ({', '.join(fields)})")
        templates[tname] = Template(
            tname, v.string(raw, "comment", pre), tlabel, v.strings(raw, "older_wordings", pre)
        )
    for needed in ("not_distributed", "needs_distributed_reproduction"):
        if needed not in templates:
            raise v.fail(f"templates.{needed}", "is required")

    rules = Rules(
        labels=labels,
        allow_list=allow,
        scoring=scoring,
        sub_oncall_labels=sub_labels,
        precedence=precedence,
        default_sub_oncall=default,
        areas=tuple(areas),
        confusions=tuple(confusions),
        groups=groups,
        edge_cases=edge_cases,
        traps=traps,
        high_priority=high,
        types=types,
        repro_groups=repro,
        templates=templates,
        wrapper_errors=wrapper_re,
        negation=negation,
        sources=(path,),
    )
    return _compile(rules)


def _read_toml(text: str, path: str) -> dict:
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"at line (\d+)", str(exc))
        raise RulesError(f"not valid TOML: {str(exc).split(' (at line')[0]}", path=path, line=int(match.group(1)) if match else None) from None


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesError(f"cannot read ({exc})", path=str(path)) from None
    except json.JSONDecodeError as exc:
        raise RulesError(f"not valid JSON: {exc.msg}", path=str(path), line=exc.lineno) from None


def parse_labels_file(path: Path) -> tuple[str, ...]:
    """Label names of a ``distributed-labels.json`` (``{"labels": [{"name": ...}, ...]}``)."""
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("labels"), list):
        raise RulesError('expected an object with a "labels" array', path=str(path), key="labels")
    names = []
    for i, entry in enumerate(data["labels"]):
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name.strip():
            raise RulesError("every label needs a non-empty string name", path=str(path), key=f"labels[{i}].name")
        names.append(name)
    if not names:
        raise RulesError("the allow-list is empty", path=str(path), key="labels")
    return tuple(names)


def parse_templates_file(path: Path) -> dict[str, str]:
    """Comment texts of a ``templates.json`` (``{"templates": {name: {"comment": ...}}}``)."""
    data = _read_json(path)
    if not isinstance(data, dict) or not isinstance(data.get("templates"), dict):
        raise RulesError('expected an object with a "templates" object', path=str(path), key="templates")
    out = {}
    for name, entry in data["templates"].items():
        comment = entry.get("comment") if isinstance(entry, dict) else None
        if not isinstance(comment, str) or not comment.strip():
            raise RulesError("needs a non-empty string comment", path=str(path), key=f"templates.{name}.comment")
        out[name] = comment
    return out


@lru_cache(maxsize=1)
def _default_text() -> str:
    return resources.files("core.triage").joinpath("rules").joinpath("default_rules.toml").read_text(encoding="utf-8")


def default_rules() -> Rules:
    """The project's built-in rules (no checkout)."""
    return _default_rules_cached()


@lru_cache(maxsize=1)
def _default_rules_cached() -> Rules:
    return parse_rules(_read_toml(_default_text(), "default_rules.toml"), path="core/triage/rules/default_rules.toml")


def load_rules(
    checkout: Path | str | None = None,
    *,
    rules_file: Path | str | None = None,
    marker: str | None = None,
    extra_allowed: Iterable[str] = (),
) -> Rules:
    """Load the rules: defaults (or ``rules_file``), then a PyTorch checkout's overrides.

    The checkout's labels file replaces the allow-list and supplies the marker label (the
    label whose name ends in ``bot-triaged``); its templates replace the comment texts, the
    replaced texts staying known as older wordings (for comment dedupe). ``marker`` forces
    the marker label; ``extra_allowed`` adds labels to the allow-list (e.g. ``triaged`` when
    a published labels file lacks it).
    """
    if rules_file is not None:
        p = Path(rules_file)
        try:
            text = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise RulesError(f"cannot read ({exc})", path=str(p)) from None
        rules = parse_rules(_read_toml(text, str(p)) if p.suffix != ".json" else _read_json(p), path=str(p))
    else:
        rules = default_rules()

    changes: dict[str, Any] = {}
    sources = list(rules.sources)
    labels = rules.labels
    allow = list(rules.allow_list)
    if checkout is not None:
        skill = Path(checkout) / SKILL_DIR
        labels_path = skill / LABELS_FILE
        if labels_path.is_file():
            allow = list(parse_labels_file(labels_path))
            found = [n for n in allow if n.lower().endswith("bot-triaged")]
            if found:
                labels = _replace_labels(labels, marker=found[0])
            sources.append(str(labels_path))
        templates_path = skill / TEMPLATES_FILE
        if templates_path.is_file():
            texts = parse_templates_file(templates_path)
            merged = dict(rules.templates)
            for name, comment in texts.items():
                old = merged.get(name)
                if old is None:
                    merged[name] = Template(name, comment)
                elif comment != old.comment:
                    merged[name] = Template(name, comment, old.label, (old.comment, *old.older_wordings))
            changes["templates"] = merged
            sources.append(str(templates_path))
    if marker:
        labels = _replace_labels(labels, marker=marker)
        if marker.lower() not in {a.lower() for a in allow}:
            allow.append(marker)
    for extra in extra_allowed:
        if extra.lower() not in {a.lower() for a in allow}:
            allow.append(extra)
    if labels != rules.labels:
        changes["labels"] = labels
    if allow != list(rules.allow_list):
        changes["allow_list"] = tuple(allow)
    if not changes:
        return rules
    changes["sources"] = tuple(sources)
    from dataclasses import replace

    return _compile(replace(rules, **changes))


def _replace_labels(labels: LabelNames, **kw: str) -> LabelNames:
    from dataclasses import replace

    return replace(labels, **kw)


def rules_from_config(config: Any) -> Rules:
    """Rules for a :class:`core.config.Config`: its checkout plus the ``[triage]`` table
    (``marker_label``, ``extra_allowed_labels``, ``rules_file``)."""
    opts = dict((getattr(config, "extra", {}) or {}).get("triage", {}) or {})
    extra = opts.get("extra_allowed_labels", [])
    if not isinstance(extra, list) or not all(isinstance(x, str) for x in extra):
        raise RulesError("must be an array of label names", path=str(getattr(config, "source", None) or "config"), key="triage.extra_allowed_labels")
    marker = opts.get("marker_label")
    if marker is not None and not (isinstance(marker, str) and marker.strip()):
        raise RulesError("must be a non-empty string", path=str(getattr(config, "source", None) or "config"), key="triage.marker_label")
    return load_rules(
        getattr(config, "pytorch_checkout", None),
        rules_file=opts.get("rules_file"),
        marker=marker,
        extra_allowed=extra,
    )
