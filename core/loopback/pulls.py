"""``GET /repos/{owner}/{repo}/pulls/{n}``: a REST ``PullRequest`` with every field
githubkit's model requires (the repository objects included)."""

from __future__ import annotations

from typing import Any

from .shapes import user_json
from .state import LoopbackState, PullRec, iso, stable_id


def repo_json(api: str, state: LoopbackState) -> dict[str, Any]:
    """A REST ``Repository`` for the served repository."""
    full = state.repo
    url = f"{api}/repos/{full}"
    rid = stable_id(full.lower(), 5_000_000)
    names = ("archive_url:/{archive_format}{/ref}", "assignees_url:/assignees{/user}", "blobs_url:/git/blobs{/sha}",
             "branches_url:/branches{/branch}", "collaborators_url:/collaborators{/collaborator}",
             "comments_url:/comments{/number}", "commits_url:/commits{/sha}", "compare_url:/compare/{base}...{head}",
             "contents_url:/contents/{+path}", "contributors_url:/contributors", "deployments_url:/deployments",
             "downloads_url:/downloads", "events_url:/events", "forks_url:/forks", "git_commits_url:/git/commits{/sha}",
             "git_refs_url:/git/refs{/sha}", "git_tags_url:/git/tags{/sha}", "issue_comment_url:/issues/comments{/number}",
             "issue_events_url:/issues/events{/number}", "issues_url:/issues{/number}", "keys_url:/keys{/key_id}",
             "labels_url:/labels{/name}", "languages_url:/languages", "merges_url:/merges",
             "milestones_url:/milestones{/number}", "notifications_url:/notifications{?since,all,participating}",
             "pulls_url:/pulls{/number}", "releases_url:/releases{/id}", "stargazers_url:/stargazers",
             "statuses_url:/statuses/{sha}", "subscribers_url:/subscribers", "subscription_url:/subscription",
             "tags_url:/tags", "teams_url:/teams", "trees_url:/git/trees{/sha}", "hooks_url:/hooks")
    data: dict[str, Any] = {name: url + suffix for name, _, suffix in (n.partition(":") for n in names)}
    html = f"{state.html_base}/{full}"
    data.update({
        "id": rid, "node_id": f"R_kgDO{rid:010d}", "name": state.name, "full_name": full, "license": None,
        "forks": 0, "owner": user_json(state.owner, api, state), "private": False, "html_url": html,
        "description": None, "fork": False, "url": url, "git_url": f"git://github.com/{full}.git",
        "ssh_url": f"git@github.com:{full}.git", "clone_url": f"{html}.git", "mirror_url": None, "svn_url": html,
        "homepage": None, "language": "Python", "forks_count": 0, "stargazers_count": 0, "watchers_count": 0,
        "size": 0, "default_branch": "main", "open_issues_count": len(state.issues), "has_pages": False,
        "disabled": False, "archived": False, "pushed_at": "2024-01-01T00:00:00Z",
        "created_at": "2016-08-13T05:26:41Z", "updated_at": "2024-01-01T00:00:00Z", "open_issues": len(state.issues),
        "watchers": 0, "visibility": "public",
    })
    return data


def pull_json(pull: PullRec, api: str, state: LoopbackState) -> dict[str, Any]:
    """A REST ``PullRequest`` object."""
    full = state.repo
    url = f"{api}/repos/{full}/pulls/{pull.number}"
    issue_url = f"{api}/repos/{full}/issues/{pull.number}"
    html = f"{state.html_base}/{full}/pull/{pull.number}"
    repo = repo_json(api, state)
    head_sha = f"{stable_id(f'head-{pull.number}', 0):040x}"[-40:]
    base_sha = f"{stable_id(f'base-{pull.number}', 0):040x}"[-40:]
    owner = user_json(state.owner, api, state)

    def ref(name: str, sha: str) -> dict[str, Any]:
        return {"label": f"{state.owner}:{name}", "ref": name, "repo": repo, "sha": sha, "user": owner}

    def link(href: str) -> dict[str, str]:
        return {"href": href}

    return {
        "url": url, "id": 7_000_000_000 + pull.number, "node_id": f"PR_kwDO{pull.number:010d}", "html_url": html,
        "diff_url": f"{html}.diff", "patch_url": f"{html}.patch", "issue_url": issue_url,
        "commits_url": f"{url}/commits", "review_comments_url": f"{url}/comments",
        "review_comment_url": f"{api}/repos/{full}/pulls/comments{{/number}}", "comments_url": f"{issue_url}/comments",
        "statuses_url": f"{api}/repos/{full}/statuses/{head_sha}", "number": pull.number, "state": pull.state,
        "locked": False, "title": pull.title, "user": user_json(pull.user, api, state), "body": pull.body,
        "labels": [], "milestone": None,
        "active_lock_reason": None, "created_at": iso(pull.created_at), "updated_at": iso(pull.updated_at),
        "closed_at": iso(pull.closed_at), "merged_at": iso(pull.merged_at),
        "merge_commit_sha": head_sha if pull.merged else None, "assignee": None, "assignees": [],
        "requested_reviewers": [], "requested_teams": [],
        "head": ref(pull.head_ref, head_sha), "base": ref(pull.base_ref, base_sha),
        "_links": {"self": link(url), "html": link(html), "issue": link(issue_url), "comments": link(f"{issue_url}/comments"),
                   "review_comments": link(f"{url}/comments"),
                   "review_comment": link(f"{api}/repos/{full}/pulls/comments{{/number}}"),
                   "commits": link(f"{url}/commits"), "statuses": link(f"{api}/repos/{full}/statuses/{head_sha}")},
        "author_association": pull.author_association, "auto_merge": None, "draft": False, "merged": pull.merged,
        "mergeable": None if pull.merged else True, "rebaseable": None, "mergeable_state": "unknown",
        "merged_by": owner if pull.merged else None, "comments": 0, "review_comments": 0,
        "maintainer_can_modify": False, "commits": 1, "additions": 1, "deletions": 0, "changed_files": 1,
    }
