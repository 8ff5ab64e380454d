"""lintrunner and ghstack: commands, output parsing, and ghstack's configuration check."""

from __future__ import annotations

import configparser
import difflib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

GHSTACK_KEYS = ("github_url", "github_username", "github_oauth")
_PR_URL_RE = re.compile(r"https?://[^\s'\"<>]+/pull/\d+")


@dataclass(frozen=True, slots=True)
class LintMessage:
    path: str | None
    line: int | None
    code: str
    severity: str
    name: str
    description: str
    has_replacement: bool


@dataclass(frozen=True, slots=True)
class LintOutput:
    messages: tuple[LintMessage, ...]
    unparsed: tuple[str, ...]  # lines that were not JSON lint messages


def lint_command(paths: Sequence[str] = ()) -> tuple[str, ...]:
    """``lintrunner -a --output json [PATHS]`` (applies fixes, one JSON object per message)."""
    return ("lintrunner", "-a", "--output", "json", *paths)


def parse_lint_output(text: str) -> LintOutput:
    """Each line a JSON object; anything else is kept as unparsed, not trusted."""
    messages, unparsed = [], []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError:
            unparsed.append(line[:500])
            continue
        if not isinstance(obj, dict):
            unparsed.append(line[:500])
            continue
        line_no = obj.get("line")
        messages.append(
            LintMessage(
                path=str(obj["path"]) if obj.get("path") is not None else None,
                line=line_no if isinstance(line_no, int) else None,
                code=str(obj.get("code", "")),
                severity=str(obj.get("severity", "")),
                name=str(obj.get("name", "")),
                description=str(obj.get("description") or "")[:2000],
                has_replacement=obj.get("replacement") is not None and obj.get("replacement") != obj.get("original"),
            )
        )
    return LintOutput(tuple(messages), tuple(unparsed))


def snapshot(checkout: Path, paths: Sequence[str]) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for rel in paths:
        try:
            out[rel] = (checkout / rel).read_text(encoding="utf-8", errors="replace")
        except OSError:
            out[rel] = None
    return out


def changes_between(before: Mapping[str, str | None], after: Mapping[str, str | None]) -> dict[str, str]:
    """Per changed file, a unified diff of what a tool (lintrunner -a) rewrote."""
    out = {}
    for rel in sorted(set(before) | set(after)):
        a, b = before.get(rel), after.get(rel)
        if a == b:
            continue
        out[rel] = "".join(
            difflib.unified_diff((a or "").splitlines(keepends=True), (b or "").splitlines(keepends=True), f"a/{rel}", f"b/{rel}")
        )
    return out


def ghstackrc_problems(path: Path) -> list[str]:
    """What is missing from ``~/.ghstackrc`` (ghstack would prompt for it and hang)."""
    if not path.is_file():
        return [f"{path} does not exist"]
    parser = configparser.ConfigParser()
    try:
        parser.read(path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError, OSError) as exc:
        return [f"{path} cannot be read: {type(exc).__name__}"]
    if not parser.has_section("ghstack"):
        return [f"{path} has no [ghstack] section"]
    return [f"{path} lacks '{key}' in [ghstack]" for key in GHSTACK_KEYS if not parser.get("ghstack", key, fallback="").strip()]


GHSTACK_INSTRUCTIONS = (
    "run `ghstack` once in a terminal to set it up (it asks for your GitHub username and a token "
    "and writes ~/.ghstackrc), or write ~/.ghstackrc yourself:\n"
    "  [ghstack]\n  github_url = github.com\n  github_username = <you>\n  github_oauth = <token with repo scope>"
)


def parse_pr_urls(text: str) -> tuple[str, ...]:
    """PR URLs ghstack printed, first occurrence order, no duplicates."""
    seen: dict[str, None] = {}
    for match in _PR_URL_RE.finditer(text or ""):
        seen.setdefault(match.group(0).rstrip(".,)"), None)
    return tuple(seen)
