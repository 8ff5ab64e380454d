"""``GET /repos/{owner}/{repo}/pulls/{n}``: answers what githubkit's own PullRequest model parses."""

from __future__ import annotations

from typing import Any

import pytest
from githubkit import GitHub
from githubkit.exception import RequestFailed

from core.loopback import LoopbackServer, LoopbackState

from .conftest import OWNER, REPO, make_dataset


@pytest.fixture
async def gh_pulls():
    data = make_dataset()
    data["pulls"] = [
        {"number": 12345, "title": "Implement addmm for Half on CPU", "user": "kernel-dev",
         "created_at": "2024-02-01T00:00:00Z", "merged_at": "2024-02-03T00:00:00Z"},
        {"number": 23456, "title": "[WIP] try another layout", "state": "open", "merged": False},
        {"number": 34567, "title": "Abandoned idea", "state": "closed", "merged": False},
    ]
    with LoopbackServer(LoopbackState.from_dataset(data)) as server:
        async with GitHub("test-token", base_url=server.url, auto_retry=False) as client:
            yield client


async def test_merged_pull_parses(gh_pulls: GitHub[Any]) -> None:
    resp = await gh_pulls.rest.pulls.async_get(OWNER, REPO, 12345)
    pr = resp.parsed_data
    assert (pr.number, pr.title, pr.state, pr.merged) == (12345, "Implement addmm for Half on CPU", "closed", True)
    assert pr.merged_at is not None and pr.user.login == "kernel-dev"
    assert pr.html_url.endswith(f"/{OWNER}/{REPO}/pull/12345")
    assert pr.base.repo.full_name == f"{OWNER}/{REPO}" and len(pr.head.sha) == 40


async def test_open_and_closed_unmerged_pulls(gh_pulls: GitHub[Any]) -> None:
    open_pr = (await gh_pulls.rest.pulls.async_get(OWNER, REPO, 23456)).parsed_data
    assert open_pr.state == "open" and open_pr.merged is False and open_pr.merged_at is None
    closed = (await gh_pulls.rest.pulls.async_get(OWNER, REPO, 34567)).parsed_data
    assert closed.state == "closed" and closed.merged is False and closed.closed_at is not None


async def test_an_issue_record_that_is_a_pr_answers_too(gh_pulls: GitHub[Any]) -> None:
    pr = (await gh_pulls.rest.pulls.async_get(OWNER, REPO, 5)).parsed_data  # "Fix svd gradient" (is_pull_request)
    assert pr.title == "Fix svd gradient" and pr.state == "open" and pr.merged is False


@pytest.mark.parametrize("owner, number", [(OWNER, 1), (OWNER, 999), ("someone", 12345)])
async def test_not_a_pull_is_404(gh_pulls: GitHub[Any], owner: str, number: int) -> None:
    with pytest.raises(RequestFailed) as exc:
        await gh_pulls.rest.pulls.async_get(owner, REPO, number)
    assert exc.value.response.status_code == 404
