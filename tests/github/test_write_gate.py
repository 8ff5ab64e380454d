"""The write gate against the loopback server: what GitHub receives, in what order."""

from __future__ import annotations

import pytest

from core.errors import PlanRefused
from core.gate.plan import AddLabels, CloseIssue, Confirmation, PostComment, RemoveLabel, WritePlan
from core.models import Subscription
from tests.conftest import writes


def confirmed(plan):
    return Confirmation.for_plan(plan, "cli --yes")


def comment_posts(server):
    return [r for r in writes(server) if r.method == "POST" and r.path.endswith("/comments")]


async def test_unconfirmed_plan_sends_nothing(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 2, (PostComment("hello"),))
    with pytest.raises(PlanRefused):
        await workbench.execute(plan, None)
    other = WritePlan("pytorch/pytorch", 2, (PostComment("something else"),))
    with pytest.raises(PlanRefused):
        await workbench.execute(plan, confirmed(other))  # a confirmation is for one plan only
    assert writes(loopback) == []
    assert workbench.audit_entries() == []


async def test_dry_run_sends_nothing(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 2, (AddLabels(("triaged",)), PostComment("hello")))
    result = await workbench.execute(plan, None, dry_run=True)
    assert [o.status for o in result.outcomes] == ["dry_run", "dry_run"]
    assert writes(loopback) == []


async def test_comment_with_subscription_restore_and_audit(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 2, (AddLabels(("triaged", "bug")), PostComment("Still reproduces.")))
    result = await workbench.execute(plan, confirmed(plan))
    assert result.ok, result
    sent = writes(loopback)
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in sent] == [
        ("POST", "labels"),
        ("POST", "comments"),
        ("POST", "graphql"),
    ]
    assert sent[0].json_body == {"labels": ["triaged", "bug"]}  # one batched call
    assert sent[1].json_body == {"body": "Still reproduces."}
    assert "updateSubscription" in sent[2].json_body["query"]
    assert sent[2].json_body["variables"]["state"] == "UNSUBSCRIBED"
    assert result.subscription_before is Subscription.UNSUBSCRIBED
    assert result.subscription_after is Subscription.UNSUBSCRIBED
    assert loopback.state.subscription(2) == "UNSUBSCRIBED"
    # The restore is the last write (only the cache refresh reads come after it).
    last_write = max(i for i, r in enumerate(loopback.requests) if r in sent)
    assert loopback.requests[last_write] == sent[2]
    assert all(r.method == "GET" for r in loopback.requests[last_write + 1 :])
    actions = [(e.action, e.result) for e in reversed(workbench.audit_entries())]
    assert actions == [("add_labels", "sent"), ("comment", "sent"), ("subscription_restore", "sent")]
    # The cache was refreshed after the write.
    assert "triaged" in workbench.cached_thread(2).issue.labels


async def test_restore_waits_for_delayed_auto_subscription(workbench, loopback):
    loopback.state.subscription_delay_s = 0.4
    plan = WritePlan("pytorch/pytorch", 6, (PostComment("hi"),))
    result = await workbench.execute(plan, confirmed(plan))
    assert result.ok
    assert result.subscription_before is Subscription.IGNORED
    # Had the restore run before the auto-subscription landed, the late subscription
    # would overwrite it. Wait past the delay and check it held.
    import asyncio

    await asyncio.sleep(0.5)
    assert loopback.state.subscription(6) == "IGNORED"


async def test_already_subscribed_needs_no_restore(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 7, (AddLabels(("bug",)),))
    result = await workbench.execute(plan, confirmed(plan))
    assert result.ok
    assert [r.path.rsplit("/", 1)[-1] for r in writes(loopback)] == ["labels"]
    assert loopback.state.subscription(7) == "SUBSCRIBED"


