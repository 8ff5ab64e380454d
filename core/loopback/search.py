"""GitHub issue-search query language, the subset triagedeck uses.

Qualifiers: ``repo:``, ``is:issue|pr|open|closed|locked|unlocked``, ``type:``, ``state:``,
``label:x`` / ``label:"x y"`` / ``label:a,b`` (any of), ``no:label|assignee``, ``author:``,
``assignee:``, ``in:title|body|comments``, ``created:`` / ``updated:`` / ``closed:`` with
``>``, ``>=``, ``<``, ``<=``, a bare date or ``a..b``, ``comments:`` (same operators, ints),
``sort:updated-asc`` etc. A leading ``-`` negates a qualifier or a word. Free words and
quoted phrases must all appear (case-insensitive) in the fields ``in:`` selects (default
title and body). Unknown qualifiers are treated as words, as GitHub does.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from .state import IssueRec, StateError, parse_time

MAX_QUERY_CHARS = 256
SORT_KEYS = ("created", "updated", "comments")

_TOKEN = re.compile(r'(-?)(?:([A-Za-z][\w-]*):("[^"]*"?|\S*)|("[^"]*"?)|(\S+))')
_QUALIFIERS = {
    "repo", "is", "type", "state", "label", "no", "author", "assignee",
    "in", "created", "updated", "closed", "comments", "sort",
}

Predicate = Callable[[IssueRec], bool]


@dataclass
class IssueQuery:
    predicates: list[Predicate] = field(default_factory=list)
    words: list[tuple[bool, str]] = field(default_factory=list)  # (negated, lower-case text)
    fields: set[str] = field(default_factory=set)
    sort: str | None = None
    order: str | None = None

    def matches(self, issue: IssueRec) -> bool:
        for pred in self.predicates:
            if not pred(issue):
                return False
        if self.words:
            hay = _haystack(issue, self.fields or {"title", "body"})
            for negated, word in self.words:
                if (word in hay) == negated:
                    return False
        return True


def _haystack(issue: IssueRec, fields: set[str]) -> str:
    parts = []
    if "title" in fields:
        parts.append(issue.title)
    if "body" in fields:
        parts.append(issue.body or "")
    if "comments" in fields:
        parts.extend(c.body for c in issue.comments)
    return "\n".join(parts).lower()


def _unquote(value: str) -> str:
    if value.startswith('"'):
        value = value[1:]
        if value.endswith('"'):
            value = value[:-1]
    return value


def _invalid(message: str) -> StateError:
    return StateError(
        422,
        "Validation Failed",
        errors=[{"message": message, "resource": "Search", "field": "q", "code": "invalid"}],
    )


def _interval(text: str) -> tuple[datetime, datetime, bool]:
    """A date gives its whole day [start, end); a datetime is a point (start == end)."""
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            start = parse_time(text + "T00:00:00Z")
            assert start is not None
            return start, start + timedelta(days=1), True
        point = parse_time(text)
    except ValueError:
        raise _invalid(f"Invalid date {text!r}") from None
    assert point is not None
    return point, point, False


def _time_predicate(attr: str, spec: str) -> Predicate:
    def value(issue: IssueRec) -> datetime | None:
        return getattr(issue, attr)

    if ".." in spec:
        lo_text, _, hi_text = spec.partition("..")
        lo = None if lo_text in ("", "*") else _interval(lo_text)[0]
        hi_iv = None if hi_text in ("", "*") else _interval(hi_text)
        def in_range(issue: IssueRec) -> bool:
            v = value(issue)
            if v is None:
                return False
            if lo is not None and v < lo:
                return False
            if hi_iv is not None:
                hi_start, hi_end, is_day = hi_iv
                return v < hi_end if is_day else v <= hi_start
            return True
        return in_range
    op_match = re.match(r"(>=|<=|>|<|=)?(.*)", spec)
    assert op_match is not None
    op, text = op_match.group(1) or "=", op_match.group(2)
    start, end, is_day = _interval(text)

    def compare(issue: IssueRec) -> bool:
        v = value(issue)
        if v is None:
            return False
        if op == ">=":
            return v >= start
        if op == "<":
            return v < start
        if is_day:
            return {">": v >= end, "<=": v < end, "=": start <= v < end}[op]
        return {">": v > start, "<=": v <= start, "=": v == start}[op]

    return compare


def _int_predicate(spec: str) -> Predicate:
    m = re.fullmatch(r"(>=|<=|>|<)?(\d+)|(\d+|\*)\.\.(\d+|\*)", spec)
    if m is None:
        raise _invalid(f"Invalid number {spec!r}")
    if m.group(2) is not None:
        n, op = int(m.group(2)), m.group(1) or "="
        ops = {"=": n.__eq__, ">": n.__lt__, ">=": n.__le__, "<": n.__gt__, "<=": n.__ge__}
        fn = ops[op]
        return lambda issue: fn(len(issue.comments))
    lo = 0 if m.group(3) == "*" else int(m.group(3))
    hi = None if m.group(4) == "*" else int(m.group(4))
    return lambda issue: lo <= len(issue.comments) and (hi is None or len(issue.comments) <= hi)


def _qualifier(query: IssueQuery, repo: str, key: str, raw_value: str) -> Predicate | None:
    value = _unquote(raw_value)
    low = value.lower()
    if key == "repo":
        same_repo = low == repo.lower()
        return lambda issue: same_repo
    if key in ("is", "type", "state"):
        if low in ("issue",):
            return lambda issue: not issue.is_pull_request
        if low in ("pr", "pull-request", "pull_request"):
            return lambda issue: issue.is_pull_request
        if low in ("open", "closed"):
            return lambda issue: issue.state == low
        if low in ("locked", "unlocked") and key == "is":
            return lambda issue: issue.locked == (low == "locked")
        raise _invalid(f"Invalid value {value!r} for {key}:")
    if key == "label":
        wanted = {part.strip().lower() for part in low.split(",") if part.strip()}
        return lambda issue: any(name.lower() in wanted for name in issue.labels)
    if key == "no":
        if low == "label":
            return lambda issue: not issue.labels
        if low == "assignee":
            return lambda issue: not issue.assignees
        raise _invalid(f"Invalid value {value!r} for no:")
    if key == "author":
        return lambda issue: issue.user.lower() == low
    if key == "assignee":
        return lambda issue: any(a.lower() == low for a in issue.assignees)
    if key == "in":
        for part in low.split(","):
            if part not in ("title", "body", "comments"):
                raise _invalid(f"Invalid value {value!r} for in:")
            query.fields.add(part)
        return None
    if key in ("created", "updated", "closed"):
        return _time_predicate(f"{key}_at", value)
    if key == "comments":
        return _int_predicate(value)
    if key == "sort":
        base, _, direction = low.partition("-")
        if base not in SORT_KEYS or direction not in ("", "asc", "desc"):
            raise _invalid(f"Invalid value {value!r} for sort:")
        query.sort, query.order = base, direction or "desc"
        return None
    raise AssertionError(key)


def parse_query(q: str, repo: str) -> IssueQuery:
    """Parse ``q``; raises ``StateError(422)`` for what GitHub would reject."""
    if not q or not q.strip():
        raise _invalid("Missing required parameter q")
    if len(q) > MAX_QUERY_CHARS:
        raise _invalid("The search is longer than 256 characters.")
    query = IssueQuery()
    for m in _TOKEN.finditer(q):
        negated, key, qual_value, phrase, word = m.groups()
        if key is not None and key.lower() in _QUALIFIERS and qual_value:
            pred = _qualifier(query, repo, key.lower(), qual_value)
            if pred is not None:
                query.predicates.append((lambda p: (lambda issue: not p(issue)))(pred) if negated else pred)
            continue
        text = m.group(0)[len(negated):] if key is not None else (phrase or word or "")
        text = _unquote(text)
        if text.upper() in ("AND", "OR", "NOT") or not text:
            continue  # boolean keywords: everything is AND here
        query.words.append((bool(negated), text.lower()))
    return query


def run_search(
    issues: Iterable[IssueRec], query: IssueQuery, *, sort: str | None = None, order: str | None = None
) -> list[IssueRec]:
    """Matching issues, sorted; ``sort``/``order`` (REST params) win over ``sort:`` in ``q``.

    Best-match order (no sort) is newest first. Ties break on number so pages stay stable.
    """
    hits = [issue for issue in issues if query.matches(issue)]
    key_name = sort if sort in SORT_KEYS else query.sort
    descending = (order or query.order or "desc") != "asc"
    if key_name == "comments":
        hits.sort(key=lambda i: (len(i.comments), i.number), reverse=descending)
    elif key_name == "updated":
        hits.sort(key=lambda i: (i.updated_at, i.number), reverse=descending)
    else:
        hits.sort(key=lambda i: (i.created_at, i.number), reverse=descending if key_name else True)
    return hits
