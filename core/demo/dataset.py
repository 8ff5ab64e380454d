"""The embedded demo dataset: realistic PyTorch-style issues written for this project.

``demo_dataset(now)`` returns the plain-JSON shape that ``LoopbackState.from_dataset`` consumes::

    {"repo", "viewer", "collaborators": [login], "labels": [{"name", "color", "description"}],
     "issues": [{"number", "title", "body", "state", "state_reason", "user", "author_association",
                 "labels": [name], "assignees": [login], "locked", "created_at", "updated_at",
                 "closed_at", "comments": [{"user", "author_association", "body", "created_at"}],
                 "subscription"?}]}

Times are relative to ``now`` so ages look right whenever the demo runs.

``DEMO_CASES`` maps scenario names to issue numbers. ``DEMO_EXPECTATIONS`` maps issue numbers to
the facts later features must find; only the keys that apply are present:

- ``key``: the scenario name (always present).
- ``kind``: "bug" | "feature" | "question" | "docs" | "refactor" | "tracker" (actionability kind).
- ``actionable``: whether the scrub workflow should proceed past its step 2; ``stop_reason``
  names the stop ("closed", "locked", "resolved_in_comments", "duplicate", "not_bug", "tracker",
  "stale", "screenshot_only").
- ``repro_author`` / ``repro_source``: who wrote the repro that should be chosen and where
  ("body", or the 0-based comment index); None when there is no runnable repro.
  ``repro_split``: the repro is the first two consecutive python blocks, joined.
- ``repro_env``: what running it needs: "python" (pure Python), "cpu_torch", "cuda",
  "multi_gpu", "multi_node". ``launcher``: "torchrun" | "mp.spawn". ``needs_cuda``: True.
- ``reproduces``: on torch 2.13 CPU / the current interpreter, does the chosen repro raise the
  reported error (True), pass (False), or cannot it be checked here (None).
- ``error_class`` / ``error_match``: the reported error signature (qualified class, distinctive
  substring); ``signal`` for crashes.
- ``security``: checklist categories a scanner must report ("network", "file_ops", "shell",
  "download", "obfuscation", "install", "env"); an empty list means it must not be flagged.
- ``missing_imports``, ``external_files``, ``duplicate_of``, ``resolved_by_pr``,
  ``recent_verification`` + ``recent_comment``, ``needs_reproduction_removal``,
  ``suggest_close_stale``, ``propose_labels``, ``screenshot_only``, ``locked``, ``hostile``,
  ``fuzzer`` + ``fuzz_seed`` + ``fuzz_template``, ``reported_version``, ``regression``,
  ``indented_code``.
- ``dist``: distributed triage: ``outcome`` (already_classified / not_distributed / routed /
  classified / low_confidence / high_priority / needs_reproduction), ``sub_oncall`` (None for
  not_distributed), ``modules`` (module labels the issue is about; expected in the plan only
  for parallelisms outcomes), ``type_labels``, ``high_priority``, ``trap``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from . import issues_bugs, issues_dist, issues_dist_edge, issues_misc, issues_security
from ._spec import DemoIssue
from .labels import COLLABORATORS, VIEWER, demo_labels

REPO = "pytorch/pytorch"

_ALL: tuple[DemoIssue, ...] = tuple(
    sorted(
        [
            *issues_bugs.ISSUES,
            *issues_misc.ISSUES,
            *issues_security.ISSUES,
            *issues_dist.ISSUES,
            *issues_dist_edge.ISSUES,
        ],
        key=lambda i: i.number,
    )
)

# The viewer's notification state where it is not the default (no subscription).
_SUBSCRIPTIONS = {
    "cpu_repro_traceback": "UNSUBSCRIBED",
    "recent_verification": "SUBSCRIBED",
    "tracker": "SUBSCRIBED",
    "locked": "IGNORED",
    "dist_fsdp": "UNSUBSCRIBED",
    "dist_human_classified": "SUBSCRIBED",
}

DEMO_CASES: dict[str, int] = {i.key: i.number for i in _ALL}
DEMO_EXPECTATIONS: dict[int, dict[str, Any]] = {i.number: {"key": i.key, **i.expect} for i in _ALL}


def _iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _issue_json(spec: DemoIssue, now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {
        "number": spec.number,
        "title": spec.title,
        "body": spec.body,
        "state": spec.state,
        "state_reason": spec.state_reason,
        "user": spec.user,
        "author_association": spec.association,
        "labels": list(spec.labels),
        "assignees": list(spec.assignees),
        "locked": spec.locked,
        "created_at": _iso(spec.created.at(now)),
        "updated_at": _iso(spec.updated.at(now)),
        "closed_at": _iso(spec.closed.at(now)) if spec.closed else None,
        "comments": [
            {
                "user": c.user,
                "author_association": c.association,
                "body": c.body,
                "created_at": _iso(c.created.at(now)),
            }
            for c in spec.comments
        ],
    }
    subscription = spec.subscription or _SUBSCRIPTIONS.get(spec.key)
    if subscription:
        out["subscription"] = subscription
    return out


def demo_dataset(now: datetime | None = None) -> dict[str, Any]:
    """Build the demo dataset with every timestamp relative to ``now`` (default: current UTC)."""
    if now is None:
        now = datetime.now(timezone.utc)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=timezone.utc)
    now = now.replace(microsecond=0)
    return {
        "repo": REPO,
        "viewer": VIEWER,
        "collaborators": list(COLLABORATORS),
        "labels": demo_labels(),
        "issues": [_issue_json(spec, now) for spec in _ALL],
    }
