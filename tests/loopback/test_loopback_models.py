"""Every endpoint the client uses answers JSON that githubkit's own response models accept."""

from __future__ import annotations

from typing import Any

import pytest
from githubkit import GitHub
from githubkit.exception import RequestFailed

from core.loopback import LoopbackServer

from .conftest import OWNER, REPO

RATE_HEADERS = ("x-ratelimit-limit", "x-ratelimit-remaining", "x-ratelimit-reset", "x-ratelimit-used",
                "x-ratelimit-resource", "x-github-request-id")


def _has_github_headers(headers: Any) -> None:
    for name in RATE_HEADERS:
        assert name in headers, name
    assert headers["content-type"] == "application/json; charset=utf-8"


async def test_get_issue_parses(gh: GitHub[Any]) -> None:
    resp = await gh.rest.issues.async_get(OWNER, REPO, 1)
    issue = resp.parsed_data
    _has_github_headers(resp.headers)
    assert issue.number == 1 and issue.title == "FSDP hangs with uneven shards"
    assert [lab.name for lab in issue.labels] == ["oncall: distributed", "module: fsdp"]  # type: ignore[union-attr]
    assert issue.user is not None and issue.user.login == "alice"
    assert issue.author_association == "NONE"
    assert issue.comments == 2 and issue.locked is False and issue.state == "open"
    assert not issue.pull_request


async def test_pull_request_and_locked_and_closed_fields(gh: GitHub[Any]) -> None:
    pr = (await gh.rest.issues.async_get(OWNER, REPO, 5)).parsed_data
    assert pr.pull_request and pr.pull_request.html_url and pr.pull_request.html_url.endswith("/pull/5")
    locked = (await gh.rest.issues.async_get(OWNER, REPO, 4)).parsed_data
    assert locked.locked is True and locked.active_lock_reason == "resolved"
    closed = (await gh.rest.issues.async_get(OWNER, REPO, 3)).parsed_data
    assert closed.state == "closed" and closed.state_reason == "completed" and closed.closed_at is not None


async def test_unknown_and_deleted_issue(gh: GitHub[Any]) -> None:
    with pytest.raises(RequestFailed) as missing:
        await gh.rest.issues.async_get(OWNER, REPO, 12345)
    assert missing.value.response.status_code == 404
    with pytest.raises(RequestFailed) as gone:
        await gh.rest.issues.async_get(OWNER, REPO, 99)
    assert gone.value.response.status_code == 410
    with pytest.raises(RequestFailed) as other_repo:
        await gh.rest.issues.async_get("someone", "else", 1)
    assert other_repo.value.response.status_code == 404


async def test_list_comments_parses(gh: GitHub[Any]) -> None:
    comments = (await gh.rest.issues.async_list_comments(OWNER, REPO, 1)).parsed_data
    assert [c.body for c in comments] == ["comment number 0", "comment number 1"]
    assert all(c.user is not None and c.user.login.startswith("commenter") for c in comments)
    assert comments[0].author_association == "NONE"


async def test_search_parses(gh: GitHub[Any]) -> None:
    resp = await gh.rest.search.async_issues_and_pull_requests(q=f"repo:{OWNER}/{REPO} is:issue is:open")
    result = resp.parsed_data
    assert resp.headers["x-ratelimit-resource"] == "search"
    assert result.total_count == 5 and not result.incomplete_results
    assert {item.number for item in result.items} == {1, 2, 4, 6, 7}
    assert all(item.author_association for item in result.items)


async def test_labels_parse(gh: GitHub[Any]) -> None:
    labels = (await gh.rest.issues.async_list_labels_for_repo(OWNER, REPO)).parsed_data
    names = [lab.name for lab in labels]
    assert "oncall: distributed" in names and "topic: fuzzer" in names  # dataset + created-on-use
    assert next(lab for lab in labels if lab.name == "triaged").description == "Looked at"


