"""The loopback server's mutable world: one repository, its labels, issues and comments.

Every mutation goes through a method of :class:`LoopbackState` holding ``state.lock``, so the
HTTP handler threads see a consistent repository. Times are timezone-aware UTC datetimes.
"""

from __future__ import annotations

import copy
import threading
import time
import zlib
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

SUBSCRIPTION_STATES = ("SUBSCRIBED", "UNSUBSCRIBED", "IGNORED")
STATE_REASONS = ("completed", "not_planned", "reopened", "duplicate")
ASSOCIATIONS = (
    "COLLABORATOR",
    "CONTRIBUTOR",
    "FIRST_TIMER",
    "FIRST_TIME_CONTRIBUTOR",
    "MANNEQUIN",
    "MEMBER",
    "NONE",
    "OWNER",
)


class StateError(Exception):
    """A request the state refuses; ``status`` is the HTTP status GitHub would answer."""

    def __init__(self, status: int, message: str, *, errors: list[dict[str, Any]] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_time(value: str | datetime | None) -> datetime | None:
    """ISO-8601 (``Z`` or offset; naive means UTC) to an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, datetime):
        dt = value
    else:
        dt = datetime.fromisoformat(value.strip().replace("z", "Z").replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(timezone.utc)


def iso(dt: datetime | None) -> str | None:
    return None if dt is None else dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def stable_id(text: str, base: int = 1_000_000) -> int:
    """A deterministic numeric id for a login or name (GitHub ids are just opaque ints)."""
    return base + zlib.crc32(text.encode("utf-8", "surrogatepass"))


@dataclass
class LabelRec:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None


@dataclass
class CommentRec:
    id: int
    user: str
    body: str
    created_at: datetime
    updated_at: datetime
    author_association: str = "NONE"


@dataclass
class IssueRec:
    number: int
    title: str
    body: str | None
    user: str
    state: str = "open"
    state_reason: str | None = None
    author_association: str = "NONE"
    labels: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)
    locked: bool = False
    active_lock_reason: str | None = None
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    closed_at: datetime | None = None
    is_pull_request: bool = False
    subscription: str = "UNSUBSCRIBED"
    comments: list[CommentRec] = field(default_factory=list)
    # monotonic time at which a delayed auto-subscription lands (eventual consistency).
    pending_subscribe_at: float | None = None

    @property
    def id(self) -> int:
        return 1_000_000_000 + self.number

    @property
    def node_id(self) -> str:
        return f"{'PR' if self.is_pull_request else 'I'}_kwLB{self.number:08d}"


@dataclass
class PullRec:
    """A pull request (``GET /repos/{owner}/{repo}/pulls/{n}``); only what its readers use."""

    number: int
    title: str
    user: str = "contributor"
    body: str | None = None
    state: str = "closed"
    merged: bool = True
    created_at: datetime = field(default_factory=utcnow)
    updated_at: datetime = field(default_factory=utcnow)
    closed_at: datetime | None = None
    merged_at: datetime | None = None
    head_ref: str = "feature"
    base_ref: str = "main"
    author_association: str = "CONTRIBUTOR"


class LoopbackState:
    """One repository's issues, comments, labels, collaborators and the viewer's subscriptions.

    Knobs: ``subscription_delay_s`` (auto-subscription after a write becomes visible only
    after this many seconds), ``required_token`` (when set, other tokens get 401),
    ``deleted_issues`` (numbers answering 410 Gone), ``viewer_association``.
    """

    def __init__(self, repo: str = "pytorch/pytorch", viewer: str = "demo-maintainer") -> None:
        owner, _, name = repo.partition("/")
        if not owner or not name:
            raise ValueError(f"repo must be OWNER/NAME, got {repo!r}")
        self.owner, self.name = owner, name
        self.viewer = viewer
        self.viewer_association = "MEMBER"
        self.collaborators: set[str] = {viewer.lower()}
        self.labels: dict[str, LabelRec] = {}
        self.issues: dict[int, IssueRec] = {}
        self.deleted_issues: set[int] = set()
        self.pulls: dict[int, PullRec] = {}
        self.subscription_delay_s: float = 0.0
        self.required_token: str | None = None
        self.html_base = "https://github.com"
        self.lock = threading.RLock()
        self._next_comment_id = 2_000_000_001
        self._next_label_id = 3_000_000_001

    # ---- construction -------------------------------------------------------------------

    @property
    def repo(self) -> str:
        return f"{self.owner}/{self.name}"

    def is_repo(self, owner: str, name: str) -> bool:
        return owner.lower() == self.owner.lower() and name.lower() == self.name.lower()

    @classmethod
    def from_dataset(cls, data: dict[str, Any]) -> LoopbackState:
        """Build a state from the demo-dataset dict (see the package docstring for its schema)."""
        state = cls(data.get("repo", "pytorch/pytorch"), data.get("viewer", "demo-maintainer"))
        for login in data.get("collaborators", []):
            state.collaborators.add(login.lower())
        for lab in data.get("labels", []):
            state.ensure_label(lab["name"], lab.get("color") or "ededed", lab.get("description"))
        for raw in data.get("issues", []):
            state.add_issue(raw)
        for number in data.get("deleted_issues", []):
            state.deleted_issues.add(int(number))
        for raw in data.get("pulls", []):
            state.add_pull(raw)
        return state

    def add_pull(self, raw: dict[str, Any]) -> PullRec:
        """Insert one pull request: ``{"number", "title", "user"?, "body"?, "state"?: "open"|"closed",
        "merged"?: bool, "created_at"?, "merged_at"?, "head_ref"?, "base_ref"?}`` (default: merged)."""
        created = parse_time(raw.get("created_at")) or utcnow()
        merged = bool(raw.get("merged", raw.get("state", "closed") == "closed"))
        state = raw.get("state", "closed")
        if state not in ("open", "closed"):
            raise ValueError(f"pull state must be open or closed, got {state!r}")
        done = parse_time(raw.get("merged_at") or raw.get("closed_at")) or (created if state == "closed" else None)
        rec = PullRec(
            number=int(raw["number"]), title=raw["title"], user=raw.get("user", "contributor"), body=raw.get("body"),
            state=state, merged=merged and state == "closed", created_at=created,
            updated_at=parse_time(raw.get("updated_at")) or done or created, closed_at=done,
            merged_at=done if merged and state == "closed" else None, head_ref=raw.get("head_ref", f"pr-{raw['number']}"),
            base_ref=raw.get("base_ref", "main"), author_association=raw.get("author_association", "CONTRIBUTOR"),
        )
        with self.lock:
            self.pulls[rec.number] = rec
        return rec

    def get_pull(self, number: int) -> PullRec:
        """A copy of pull request ``number``: a listed pull, or an issue record that is a PR; else 404."""
        with self.lock:
            if number in self.pulls:
                return copy.copy(self.pulls[number])
            issue = self.issues.get(number)
            if issue is None or not issue.is_pull_request or number in self.deleted_issues:
                raise StateError(404, "Not Found")
            return PullRec(number, issue.title, issue.user, issue.body, issue.state, False, issue.created_at,
                           issue.updated_at, issue.closed_at, None, author_association=issue.author_association)

    def add_issue(self, raw: dict[str, Any]) -> IssueRec:
        """Insert one issue given in the dataset schema."""
        created = parse_time(raw.get("created_at")) or utcnow()
        with self.lock:
            for name in raw.get("labels", []):
                self.ensure_label(name)
            comments = []
            for c in raw.get("comments", []):
                at = parse_time(c.get("created_at")) or created
                comments.append(
                    CommentRec(
                        id=self._take_comment_id(),
                        user=c["user"],
                        body=c.get("body", ""),
                        created_at=at,
                        updated_at=parse_time(c.get("updated_at")) or at,
                        author_association=c.get("author_association", "NONE"),
                    )
                )
            issue = IssueRec(
                number=int(raw["number"]),
                title=raw["title"],
                body=raw.get("body"),
                user=raw["user"],
                state=raw.get("state", "open"),
                state_reason=raw.get("state_reason"),
                author_association=raw.get("author_association", "NONE"),
                labels=[self.labels[n.lower()].name for n in raw.get("labels", [])],
                assignees=list(raw.get("assignees", [])),
                locked=bool(raw.get("locked", False)),
                active_lock_reason=raw.get("active_lock_reason") or ("resolved" if raw.get("locked") else None),
                created_at=created,
                updated_at=parse_time(raw.get("updated_at")) or created,
                closed_at=parse_time(raw.get("closed_at")),
                is_pull_request=bool(raw.get("is_pull_request", False)),
                subscription=raw.get("subscription") or "UNSUBSCRIBED",
                comments=comments,
            )
            self.issues[issue.number] = issue
            return issue

    def ensure_label(self, name: str, color: str = "ededed", description: str | None = None) -> LabelRec:
        """The repo label called ``name`` (case-insensitive), created if missing, as GitHub does."""
        with self.lock:
            rec = self.labels.get(name.lower())
            if rec is None:
                rec = LabelRec(self._next_label_id, name, color, description)
                self._next_label_id += 1
                self.labels[name.lower()] = rec
            return rec

    def _take_comment_id(self) -> int:
        cid = self._next_comment_id
        self._next_comment_id += 1
        return cid

    # ---- reads ----------------------------------------------------------------------------

    def get_issue(self, number: int) -> IssueRec:
        """The live record (callers hold ``lock`` while they read it); 404/410 as GitHub."""
        if number in self.deleted_issues:
            raise StateError(410, "This issue was deleted")
        issue = self.issues.get(number)
        if issue is None:
            raise StateError(404, "Not Found")
        self._settle_subscription(issue)
        return issue

    def snapshot(self, number: int) -> IssueRec:
        """A detached copy of one issue, safe to read without the lock."""
        with self.lock:
            return clone_issue(self.get_issue(number))

    def label(self, name: str) -> LabelRec:
        with self.lock:
            return self.labels.get(name.lower()) or LabelRec(stable_id(name), name)

    def is_collaborator(self, login: str) -> bool:
        return login.lower() in self.collaborators

    # ---- subscriptions ------------------------------------------------------------------

    def _settle_subscription(self, issue: IssueRec) -> None:
        if issue.pending_subscribe_at is not None and time.monotonic() >= issue.pending_subscribe_at:
            issue.subscription = "SUBSCRIBED"
            issue.pending_subscribe_at = None

    def subscription(self, number: int) -> str:
        with self.lock:
            return self.get_issue(number).subscription

    def set_subscription(self, number: int, value: str) -> IssueRec:
        """``updateSubscription``. A delayed auto-subscription still pending lands later and
        overrides this: that race is what a client's bounded wait has to cope with."""
        if value not in SUBSCRIPTION_STATES:
            raise StateError(422, f"Invalid subscription state {value!r}")
        with self.lock:
            issue = self.get_issue(number)
            issue.subscription = value
            return clone_issue(issue)

    def _after_write(self, issue: IssueRec) -> None:
        issue.updated_at = max(utcnow(), issue.updated_at)
        if issue.pending_subscribe_at is not None or issue.subscription == "SUBSCRIBED":
            return
        if self.subscription_delay_s > 0:
            issue.pending_subscribe_at = time.monotonic() + self.subscription_delay_s
        else:
            issue.subscription = "SUBSCRIBED"
            issue.pending_subscribe_at = None

    # ---- writes (all by the viewer) -----------------------------------------------------

    def add_labels(self, number: int, names: list[str]) -> list[LabelRec]:
        with self.lock:
            issue = self.get_issue(number)
            have = {n.lower() for n in issue.labels}
            for name in names:
                rec = self.ensure_label(name)
                if rec.name.lower() not in have:
                    issue.labels.append(rec.name)
                    have.add(rec.name.lower())
            self._after_write(issue)
            return [self.label(n) for n in issue.labels]

    def remove_label(self, number: int, name: str) -> list[LabelRec]:
        with self.lock:
            issue = self.get_issue(number)
            for present in issue.labels:
                if present.lower() == name.lower():
                    issue.labels.remove(present)
                    break
            else:
                raise StateError(404, "Label does not exist")
            self._after_write(issue)
            return [self.label(n) for n in issue.labels]

    def set_labels(self, number: int, names: list[str]) -> list[LabelRec]:
        with self.lock:
            issue = self.get_issue(number)
            issue.labels = []
            seen: set[str] = set()
            for name in names:
                rec = self.ensure_label(name)
                if rec.name.lower() not in seen:
                    issue.labels.append(rec.name)
                    seen.add(rec.name.lower())
            self._after_write(issue)
            return [self.label(n) for n in issue.labels]

    def add_comment(self, number: int, body: str) -> tuple[IssueRec, CommentRec]:
        """Locked issues refuse every comment (GitHub lets collaborators through; we are stricter)."""
        with self.lock:
            issue = self.get_issue(number)
            if issue.locked:
                raise StateError(403, "Unable to create comment because issue is locked.")
            now = utcnow()
            comment = CommentRec(self._take_comment_id(), self.viewer, body, now, now, self.viewer_association)
            issue.comments.append(comment)
            self._after_write(issue)
            return clone_issue(issue), comment

    def update_issue(self, number: int, changes: dict[str, Any]) -> IssueRec:
        """PATCH semantics: state/state_reason, title, body, labels, assignees."""
        with self.lock:
            issue = self.get_issue(number)
            reason = changes.get("state_reason")
            if reason is not None and reason not in STATE_REASONS:
                raise _invalid("state_reason", reason)
            new_state = changes.get("state")
            if new_state is not None and new_state not in ("open", "closed"):
                raise _invalid("state", new_state)
            if "title" in changes:
                if not isinstance(changes["title"], str) or not changes["title"]:
                    raise _invalid("title", changes["title"])
                issue.title = changes["title"]
            if "body" in changes:
                issue.body = changes["body"]
            if "labels" in changes and changes["labels"] is not None:
                self.set_labels(number, [_label_name(x) for x in changes["labels"]])
            if "assignees" in changes and changes["assignees"] is not None:
                issue.assignees = list(changes["assignees"])
            if new_state == "closed" and issue.state != "closed":
                issue.state = "closed"
                issue.closed_at = utcnow()
                issue.state_reason = reason or "completed"
            elif new_state == "closed" and reason:
                issue.state_reason = reason
            elif new_state == "open" and issue.state != "open":
                issue.state = "open"
                issue.closed_at = None
                issue.state_reason = "reopened"
            self._after_write(issue)
            return clone_issue(issue)

    def lock_issue(self, number: int, reason: str | None = "resolved") -> None:
        with self.lock:
            issue = self.get_issue(number)
            issue.locked, issue.active_lock_reason = True, reason


def _invalid(field_name: str, value: Any) -> StateError:
    return StateError(
        422,
        "Validation Failed",
        errors=[{"resource": "Issue", "code": "invalid", "field": field_name, "value": value}],
    )


def _label_name(item: Any) -> str:
    if isinstance(item, dict):
        return str(item.get("name", ""))
    return str(item)


def clone_issue(issue: IssueRec) -> IssueRec:
    twin = copy.copy(issue)
    twin.labels = list(issue.labels)
    twin.assignees = list(issue.assignees)
    twin.comments = list(issue.comments)
    return twin
