"""``--issue-file``: a GitHub REST issue JSON object with an added ``comments`` array.

This lets every verb run offline on a saved issue (``gh api repos/o/r/issues/N`` plus
``.../comments``, merged). Field errors name the field.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .errors import IssueFileError
from .models import Comment, Issue, IssueThread, parse_timestamp, utcnow


def _login(user: Any) -> str:
    if isinstance(user, dict) and isinstance(user.get("login"), str):
        return user["login"]
    return "ghost"


def _time(value: Any, where: str):
    if value in (None, ""):
        return None
    try:
        return parse_timestamp(str(value))
    except ValueError:
        raise IssueFileError(f"{where}: not an ISO-8601 timestamp: {value!r}") from None


def thread_from_json(data: Any, *, default_repo: str, source: str = "issue file") -> IssueThread:
    if not isinstance(data, dict):
        raise IssueFileError(f"{source}: expected a JSON object (a GitHub issue)")
    for key in ("number", "title"):
        if key not in data:
            raise IssueFileError(f"{source}: missing field {key!r}")
    if not isinstance(data["number"], int):
        raise IssueFileError(f"{source}: field 'number' must be an integer")
    repo = default_repo
    url = data.get("repository_url") or ""
    if isinstance(url, str) and "/repos/" in url:
        repo = url.split("/repos/", 1)[1].strip("/")
    labels = []
    for label in data.get("labels") or []:
        name = label.get("name") if isinstance(label, dict) else label
        if isinstance(name, str):
            labels.append(name)
    now = utcnow()
    comments_raw = data.get("comments")
    comments_list = comments_raw if isinstance(comments_raw, list) else []
    comments = []
    for index, c in enumerate(comments_list):
        if not isinstance(c, dict):
            raise IssueFileError(f"{source}: comments[{index}] must be an object")
        comments.append(
            Comment(
                id=int(c.get("id") or index + 1),
                author=_login(c.get("user")),
                author_association=str(c.get("author_association") or "NONE"),
                body=str(c.get("body") or ""),
                created_at=_time(c.get("created_at"), f"comments[{index}].created_at") or now,
                updated_at=_time(c.get("updated_at"), f"comments[{index}].updated_at"),
                html_url=str(c.get("html_url") or ""),
            )
        )
    state = str(data.get("state") or "open").lower()
    issue = Issue(
        repo=repo,
        number=data["number"],
        title=str(data["title"]),
        state="closed" if state == "closed" else "open",
        state_reason=data.get("state_reason"),
        author=_login(data.get("user")),
        author_association=str(data.get("author_association") or "NONE"),
        labels=tuple(labels),
        body=str(data.get("body") or ""),
        created_at=_time(data.get("created_at"), "created_at") or now,
        updated_at=_time(data.get("updated_at"), "updated_at") or now,
        closed_at=_time(data.get("closed_at"), "closed_at"),
        comments_count=len(comments) if isinstance(comments_raw, list) else int(comments_raw or 0),
        locked=bool(data.get("locked")),
        assignees=tuple(_login(a) for a in data.get("assignees") or []),
        html_url=str(data.get("html_url") or ""),
        node_id=str(data.get("node_id") or ""),
    )
    return IssueThread(issue, tuple(comments))


def load_issue_file(path: str | Path, *, default_repo: str) -> IssueThread:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise IssueFileError(f"{p}: cannot read ({exc.strerror or exc})") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise IssueFileError(f"{p}:{exc.lineno}: not valid JSON ({exc.msg})") from None
    return thread_from_json(data, default_repo=default_repo, source=str(p))


def thread_to_json(thread: IssueThread) -> dict:
    """The inverse (GitHub REST shape), used by ``show --json``."""
    from .models import format_timestamp

    issue = thread.issue
    return {
        "number": issue.number,
        "title": issue.title,
        "state": issue.state,
        "state_reason": issue.state_reason,
        "user": {"login": issue.author},
        "author_association": issue.author_association,
        "labels": [{"name": name} for name in issue.labels],
        "body": issue.body,
        "created_at": format_timestamp(issue.created_at),
        "updated_at": format_timestamp(issue.updated_at),
        "closed_at": format_timestamp(issue.closed_at),
        "locked": issue.locked,
        "assignees": [{"login": a} for a in issue.assignees],
        "html_url": issue.html_url,
        "node_id": issue.node_id,
        "repository_url": f"https://api.github.com/repos/{issue.repo}",
        "comments": [
            {
                "id": c.id,
                "user": {"login": c.author},
                "author_association": c.author_association,
                "body": c.body,
                "created_at": format_timestamp(c.created_at),
                "updated_at": format_timestamp(c.updated_at),
                "html_url": c.html_url,
            }
            for c in thread.comments
        ],
    }
