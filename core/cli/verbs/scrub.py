"""``triagedeck scrub (N | --issue-file F)``: the headless scrub workflow (seed: scrub-issue).

Runs actionability, analysis, the security review, the run (only when the review passes,
or ``--allow-unreviewed`` / ``--choose safety=run`` says so explicitly), and the version
bisection when version environments exist; prints the findings and the drafted plan.
``--apply --yes`` sends the plan through the write gate.

Gates the CLI answers unless told otherwise (each answer is recorded with ``via: cli
default``): recent_verification=reverify, minimize=skip, trivial_fix=decline,
different_error=report, timeout=stop, missing_packages=stop. Gates without a default
(safety, duplicate, close_stale, accept_minimized) stop the run; answer them with
``--choose GATE=OPTION`` (and ``--resume`` to continue the saved session).
"""

from __future__ import annotations

import argparse

from ...errors import TriagedeckError
from ...store import Store
from ...text import inert, one_line
from ..context import format_plan, format_result

CLI_DEFAULTS = {
    "recent_verification": "reverify",
    "minimize": "skip",
    "trivial_fix": "decline",
    "different_error": "report",
    "timeout": "stop",
    "judge_pass": "stop",  # a clean exit with no reported error is the maintainer's call
    "missing_packages": "stop",
}


def _has_option(parents, option: str) -> bool:
    return any(option in action.option_strings for p in parents for action in p._actions)