async def test_add_and_remove_labels_parse(gh: GitHub[Any], server: LoopbackServer) -> None:
    added = (await gh.rest.issues.async_add_labels(OWNER, REPO, 2, labels=["needs reproduction", "brand new"]))
    assert [lab.name for lab in added.parsed_data] == ["oncall: distributed", "triaged", "needs reproduction",
                                                       "brand new"]
    assert server.requests[-1].json_body == {"labels": ["needs reproduction", "brand new"]}
    repo_labels = (await gh.rest.issues.async_list_labels_for_repo(OWNER, REPO, per_page=100)).parsed_data
    assert "brand new" in [lab.name for lab in repo_labels]  # GitHub creates unknown labels
    left = (await gh.rest.issues.async_remove_label(OWNER, REPO, 2, "oncall: distributed")).parsed_data
    assert [lab.name for lab in left] == ["triaged", "needs reproduction", "brand new"]
    with pytest.raises(RequestFailed) as absent:
        await gh.rest.issues.async_remove_label(OWNER, REPO, 2, "oncall: distributed")
    assert absent.value.response.status_code == 404
    assert absent.value.response.json()["message"] == "Label does not exist"


async def test_create_comment_parses(gh: GitHub[Any]) -> None:
    resp = await gh.rest.issues.async_create_comment(OWNER, REPO, 1, body="Thanks, looking.")
    assert resp.status_code == 201
    comment = resp.parsed_data
    assert comment.body == "Thanks, looking." and comment.user is not None
    assert comment.user.login == "demo-maintainer" and comment.author_association == "MEMBER"
    listed = (await gh.rest.issues.async_list_comments(OWNER, REPO, 1)).parsed_data
    assert listed[-1].id == comment.id


async def test_update_close_parses(gh: GitHub[Any], server: LoopbackServer) -> None:
    issue = (await gh.rest.issues.async_update(OWNER, REPO, 7, state="closed", state_reason="not_planned")).parsed_data
    assert issue.state == "closed" and issue.state_reason == "not_planned" and issue.closed_at is not None
    lax = GitHub("tok", base_url=server.url, auto_retry=False, rest_api_validate_body=False)
    with pytest.raises(RequestFailed) as bad:
        await lax.rest.issues.async_update(OWNER, REPO, 1, data={"state": "closed", "state_reason": "bogus"})
    assert bad.value.response.status_code == 422
    assert (await gh.rest.issues.async_get(OWNER, REPO, 1)).parsed_data.state == "open"


async def test_collaborator_check(gh: GitHub[Any]) -> None:
    yes = await gh.rest.repos.async_check_collaborator(OWNER, REPO, "alice")
    assert yes.status_code == 204
    with pytest.raises(RequestFailed) as no:
        await gh.rest.repos.async_check_collaborator(OWNER, REPO, "bob")
    assert no.value.response.status_code == 404


async def test_authenticated_user_and_rate_limit_parse(gh: GitHub[Any]) -> None:
    me = (await gh.rest.users.async_get_authenticated()).parsed_data
    assert me.login == "demo-maintainer" and me.type == "User"
    first = (await gh.rest.rate_limit.async_get()).parsed_data
    await gh.rest.issues.async_get(OWNER, REPO, 1)
    second = (await gh.rest.rate_limit.async_get()).parsed_data
    assert first.resources.core.limit == 5000 and first.resources.search.limit == 30
    assert second.resources.core.remaining == first.resources.core.remaining - 1  # /rate_limit is free
    assert first.resources.graphql is not None


async def test_rate_headers_decrement(gh: GitHub[Any]) -> None:
    a = await gh.rest.issues.async_get(OWNER, REPO, 1)
    b = await gh.rest.issues.async_get(OWNER, REPO, 2)
    assert int(b.headers["x-ratelimit-remaining"]) == int(a.headers["x-ratelimit-remaining"]) - 1
    assert int(b.headers["x-ratelimit-used"]) == int(a.headers["x-ratelimit-used"]) + 1
    assert a.headers["x-ratelimit-resource"] == "core"


