"""Convert githubkit models and GraphQL nodes into core dataclasses."""

from __future__ import annotations

from typing import Any

from ..models import Comment, Issue, parse_timestamp


def _enum_value(value: Any) -> str:
    return getattr(value, "value", value) if value is not None else ""


def _login(user: Any) -> str:
    return getattr(user, "login", None) or "ghost"


def issue_from_rest(data: Any, repo: str) -> Issue:
    """From a githubkit REST ``Issue`` / search item model."""
    labels = []
    for label in data.labels or []:
        name = label if isinstance(label, str) else getattr(label, "name", None)
        if name:
            labels.append(name)
    return Issue(
        repo=repo,
        number=data.number,
        title=data.title,
        state=_enum_value(data.state),  # type: ignore[arg-type]
        state_reason=_enum_value(getattr(data, "state_reason", None)) or None,
        author=_login(data.user),
        author_association=_enum_value(data.author_association) or "NONE",
        labels=tuple(labels),
        body=data.body or "",
        created_at=parse_timestamp(data.created_at),  # type: ignore[arg-type]
        updated_at=parse_timestamp(data.updated_at),  # type: ignore[arg-type]
        closed_at=parse_timestamp(data.closed_at),
        comments_count=data.comments or 0,
        locked=bool(data.locked),
        assignees=tuple(_login(a) for a in (data.assignees or [])),
        html_url=data.html_url or "",
        node_id=data.node_id or "",
    )


def comment_from_rest(data: Any) -> Comment:
    return Comment(
        id=data.id,
        author=_login(data.user),
        author_association=_enum_value(data.author_association) or "NONE",
        body=data.body or "",
        created_at=parse_timestamp(data.created_at),  # type: ignore[arg-type]
        updated_at=parse_timestamp(data.updated_at),
        html_url=data.html_url or "",
    )


def issue_from_graphql(node: dict[str, Any], repo: str) -> Issue:
    """From a node of the queue-sync search query (no body: the sync stays cheap)."""
    return Issue(
        repo=repo,
        number=int(node["number"]),
        title=node["title"],
        state=node["state"].lower(),
        state_reason=(node.get("stateReason") or "").lower() or None,
        author=((node.get("author") or {}).get("login")) or "ghost",
        author_association=node.get("authorAssociation") or "NONE",
        labels=tuple(n["name"] for n in (node.get("labels") or {}).get("nodes", [])),
        body=None,
        created_at=parse_timestamp(node["createdAt"]),  # type: ignore[arg-type]
        updated_at=parse_timestamp(node["updatedAt"]),  # type: ignore[arg-type]
        closed_at=parse_timestamp(node.get("closedAt")),
        comments_count=int((node.get("comments") or {}).get("totalCount", 0)),
        locked=bool(node.get("locked")),
        assignees=tuple(n["login"] for n in (node.get("assignees") or {}).get("nodes", [])),
        html_url=node.get("url") or "",
        node_id=node.get("id") or "",
    )
