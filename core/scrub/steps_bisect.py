"""Scrub step 5a (seed): bisect the version environments for the flip, then look for the
fixing (or culprit) PR in the configured checkout.

Direction: a bug that no longer reproduces is searched for its fix (first version where it
passes). A bug that still reproduces is searched for its regression (first version where
it starts failing) when the issue claims one: "worked in 2.3", "after upgrading from X to
Y", "regression", or the ``module: regression`` label. Verdicts already known are not
measured again: the current environment's run, the version the issue was reported on, and
the version it is said to have worked on.

PR titles: with a ``pulls`` hook (``async (number) -> object with title/state/merged``,
e.g. :meth:`core.github.reads.GitHubReader.get_pull`), the top candidates' titles are
fetched concurrently; offline (no hook) they are skipped.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, AsyncIterator, Awaitable, Callable

from core.bisect import BisectResult, Outcome, bisect, version_key
from core.bisect.claims import version_claims
from core.issue.markdown import parse_thread

from .base import SessionBase
from .bisection import clear_winner, discover_version_envs, fixing_prs, known_verdicts, make_probe, pr_details
from .events import BisectProgress, Note, ScrubEvent, _bisect_json
from .options import _sig_from_json

PullFetch = Callable[[int], Awaitable[Any]]
TITLES_FETCHED = 5


class BisectSteps(SessionBase):
    """Step 5a: version bisection and the fixing PR."""

    def __init__(self, *args: Any, pulls: PullFetch | None = None, **hooks: Any) -> None:
        super().__init__(*args, **hooks)
        self._pulls = pulls

    def _direction(self, outcome: str) -> tuple[str | None, dict]:
        thread = self.thread()
        issue = thread.issue
        claims = version_claims(issue.title, issue.body, tuple(issue.labels))
        doc = {"reported": claims.reported, "worked": claims.worked, "regression": claims.regression}
        if outcome == "fixed":
            return "fix", doc
        current = (self.data.get("run") or {}).get("torch")
        if claims.worked and current and version_key(claims.worked) >= version_key(current):
            # "works on <the current version or newer>" is no regression of what fails here.
            return None, {**doc, "regression": False}
        return ("regression" if claims.regression else None), doc

    async def _bisect(self, step: str) -> AsyncIterator[ScrubEvent]:
        outcome = self.data.get("outcome")
        if self.data.get("mode") == "verify_behaviour" or outcome not in ("fixed", "reproduces") or self.data.get("outcome_source"):
            self.wf.skip(step, "nothing to bisect")
            return
        thread = self.thread()
        direction, claims = self._direction(outcome)
        if direction is None:
            self.wf.skip(step, "still reproduces and no regression is claimed: no version to find")
            return
        if "bisect" not in self.data:
            envs, notes = await discover_version_envs(self.options.extra)
            for text in notes:
                yield Note(step, text)
            if any(v.env.kind == "ssh" for v in envs) and self.options.sandbox != "off" and not self.options.allow_unsandboxed:
                yield Note(step, "ssh version environments run unsandboxed: they are marked broken unless "
                                 "[scrub] sandbox = \"off\" (or unsandboxed runs are allowed)")
            if not envs:
                self.wf.put("bisect", None)
            else:
                # The ordered candidates, saved first so a live view can lay out the whole timeline.
                self.wf.put("bisect_versions", [v.version for v in envs])
                run = self.data.get("run") or {}
                known = known_verdicts(
                    envs, direction=direction, current_env_key=self.options.env.key,
                    current_version=run.get("torch"),
                    current_outcome=Outcome.FIXED if outcome == "fixed" else Outcome.BUG,
                    reported=claims["reported"], worked=claims["worked"])
                probe = make_probe(self.code or "", _sig_from_json(self.data.get("expected")),
                                   timeout_s=self.options.timeout_s, sandbox=self.options.sandbox,
                                   allow_unsandboxed=self.options.allow_unsandboxed, launcher=self._launcher())
                result: BisectResult | None = None
                async for event in bisect(envs, probe, direction=direction, k=self.options.bisect_k,  # type: ignore[arg-type]
                                          known=known):
                    yield BisectProgress(event)
                    if isinstance(event, BisectResult):
                        result = event
                assert result is not None
                self.wf.put("bisect", {"versions": [v.version for v in envs], "claims": claims, **_bisect_json(result)})
        b = self.data["bisect"]
        if b is None:
            self.wf.skip(step, "no version environments (conda envs matching the pattern, [scrub.versions], [scrub.ssh.HOST])")
            return
        if b["first_after"] and b["last_before"]:
            summary = (f"fixed between {b['last_before']} and {b['first_after']}" if direction == "fix"
                       else f"started failing in {b['first_after']} (worked in {b['last_before']})")
        else:
            summary = b["reason"] or "no flip found"
        if "fixing_pr" not in self.data:
            fix_doc = None
            if b["first_after"] and b["last_before"] and self.options.checkout is not None:
                analysis = self.data["analysis"]
                evidence = (analysis.get("reported_error_evidence") or {}).get("text", "")
                traceback = "\n".join(b_.code for b_ in parse_thread(thread).blocks if "Traceback" in b_.code) or evidence
                expected = self.data.get("expected") or {}
                try:
                    search = await fixing_prs(Path(self.options.checkout), b["last_before"], b["first_after"],
                                              traceback=traceback, message=expected.get("message_substring"),
                                              direction=direction)
                    fix_doc = {"direction": direction, "base": search.base, "head": search.head, "note": search.note,
                               "files": list(search.files), "terms": list(search.terms),
                               "pr": clear_winner(search),
                               "candidates": [{"sha": c.sha, "subject": c.subject, "pr": c.pr, "score": c.score,
                                               "evidence": list(c.evidence)} for c in search.candidates]}
                except Exception as exc:  # noqa: BLE001 - PR identification is best effort (seed)
                    fix_doc = {"direction": direction, "error": str(exc), "pr": None, "candidates": []}
                if fix_doc["candidates"]:
                    async for event in self._add_titles(step, fix_doc):
                        yield event
            elif self.options.checkout is None:
                yield Note(step, "no PyTorch checkout configured: reporting the version range only")
            self.wf.put("fixing_pr", fix_doc)
        fix = self.data["fixing_pr"]
        if fix and fix.get("pr"):
            summary += f"; fixing PR #{fix['pr']}" if direction == "fix" else f"; culprit PR #{fix['pr']}"
        self.wf.done(step, summary)

    async def _add_titles(self, step: str, fix_doc: dict) -> AsyncIterator[ScrubEvent]:
        """Each candidate with a PR number gets ``title``/``state``/``merged`` (or ``title_error``)."""
        numbers = [c["pr"] for c in fix_doc["candidates"] if c.get("pr")]
        if not numbers:
            return
        if self._pulls is None:
            fix_doc["titles"] = "skipped (offline)"
            yield Note(step, "PR titles not fetched: no GitHub connection (offline)")
            return
        details = await pr_details(numbers, self._pulls, limit=TITLES_FETCHED)
        fix_doc["titles"] = "fetched"
        for c in fix_doc["candidates"]:
            got = details.get(c.get("pr"))
            if got is None:
                continue
            if "error" in got:
                c["title_error"] = got["error"]
            else:
                c.update({"title": got["title"], "state": got["state"], "merged": got["merged"]})
