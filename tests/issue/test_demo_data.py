"""Extraction against the embedded demo dataset's expectations (skipped without it)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from core.issue.report import analyze_issue
from core.issue.signature import same_class

demo = pytest.importorskip("core.demo.dataset")
issuefile = pytest.importorskip("core.issuefile")

CATEGORY = {"network": "network", "file_ops": "file_outside_tmp", "shell": "shell_execution",
            "download": "external_load", "obfuscation": "obfuscation", "install": "package_install",
            "env": "environment"}
# Expectations this extractor does not meet yet (reported as known gaps, not hidden).
KNOWN_GAPS: dict[str, str] = {}


def _threads():
    data = demo.demo_dataset(datetime(2026, 5, 1, tzinfo=timezone.utc))
    for raw in data["issues"]:
        payload = {**raw, "user": {"login": raw["user"]},
                   "comments": [{**c, "user": {"login": c["user"]}} for c in raw["comments"]]}
        yield raw["number"], issuefile.thread_from_json(payload, default_repo="pytorch/pytorch")


CASES = list(_threads())


@pytest.mark.parametrize(("number", "thread"), CASES, ids=[str(n) for n, _ in CASES])
async def test_demo_issue(number, thread):
    exp = demo.DEMO_EXPECTATIONS[number]
    gap = KNOWN_GAPS.get(exp["key"])
    result = await analyze_issue(thread)
    sel = result.selection
    if exp.get("repro_author"):
        assert sel.selected is not None, sel.stop
        src = sel.selected.post.comment_index if sel.selected.post.comment_index is not None else "body"
        assert (sel.selected.author, src) == (exp["repro_author"], exp.get("repro_source"))
        assert bool(exp.get("repro_split")) == sel.selected.merged
    if exp.get("screenshot_only"):
        assert sel.stop is not None and sel.stop.kind == "screenshot_only"
    sig = result.reported.signature if result.reported else None
    if exp.get("error_class"):
        assert sig is not None and same_class(sig.exception_class, exp["error_class"])
    if exp.get("error_match") and gap != "error_match":
        whole = thread.issue.body + "".join(c.body for c in thread.comments)
        assert sig.message_substring and sig.message_substring.lower() in " ".join(whole.split()).lower()
        assert exp["error_match"].lower() in sig.message_substring.lower() or sig.message_substring.lower() in exp["error_match"].lower() \
            or exp["error_match"].lower() in " ".join(result.reported.evidence.split()).lower()
    if "signal" in exp:
        assert sig is not None and sig.signal == exp["signal"]
    if "security" in exp and sel.selected is not None:
        found = {f.category.value for f in result.scan.findings} | {
            f.category.value for s in result.shell_steps for f in s.findings}
        want = {CATEGORY[c] for c in exp["security"]}
        assert want <= found if want else not found
    a = result.analysis
    if a is not None and gap != "repro_env":
        env = exp.get("repro_env")
        if exp.get("launcher"):
            assert a.launcher is not None and a.launcher.kind == exp["launcher"]
        if env in ("cuda", "multi_gpu") or exp.get("needs_cuda"):
            assert a.needs_cuda
        if env == "multi_gpu":
            assert a.gpus >= 2
        if env == "multi_node":
            assert a.multi_node
        if env in ("python", "cpu_torch"):
            assert not a.needs_cuda
