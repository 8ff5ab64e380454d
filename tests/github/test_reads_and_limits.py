"""GitHub reads and the retry/rate-limit policy, through githubkit's real HTTP stack."""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone

import pytest

from core.errors import GitHubError, NotFound, RateLimited
from core.github.ratelimit import RetryPolicy
from core.models import Subscription, Trust
from tests.conftest import make_workbench


async def test_get_issue_and_all_comments(workbench, loopback):
    thread = await workbench.fetch_thread(8)
    assert thread.issue.title == "Many comments"
    assert len(thread.comments) == 250
    assert thread.comments[0].body == "comment 0" and thread.comments[-1].body == "comment 249"
    comment_gets = [r for r in loopback.requests if r.path.endswith("/issues/8/comments")]
    assert len(comment_gets) == 3  # 100 + 100 + 50, following Link rel="next" only
    assert workbench.cached_thread(8).comments == thread.comments


async def test_search_labels_collaborators(workbench):
    found = await workbench.reader.search_issues('repo:pytorch/pytorch is:issue is:open label:"oncall: distributed"')
    assert [i.number for i in found] == [9]
    labels = {label.name for label in await workbench.reader.list_labels()}
    assert {"triaged", "needs reproduction"} <= labels
    assert await workbench.collaborator("core-dev") is Trust.COLLABORATOR
    assert await workbench.collaborator("reporter") is Trust.NOT_COLLABORATOR


async def test_collaborator_check_error_is_unknown_not_no(workbench, loopback):
    loopback.faults.force_status(401, 5, path=r".*/collaborators/.*")
    assert await workbench.collaborator("core-dev") is Trust.UNKNOWN
    loopback.faults.clear()
    loopback.faults.server_errors(10, path=r".*/collaborators/.*")
    assert await workbench.collaborator("core-dev") is Trust.UNKNOWN


async def test_subscription_and_locked_state(workbench):
    node_id, state = await workbench.reader.subscription(6)
    assert node_id and state is Subscription.IGNORED
    issue = await workbench.reader.get_issue(3)
    assert issue.locked


async def test_not_found_and_gone(workbench, loopback):
    with pytest.raises(NotFound):
        await workbench.reader.get_issue(999)
    loopback.faults.force_status(410, 1, method="GET", path=r".*/issues/1$")
    with pytest.raises(NotFound, match="410"):
        await workbench.reader.get_issue(1)


async def test_5xx_burst_is_retried_with_bounded_backoff(workbench, loopback):
    loopback.faults.server_errors(2, status=503, method="GET", path=r".*/issues/1$")
    issue = await workbench.reader.get_issue(1)
    assert issue.number == 1
    assert len([r for r in loopback.requests if r.path.endswith("/issues/1")]) == 3


async def test_5xx_beyond_retries_is_a_clear_error(workbench, loopback):
    loopback.faults.server_errors(10, status=502, method="GET", path=r".*/issues/1$")
    with pytest.raises(GitHubError, match="HTTP 502"):
        await workbench.reader.get_issue(1)
    assert len([r for r in loopback.requests if r.path.endswith("/issues/1")]) == 4  # 1 + 3 retries


async def test_secondary_limit_waits_retry_after(workbench, loopback):
    loopback.faults.secondary_rate_limit(1, retry_after=1, method="GET", path=r".*/issues/1$")
    loop = asyncio.get_running_loop()
    start = loop.time()
    issue = await workbench.reader.get_issue(1)
    assert issue.number == 1
    assert loop.time() - start >= 0.9  # it honoured Retry-After


async def test_secondary_limit_too_long_is_an_error(workbench, loopback):
    loopback.faults.secondary_rate_limit(1, retry_after=3600, method="GET", path=r".*/issues/1$")
    with pytest.raises(GitHubError, match="secondary rate limit"):
        await workbench.reader.get_issue(1)


@pytest.mark.parametrize("status", [403, 429])
async def test_primary_limit_surfaces_at_once_with_reset_time(workbench, loopback, status):
    loopback.faults.primary_rate_limit(reset_in_s=1800, status=status, path=r".*/issues/1$")
    loop = asyncio.get_running_loop()
    start = loop.time()
    with pytest.raises(RateLimited) as info:
        await workbench.reader.get_issue(1)
    assert loop.time() - start < 30  # never the silent hour-long sleep of githubkit's default
    reset = info.value.reset_at
    assert reset is not None and (reset - datetime.now(timezone.utc)).total_seconds() > 1000


async def test_slow_response_times_out(loopback, tmp_path):
    from core.auth import Secret
    from core.config import Config
    from core.github.connection import Connection
    from core.github.reads import GitHubReader

    loopback.faults.slow(5.0, count=10, method="GET", path=r".*/issues/1$")
    conn = Connection(
        api_url=loopback.url,
        token=Secret("t"),
        repo=Config(repo="pytorch/pytorch").repo_ref,
        retry=RetryPolicy(max_retries=1, base_delay_s=0.01),
        timeout_s=0.3,
    )
    with pytest.raises(GitHubError, match="network error"):
        await GitHubReader(conn).get_issue(1)


async def test_rate_limit_headers_are_tracked(workbench):
    await workbench.reader.get_issue(1)
    current = workbench.rate_limit.current
    assert current.limit and current.remaining is not None and current.reset_at is not None
    assert workbench.rate_limit.requests >= 1


def test_enterprise_urls():
    from core.auth import Secret
    from core.github.connection import Connection
    from core.models import RepoRef

    ghe = Connection(api_url="https://ghe.example.com/api/v3", token=Secret("t"), repo=RepoRef("o", "r"))
    assert ghe.html_url(5) == "https://ghe.example.com/o/r/issues/5"
    assert ghe.reader.graphql._get_graphql_endpoint() == "https://ghe.example.com/api/graphql"
    dotcom = Connection(api_url="https://api.github.com", token=Secret("t"), repo=RepoRef("o", "r"))
    assert dotcom.html_url(5) == "https://github.com/o/r/issues/5"


async def test_primary_limit_sets_the_status_bar_countdown(workbench, loopback):
    loopback.faults.primary_rate_limit(reset_in_s=600, path=r".*/issues/1$")
    with pytest.raises(RateLimited):
        await workbench.fetch_thread(1)
    waiting = workbench.rate_limit.waiting_until
    assert waiting is not None and (waiting - datetime.now(timezone.utc)).total_seconds() > 500
