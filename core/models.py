"""Typed records shared by every part of the core.

These are plain frozen dataclasses: the GitHub layer converts API payloads into them,
the store persists them, analysers read them, and the TUI renders them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum
from typing import Literal

IssueState = Literal["open", "closed"]
CloseReason = Literal["completed", "not_planned"]


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def parse_timestamp(value: str | datetime | None) -> datetime | None:
    """Parse GitHub's ISO-8601 timestamps ("2024-01-02T03:04:05Z") into aware datetimes."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    parsed = datetime.fromisoformat(value)  # Python >= 3.11 reads a trailing "Z"
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def format_timestamp(value: datetime | None) -> str | None:
    """Format an aware datetime the way GitHub does (UTC, second precision, trailing Z)."""
    if value is None:
        return None
    return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True, slots=True)
class RepoRef:
    owner: str
    name: str

    @classmethod
    def parse(cls, text: str) -> "RepoRef":
        """Parse ``OWNER/NAME``; raises ValueError with a readable message otherwise."""
        parts = text.strip().split("/")
        if len(parts) != 2 or not all(parts) or any(" " in p for p in parts):
            raise ValueError(f"expected OWNER/NAME, got {text!r}")
        return cls(parts[0], parts[1])

    def __str__(self) -> str:
        return f"{self.owner}/{self.name}"


@dataclass(frozen=True, slots=True)
class Label:
    name: str
    color: str = ""
    description: str = ""


@dataclass(frozen=True, slots=True)
class Comment:
    id: int
    author: str
    author_association: str
    body: str
    created_at: datetime
    updated_at: datetime | None = None
    html_url: str = ""


@dataclass(frozen=True, slots=True)
class Issue:
    """An issue as triagedeck knows it (a cached row or a fresh fetch).

    ``body`` is None when only the queue sync has seen the issue (the sync does not
    fetch bodies, to stay cheap); opening the issue fetches it.
    """

    repo: str
    number: int
    title: str
    state: IssueState
    author: str
    author_association: str
    created_at: datetime
    updated_at: datetime
    labels: tuple[str, ...] = ()
    body: str | None = None
    state_reason: str | None = None
    closed_at: datetime | None = None
    comments_count: int = 0
    locked: bool = False
    assignees: tuple[str, ...] = ()
    html_url: str = ""
    node_id: str = ""

    def has_label(self, name: str) -> bool:
        return any(label.lower() == name.lower() for label in self.labels)


@dataclass(frozen=True, slots=True)
class IssueThread:
    """An issue with all its comments: the input of every analyser."""

    issue: Issue
    comments: tuple[Comment, ...] = ()


class Subscription(str, Enum):
    """GitHub's ``SubscriptionState`` (GraphQL)."""

    SUBSCRIBED = "SUBSCRIBED"
    UNSUBSCRIBED = "UNSUBSCRIBED"
    IGNORED = "IGNORED"


class Trust(str, Enum):
    """Result of a collaborator check. UNKNOWN means the check itself failed."""

    COLLABORATOR = "collaborator"
    NOT_COLLABORATOR = "not_collaborator"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ErrorSignature:
    """What identifies a reported failure: exception class + distinctive substring, or a signal."""

    exception_class: str | None = None
    message_substring: str | None = None
    signal: int | None = None

    @property
    def empty(self) -> bool:
        return not (self.exception_class or self.message_substring or self.signal)


@dataclass(frozen=True, slots=True)
class RateLimit:
    limit: int | None = None
    remaining: int | None = None
    reset_at: datetime | None = None
    resource: str = "core"


@dataclass(frozen=True, slots=True)
class QueueSection:
    """A gh-dash style queue section: a tab title and a GitHub search query."""

    title: str
    query: str
    limit: int = 1000


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    time: datetime
    repo: str
    issue: int
    action: str
    payload_digest: str
    result: str
    error: str | None = None
    detail: str = ""


@dataclass(slots=True)
class SyncStats:
    """What a queue sync did; ``requests`` counts HTTP requests made."""

    section: str
    fetched: int = 0
    pages: int = 0
    requests: int = 0
    incremental: bool = False
    cursor: datetime | None = None
    truncated: bool = False
    errors: list[str] = field(default_factory=list)
