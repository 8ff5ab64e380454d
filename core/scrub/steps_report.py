"""Scrub step 8 (seed): draft the comment and the write plan, let the maintainer edit it, and
export the session's findings as JSON."""

from __future__ import annotations

from typing import AsyncIterator

from core.gate.plan import WritePlan

from . import report as R
from .base import SessionBase
from .events import ScrubEvent


class ReportSteps(SessionBase):
    """Step 8: the drafted report and the session's findings."""

    async def _report(self, step: str) -> AsyncIterator[ScrubEvent]:
        thread = self.thread()
        issue = thread.issue
        pending = self._labels_pending()
        outcome = self.data.get("outcome")
        run = self.data.get("run") or {}
        verify = self.data.get("mode") == "verify_behaviour"
        findings: list[str] = []
        trivial = self.data.get("trivial_fix")
        if trivial and trivial.get("fixes"):
            state = "applied" if trivial.get("applied") else "not applied (declined)"
            findings.append(f"trivial fix ({state}): remove stale markers in "
                            + ", ".join(f["path"] for f in trivial["fixes"]))
        if run.get("hint"):
            findings.append(run["hint"])
        if outcome not in ("reproduces", "fixed"):
            plan = R.stop_plan(issue.repo, issue.number, issue.title, issue.labels, add=list(pending["add"]),
                               remove=list(pending["remove"]), closed=issue.state == "closed",
                               note="no run result to report")
            self.wf.put("report", {"comment": None, "findings": findings, "next": "review the analysis"})
            yield self._set_plan(plan)
            self.wf.done(step, "nothing was run: only label changes are proposed")
            return
        minimized = self.data.get("minimized_code")
        changed = minimized or (self.code if self.data.get("modernized") else None)
        if self.data.get("outcome_source") and not changed:
            # A recent comment already says it reproduces: don't repeat it on the issue.
            plan = R.stop_plan(issue.repo, issue.number, issue.title, issue.labels, add=list(pending["add"]),
                               remove=list(pending["remove"]), closed=False,
                               note=f"already confirmed by {self.data['outcome_source']}")
            self.wf.put("report", {"comment": None, "findings": findings, "next": "still a valid bug (confirmed recently)"})
            yield self._set_plan(plan)
            self.wf.done(step, "confirmed recently; nothing new to post")
            return
        fix = self.data.get("fixing_pr") or {}
        b = self.data.get("bisect") or {}
        facts = R.ReportFacts(
            outcome="persists" if verify and outcome == "reproduces" else outcome,
            torch_version=run.get("torch") or (self.data.get("probe") or {}).get("torch"),
            python_version=run.get("python"),
            fixed_by_pr=fix.get("pr") if outcome == "fixed" and b.get("direction") == "fix" else None,
            changed_repro=changed,
            changed_how="Minimized" if minimized else "Updated",
            conditions=tuple(self.data.get("conditions") or ()),
            flaky_ratio=run.get("ratio") if run.get("flaky") else None,
            **self._regression_facts(outcome, b, fix),
        )
        comment = R.draft_comment(facts, self.options.signature)
        close_version = None
        if outcome == "fixed" and not verify:
            close_version = b.get("first_after") or facts.torch_version or "the current release"
        plan = R.report_plan(issue.repo, issue.number, issue.title, issue.labels, comment=comment,
                             add=list(pending["add"]), remove=list(pending["remove"]), close_version=close_version)
        if minimized:
            self._repro_path().write_text(minimized, encoding="utf-8")
            findings.append(f"minimized repro saved to {self._repro_path()}")
        nxt = "appears fixed: close" if close_version else ("still a valid bug" if not verify else "behaviour persists")
        self.wf.put("report", {"comment": comment, "findings": findings, "next": nxt,
                               "facts": {"outcome": facts.outcome, "torch": facts.torch_version,
                                         "fixed_by_pr": facts.fixed_by_pr, "flaky_ratio": facts.flaky_ratio,
                                         "started_failing_in": facts.started_failing_in,
                                         "culprit_pr": facts.culprit_pr}})
        yield self._set_plan(plan)
        self.wf.done(step, nxt)

    @staticmethod
    def _regression_facts(outcome: str, b: dict, fix: dict) -> dict:
        """A regression bisection that found its flip: where it started failing, and the culprit PR."""
        if outcome != "reproduces" or b.get("direction") != "regression" or not (b.get("first_after") and b.get("last_before")):
            return {}
        return {"started_failing_in": b["first_after"], "last_worked_in": b["last_before"], "culprit_pr": fix.get("pr")}

    def edit_report(self, comment: str) -> WritePlan:
        """Replace the drafted comment (the maintainer edited it) and return the new plan."""
        plan = self.plan
        if plan is None:
            raise ValueError("no plan drafted yet")
        from core.gate.plan import PostComment

        actions = list(plan.actions)
        for i, a in enumerate(actions):
            if isinstance(a, PostComment):
                actions[i] = PostComment(comment)
                break
        new = WritePlan(plan.repo, plan.number, tuple(actions), plan.title, plan.origin, plan.notes)
        report = dict(self.data.get("report") or {})
        report["comment"] = comment
        self.wf.put("report", report)
        self._set_plan(new)
        return new

    def record_sent(self, result: dict) -> None:
        """Remember what the write gate did with the plan (a resumed session shows it, and
        does not offer to send the same plan twice once it went out)."""
        self.wf.put("sent", {"plan_digest": (self.plan.digest if self.plan else None), **result})

    @property
    def sent(self) -> dict | None:
        """The recorded result of sending the current plan (None: not sent, or the plan changed since)."""
        doc = self.data.get("sent")
        if not doc or self.plan is None or doc.get("plan_digest") != self.plan.digest:
            return None
        return doc

    # -- output -------------------------------------------------------------------------------

    def findings(self) -> dict:
        """The session as one JSON document (the CLI's ``--json``)."""
        d = self.data
        issue = d.get("thread") or {}
        act = d.get("actionability")
        return {
            "session": self.id,
            "issue": {"repo": self.wf.repo, "number": self.number, "title": issue.get("title"),
                      "state": issue.get("state")},
            "steps": [s.to_json() for s in self.wf.steps],
            "gate": self.wf.gate.to_json() if self.wf.gate else None,
            "choices": [{k: v for k, v in c.items() if k != "code"} for c in self.wf.choices],
            "finished": self.wf.finished,
            "actionability": None if act is None else {
                "kind": act["kind"], "actionable": act["actionable"], "reasons": act["reasons"],
                "stop_reason": act["stop_reason"], "evidence": act["evidence"],
                "propose_labels": act["propose_labels"], "duplicate_of": act["duplicate_of"],
                "resolved_by_pr": act["resolved_by_pr"], "suggest_close": act["suggest_close"],
                "similar": act["similar"], "explicit_duplicates": act["explicit_duplicates"],
            },
            "expected": d.get("expected"),
            "analysis": d.get("analysis"),
            "missing_imports": d.get("missing_imports"),
            "safety": d.get("safety"),
            "recent_verification": d.get("recent"),
            "environment": {"name": self.options.env.name, "probe": d.get("probe")},
            "run": d.get("run"),
            "outcome": d.get("outcome"),
            "bisect": d.get("bisect"),
            "fixing_pr": d.get("fixing_pr"),
            "minimize": d.get("minimize"),
            "trivial_fix": d.get("trivial_fix"),
            "report": d.get("report"),
            "plan": d.get("plan"),
            "suggested_plans": d.get("suggested_plans", []),
        }
