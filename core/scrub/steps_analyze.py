"""Scrub step 3 (seed): is there a reasonable repro (``needs reproduction``, missing packages),
then the security review gate before anything runs."""

from __future__ import annotations

from typing import AsyncIterator

from core.issue.report import analysis_json, analyze_issue
from core.models import Trust
from core.safety.scanner import scan_python
from core.safety.trust import assess_trust, code_digest, gate_decision

from . import report as R
from .base import SessionBase
from .events import Note, ScrubEvent
from .options import probe_imports_in


class AnalyzeSteps(SessionBase):
    """Steps 3 and the security review."""

    async def _analyze(self, step: str) -> AsyncIterator[ScrubEvent]:
        thread = self.thread()
        issue = thread.issue
        pending = self._labels_pending()
        if "analysis" not in self.data:
            result = await analyze_issue(thread, python=None, collaborator_check=self._collaborator)
            doc = analysis_json(result)
            self.wf.put("analysis", doc)
            if doc["selected"]:
                self.wf.put("code", doc["selected"]["code"])
                self.wf.put("original_code", doc["selected"]["code"])
        doc = self.data["analysis"]
        has_label = issue.has_label(R.NEEDS_REPRO)
        if doc["stop"] is not None or doc["selected"] is None:
            reason = doc["stop"]["reason"] if doc["stop"] else "no runnable repro"
            if not has_label:
                pending["add"] = list(dict.fromkeys([*pending["add"], R.NEEDS_REPRO]))
            self.wf.put("labels", pending)
            yield self._stop_with_plan(step, reason)
            return
        a = doc["analysis"]
        if doc["reported_error"] is None and not a["expected_error_described"]:
            if not has_label:
                pending["add"] = list(dict.fromkeys([*pending["add"], R.NEEDS_REPRO]))
            self.wf.put("labels", pending)
            yield self._stop_with_plan(step, "missing critical information: no error message and no expected vs actual behaviour")
            return
        if has_label and R.NEEDS_REPRO not in pending["remove"]:
            pending["remove"].append(R.NEEDS_REPRO)
            self.wf.put("labels", pending)
            yield Note(step, "the issue has a valid repro: removing 'needs reproduction' is proposed")
        # Third-party packages are checked in the target environment, never installed.
        answer = self._answer("missing_packages")
        if answer is not None and answer["choice"] == "stop":
            yield self._stop_with_plan(step, f"missing packages in {self.options.env.name}: "
                                             + ", ".join(self.data.get("missing_imports") or []))
            return
        if "missing_imports" not in self.data or (answer is not None and answer["choice"] == "recheck"):
            found = await probe_imports_in(self.options.env, a["imports"])
            missing = None if found is None else [m for m in a["imports"] if not found.get(m, False)]
            self.wf.put("missing_imports", missing)
        missing = self.data["missing_imports"]
        if missing:
            self.wf.ask(step, "missing_packages",
                        f"The repro imports {', '.join(missing)}, which {self.options.env.name} does not have. "
                        "Install them yourself and recheck, or stop (nothing is installed for you).",
                        ("recheck", "stop"), {"missing": missing})
            return
        notes = []
        if a["external_files"]:
            notes.append(f"needs external files: {', '.join(e['text'][:60] for e in a['external_files'])}")
        self.wf.done(step, f"repro from {doc['selected']['source']} by @{doc['selected']['author']}"
                     + (f"; {'; '.join(notes)}" if notes else ""))

    async def _safety(self, step: str) -> AsyncIterator[ScrubEvent]:
        code = self.code
        assert code is not None
        analysis = self.data["analysis"]
        report = scan_python(code)
        trust_doc = analysis.get("trust") or {}
        trust = assess_trust(trust_doc.get("login", ""), trust_doc.get("author_association", "NONE"),
                             Trust(trust_doc["collaborator"]) if trust_doc.get("collaborator") else None)
        if code != self.data.get("original_code"):
            # Edited code is the maintainer's own, but it is still scanned and reviewed.
            trust = assess_trust(trust.login, trust.association, Trust.UNKNOWN)
        decision = gate_decision(report, trust)
        self.wf.put("safety", {"scan": report.as_json(), "trust": trust.as_json(), "must_review": decision.must_review,
                               "reasons": list(decision.reasons), "code_digest": code_digest(code)})
        if not decision.must_review:
            self.wf.done(step, "clean scan and a collaborator's repro: may run")
            return
        answer = self._answer("safety")
        if answer is None:
            if not self.options.run:
                self.wf.skip(step, "not running (--no-run): review needed before any run: " + "; ".join(decision.reasons))
                return
            self.wf.ask(step, "safety", "Review the repro before it runs: run it, edit it, or skip running?",
                        ("run", "edit", "skip"), {"reasons": list(decision.reasons), "findings": report.as_json(),
                                                 "code_digest": code_digest(code)})
            return
        if answer["choice"] == "run":
            self.wf.done(step, "reviewed; the maintainer chose to run it: " + "; ".join(decision.reasons))
        elif answer["choice"] == "skip":
            yield self._stop_with_plan(step, "the maintainer chose not to run the repro")
        else:  # edit: the new code is scanned and reviewed again
            self.wf.put("code", answer["code"])
            yield Note(step, "repro edited: reviewing the edited code")
            async for event in self._safety(step):
                yield event

