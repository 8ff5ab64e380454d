"""Read operations on GitHub (REST + GraphQL). Nothing here writes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from githubkit.exception import RequestFailed, RequestError

from ..models import Comment, Issue, IssueThread, Label, Subscription, Trust
from .connection import Connection, translate_errors
from .convert import comment_from_rest, issue_from_rest

_LINK_NEXT = re.compile(r'<([^>]+)>\s*;\s*rel="next"')

SUBSCRIPTION_QUERY = """
query($owner: String!, $name: String!, $number: Int!) {
  repository(owner: $owner, name: $name) {
    issue(number: $number) { id number locked viewerSubscription viewerCanSubscribe }
  }
}
"""


@dataclass(frozen=True, slots=True)
class PullSummary:
    """What the scrub's PR finder shows of a pull request."""

    number: int
    title: str
    state: str  # "open" | "closed"
    merged: bool
    url: str = ""


def _has_next(headers) -> bool:
    link = headers.get("link", "")
    return bool(_LINK_NEXT.search(link))


class GitHubReader:
    """Every read triagedeck makes; results are core dataclasses."""

    def __init__(self, conn: Connection):
        self.conn = conn

    @property
    def _rest(self):
        return self.conn.reader.rest

    async def get_issue(self, number: int) -> Issue:
        async with translate_errors(f"get issue #{number}"):
            resp = await self._rest.issues.async_get(self.conn.owner, self.conn.name, number)
        return issue_from_rest(resp.parsed_data, str(self.conn.repo))

    async def list_comments(self, number: int) -> list[Comment]:
        """All comments, following the ``Link`` header (100 per page)."""
        comments: list[Comment] = []
        page = 1
        while True:
            async with translate_errors(f"list comments of #{number}"):
                resp = await self._rest.issues.async_list_comments(
                    self.conn.owner, self.conn.name, number, per_page=100, page=page
                )
            comments.extend(comment_from_rest(c) for c in resp.parsed_data)
            if not _has_next(resp.headers):
                return comments
            page += 1

    async def get_thread(self, number: int) -> IssueThread:
        issue = await self.get_issue(number)
        comments = await self.list_comments(number) if issue.comments_count else []
        return IssueThread(issue, tuple(comments))

    async def search_issues(self, query: str, *, limit: int = 100) -> list[Issue]:
        """REST search (used for similar-issue lookups; the queue sync uses GraphQL)."""
        found: list[Issue] = []
        page = 1
        while len(found) < limit:
            per_page = min(100, limit - len(found))
            async with translate_errors("search issues"):
                resp = await self._rest.search.async_issues_and_pull_requests(
                    q=query, per_page=per_page, page=page
                )
            data = resp.parsed_data
            found.extend(issue_from_rest(item, str(self.conn.repo)) for item in data.items)
            if not data.items or not _has_next(resp.headers):
                break
            page += 1
        return found[:limit]

    async def get_pull(self, number: int) -> PullSummary:
        """One pull request's title and state (``GET /repos/{owner}/{repo}/pulls/{n}``)."""
        async with translate_errors(f"get pull request #{number}"):
            resp = await self._rest.pulls.async_get(self.conn.owner, self.conn.name, number)
        pr = resp.parsed_data
        return PullSummary(pr.number, pr.title, pr.state, bool(pr.merged), pr.html_url)

    async def list_labels(self) -> list[Label]:
        labels: list[Label] = []
        page = 1
        while True:
            async with translate_errors("list labels"):
                resp = await self._rest.issues.async_list_labels_for_repo(
                    self.conn.owner, self.conn.name, per_page=100, page=page
                )
            labels.extend(Label(l.name, l.color or "", l.description or "") for l in resp.parsed_data)
            if not _has_next(resp.headers):
                return labels
            page += 1

    async def collaborator(self, login: str) -> Trust:
        """REST 204 → collaborator, 404 → not; anything else (auth, network) → UNKNOWN."""
        try:
            resp = await self._rest.repos.async_check_collaborator(self.conn.owner, self.conn.name, login)
        except RequestFailed as exc:
            return Trust.NOT_COLLABORATOR if exc.response.status_code == 404 else Trust.UNKNOWN
        except RequestError:
            return Trust.UNKNOWN
        except Exception:
            return Trust.UNKNOWN
        return Trust.COLLABORATOR if resp.status_code == 204 else Trust.UNKNOWN

    async def subscription(self, number: int) -> tuple[str, Subscription]:
        """The issue's node id and the viewer's subscription state (GraphQL)."""
        data = await self.graphql(
            SUBSCRIPTION_QUERY,
            {"owner": self.conn.owner, "name": self.conn.name, "number": number},
            what=f"read subscription of #{number}",
        )
        issue = (data.get("repository") or {}).get("issue")
        if not issue:
            from ..errors import NotFound

            raise NotFound(f"issue #{number} not found")
        return issue["id"], Subscription(issue["viewerSubscription"])

    async def graphql(self, query: str, variables: dict[str, Any], *, what: str) -> dict[str, Any]:
        async with translate_errors(what):
            return await self.conn.reader.async_graphql(query, variables)
