"""Pagination: REST Link headers (githubkit's paginator follows them), search cap, GraphQL cursors."""

from __future__ import annotations

import re
from typing import Any

import pytest
from githubkit import GitHub
from githubkit.exception import RequestFailed

from core.loopback import LoopbackServer, LoopbackState, synthetic_dataset

from .conftest import OWNER, REPO


def _links(header: str) -> dict[str, str]:
    return {rel: url for url, rel in re.findall(r'<([^>]+)>;\s*rel="(\w+)"', header)}


async def test_paginator_walks_250_comments(gh: GitHub[Any], server: LoopbackServer) -> None:
    paginator = gh.rest.paginate(gh.rest.issues.async_list_comments, owner=OWNER, repo=REPO,
                                 issue_number=6, per_page=100)
    bodies = [c.body async for c in paginator]
    assert bodies == [f"comment number {i}" for i in range(250)]
    pages = [r for r in server.requests if r.path.endswith("/issues/6/comments")]
    assert [r.query.get("page", "1") for r in pages] == ["1", "2", "3"]


async def test_link_header_rels(gh: GitHub[Any]) -> None:
    first = await gh.rest.issues.async_list_comments(OWNER, REPO, 6, per_page=50)
    links = _links(first.headers["link"])
    assert set(links) == {"next", "last"}
    assert "page=2" in links["next"] and "page=5" in links["last"] and "per_page=50" in links["next"]
    middle = await gh.rest.issues.async_list_comments(OWNER, REPO, 6, per_page=50, page=3)
    links = _links(middle.headers["link"])
    assert set(links) == {"next", "last", "prev", "first"}
    assert "page=4" in links["next"] and "page=2" in links["prev"] and "page=1" in links["first"]
    last = await gh.rest.issues.async_list_comments(OWNER, REPO, 6, per_page=50, page=5)
    assert set(_links(last.headers["link"])) == {"prev", "first"}
    assert len(last.parsed_data) == 50
    single = await gh.rest.issues.async_list_comments(OWNER, REPO, 1)
    assert "link" not in single.headers


async def test_default_and_max_per_page(gh: GitHub[Any]) -> None:
    default = await gh.rest.issues.async_list_comments(OWNER, REPO, 6)
    assert len(default.parsed_data) == 30
    lax = GitHub("tok", base_url=str(gh.config.base_url), auto_retry=False, rest_api_validate_body=False)
    big = await lax.arequest("GET", f"/repos/{OWNER}/{REPO}/issues/6/comments", params={"per_page": 500})
    assert len(big.json()) == 100


async def test_repo_labels_paginate(gh: GitHub[Any]) -> None:
    paginator = gh.rest.paginate(gh.rest.issues.async_list_labels_for_repo, owner=OWNER, repo=REPO, per_page=2)
    names = [lab.name async for lab in paginator]
    assert len(names) == len(set(names)) >= 7
    assert names == sorted(names, key=str.lower)


@pytest.fixture
def big_server() -> Any:
    with LoopbackServer(LoopbackState.from_dataset(synthetic_dataset(1200, seed=3))) as srv:
        yield srv


async def test_search_is_capped_at_1000(big_server: LoopbackServer) -> None:
    gh = GitHub("tok", base_url=big_server.url, auto_retry=False)
    resp = await gh.rest.search.async_issues_and_pull_requests(q="repo:pytorch/pytorch", per_page=100, page=10)
    assert resp.parsed_data.total_count == 1200 and len(resp.parsed_data.items) == 100
    assert "next" not in _links(resp.headers["link"])  # page 10 is the last reachable one
    with pytest.raises(RequestFailed) as beyond:
        await gh.rest.search.async_issues_and_pull_requests(q="repo:pytorch/pytorch", per_page=100, page=11)
    assert beyond.value.response.status_code == 422


async def test_graphql_search_pages_cover_everything_once(big_server: LoopbackServer) -> None:
    gh = GitHub("tok", base_url=big_server.url, auto_retry=False)
    query = """query($q: String!, $after: String) {
      search(query: $q, type: ISSUE, first: 100, after: $after) {
        issueCount pageInfo { hasNextPage endCursor } nodes { ... on Issue { number updatedAt } } } }"""
    q = "repo:pytorch/pytorch is:issue is:open sort:updated-asc"
    seen: list[tuple[str, int]] = []
    after = None
    requests = 0
    while True:
        data = (await gh.async_graphql(query, {"q": q, "after": after}))["search"]
        requests += 1
        seen += [(n["updatedAt"], n["number"]) for n in data["nodes"]]
        if not data["pageInfo"]["hasNextPage"]:
            break
        after = data["pageInfo"]["endCursor"]
    assert len(seen) == data["issueCount"] == len({n for _, n in seen})
    assert seen == sorted(seen)
    assert requests == -(-len(seen) // 100)