def register(subparsers, parents) -> argparse.ArgumentParser:
    """Add the ``scrub`` sub-command."""
    p = subparsers.add_parser(
        "scrub", parents=parents, help="scrub an issue: actionability, repro, run, bisect, drafted report (seed: scrub-issue)",
        description=__doc__.split("\n\n", 1)[1] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("number", nargs="?", type=int, help="issue number")
    if not _has_option(parents, "--issue-file"):
        p.add_argument("--issue-file", metavar="F", help="read the issue (and comments) from a JSON file")
    p.add_argument("--env", default=None, metavar="ENV", help="local | local:/path/python | conda:NAME | ssh:HOST (default: [scrub] env, else local)")
    p.add_argument("--no-run", action="store_true", help="analyse only: run nothing")
    p.add_argument("--allow-unreviewed", action="store_true", help="run a repro that needs review (same as --choose safety=run)")
    p.add_argument("--choose", action="append", default=[], metavar="GATE=OPTION", help="answer a gate (repeatable)")
    p.add_argument("--minimize", action="store_true", help="run the minimizer (same as --choose minimize=run)")
    p.add_argument("--resume", action="store_true", help="continue the latest saved scrub session of this issue")
    p.add_argument("--events", action="store_true", help="stream the workflow's events as JSON lines, then the findings")
    p.add_argument("--apply", action="store_true", help="send the drafted plan through the write gate (needs --yes from scripts)")
    p.add_argument("--yes", action="store_true", help="confirm the plan")
    p.add_argument("--dry-run", action="store_true", help="with --apply: show the plan, send nothing")
    if not _has_option(parents, "--json"):
        p.add_argument("--json", action="store_true", help="print one JSON document")
    p.set_defaults(handler=handle)
    return p


def _choices(args) -> dict[str, str]:
    chosen: dict[str, str] = {}
    for item in args.choose:
        gate, sep, option = item.partition("=")
        if not sep or not gate.strip() or not option.strip():
            raise TriagedeckError(f"--choose expects GATE=OPTION, got {item!r}")
        chosen[gate.strip()] = option.strip()
    if args.allow_unreviewed:
        chosen.setdefault("safety", "run")
    if args.minimize:
        chosen.setdefault("minimize", "run")
    for gate, option in chosen.items():
        if option == "edit":
            raise TriagedeckError(f"--choose {gate}=edit needs the edited code: use the TUI for edits")
    return chosen


async def handle(args, ctx) -> int:
    from ...scrub import ScrubOptions, ScrubSession, event_json

    chosen = _choices(args)
    own_store: Store | None = None
    wb = None
    if args.issue_file and not args.apply:
        own_store = Store(ctx.config.store_path)
        store = own_store
    else:
        wb = ctx.workbench()
        store = wb.store
    try:
        thread = await ctx.load_thread(args)
        options = ScrubOptions.from_config(ctx.config, env=args.env, run=not args.no_run)
        hooks = dict(
            fetch=lambda: _same(thread),
            collaborator=wb.collaborator if wb is not None else None,
            search=(lambda q: wb.reader.search_issues(q, limit=20)) if wb is not None else None,
            pulls=(lambda n: wb.reader.get_pull(n)) if wb is not None else None,
            corpus=lambda: store.issues.all(thread.issue.repo),
        )
        session = None
        if args.resume:
            session = ScrubSession.resume(store.sessions, thread.issue.repo, thread.issue.number, options, **hooks)
        if session is None:
            session = ScrubSession.start(store.sessions, thread.issue.repo, thread.issue.number, options, **hooks)
        answered: set[str] = set()
        while True:
            async for event in session.advance():
                if args.events:
                    ctx.emit_event(event_json(event))
            gate = session.gate
            if gate is None or gate.id in answered:
                break
            option, via = (chosen[gate.id], "cli --choose") if gate.id in chosen else (CLI_DEFAULTS.get(gate.id), "cli default")
            if option is None:
                break
            if option not in gate.options:
                raise TriagedeckError(f"{option!r} is not an option of the {gate.id} gate ({', '.join(gate.options)})")
            answered.add(gate.id)
            session.choose(gate.id, option, via=via)

        doc = session.findings()
        result = None
        if args.apply:
            plan = session.plan
            if plan is None:
                raise TriagedeckError("no plan drafted" + (f": the session waits at the {session.gate.id} gate"
                                                           if session.gate else ""))
            result = await ctx.execute_plan(plan, yes=args.yes, dry_run=args.dry_run)
            doc["result"] = result.to_json()
        if ctx.json or args.events:
            if args.events:
                ctx.emit_event({"event": "findings", **doc})
            else:
                ctx.emit_json(doc)
        else:
            ctx.print(summary(doc))
            if result is not None:
                ctx.print(format_result(result))
        return 0 if result is None or result.ok else 1
    finally:
        if own_store is not None:
            own_store.close()


async def _same(thread):
    return thread


def summary(doc: dict) -> str:
    """The findings as plain text; every piece of issue text is made inert."""
    issue = doc["issue"]
    lines = [f"Scrub of {issue['repo']}#{issue['number']} — {one_line(issue.get('title') or '')} (session {doc['session']})"]
    for s in doc["steps"]:
        lines.append(f"  {s['status']:<8} {s['name']:<20} {one_line(s['reason'], max_chars=200)}")
    act = doc.get("actionability")
    if act:
        lines.append(f"Actionability: {act['kind']}, {'actionable' if act['actionable'] else 'not actionable'}")
        lines += [f"  - {one_line(r)}" for r in act["reasons"]]
        for s in act["similar"][:5]:
            lines.append(f"  similar: #{s['number']} ({s['source']}, score {s['score']}) {one_line(s['title'])}")
    run = doc.get("run")
    if run:
        lines.append(f"Run: {one_line(run['verdict']['summary'])} (torch {run.get('torch') or '-'}, {run['ratio']} failed"
                     f"{', flaky' if run['flaky'] else ''})")
        if run.get("hint"):
            lines.append(f"  hint: {one_line(run['hint'])}")
    b = doc.get("bisect")
    if b:
        lines.append("Bisection: " + ", ".join(f"{p['version']}={p['outcome']}" for p in b["timeline"]))
    fix = doc.get("fixing_pr")
    if fix and fix.get("candidates"):
        for c in fix["candidates"][:3]:
            lines.append(f"  candidate: {c['sha'][:10]} {one_line(c['subject'])} (score {c['score']})")
    gate = doc.get("gate")
    if gate:
        lines.append(f"Waiting at the {gate['id']} gate: {one_line(gate['question'])}")
        lines.append(f"  answer with --resume --choose {gate['id']}=({'|'.join(gate['options'])})")
    report = doc.get("report")
    if report and report.get("comment"):
        lines.append("Drafted comment:")
        lines += ["  | " + line for line in inert(report["comment"]).splitlines()]
    for why, plan in ((s["why"], s["plan"]) for s in doc.get("suggested_plans", [])):
        lines.append(f"Suggested ({one_line(why)}), not part of the plan unless chosen:")
        from ...gate.plan import WritePlan

        lines.append(format_plan(WritePlan.from_json(plan)))
    if doc.get("plan"):
        from ...gate.plan import WritePlan

        lines.append(format_plan(WritePlan.from_json(doc["plan"])))
    return "\n".join(lines)
