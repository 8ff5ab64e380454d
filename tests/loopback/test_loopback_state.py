"""Stateful behaviour: auto-subscription on write (also delayed), locks, persistence, auth, datasets."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from githubkit import GitHub
from githubkit.exception import RequestFailed

from core.loopback import LoopbackServer, LoopbackState, synthetic_dataset

from .conftest import OWNER, REPO, make_dataset

SUB_QUERY = """query($n: Int!) { repository(owner: "pytorch", name: "pytorch") {
  issue(number: $n) { id viewerSubscription } } }"""
SET_SUB = """mutation($id: ID!, $s: SubscriptionState!) {
  updateSubscription(input: {subscribableId: $id, state: $s}) { subscribable { viewerSubscription } } }"""


async def _sub(gh: GitHub[Any], number: int) -> tuple[str, str]:
    issue = (await gh.async_graphql(SUB_QUERY, {"n": number}))["repository"]["issue"]
    return issue["id"], issue["viewerSubscription"]


async def _wait_for(gh: GitHub[Any], number: int, wanted: str) -> int:
    """Poll (bounded) until the subscription reads ``wanted``; returns the polls it took."""
    for polls in range(1, 200):
        if (await _sub(gh, number))[1] == wanted:
            return polls
        await asyncio.sleep(0.05)
    raise AssertionError(f"subscription never became {wanted}")


@pytest.mark.parametrize(
    "write",
    [
        lambda gh: gh.rest.issues.async_add_labels(OWNER, REPO, 2, labels=["needs reproduction"]),
        lambda gh: gh.rest.issues.async_remove_label(OWNER, REPO, 2, "triaged"),
        lambda gh: gh.rest.issues.async_create_comment(OWNER, REPO, 2, body="hello"),
        lambda gh: gh.rest.issues.async_update(OWNER, REPO, 2, state="closed", state_reason="completed"),
    ],
    ids=["add_labels", "remove_label", "comment", "close"],
)
async def test_every_write_auto_subscribes(gh: GitHub[Any], write: Any) -> None:
    assert (await _sub(gh, 2))[1] == "UNSUBSCRIBED"
    await write(gh)
    assert (await _sub(gh, 2))[1] == "SUBSCRIBED"


async def test_reads_do_not_subscribe(gh: GitHub[Any]) -> None:
    await gh.rest.issues.async_get(OWNER, REPO, 2)
    await gh.rest.issues.async_list_comments(OWNER, REPO, 2)
    assert (await _sub(gh, 2))[1] == "UNSUBSCRIBED"


async def test_ignored_is_overridden_by_a_write_and_can_be_restored(gh: GitHub[Any]) -> None:
    node_id, before = await _sub(gh, 6)
    assert before == "IGNORED"
    await gh.rest.issues.async_add_labels(OWNER, REPO, 6, labels=["triaged"])
    assert (await _sub(gh, 6))[1] == "SUBSCRIBED"
    await gh.async_graphql(SET_SUB, {"id": node_id, "s": before})
    assert (await _sub(gh, 6))[1] == "IGNORED"


async def test_delayed_auto_subscription(gh: GitHub[Any], state: LoopbackState) -> None:
    state.subscription_delay_s = 0.3
    node_id, _ = await _sub(gh, 1)
    await gh.rest.issues.async_create_comment(OWNER, REPO, 1, body="delayed")
    assert (await _sub(gh, 1))[1] == "UNSUBSCRIBED"  # not visible yet
    assert await _wait_for(gh, 1, "SUBSCRIBED") > 1
    await gh.async_graphql(SET_SUB, {"id": node_id, "s": "UNSUBSCRIBED"})
    assert (await _sub(gh, 1))[1] == "UNSUBSCRIBED"


async def test_restoring_too_early_is_undone_by_the_late_auto_subscription(gh: GitHub[Any],
                                                                          state: LoopbackState) -> None:
    state.subscription_delay_s = 0.3
    node_id, _ = await _sub(gh, 1)
    await gh.rest.issues.async_add_labels(OWNER, REPO, 1, labels=["triaged"])
    await gh.async_graphql(SET_SUB, {"id": node_id, "s": "UNSUBSCRIBED"})  # a client that did not wait
    await _wait_for(gh, 1, "SUBSCRIBED")  # ...loses: the auto-subscription lands afterwards


async def test_locked_issue_refuses_comments(gh: GitHub[Any], server: LoopbackServer) -> None:
    with pytest.raises(RequestFailed) as err:
        await gh.rest.issues.async_create_comment(OWNER, REPO, 4, body="please")
    assert err.value.response.status_code == 403
    assert "locked" in err.value.response.json()["message"]
    assert (await gh.rest.issues.async_get(OWNER, REPO, 4)).parsed_data.comments == 0
    assert (await _sub(gh, 4))[1] == "UNSUBSCRIBED"


async def test_state_persists_and_writes_bump_updated_at(gh: GitHub[Any]) -> None:
    before = (await gh.rest.issues.async_get(OWNER, REPO, 3)).parsed_data
    await gh.rest.issues.async_create_comment(OWNER, REPO, 3, body="one")
    await gh.rest.issues.async_create_comment(OWNER, REPO, 3, body="two")
    after = (await gh.rest.issues.async_get(OWNER, REPO, 3)).parsed_data
    assert after.comments == before.comments + 2 and after.updated_at > before.updated_at
    bodies = [c.body for c in (await gh.rest.issues.async_list_comments(OWNER, REPO, 3)).parsed_data]
    assert bodies[-2:] == ["one", "two"]


async def test_close_and_reopen(gh: GitHub[Any]) -> None:
    closed = (await gh.rest.issues.async_update(OWNER, REPO, 1, state="closed", state_reason="not_planned")).parsed_data
    assert (closed.state, closed.state_reason) == ("closed", "not_planned") and closed.closed_at
    fetched = (await gh.rest.issues.async_get(OWNER, REPO, 1)).parsed_data
    assert fetched.state == "closed" and fetched.closed_at == closed.closed_at
    reopened = (await gh.rest.issues.async_update(OWNER, REPO, 1, state="open")).parsed_data
    assert reopened.state == "open" and reopened.closed_at is None and reopened.state_reason == "reopened"


async def test_label_names_with_spaces_and_slashes(gh: GitHub[Any]) -> None:
    odd = "module: c10d/nccl & more"
    await gh.rest.issues.async_add_labels(OWNER, REPO, 7, labels=[odd])
    left = (await gh.rest.issues.async_remove_label(OWNER, REPO, 7, odd)).parsed_data
    assert [lab.name for lab in left] == ["topic: fuzzer"]


async def test_requests_are_recorded(gh: GitHub[Any], server: LoopbackServer) -> None:
    server.clear_requests()
    await gh.rest.issues.async_get(OWNER, REPO, 1)
    await gh.rest.issues.async_add_labels(OWNER, REPO, 1, labels=["triaged"])
    await gh.async_graphql(SUB_QUERY, {"n": 1})
    got = [(r.method, r.path) for r in server.requests]
    assert got == [("GET", "/repos/pytorch/pytorch/issues/1"), ("POST", "/repos/pytorch/pytorch/issues/1/labels"),
                   ("POST", "/graphql")]
    assert server.requests[2].json_body["variables"] == {"n": 1}
    assert server.requests[0].headers["authorization"] == "token <redacted>"  # never the secret itself


def test_required_token_and_anonymous_access(state: LoopbackState) -> None:
    state.required_token = "right"
    with LoopbackServer(state) as srv, httpx.Client(base_url=srv.url) as http:
        issue = f"/repos/{OWNER}/{REPO}/issues/1"
        assert http.get(issue, headers={"Authorization": "token wrong"}).status_code == 401
        assert http.get(issue, headers={"Authorization": "Bearer right"}).status_code == 200
        assert http.get(issue).status_code == 200  # anonymous reads, as on github.com
        assert http.get("/user").status_code == 401
        assert http.post(f"{issue}/comments", json={"body": "x"}).status_code == 401
        assert http.post("/graphql", json={"query": "{ viewer { login } }"}).status_code == 401


def test_bad_json_and_unknown_routes(server: LoopbackServer) -> None:
    with httpx.Client(base_url=server.url, headers={"Authorization": "token t"}) as http:
        assert http.post(f"/repos/{OWNER}/{REPO}/issues/1/comments", content=b"{nope").status_code == 400
        assert http.get("/nothing/here").status_code == 404
        assert http.post(f"/repos/{OWNER}/{REPO}/issues/1/comments", json={"body": ""}).status_code == 422
        assert http.post(f"/repos/{OWNER}/{REPO}/issues/1/labels", json={"labels": "x"}).status_code == 422
        assert http.post("/graphql", json={"nope": 1}).json()["errors"]


def test_synthetic_dataset_is_deterministic_and_loads() -> None:
    a, b = synthetic_dataset(300, seed=7), synthetic_dataset(300, seed=7)
    assert a == b and a != synthetic_dataset(300, seed=8)
    state = LoopbackState.from_dataset(a)
    assert len(state.issues) == 300
    assert {i["state"] for i in a["issues"]} == {"open", "closed"}
    assert any(i["comments"] for i in a["issues"]) and any(i["labels"] for i in a["issues"])


def test_dataset_roundtrip_fields() -> None:
    state = LoopbackState.from_dataset(make_dataset())
    issue = state.snapshot(6)
    assert issue.subscription == "IGNORED" and len(issue.comments) == 250
    assert state.snapshot(5).is_pull_request and state.snapshot(4).locked
    assert state.is_collaborator("demo-maintainer") and state.is_collaborator("ALICE")
