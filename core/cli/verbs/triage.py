"""``triagedeck triage``: propose distributed-triage labels (and apply them through the gate).

    triagedeck triage N --json                 the proposal and its plan
    triagedeck triage --issue-file F --json    same, offline
    triagedeck triage N --apply --yes          execute the plan through the write gate
    triagedeck triage --section NAME --json    a proposal for every cached issue of a section
"""

from __future__ import annotations

import argparse
import inspect
from typing import Any

from ...errors import TriagedeckError
from ...models import Issue, IssueThread
from ...text import inert, one_line
from ...triage import build_plan, propose, rules_from_config
from ._common import add_issue_args, add_json, add_write_args


def register(subparsers, parents) -> None:
    p = subparsers.add_parser(
        "triage",
        parents=parents,
        help="propose distributed-triage labels for an issue or a queue section",
        description="Second-level triage of oncall: distributed issues (sub-oncall, module, type, process labels).",
    )
    add_issue_args(p, required=False)
    p.add_argument("--section", metavar="NAME", help="propose for every cached issue of this queue section")
    add_json(p)
    p.add_argument("--apply", action="store_true", help="send the plan through the write gate")
    add_write_args(p)
    p.set_defaults(handler=handler)


async def _maybe(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value


async def _section_threads(ctx, name: str) -> list[IssueThread]:
    """Threads of a queue section, from the cache (issues without cached comments get none)."""
    wb = ctx.workbench()
    items = await _maybe(wb.section_issues(name))
    threads = []
    for item in items:
        if isinstance(item, IssueThread):
            threads.append(item)
            continue
        thread = None
        for attr in ("cached_thread", "thread_from_cache"):
            fn = getattr(wb, attr, None)
            if fn is not None:
                thread = await _maybe(fn(item.number))
                break
        if thread is None:
            cache = getattr(wb, "cache", None) or getattr(wb, "issues", None)
            fn = getattr(cache, "thread", None)
            if fn is not None:
                thread = await _maybe(fn(item.repo, item.number))
        threads.append(thread if isinstance(thread, IssueThread) else IssueThread(item if isinstance(item, Issue) else item.issue))
    return threads


def _entry(thread: IssueThread, rules) -> tuple[dict, Any]:
    proposal = propose(thread, rules)
    plan = build_plan(proposal, thread, rules)
    data = {"number": thread.issue.number, "title": thread.issue.title, **proposal.to_json(), "plan": plan.to_json()}
    return data, plan


def _text(data: dict) -> list[str]:
    lines = [f"#{data['number']} {one_line(data['title'], max_chars=100)}", f"  outcome: {data['outcome']} ({data['confidence']})"]
    for label in data["labels_to_add"]:
        lines.append(f"  + {one_line(label)}")
        for ev in [e for e in data["evidence"] if e["label"] == label][:2]:
            lines.append(f"      {one_line(ev['rule'])} @ {ev['source']}: {one_line(ev['text'], max_chars=80)!r}")
    if data["comment"]:
        lines.append("  comment: " + one_line(data["comment"], max_chars=100))
    lines += ["  · " + one_line(r, max_chars=160) for r in data["reasoning"]]
    return lines


async def handler(args: argparse.Namespace, ctx) -> int:
    rules = rules_from_config(ctx.config)
    if args.section:
        if args.apply:
            raise TriagedeckError("--apply works on one issue at a time (use the TUI's batch mode for a section)")
        threads = await _section_threads(ctx, args.section)
        results = [_entry(t, rules)[0] for t in threads]
        if ctx.json:
            ctx.emit_json(results)
        else:
            for data in results:
                for line in _text(data):
                    ctx.print(inert(line))
        return 0

    thread = await ctx.load_thread(args)
    data, plan = _entry(thread, rules)
    if args.apply or args.dry_run:
        result = await ctx.execute_plan(plan, yes=args.yes, dry_run=args.dry_run or not args.apply)
        if ctx.json:
            data["result"] = _result_json(result)
            ctx.emit_json(data)
        else:
            from ..context import format_result

            ctx.print(format_result(result))
        refused = getattr(result, "refused", None)
        return 1 if refused else 0
    if ctx.json:
        ctx.emit_json(data)
    else:
        for line in _text(data):
            ctx.print(inert(line))
        ctx.print("  plan: " + ("; ".join(plan.describe()) or "(nothing to send)"))
    return 0


def _result_json(result: Any) -> Any:
    to_json = getattr(result, "to_json", None)
    if callable(to_json):
        return to_json()
    return {"dry_run": getattr(result, "dry_run", None), "refused": getattr(result, "refused", None)}
