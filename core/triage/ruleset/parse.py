"""Validating a parsed rule document (TOML/JSON data) into a compiled :class:`Rules`."""

from __future__ import annotations

import re
from typing import Any, Mapping

from ..fastre import FastPattern
from .compile import compile_rules
from .model import (
    ALL_KINDS,
    DEFAULT_TEXT_WHERE,
    FRAME_KINDS,
    SIGNAL_KINDS,
    SUB_ONCALLS,
    Area,
    Condition,
    Confusion,
    Group,
    LabelNames,
    NamedRule,
    Rules,
    Scoring,
    Signal,
    Template,
)
from .validate import Validator


def _fast(v: Validator, source: str, key: str) -> FastPattern:
    v.regex(source, key)
    return FastPattern(source, re.IGNORECASE | re.MULTILINE)


def _condition(v: Validator, data: Mapping, prefix: str, names: set[str]) -> Condition:
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
    v = Validator(path)
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
        v.unknown(raw, {"name", "label", "sub_oncall", "where", "transport", "context_areas", *SIGNAL_KINDS, *weight_keys}, pre)
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
        for kind in SIGNAL_KINDS:
            base = FRAME_KINDS if kind == "frames" else DEFAULT_TEXT_WHERE
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
    return compile_rules(rules)
