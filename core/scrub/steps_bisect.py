"""Scrub step 5a (seed): bisect the version environments for the flip, then look for the
fixing (or culprit) PR in the configured checkout."""

from __future__ import annotations

import re
from pathlib import Path
from typing import AsyncIterator

from core.bisect import BisectResult, bisect
from core.issue.markdown import parse_thread

from .base import SessionBase
from .bisection import clear_winner, discover_version_envs, fixing_prs, make_probe
from .events import BisectProgress, Note, ScrubEvent, _bisect_json
from .options import _sig_from_json

_REGRESSION = re.compile(r"\bregression\b|\bused to work\b|\bworked (?:fine |well )?(?:in|on|with) (?:pytorch |torch )?\d", re.I)


class BisectSteps(SessionBase):
    """Step 5a: version bisection and the fixing PR."""

    async def _bisect(self, step: str) -> AsyncIterator[ScrubEvent]:
        outcome = self.data.get("outcome")
        if self.data.get("mode") == "verify_behaviour" or outcome not in ("fixed", "reproduces") or self.data.get("outcome_source"):
            self.wf.skip(step, "nothing to bisect")
            return
        thread = self.thread()
        if outcome == "fixed":
            direction = "fix"
        elif _REGRESSION.search(f"{thread.issue.title}\n{thread.issue.body or ''}"):
            direction = "regression"
        else:
            self.wf.skip(step, "still reproduces and no regression is claimed: no version to find")
            return
        if "bisect" not in self.data:
            envs, notes = await discover_version_envs(self.options.extra)
            for text in notes:
                yield Note(step, text)
            if not envs:
                self.wf.put("bisect", None)
            else:
                # The ordered candidates, saved first so a live view can lay out the whole timeline.
                self.wf.put("bisect_versions", [v.version for v in envs])
                probe = make_probe(self.code or "", _sig_from_json(self.data.get("expected")),
                                   timeout_s=self.options.timeout_s, sandbox=self.options.sandbox,
                                   allow_unsandboxed=self.options.allow_unsandboxed)
                result: BisectResult | None = None
                async for event in bisect(envs, probe, direction=direction, k=self.options.bisect_k):  # type: ignore[arg-type]
                    yield BisectProgress(event)
                    if isinstance(event, BisectResult):
                        result = event
                assert result is not None
                self.wf.put("bisect", {"versions": [v.version for v in envs], **_bisect_json(result)})
        b = self.data["bisect"]
        if b is None:
            self.wf.skip(step, "no version environments (conda envs matching the pattern, or [scrub.versions])")
            return
        summary = (f"{'fixed' if direction == 'fix' else 'broke'} between {b['last_before']} and {b['first_after']}"
                   if b["first_after"] and b["last_before"] else (b["reason"] or "no flip found"))
        if "fixing_pr" not in self.data:
            fix_doc = None
            if b["first_after"] and b["last_before"] and self.options.checkout is not None:
                analysis = self.data["analysis"]
                evidence = (analysis.get("reported_error_evidence") or {}).get("text", "")
                traceback = "\n".join(b_.code for b_ in parse_thread(thread).blocks if "Traceback" in b_.code) or evidence
                expected = self.data.get("expected") or {}
                try:
                    search = await fixing_prs(Path(self.options.checkout), b["last_before"], b["first_after"],
                                              traceback=traceback, message=expected.get("message_substring"))
                    fix_doc = {"base": search.base, "head": search.head, "note": search.note,
                               "files": list(search.files), "terms": list(search.terms),
                               "pr": clear_winner(search),
                               "candidates": [{"sha": c.sha, "subject": c.subject, "pr": c.pr, "score": c.score,
                                               "evidence": list(c.evidence)} for c in search.candidates]}
                except Exception as exc:  # noqa: BLE001 - PR identification is best effort (seed)
                    fix_doc = {"error": str(exc), "pr": None, "candidates": []}
            elif self.options.checkout is None:
                yield Note(step, "no PyTorch checkout configured: reporting the version range only")
            self.wf.put("fixing_pr", fix_doc)
        fix = self.data["fixing_pr"]
        if fix and fix.get("pr"):
            summary += f"; fixing PR #{fix['pr']}" if direction == "fix" else f"; culprit PR #{fix['pr']}"
        self.wf.done(step, summary)

