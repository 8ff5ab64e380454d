"""Each fault knob makes githubkit raise exactly the exception it raises against github.com."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from githubkit import GitHub
from githubkit.exception import (
    PrimaryRateLimitExceeded,
    RequestFailed,
    RequestTimeout,
    SecondaryRateLimitExceeded,
)

from core.loopback import LoopbackServer

from .conftest import OWNER, REPO

VIEWER_QUERY = "query { viewer { login } }"


async def test_burst_of_5xx_then_recovery(gh: GitHub[Any], server: LoopbackServer) -> None:
    server.faults.server_errors(2, status=502, path=r"/issues/1$")
    for _ in range(2):
        with pytest.raises(RequestFailed) as err:
            await gh.rest.issues.async_get(OWNER, REPO, 1)
        assert err.value.response.status_code == 502
    await gh.rest.issues.async_get(OWNER, REPO, 2)  # other paths were never affected
    assert (await gh.rest.issues.async_get(OWNER, REPO, 1)).parsed_data.number == 1


async def test_503_only_for_matching_method(gh: GitHub[Any], server: LoopbackServer) -> None:
    server.faults.server_errors(1, status=503, method="POST", path="/labels$")
    await gh.rest.issues.async_get(OWNER, REPO, 1)
    with pytest.raises(RequestFailed) as err:
        await gh.rest.issues.async_add_labels(OWNER, REPO, 1, labels=["triaged"])
    assert err.value.response.status_code == 503
    labels = (await gh.rest.issues.async_get(OWNER, REPO, 1)).parsed_data.labels
    assert "triaged" not in [lab.name for lab in labels]  # type: ignore[union-attr]  # the write never happened


async def test_secondary_rate_limit_with_retry_after(gh: GitHub[Any], server: LoopbackServer) -> None:
    server.faults.secondary_rate_limit(1, retry_after=42)
    with pytest.raises(SecondaryRateLimitExceeded) as err:
        await gh.rest.issues.async_create_comment(OWNER, REPO, 1, body="hi")
    assert err.value.retry_after.total_seconds() == 42
    assert err.value.response.status_code == 403
    assert "secondary rate limit" in err.value.response.json()["message"]
    await gh.rest.issues.async_create_comment(OWNER, REPO, 1, body="hi")  # next one goes through


async def test_secondary_rate_limit_by_message_only(gh: GitHub[Any], server: LoopbackServer) -> None:
    server.faults.secondary_rate_limit(1, retry_after=None)
    with pytest.raises(SecondaryRateLimitExceeded):
        await gh.rest.issues.async_get(OWNER, REPO, 1)


@pytest.mark.parametrize("status", [403, 429])
async def test_primary_rate_limit_until_reset(gh: GitHub[Any], server: LoopbackServer, status: int) -> None:
    server.faults.primary_rate_limit(reset_in_s=600, status=status)
    for _ in range(2):  # lasts until the reset time, not one response
        with pytest.raises(PrimaryRateLimitExceeded) as err:
            await gh.rest.issues.async_get(OWNER, REPO, 1)
        assert err.value.response.status_code == status
        assert err.value.response.headers["x-ratelimit-remaining"] == "0"
        assert 500 < err.value.retry_after.total_seconds() <= 600
    overview = (await gh.rest.rate_limit.async_get()).parsed_data  # exempt, and shows the exhaustion
    assert overview.resources.core.remaining == 0
    server.faults.clear()
    await gh.rest.issues.async_get(OWNER, REPO, 1)


async def test_primary_rate_limit_expires(gh: GitHub[Any], server: LoopbackServer) -> None:
    server.faults.primary_rate_limit(reset_in_s=-1)  # a reset time already in the past
    assert (await gh.rest.issues.async_get(OWNER, REPO, 1)).status_code == 200


async def test_primary_rate_limit_on_graphql(gh: GitHub[Any], server: LoopbackServer) -> None:
    server.faults.primary_rate_limit(reset_in_s=120, count=1, path="^/graphql$")
    with pytest.raises(PrimaryRateLimitExceeded) as err:
        await gh.async_graphql(VIEWER_QUERY)
    assert err.value.response.status_code == 200  # GitHub's GraphQL style: a RATE_LIMITED error
    assert 0 < err.value.retry_after.total_seconds() <= 120
    assert (await gh.async_graphql(VIEWER_QUERY))["viewer"]["login"] == "demo-maintainer"


async def test_secondary_rate_limit_on_graphql(gh: GitHub[Any], server: LoopbackServer) -> None:
    server.faults.secondary_rate_limit(1, retry_after=5, path="^/graphql$")
    with pytest.raises(SecondaryRateLimitExceeded) as err:
        await gh.async_graphql(VIEWER_QUERY)
    assert err.value.retry_after.total_seconds() == 5


async def test_slow_response_times_out(server: LoopbackServer) -> None:
    server.faults.slow(2.0, count=1, path=r"/issues/1$")
    # http_cache=False: githubkit's default hishel cache client does not apply the timeout.
    async with GitHub("tok", base_url=server.url, auto_retry=False, timeout=0.2, http_cache=False) as quick:
        with pytest.raises(RequestTimeout):
            await quick.rest.issues.async_get(OWNER, REPO, 1)
        assert (await quick.rest.issues.async_get(OWNER, REPO, 2)).status_code == 200


async def test_slow_response_still_answers(gh: GitHub[Any], server: LoopbackServer) -> None:
    server.faults.slow(0.2, count=1)
    assert (await gh.rest.issues.async_get(OWNER, REPO, 1)).parsed_data.number == 1


@pytest.mark.parametrize("status", [404, 410, 422])
async def test_forced_status(gh: GitHub[Any], server: LoopbackServer, status: int) -> None:
    server.faults.force_status(status, count=1, method="GET", path=r"/issues/2$")
    with pytest.raises(RequestFailed) as err:
        await gh.rest.issues.async_get(OWNER, REPO, 2)
    assert err.value.response.status_code == status
    assert (await gh.rest.issues.async_get(OWNER, REPO, 2)).status_code == 200


def test_faults_over_http(server: LoopbackServer) -> None:
    with httpx.Client(base_url=server.url, headers={"Authorization": "token t"}) as http:
        added = http.post("/_loopback/faults", json={"kind": "server_errors", "count": 1, "status": 503})
        assert added.status_code == 201 and added.json()["status"] == 503
        assert len(http.get("/_loopback/faults").json()) == 1
        assert http.get(f"/repos/{OWNER}/{REPO}/issues/1").status_code == 503
        assert http.get(f"/repos/{OWNER}/{REPO}/issues/1").status_code == 200
        http.post("/_loopback/faults", json={"kind": "secondary_rate_limit", "count": 5, "retry_after": 9})
        assert http.delete("/_loopback/faults").status_code == 204
        assert http.get(f"/repos/{OWNER}/{REPO}/issues/1").status_code == 200
        assert http.post("/_loopback/faults", json={"kind": "nonsense"}).status_code == 422
        recorded = http.get("/_loopback/requests").json()
        assert [r["path"] for r in recorded] == [f"/repos/{OWNER}/{REPO}/issues/1"] * 3
        assert recorded[0]["headers"]["authorization"] == "token <redacted>"


def test_stop_is_prompt_even_with_a_sleeping_fault(server: LoopbackServer) -> None:
    server.faults.slow(30.0, count=1)
    with httpx.Client(base_url=server.url) as http:
        with pytest.raises(httpx.TimeoutException):
            http.get(f"/repos/{OWNER}/{REPO}/issues/1", timeout=0.2)
    server.stop()  # wakes the sleeping handler instead of waiting 30 s (pytest-timeout guards a hang)
    with httpx.Client() as http, pytest.raises(httpx.ConnectError):
        http.get(f"{server.url}/user")
