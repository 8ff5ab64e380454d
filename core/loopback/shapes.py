"""GitHub REST JSON shapes for the loopback state (fields githubkit's models require, and more)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .state import CommentRec, IssueRec, LabelRec, LoopbackState, iso, stable_id


def user_json(login: str, api: str, state: LoopbackState) -> dict[str, Any]:
    uid = stable_id(login.lower())
    enc = quote(login, safe="")
    user_api = f"{api}/users/{enc}"
    return {
        "login": login,
        "id": uid,
        "node_id": f"U_kgDO{uid:010d}",
        "avatar_url": f"https://avatars.githubusercontent.com/u/{uid}?v=4",
        "gravatar_id": "",
        "url": user_api,
        "html_url": f"{state.html_base}/{enc}",
        "followers_url": f"{user_api}/followers",
        "following_url": f"{user_api}/following{{/other_user}}",
        "gists_url": f"{user_api}/gists{{/gist_id}}",
        "starred_url": f"{user_api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{user_api}/subscriptions",
        "organizations_url": f"{user_api}/orgs",
        "repos_url": f"{user_api}/repos",
        "events_url": f"{user_api}/events{{/privacy}}",
        "received_events_url": f"{user_api}/received_events",
        "type": "Bot" if login.endswith("[bot]") else "User",
        "user_view_type": "public",
        "site_admin": False,
    }


def viewer_json(api: str, state: LoopbackState) -> dict[str, Any]:
    """``GET /user``: a PrivateUser."""
    data = user_json(state.viewer, api, state)
    data.update(
        {
            "name": state.viewer,
            "company": None,
            "blog": "",
            "location": None,
            "email": None,
            "hireable": None,
            "bio": None,
            "twitter_username": None,
            "public_repos": 3,
            "public_gists": 0,
            "followers": 10,
            "following": 0,
            "created_at": "2015-01-01T00:00:00Z",
            "updated_at": "2024-01-01T00:00:00Z",
            "private_gists": 0,
            "total_private_repos": 0,
            "owned_private_repos": 0,
            "disk_usage": 0,
            "collaborators": 0,
            "two_factor_authentication": True,
            "plan": {"name": "free", "space": 976562499, "collaborators": 0, "private_repos": 10000},
        }
    )
    return data


def label_json(label: LabelRec, api: str, state: LoopbackState) -> dict[str, Any]:
    return {
        "id": label.id,
        "node_id": f"LA_kwDO{label.id:010d}",
        "url": f"{api}/repos/{state.repo}/labels/{quote(label.name, safe='')}",
        "name": label.name,
        "color": label.color,
        "default": False,
        "description": label.description,
        "archived_at": None,
        "archived_by": None,
    }


def _reactions(url: str) -> dict[str, Any]:
    counts = dict.fromkeys(("+1", "-1", "laugh", "confused", "heart", "hooray", "eyes", "rocket"), 0)
    return {"url": f"{url}/reactions", "total_count": 0, **counts}


def issue_json(issue: IssueRec, api: str, state: LoopbackState) -> dict[str, Any]:
    """A REST ``Issue`` object."""
    base = f"{api}/repos/{state.repo}/issues/{issue.number}"
    kind = "pull" if issue.is_pull_request else "issues"
    html = f"{state.html_base}/{state.repo}/{kind}/{issue.number}"
    assignees = [user_json(a, api, state) for a in issue.assignees]
    data: dict[str, Any] = {
        "url": base,
        "repository_url": f"{api}/repos/{state.repo}",
        "labels_url": f"{base}/labels{{/name}}",
        "comments_url": f"{base}/comments",
        "events_url": f"{base}/events",
        "html_url": html,
        "id": issue.id,
        "node_id": issue.node_id,
        "number": issue.number,
        "title": issue.title,
        "user": user_json(issue.user, api, state),
        "labels": [label_json(state.label(n), api, state) for n in issue.labels],
        "state": issue.state,
        "locked": issue.locked,
        "assignee": assignees[0] if assignees else None,
        "assignees": assignees,
        "milestone": None,
        "comments": len(issue.comments),
        "created_at": iso(issue.created_at),
        "updated_at": iso(issue.updated_at),
        "closed_at": iso(issue.closed_at),
        "author_association": issue.author_association,
        "active_lock_reason": issue.active_lock_reason if issue.locked else None,
        "body": issue.body,
        "closed_by": None,
        "reactions": _reactions(base),
        "timeline_url": f"{base}/timeline",
        "performed_via_github_app": None,
        "state_reason": issue.state_reason,
    }
    if issue.is_pull_request:
        pr_api = f"{api}/repos/{state.repo}/pulls/{issue.number}"
        data["pull_request"] = {
            "url": pr_api,
            "html_url": html,
            "diff_url": f"{html}.diff",
            "patch_url": f"{html}.patch",
            "merged_at": None,
        }
    return data


def search_item_json(issue: IssueRec, api: str, state: LoopbackState) -> dict[str, Any]:
    data = issue_json(issue, api, state)
    data["score"] = 1.0
    return data


def comment_json(comment: CommentRec, issue_number: int, api: str, state: LoopbackState) -> dict[str, Any]:
    url = f"{api}/repos/{state.repo}/issues/comments/{comment.id}"
    return {
        "id": comment.id,
        "node_id": f"IC_kwDO{comment.id:010d}",
        "url": url,
        "html_url": f"{state.html_base}/{state.repo}/issues/{issue_number}#issuecomment-{comment.id}",
        "body": comment.body,
        "user": user_json(comment.user, api, state),
        "created_at": iso(comment.created_at),
        "updated_at": iso(comment.updated_at),
        "issue_url": f"{api}/repos/{state.repo}/issues/{issue_number}",
        "author_association": comment.author_association,
        "performed_via_github_app": None,
        "reactions": _reactions(url),
    }


def error_json(status: int, message: str, errors: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "message": message,
        "documentation_url": "https://docs.github.com/rest",
        "status": str(status),
    }
    if errors:
        data["errors"] = errors
    return data
