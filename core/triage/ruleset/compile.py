"""Compiling the signals of every area into the engine's fast patterns (once per rule set)."""

from __future__ import annotations

import re

from ..fastre import FastPattern
from .model import Rules, Signal


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


def compile_rules(rules: Rules) -> Rules:
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