ISSUE_QUERY = """
query($owner: String!, $name: String!, $number: Int!) {
  viewer { login }
  repository(owner: $owner, name: $name) {
    issue(number: $number) { id number locked viewerSubscription viewerCanSubscribe title state }
  }
  rateLimit { limit remaining resetAt cost used }
}
"""

SEARCH_QUERY = """
query($q: String!, $after: String) {
  search(query: $q, type: ISSUE, first: 100, after: $after) {
    issueCount
    pageInfo { hasNextPage endCursor }
    nodes {
      __typename
      ... on Issue {
        id number title state stateReason url createdAt updatedAt closedAt locked authorAssociation
        author { login }
        labels(first: 50) { nodes { name color } }
        comments { totalCount }
        assignees(first: 10) { nodes { login } }
      }
      ... on PullRequest { number }
    }
  }
}
"""

MUTATION = """
mutation($id: ID!, $state: SubscriptionState!) {
  updateSubscription(input: {subscribableId: $id, state: $state}) { subscribable { id viewerSubscription } }
}
"""


async def test_graphql_issue_viewer_rate_limit(gh: GitHub[Any]) -> None:
    data = await gh.async_graphql(ISSUE_QUERY, {"owner": OWNER, "name": REPO, "number": 6})
    assert data["viewer"]["login"] == "demo-maintainer"
    issue = data["repository"]["issue"]
    assert issue["number"] == 6 and issue["state"] == "OPEN" and issue["locked"] is False
    assert issue["viewerSubscription"] == "IGNORED" and issue["viewerCanSubscribe"] is True
    assert data["rateLimit"]["limit"] == 5000 and data["rateLimit"]["cost"] == 1


async def test_graphql_search_shape(gh: GitHub[Any]) -> None:
    data = await gh.async_graphql(SEARCH_QUERY, {"q": f"repo:{OWNER}/{REPO} label:\"oncall: distributed\""})
    search = data["search"]
    assert search["issueCount"] == 2 and search["pageInfo"]["hasNextPage"] is False
    first = next(n for n in search["nodes"] if n["number"] == 1)
    assert first["__typename"] == "Issue" and first["author"]["login"] == "alice"
    assert first["labels"]["nodes"][0] == {"name": "oncall: distributed", "color": "d4c5f9"}
    assert first["comments"]["totalCount"] == 2 and first["authorAssociation"] == "NONE"
    assert first["createdAt"] == "2024-01-10T10:00:00Z" and first["closedAt"] is None
    pr = await gh.async_graphql(SEARCH_QUERY, {"q": "is:pr"})
    assert pr["search"]["nodes"] == [{"__typename": "PullRequest", "number": 5}]


async def test_graphql_mutation_roundtrip(gh: GitHub[Any]) -> None:
    data = await gh.async_graphql(ISSUE_QUERY, {"owner": OWNER, "name": REPO, "number": 1})
    node_id = data["repository"]["issue"]["id"]
    out = await gh.async_graphql(MUTATION, {"id": node_id, "state": "SUBSCRIBED"})
    assert out["updateSubscription"]["subscribable"] == {"id": node_id, "viewerSubscription": "SUBSCRIBED"}
    again = await gh.async_graphql(ISSUE_QUERY, {"owner": OWNER, "name": REPO, "number": 1})
    assert again["repository"]["issue"]["viewerSubscription"] == "SUBSCRIBED"


async def test_graphql_errors_are_github_style(gh: GitHub[Any]) -> None:
    from githubkit.exception import GraphQLFailed

    with pytest.raises(GraphQLFailed) as missing:
        await gh.async_graphql(ISSUE_QUERY, {"owner": OWNER, "name": REPO, "number": 404})
    errors = missing.value.response.errors or []
    assert errors[0].type == "NOT_FOUND" and errors[0].path == ["repository", "issue"]
    with pytest.raises(GraphQLFailed) as invalid:
        await gh.async_graphql("query { viewer { nope } }")
    assert "nope" in (invalid.value.response.errors or [])[0].message
    with pytest.raises(GraphQLFailed):
        await gh.async_graphql("query { this is not graphql")
