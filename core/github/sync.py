"""Queue sync: fill the store with the issues of a queue section, by GraphQL search.

Full sync: the section query, newest first, in pages of 100 (GitHub search returns at
most 1,000 hits; a larger section is marked truncated). Incremental sync (a cursor
exists): two searches restricted to ``updated:>=cursor`` — the section query (new and
changed members) and the whole repo (issues that changed and may have left the section).
Bodies are not synced; opening an issue fetches them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import AsyncIterator

from ..models import Issue, QueueSection, SyncStats, format_timestamp
from ..store.issues import IssueCache
from .convert import issue_from_graphql
from .reads import GitHubReader

SEARCH_QUERY = """
query($q: String!, $first: Int!, $after: String) {
  search(query: $q, type: ISSUE, first: $first, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      ... on Issue {
        id number title state stateReason url createdAt updatedAt closedAt locked
        authorAssociation
        author { login }
        labels(first: 50) { nodes { name } }
        comments { totalCount }
        assignees(first: 10) { nodes { login } }
      }
    }
  }
}
"""

PAGE_SIZE = 100
SEARCH_CAP = 1000
_REPO_QUALIFIER = re.compile(r"(?:^|\s)repo:(\S+)")


@dataclass(frozen=True, slots=True)
class SyncProgress:
    """Streamed after every page."""

    section: str
    fetched: int
    total: int | None


def _newest(current: datetime | None, issues: list[Issue]) -> datetime | None:
    for issue in issues:
        if current is None or issue.updated_at > current:
            current = issue.updated_at
    return current


def section_repo(section: QueueSection, default: str) -> str:
    match = _REPO_QUALIFIER.search(section.query)
    return match.group(1) if match else default


class QueueSync:
    def __init__(self, reader: GitHubReader, cache: IssueCache):
        self.reader = reader
        self.cache = cache

    async def _search(self, query: str, limit: int, stats: SyncStats) -> AsyncIterator[tuple[list[Issue], int]]:
        after: str | None = None
        fetched = 0
        repo = str(self.reader.conn.repo)
        while fetched < limit:
            first = min(PAGE_SIZE, limit - fetched)
            before = self.reader.conn.tracker.requests
            data = await self.reader.graphql(
                SEARCH_QUERY, {"q": query, "first": first, "after": after}, what=f"sync {stats.section!r}"
            )
            stats.requests += self.reader.conn.tracker.requests - before
            stats.pages += 1
            search = data["search"]
            issues = [
                issue_from_graphql(node, repo) for node in search["nodes"] if node and node.get("__typename") == "Issue"
            ]
            fetched += len(search["nodes"])
            yield issues, int(search["issueCount"])
            if not search["pageInfo"]["hasNextPage"] or not search["nodes"]:
                return
            after = search["pageInfo"]["endCursor"]

    async def sync(self, section: QueueSection, *, full: bool = False) -> AsyncIterator[SyncProgress | SyncStats]:
        """Sync one section; yields progress per page, then the final :class:`SyncStats`."""
        repo = str(self.reader.conn.repo)
        cursor = None if full else self.cache.cursor(repo, section.title, section.query)
        stats = SyncStats(section=section.title, incremental=cursor is not None)
        newest: datetime | None = cursor
        if cursor is None:
            members: list[int] = []
            total = None
            async for issues, total in self._search(f"{section.query} sort:updated-desc", min(section.limit, SEARCH_CAP), stats):
                self.cache.upsert_issues(issues)
                members.extend(i.number for i in issues)
                stats.fetched += len(issues)
                newest = _newest(newest, issues)
                yield SyncProgress(section.title, stats.fetched, total)
            stats.truncated = total is not None and total > stats.fetched
            self.cache.set_section_members(repo, section.title, members, replace=True)
        else:
            since = format_timestamp(cursor)
            matching: set[int] = set()
            async for issues, total in self._search(f"{section.query} updated:>={since} sort:updated-asc", SEARCH_CAP, stats):
                self.cache.upsert_issues(issues)
                matching.update(i.number for i in issues)
                stats.fetched += len(issues)
                newest = _newest(newest, issues)
                yield SyncProgress(section.title, stats.fetched, total)
            changed: list[Issue] = []
            scope = section_repo(section, repo)
            async for issues, _ in self._search(f"repo:{scope} is:issue updated:>={since}", SEARCH_CAP, stats):
                changed.extend(issues)
            self.cache.upsert_issues(changed)
            self.cache.set_section_members(repo, section.title, matching, replace=False)
            self.cache.remove_section_members(repo, section.title, [i.number for i in changed if i.number not in matching])
        stats.cursor = newest
        self.cache.set_cursor(repo, section.title, section.query, newest)
        yield stats
