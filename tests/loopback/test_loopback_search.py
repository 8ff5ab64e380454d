"""Search qualifiers filter as GitHub's do; hostile queries never crash the server."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from githubkit import GitHub
from githubkit.exception import RequestFailed
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.loopback import LoopbackServer

from .conftest import OWNER, REPO


async def _numbers(gh: GitHub[Any], q: str, **params: Any) -> list[int]:
    resp = await gh.rest.search.async_issues_and_pull_requests(q=q, per_page=100, **params)
    return [item.number for item in resp.parsed_data.items]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("repo:pytorch/pytorch", {1, 2, 3, 4, 5, 6, 7}),
        ("repo:someone/else", set()),
        ("repo:PyTorch/PyTorch is:issue", {1, 2, 3, 4, 6, 7}),
        ("is:pr", {5}),
        ("is:issue is:closed", {3}),
        ("is:issue state:open", {1, 2, 4, 6, 7}),
        ("label:triaged", {2}),
        ('label:"oncall: distributed"', {1, 2}),
        ('label:"oncall: distributed" -label:triaged', {1}),
        ('is:open label:"ONCALL: DISTRIBUTED"', {1, 2}),
        ("label:triaged,feature", {2, 3}),
        ("no:label", {4}),
        ("-label:triaged is:issue is:open", {1, 4, 6, 7}),
        ("author:alice", {1, 5}),
        ("author:alice is:issue", {1}),
        ("svd", {3, 5}),
        ("svd in:title", {3, 5}),
        ("ncclCommInit", {2}),
        ("ncclCommInit in:title", set()),
        ("Fuzzer crash", {7}),
        ('"uneven shards"', {1}),
        ('"shards uneven"', set()),
        ("updated:>=2024-03-05T12:00:00Z", {2, 6, 7}),
        ("updated:>2024-03-05T12:00:00Z", {6, 7}),
        ("updated:>2024-03-05", {6, 7}),
        ("updated:>=2024-03-05", {2, 6, 7}),
        ("created:<2024-01-01", {3}),
        ("created:2024-01-01..2024-01-15", {2, 4, 1}),
        ("is:locked", {4}),
        ("comments:>100", {6}),
        ("no:assignee is:closed", {3}),
    ],
)
async def test_qualifiers(gh: GitHub[Any], q: str, expected: set[int]) -> None:
    assert set(await _numbers(gh, q)) == expected


async def test_sort_in_query_and_params(gh: GitHub[Any]) -> None:
    asc = await _numbers(gh, "is:issue sort:updated-asc")
    assert asc == [4, 1, 3, 2, 7, 6]
    assert await _numbers(gh, "is:issue sort:updated-desc") == asc[::-1]
    assert await _numbers(gh, "is:issue", sort="updated", order="asc") == asc
    assert await _numbers(gh, "is:issue sort:updated-desc", sort="updated", order="asc") == asc  # params win
    assert (await _numbers(gh, "is:issue", sort="comments"))[:2] == [6, 1]
    assert await _numbers(gh, "is:issue sort:created-asc") == [3, 4, 1, 2, 6, 7]


async def test_search_sees_writes(gh: GitHub[Any]) -> None:
    assert 7 not in await _numbers(gh, "label:triaged")
    await gh.rest.issues.async_add_labels(OWNER, REPO, 7, labels=["triaged"])
    assert 7 in await _numbers(gh, "label:triaged")
    newest = await _numbers(gh, "is:issue sort:updated-desc")
    assert newest[0] == 7  # the write bumped updated_at


@pytest.mark.parametrize("q", ["", "   ", "x" * 300, "updated:>=not-a-date", "is:banana", "sort:stars-asc"])
async def test_invalid_queries_are_422(gh: GitHub[Any], q: str) -> None:
    with pytest.raises(RequestFailed) as err:
        await gh.rest.search.async_issues_and_pull_requests(q=q)
    assert err.value.response.status_code == 422


_alphabet = st.sampled_from(list('abc -:"\\<>=.,*_/\'') + ["is:", "label:", "updated:", "created:", "in:", "no:",
                                                            "sort:", "comments:", "..", "\x00", "é", "🐛", "%"])
_queries = st.lists(_alphabet, max_size=30).map("".join) | st.text(max_size=80)


@pytest.fixture
def client(server: LoopbackServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, headers={"Authorization": "token t"}) as http:
        yield http


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=_queries)
def test_arbitrary_search_strings_never_500(client: httpx.Client, q: str) -> None:
    rest = client.get("/search/issues", params={"q": q})
    assert rest.status_code in (200, 422), rest.text
    gql = client.post("/graphql", json={"query": "query($q: String!) { search(query: $q, type: ISSUE, "
                                        "first: 5) { issueCount nodes { ... on Issue { number } } } }",
                                        "variables": {"q": q}})
    assert gql.status_code == 200
    body = gql.json()
    assert "data" in body or "errors" in body
    for error in body.get("errors", []):
        assert "Something went wrong" not in error["message"]
