"""Scrub steps 1-2 (seed): fetch the issue, then actionability (closed, duplicate, not a bug,
unavailable hardware, stale) with the labels and plans the seed allows."""

from __future__ import annotations

from typing import AsyncIterator

from core.issue.markdown import parse_thread
from core.issue.signature import reported_error, signature_json
from core.issuefile import thread_to_json
from core.models import ErrorSignature, IssueThread

from . import report as R
from .actionability import assess
from .base import SessionBase
from .events import Note, ScrubEvent
from .similar import SimilarIssue, rank_similar, search_query


class FetchSteps(SessionBase):
    """Steps 1-2: fetch the thread, decide whether it is actionable."""

    async def _fetch_step(self, step: str) -> AsyncIterator[ScrubEvent]:
        if "thread" not in self.data:
            if self._fetch is None:
                raise RuntimeError("the session has no issue yet and no way to fetch it")
            thread = await self._fetch()
            self.wf.put("thread", thread_to_json(thread))
        thread = self.thread()
        self.wf.done(step, f"#{thread.issue.number}: {len(thread.comments)} comment(s), {thread.issue.state}")
        return
        yield  # pragma: no cover - makes this an async generator

    async def _similar(self, thread: IssueThread, signature: ErrorSignature | None) -> tuple[list[SimilarIssue], list[str]]:
        notes: list[str] = []
        found: list[SimilarIssue] = []
        if self._corpus is not None:
            try:
                found.extend(rank_similar(thread, self._corpus(), signature=signature))
            except Exception as exc:  # noqa: BLE001 - a ranking failure only loses a hint
                notes.append(f"local similar-issue ranking failed: {exc}")
        query = search_query(thread.issue.repo, thread, signature)
        if self._search is not None and query:
            try:
                hits = await self._search(query)
                seen = {f.number for f in found if f.source == "github"}
                for issue in hits[:10]:
                    if issue.number != thread.issue.number and issue.number not in seen:
                        seen.add(issue.number)
                        # GitHub gives no score: an exact-message hit is reported as 1.0.
                        found.append(SimilarIssue(issue.number, issue.title, issue.state, 1.0, "github"))
            except Exception as exc:  # noqa: BLE001 - search is a hint, GitHub may be unreachable
                notes.append(f"GitHub similar-issue search failed: {exc}")
        return found, notes

    async def _actionable(self, step: str) -> AsyncIterator[ScrubEvent]:
        thread = self.thread()
        issue = thread.issue
        if "actionability" not in self.data:
            reported = reported_error(parse_thread(thread))
            signature = reported.signature if reported else None
            similar, notes = await self._similar(thread, signature)
            for text in notes:
                yield Note(step, text)
            probe = await self._env_probe()
            gpus = None if probe.get("error") else (1 if probe.get("cuda_available") else 0)
            verdict = assess(thread, now=self._now(), env_gpus=gpus, env_gpu_name=probe.get("gpu"),
                             similar=tuple(similar), signature=self.options.signature)
            self.wf.put("actionability", verdict.to_json())
            self.wf.put("expected", signature_json(signature) if signature else None)
        a = self.data["actionability"]
        pending = self._labels_pending()

        if a["suggest_close"]:
            answer = self._answer("close_stale")
            if answer is None:
                plan = R.stale_close_plan(issue.repo, issue.number, issue.title, a["close_comment"])
                yield self._suggest("close as not planned", plan)
                self.wf.ask(step, "close_stale", "Close this old, quiet, underspecified issue as not planned?",
                            ("close", "keep"), {"reasons": a["reasons"], "plan": plan.to_json()})
                return
            if answer["choice"] == "close":
                plan = R.stale_close_plan(issue.repo, issue.number, issue.title, a["close_comment"])
                yield self._set_plan(plan)
                self.wf.stop(step, "closing as not planned (maintainer's choice)")
                return
        if a["actionable"]:
            older = [s for s in a["explicit_duplicates"]] + [
                s for s in a["similar"] if s["source"] == "github" and s["number"] < issue.number]
            if older:
                answer = self._answer("duplicate")
                if answer is None:
                    self.wf.ask(step, "duplicate", "Is this a duplicate of an earlier issue?",
                                ("duplicate", "not_duplicate"), {"candidates": older, "similar": a["similar"]})
                    return
                if answer["choice"] == "duplicate":
                    yield self._stop_with_plan(step, f"duplicate of #{older[0]['number']} (maintainer confirmed)")
                    return
            self.wf.done(step, f"actionable {a['kind']} report")
            return
        pending["add"] = list(dict.fromkeys([*pending["add"], *a["propose_labels"]]))
        self.wf.put("labels", pending)
        if a["runs_repro"]:
            self.wf.put("mode", "verify_behaviour")
            self.wf.done(step, "; ".join(a["reasons"]))
            return
        yield self._stop_with_plan(step, "; ".join(a["reasons"]))