async def test_close_skips_restore(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 2, (PostComment("Fixed in 2.13."), CloseIssue("completed")))
    result = await workbench.execute(plan, confirmed(plan))
    assert result.ok
    methods = [r.method for r in writes(loopback)]
    assert methods == ["POST", "PATCH"]
    assert writes(loopback)[1].json_body == {"state": "closed", "state_reason": "completed"}
    assert loopback.state.subscription(2) == "SUBSCRIBED"
    assert any("subscription left as is" in w for w in result.warnings)


async def test_locked_issue_is_refused(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 3, (PostComment("hi"), AddLabels(("triaged",))))
    result = await workbench.execute(plan, confirmed(plan))
    assert result.refused and "locked" in result.refused
    assert not result.ok
    assert writes(loopback) == []
    assert workbench.audit_entries()[0].result == "refused"


async def test_duplicate_comment_is_not_posted(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 2, (PostComment("Same text"),))
    await workbench.execute(plan, confirmed(plan))
    loopback.clear_requests()
    result = await workbench.execute(plan, confirmed(plan))
    assert [o.status for o in result.outcomes] == ["skipped_duplicate"]
    assert comment_posts(loopback) == []
    bodies = [c.body for c in loopback.state.get_issue(2).comments]
    assert bodies.count("Same text") == 1


async def test_comment_retried_after_5xx_lands_once(workbench, loopback):
    loopback.faults.server_errors(1, status=502, method="POST", path=r".*/comments$")
    plan = WritePlan("pytorch/pytorch", 2, (PostComment("retry me"),))
    result = await workbench.execute(plan, confirmed(plan))
    assert result.ok
    assert len(comment_posts(loopback)) == 2  # the 502 and the retry
    bodies = [c.body for c in loopback.state.get_issue(2).comments]
    assert bodies.count("retry me") == 1


async def test_failure_mid_plan_still_restores(workbench, loopback):
    loopback.faults.force_status(422, 1, method="POST", path=r".*/labels$")
    plan = WritePlan("pytorch/pytorch", 2, (PostComment("first"), AddLabels(("bug",)), CloseIssue("completed")))
    result = await workbench.execute(plan, confirmed(plan))
    assert [o.status for o in result.outcomes] == ["sent", "failed", "not_sent"]
    assert not result.ok
    assert loopback.state.get_issue(2).state == "open"  # the close never went out
    assert "updateSubscription" in writes(loopback)[-1].json_body["query"]
    assert loopback.state.subscription(2) == "UNSUBSCRIBED"
    results = {e.action: e.result for e in workbench.audit_entries()}
    assert results == {"comment": "sent", "add_labels": "failed", "subscription_restore": "sent"}


async def test_failed_subscription_save_is_a_warning(workbench, loopback):
    loopback.faults.server_errors(10, status=503, method="POST", path=r"^/graphql$")
    plan = WritePlan("pytorch/pytorch", 2, (AddLabels(("bug",)),))
    result = await workbench.execute(plan, confirmed(plan))
    assert result.ok
    assert any("could not save" in w for w in result.warnings)
    assert "bug" in loopback.state.get_issue(2).labels


async def test_triaged_refresh_is_two_calls(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 5, (RemoveLabel("triaged"), AddLabels(("triaged",))))
    result = await workbench.execute(plan, confirmed(plan))
    assert result.ok
    label_calls = [r for r in writes(loopback) if "/labels" in r.path]
    assert [r.method for r in label_calls] == ["DELETE", "POST"]
    assert label_calls[0].path.endswith("/labels/triaged")
    assert "triaged" in loopback.state.get_issue(5).labels


async def test_removing_absent_label_is_reported(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 2, (RemoveLabel("needs reproduction"),))
    result = await workbench.execute(plan, confirmed(plan))
    assert [o.status for o in result.outcomes] == ["skipped_absent"]


async def test_label_names_with_spaces_and_colons(workbench, loopback):
    plan = WritePlan("pytorch/pytorch", 9, (RemoveLabel("oncall: distributed"), AddLabels(("oncall: distributed",))))
    result = await workbench.execute(plan, confirmed(plan))
    assert result.ok, result.outcomes
    assert "oncall: distributed" in loopback.state.get_issue(9).labels
