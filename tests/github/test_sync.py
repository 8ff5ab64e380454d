"""Queue sync by GraphQL: request counts, incremental cursors, section membership."""

from __future__ import annotations

from githubkit import GitHub

from core.loopback import LoopbackServer, LoopbackState, synthetic_dataset
from core.models import QueueSection
from tests.conftest import make_workbench


def _open_issue_count(data) -> int:
    return sum(1 for i in data["issues"] if i["state"] == "open" and not i.get("is_pull_request"))


async def test_full_sync_of_1000_issues_is_cheap(tmp_path):
    data = synthetic_dataset(1000, seed=3)
    for issue in data["issues"]:
        issue["state"], issue["state_reason"], issue["closed_at"] = "open", None, None
        issue["is_pull_request"] = False
    with LoopbackServer(LoopbackState.from_dataset(data)) as server:
        wb = make_workbench(server, tmp_path)
        section = QueueSection("All open", "repo:pytorch/pytorch is:issue is:open")
        stats = await wb.sync_section(section)
        assert stats.fetched == 1000
        assert stats.requests == len(server.requests) == 10  # pages of 100
        assert stats.requests <= 15
        assert len(wb.section_issues("All open")) == 1000
        await wb.aclose()


async def test_incremental_sync_adds_changes_and_drops_leavers(loopback, tmp_path):
    wb = make_workbench(loopback, tmp_path)
    section = QueueSection("Untriaged", "repo:pytorch/pytorch is:issue is:open -label:triaged")
    first = await wb.sync_section(section)
    assert not first.incremental
    before = {i.number for i in wb.section_issues("Untriaged")}
    assert before == {1, 2, 3, 6, 7, 8, 9}

    # Someone else triages #2 and renames #1 on GitHub.
    gh = GitHub("other-user-token", base_url=loopback.url + "/", auto_retry=False, http_cache=False)
    await gh.rest.issues.async_add_labels("pytorch", "pytorch", 2, data={"labels": ["triaged"]})
    await gh.rest.issues.async_update("pytorch", "pytorch", 1, data={"title": "Linear layer crashes (renamed)"})
    loopback.clear_requests()

    second = await wb.sync_section(section)
    assert second.incremental
    assert second.requests == len(loopback.requests) == 2  # section query + repo-wide changes
    after = {i.number: i for i in wb.section_issues("Untriaged")}
    assert 2 not in after
    assert after[1].title.endswith("(renamed)")
    assert "triaged" in wb.store.issues.get("pytorch/pytorch", 2).labels
    await wb.aclose()


async def test_changed_query_forces_full_sync(loopback, tmp_path):
    wb = make_workbench(loopback, tmp_path)
    await wb.sync_section(QueueSection("S", "repo:pytorch/pytorch is:issue is:open"))
    stats = await wb.sync_section(QueueSection("S", "repo:pytorch/pytorch is:issue is:closed"))
    assert not stats.incremental
    assert {i.number for i in wb.section_issues("S")} == {4}
    await wb.aclose()
