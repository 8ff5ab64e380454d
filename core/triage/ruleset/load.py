"""Loading rules: the shipped defaults, a checkout's label allow-list and templates, the app config."""

from __future__ import annotations

import json
import re
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Iterable

from .compile import compile_rules
from .model import (
    LABELS_FILE,
    SKILL_DIR,
    TEMPLATES_FILE,
    LabelNames,
    Rules,
    RulesError,
    Template,
)
from .parse import parse_rules


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

    return compile_rules(replace(rules, **changes))


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
