"""The write executor: the only code that sends writes to GitHub.

For a confirmed plan it: refuses locked issues; saves the viewer's subscription before
the first write; sends the actions in order (never a comment that the viewer already
posted, checked again before any retry); appends one audit row per action; and, after
the last write, restores the subscription — also when a write in the middle failed —
unless the plan closed the issue.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Literal

from ..errors import GitHubError, NotFound, PlanRefused
from ..github.connection import Connection
from ..github.reads import GitHubReader
from ..github.writes import GitHubWriter
from ..models import Subscription
from ..store.audit import AuditLog
from .plan import (
    AddLabels,
    CloseIssue,
    Confirmation,
    PostComment,
    RemoveLabel,
    WriteAction,
    WritePlan,
    action_payload,
    digest,
)

OutcomeStatus = Literal["sent", "skipped_duplicate", "skipped_absent", "failed", "not_sent", "dry_run"]


@dataclass(frozen=True, slots=True)
class ActionOutcome:
    action: WriteAction
    status: OutcomeStatus
    error: str | None = None


@dataclass(slots=True)
class PlanResult:
    plan: WritePlan
    outcomes: list[ActionOutcome] = field(default_factory=list)
    refused: str | None = None
    warnings: list[str] = field(default_factory=list)
    subscription_before: Subscription | None = None
    subscription_after: Subscription | None = None
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return self.refused is None and all(o.status not in ("failed", "not_sent") for o in self.outcomes)

    @property
    def sent(self) -> list[ActionOutcome]:
        return [o for o in self.outcomes if o.status == "sent"]

    def to_json(self) -> dict:
        return {
            "plan": self.plan.to_json(),
            "ok": self.ok,
            "dry_run": self.dry_run,
            "refused": self.refused,
            "outcomes": [
                {"action": action_payload(o.action), "status": o.status, "error": o.error} for o in self.outcomes
            ],
            "warnings": list(self.warnings),
            "subscription_before": self.subscription_before.value if self.subscription_before else None,
            "subscription_after": self.subscription_after.value if self.subscription_after else None,
        }


def _same_body(a: str, b: str) -> bool:
    return a.strip().replace("\r\n", "\n") == b.strip().replace("\r\n", "\n")


class WriteGate:
    def __init__(
        self,
        conn: Connection,
        audit: AuditLog,
        *,
        subscription_wait_s: float = 10.0,
        subscription_poll_s: float = 0.5,
        write_retries: int = 2,
        retry_delay_s: float = 1.0,
    ):
        self.conn = conn
        self.reader = GitHubReader(conn)
        self.writer = GitHubWriter(conn)
        self.audit = audit
        self.subscription_wait_s = subscription_wait_s
        self.subscription_poll_s = subscription_poll_s
        self.write_retries = write_retries
        self.retry_delay_s = retry_delay_s

    async def execute(self, plan: WritePlan, confirmation: Confirmation | None, *, dry_run: bool = False) -> PlanResult:
        """Execute ``plan``. Without a matching confirmation, raises :class:`PlanRefused`."""
        result = PlanResult(plan, dry_run=dry_run)
        if dry_run:
            result.outcomes = [ActionOutcome(a, "dry_run") for a in plan.actions]
            return result
        if confirmation is None or confirmation.plan_digest != plan.digest:
            raise PlanRefused("this plan was not confirmed: nothing was sent")
        if str(self.conn.repo) != plan.repo:
            raise PlanRefused(f"plan targets {plan.repo}, but this connection is for {self.conn.repo}")
        if plan.empty:
            return result

        issue = await self.reader.get_issue(plan.number)
        if issue.locked:
            result.refused = f"#{plan.number} is locked: GitHub refuses writes to locked issues; nothing was sent"
            result.outcomes = [ActionOutcome(a, "not_sent") for a in plan.actions]
            self._audit(plan, "plan", {"actions": len(plan.actions)}, "refused", result.refused)
            return result

        node_id: str | None = issue.node_id or None
        try:
            node_id, result.subscription_before = await self.reader.subscription(plan.number)
        except GitHubError as exc:
            result.warnings.append(f"could not save the notification subscription ({exc}); it will not be restored")

        closed = False
        try:
            viewer = await self._viewer(result)
            failed = False
            for action in plan.actions:
                if failed:
                    result.outcomes.append(ActionOutcome(action, "not_sent"))
                    continue
                outcome = await self._send(plan, action, viewer)
                result.outcomes.append(outcome)
                failed = outcome.status == "failed"
                closed = closed or (isinstance(action, CloseIssue) and outcome.status == "sent")
        finally:
            # Runs even when a write failed or the task was cancelled mid-plan.
            if closed:
                result.warnings.append("issue closed: subscription left as is, to follow replies to the closure")
            elif result.subscription_before is not None and node_id and any(
                o.status == "sent" for o in result.outcomes
            ):
                await self._restore(plan, node_id, result)
        return result

    async def _viewer(self, result: PlanResult) -> str | None:
        try:
            return await self.conn.viewer()
        except GitHubError as exc:
            result.warnings.append(f"could not identify the viewer ({exc}); duplicate check compares bodies only")
            return None

    async def _comment_exists(self, number: int, body: str, viewer: str | None) -> bool:
        comments = await self.reader.list_comments(number)
        return any(_same_body(c.body, body) and (viewer is None or c.author == viewer) for c in comments)

    async def _send(self, plan: WritePlan, action: WriteAction, viewer: str | None) -> ActionOutcome:
        payload = action_payload(action)
        attempts = self.write_retries + 1
        last_error = ""
        for attempt in range(attempts):
            try:
                if isinstance(action, PostComment):
                    # Checked before the first attempt and again before every retry: a
                    # request that timed out may still have created the comment.
                    if await self._comment_exists(plan.number, action.body, viewer):
                        self._audit(plan, action.kind, payload, "skipped_duplicate")
                        return ActionOutcome(action, "skipped_duplicate")
                    await self.writer.create_comment(plan.number, action.body)
                elif isinstance(action, AddLabels):
                    await self.writer.add_labels(plan.number, list(action.labels))
                elif isinstance(action, RemoveLabel):
                    try:
                        await self.writer.remove_label(plan.number, action.label)
                    except NotFound:
                        self._audit(plan, action.kind, payload, "skipped_absent")
                        return ActionOutcome(action, "skipped_absent")
                elif isinstance(action, CloseIssue):
                    await self.writer.close(plan.number, action.reason)
                self._audit(plan, action.kind, payload, "sent")
                return ActionOutcome(action, "sent")
            except GitHubError as exc:
                last_error = str(exc)
                transient = exc.status is None or exc.status >= 500
                if not transient or attempt == attempts - 1:
                    break
                await asyncio.sleep(self.retry_delay_s * (attempt + 1))
        self._audit(plan, action.kind, payload, "failed", last_error)
        return ActionOutcome(action, "failed", last_error)

    async def _restore(self, plan: WritePlan, node_id: str, result: PlanResult) -> None:
        saved = result.subscription_before
        assert saved is not None
        try:
            if saved is Subscription.SUBSCRIBED:
                result.subscription_after = saved
                return
            # GitHub auto-subscribes the writer, possibly a moment later: wait (bounded)
            # until that shows, or a restore made too early would be overwritten.
            loop = asyncio.get_running_loop()
            deadline = loop.time() + self.subscription_wait_s
            current = None
            while True:
                _, current = await self.reader.subscription(plan.number)
                if current is Subscription.SUBSCRIBED or loop.time() >= deadline:
                    break
                await asyncio.sleep(self.subscription_poll_s)
            if current is not Subscription.SUBSCRIBED:
                result.warnings.append("GitHub did not show the auto-subscription in time; restoring anyway")
            result.subscription_after = await self.writer.update_subscription(node_id, saved)
            self._audit(plan, "subscription_restore", {"state": saved.value}, "sent")
        except GitHubError as exc:
            result.warnings.append(f"could not restore the notification subscription ({exc})")
            self._audit(plan, "subscription_restore", {"state": saved.value}, "failed", str(exc))

    def _audit(self, plan: WritePlan, action: str, payload: dict, result: str, error: str | None = None) -> None:
        self.audit.append(
            repo=plan.repo,
            issue=plan.number,
            action=action,
            payload_digest=digest(payload),
            result=result,
            error=error,
            detail=_detail(payload),
        )


def _detail(payload: dict) -> str:
    """A short human summary for the audit screen (never the full comment text)."""
    kind = payload.get("kind")
    if kind == "add_labels":
        return ", ".join(payload["labels"])
    if kind == "remove_label":
        return payload["label"]
    if kind == "comment":
        return f"{len(payload['body'])} chars"
    if kind == "close":
        return payload["reason"]
    if "state" in payload:
        return payload["state"]
    return ""
