"""``triagedeck fuzz``: TorchFuzz bug-fixing sessions, headless.

    triagedeck fuzz repro-test --checkout PATH --seed N [--template T] [--issue N] --json
    triagedeck fuzz repro-test --checkout PATH --program FILE --json
    triagedeck fuzz sweep --checkout PATH --start S --count C [--template T] --json
                                                  TorchFuzz's multi-seed mode: the failing seeds
    triagedeck fuzz sessions --json
    triagedeck fuzz status ID --json
    triagedeck fuzz fix ID --form FORM.json       step 2: check the fix, store checklist + summary
    triagedeck fuzz validate ID --comments-ok     step 3
    triagedeck fuzz review ID --confirm | --back fix|validate
    triagedeck fuzz commit ID                     step 5: the two commits
    triagedeck fuzz push ID --yes                 ghstack, after confirmation
    triagedeck fuzz push-test ID --yes            optional: the failing test alone, as its own PR

``--env ssh:HOST`` runs TorchFuzz (step 0, sweeps) on a ``[runners.ssh.HOST]`` host, in
``[fuzz] remote_checkout`` (or ``--remote-checkout``); the test, fix, lint, commits and push
still run in the local checkout with the local ``python``.

Exit status: 0 done; 1 error or refused; 3 the seed/program does not fail; 4 the test does
not fail with the same error; 5 the marked test is not reported as xfail; 6 another gate
(fix, validation, lint, push) did not pass; 7 (sweep --fail-on-seeds) some seeds fail.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from ...fuzz import (
    QUALITY_ROWS,
    SUMMARY_QUESTIONS,
    FuzzConfig,
    FuzzError,
    FuzzSession,
    FuzzWorkflow,
    Phase,
    Proof,
    PushConfirmation,
    StepResult,
    drain,
)
from ...fuzz.sweep import SweepDone, run_sweep
from ...store import Store
from ...text import inert, one_line
from ._common import add_json

EXIT_NO_FAILURE = 3
EXIT_NOT_SAME = 4
EXIT_NO_XFAIL = 5
EXIT_GATE = 6
EXIT_SEEDS_FAIL = 7
_TAIL = 4000


def register(subparsers, parents) -> None:
    p = subparsers.add_parser("fuzz", parents=parents, help="TorchFuzz bug-fixing sessions (seed to failing test to ghstack)")
    sub = p.add_subparsers(dest="fuzz_verb", metavar="ACTION", required=True)

    r = sub.add_parser("repro-test", parents=parents, help="steps 0-1: seed/program to a verified failing test marked xfail")
    r.add_argument("--checkout", required=True, metavar="PATH", help="the PyTorch checkout")
    src = r.add_mutually_exclusive_group(required=True)
    src.add_argument("--seed", type=int, help="the failing TorchFuzz seed")
    src.add_argument("--program", metavar="FILE", help="the failing fuzzed program ('-' reads stdin)")
    r.add_argument("--template", help="TorchFuzz template")
    r.add_argument("--issue", type=int, help="GitHub issue number (names the test test_fuzzer_issue_N)")
    _add_env_args(r)
    r.add_argument("--style", choices=("repros", "unittest", "device"), help="test style (default from [fuzz] test_style)")
    add_json(r)
    r.set_defaults(handler=handle_repro_test)

    sw = sub.add_parser("sweep", parents=parents, help="run TorchFuzz over a range of seeds and list the failing ones")
    sw.add_argument("--checkout", metavar="PATH", help="the PyTorch checkout (not needed with --env ssh:HOST)")
    sw.add_argument("--start", type=int, required=True, help="first seed")
    sw.add_argument("--count", type=int, required=True, help="how many seeds")
    sw.add_argument("--template", help="TorchFuzz template")
    sw.add_argument("--processes", type=int, metavar="N", help="TorchFuzz worker processes (its default: 75%% of the CPUs, at most 16)")
    sw.add_argument("--timeout", type=float, metavar="S", help="seconds before the whole sweep is killed (default [fuzz] fuzzer_timeout_s)")
    sw.add_argument("--fail-on-seeds", action="store_true", help="exit 7 when some seeds fail (TorchFuzz itself exits 0)")
    _add_env_args(sw)
    add_json(sw)
    sw.set_defaults(handler=handle_sweep)

    s = sub.add_parser("sessions", parents=parents, help="list fuzz sessions and their steps")
    add_json(s)
    s.set_defaults(handler=handle_sessions)

    st = sub.add_parser("status", parents=parents, help="one session: step, proofs and evidence")
    st.add_argument("id")
    add_json(st)
    st.set_defaults(handler=handle_status)

    f = sub.add_parser("fix", parents=parents, help="step 2: check the fix; store the quality checklist and summary")
    f.add_argument("id")
    f.add_argument("--form", metavar="FILE", help='JSON {"quality": {row: {"ok": true, "note": "..."}}, "summary": {question: "..."}}')
    add_json(f)
    f.set_defaults(handler=handle_fix)

    v = sub.add_parser("validate", parents=parents, help="step 3: lint, pass with the change, fail without it")
    v.add_argument("id")
    v.add_argument("--comments-ok", action="store_true", help="tick the comment-length review")
    v.add_argument("--note", default="", help="note for the comment review")
    add_json(v)
    v.set_defaults(handler=handle_validate)

    rv = sub.add_parser("review", parents=parents, help="step 4: show everything; confirm or go back")
    rv.add_argument("id")
    group = rv.add_mutually_exclusive_group()
    group.add_argument("--confirm", action="store_true")
    group.add_argument("--back", choices=("fix", "validate"))
    add_json(rv)
    rv.set_defaults(handler=handle_review)

    c = sub.add_parser("commit", parents=parents, help="step 5: branch + two commits (lintrunner -a before each)")
    c.add_argument("id")
    add_json(c)
    c.set_defaults(handler=handle_commit)

    pu = sub.add_parser("push", parents=parents, help="step 5: push the two commits with ghstack")
    pu.add_argument("id")
    pu.add_argument("--yes", action="store_true", help="confirm the push shown")
    add_json(pu)
    pu.set_defaults(handler=handle_push)

    pt = sub.add_parser("push-test", parents=parents, help="step 1 (optional): push the failing test alone with ghstack")
    pt.add_argument("id")
    pt.add_argument("--yes", action="store_true", help="confirm the push shown")
    add_json(pt)
    pt.set_defaults(handler=handle_push_test)


# -- shared ------------------------------------------------------------------------------


def _add_env_args(p) -> None:
    p.add_argument("--env", help="where TorchFuzz runs: local, conda:NAME or ssh:HOST (default from [fuzz] env)")
    p.add_argument("--remote-checkout", metavar="PATH", help="the PyTorch checkout on the ssh host (default [fuzz] remote_checkout)")
    p.add_argument("--python", help="local python executable (of the conda env, or for the local steps of an ssh env)")


def _config(ctx, args) -> FuzzConfig:
    data = dict(ctx.config.extra.get("fuzz") or {})
    for attr, key in (("env", "env"), ("python", "python"), ("style", "test_style"), ("remote_checkout", "remote_checkout")):
        if getattr(args, attr, None):
            data[key] = getattr(args, attr)
    return FuzzConfig.from_app_config({**ctx.config.extra, "fuzz": data})


def _workflow(ctx, args) -> tuple[Store, FuzzWorkflow]:
    config = _config(ctx, args)
    store = Store(ctx.config.store_path)
    return store, FuzzWorkflow(store, ctx.config.data_dir, repo=ctx.config.repo, config=config)


def _progress(ctx):
    """Print phases and proofs as they happen (not in --json mode: stdout holds one document)."""

    def show(event) -> None:
        if ctx.json:
            return
        if isinstance(event, Phase):
            ctx.print(f"[{event.step}] {inert(event.text, keep_newlines=False)}")
        elif isinstance(event, Proof):
            ctx.print(f"[{event.step}] {'ok  ' if event.ok else 'FAIL'} {event.name}: {one_line(event.detail, max_chars=400)}")

    return show


def _run_json(run: dict | None) -> dict | None:
    if not run:
        return None
    out = dict(run)
    out["output_tail"] = (run.get("output_tail") or "")[-_TAIL:]
    return out


def _finish(ctx, doc: dict, code: int) -> int:
    if ctx.json:
        ctx.emit_json(doc)
    elif not doc.get("ok") and doc.get("reason"):
        ctx.error(inert(doc["reason"], keep_newlines=False))
    elif doc.get("reason"):
        ctx.print(inert(doc["reason"], keep_newlines=False))
    return code


def _session_doc(session: FuzzSession) -> dict:
    ev = session.evidence
    capture = ev.get("capture", {})
    repro = ev.get("repro", {})
    spec = session.spec
    return {
        "session": session.id,
        "step": session.step,
        "status": session.status,
        "stop_reason": session.state.get("stop_reason"),
        "checkout": str(session.checkout),
        "base": session.base,
        "source": {k: v for k, v in session.state["source"].items() if k != "program"},
        "program": {
            "path": capture.get("program_path"),
            "fuzzer_path": capture.get("fuzzer_program_path"),
            "exit_code": capture.get("program_exit_code"),
        },
        "env": session.config.env,
        "fuzzer_where": capture.get("fuzzer_where"),
        "notes": list(capture.get("env_notes") or []),
        "signature": session.signature.to_json() if session.signature else None,
        "signature_text": session.signature.describe() if session.signature else None,
        "test": (
            {"file": spec.file, "class": spec.class_name, "name": spec.method_name, "node_id": spec.node_id, "marker": repro.get("marker")}
            if spec
            else None
        ),
        "proofs": {
            "fails_same": bool(repro.get("fails_same")),
            "xfail": bool(repro.get("xfail")),
        },
        "runs": {"fails": _run_json(repro.get("run_fail")), "xfail": _run_json(repro.get("run_xfail"))},
    }


# -- handlers ----------------------------------------------------------------------------


async def handle_repro_test(args, ctx) -> int:
    store, wf = _workflow(ctx, args)
    try:
        program = None
        origin = None
        if args.program:
            if args.program == "-":
                program, origin = sys.stdin.read(), "stdin"
            else:
                try:
                    program = Path(args.program).read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError) as exc:
                    raise FuzzError(f"cannot read {args.program}: {exc}") from None
                origin = str(Path(args.program).resolve())
        session = wf.start(args.checkout, seed=args.seed, template=args.template, program=program, program_origin=origin, issue=args.issue)
        show = _progress(ctx)
        result = await drain(session.capture(), show)
        if not result.ok:
            doc = {**_session_doc(session), "ok": False, "gate": "capture", "reason": result.reason}
            code = EXIT_NO_FAILURE if session.status == "stopped" else 1
            return _finish(ctx, doc, code)
        result = await drain(session.repro(), show)
        doc = {**_session_doc(session), "ok": result.ok, "gate": None if result.ok else "repro", "reason": result.reason}
        if result.ok:
            return _finish(ctx, doc, 0)
        code = EXIT_NOT_SAME if not session.evidence["repro"].get("fails_same") else EXIT_NO_XFAIL
        return _finish(ctx, doc, code)
    finally:
        store.close()


async def handle_sweep(args, ctx) -> int:
    config = _config(ctx, args)
    checkout = Path(args.checkout).expanduser().resolve() if args.checkout else None
    if checkout is None and not config.is_remote:
        raise FuzzError("--checkout is needed unless TorchFuzz runs on an ssh host (--env ssh:HOST)")
    done: SweepDone | None = None
    show = _progress(ctx)
    async for event in run_sweep(
        config, checkout, start=args.start, count=args.count, template=args.template, processes=args.processes, timeout_s=args.timeout
    ):
        if isinstance(event, SweepDone):
            done = event
        else:
            show(event)
    assert done is not None
    report = done.report
    failed = list(report.failed_seeds) if report else []
    base = ["triagedeck", "fuzz", "repro-test"]
    if checkout is not None:
        base += ["--checkout", str(checkout)]
    else:
        base += ["--checkout", "PATH"]
    if args.template:
        base += ["--template", args.template]
    if args.env:
        base += ["--env", args.env]
    doc = {
        "ok": done.error is None,
        "reason": done.error or (f"{len(failed)} failing seed(s): {failed}" if failed else "no failing seeds"),
        "env": config.env,
        "where": done.where,
        "command": list(done.command),
        "exit_code": done.result.exit_code if done.result else None,
        "failed_seeds": failed,
        "ignored_seeds": list(report.ignored_seeds) if report else [],
        "repro_commands": [" ".join(base + ["--seed", str(seed), "--json"]) for seed in failed],
        "report": report.to_json() if report else None,
        "output_tail": (done.result.output[-_TAIL:] if done.result else ""),
    }
    if ctx.json:
        ctx.emit_json(doc)
    else:
        if report is not None:
            for result in report.seeds:
                if result.status != "passed":
                    sig = f"  {one_line(result.signature.describe(), max_chars=160)}" if result.signature else ""
                    ctx.print(f"seed {result.seed:<8} {result.status:<10}{inert(sig, keep_newlines=False)}")
        if doc["ok"]:
            ctx.print(inert(doc["reason"], keep_newlines=False))
        else:
            ctx.error(inert(doc["reason"], keep_newlines=False))
    if not doc["ok"]:
        return 1
    return EXIT_SEEDS_FAIL if failed and args.fail_on_seeds else 0


async def handle_sessions(args, ctx) -> int:
    store, wf = _workflow(ctx, args)
    try:
        infos = wf.sessions()
        if ctx.json:
            ctx.emit_json([i.to_json() for i in infos])
            return 0
        for i in infos:
            marks = "".join({"done": "●", "current": "◐", "locked": "○"}[s.state] for s in i.steps)
            what = f"seed {i.seed}" if i.seed is not None else "program"
            ctx.print(f"{i.id}  {marks}  {i.step:<9} {i.status:<8} {what:<12} {one_line(i.signature or '', max_chars=70)}")
        if not infos:
            ctx.print("(no fuzz sessions)")
        return 0
    finally:
        store.close()


async def handle_status(args, ctx) -> int:
    store, wf = _workflow(ctx, args)
    try:
        session = wf.open(args.id)
        doc = {**_session_doc(session), "ok": True, "info": session.info().to_json(), "evidence_steps": sorted(session.evidence)}
        if ctx.json:
            ctx.emit_json(doc)
        else:
            ctx.print(json.dumps(doc["info"], indent=2))
        return 0
    finally:
        store.close()


async def handle_fix(args, ctx) -> int:
    store, wf = _workflow(ctx, args)
    try:
        session = wf.open(args.id)
        result = await drain(session.check_fix(), _progress(ctx))
        if args.form:
            try:
                form = json.loads(Path(args.form).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise FuzzError(f"cannot read the form {args.form}: {exc}") from None
            if form.get("quality"):
                session.record_quality(form["quality"])
            if form.get("summary"):
                session.record_summary(form["summary"])
        missing = session.fix_missing()
        if result.ok and not missing:
            await session.finish_fix()
        doc = {
            "session": session.id,
            "step": session.step,
            "ok": result.ok and not missing,
            "reason": result.reason if not result.ok else ("; ".join(missing) if missing else "step 2 finished"),
            "check": session.evidence.get("fix", {}).get("check"),
            "quality_rows": list(QUALITY_ROWS),
            "summary_questions": list(SUMMARY_QUESTIONS),
        }
        return _finish(ctx, doc, 0 if doc["ok"] else EXIT_GATE)
    finally:
        store.close()


async def handle_validate(args, ctx) -> int:
    store, wf = _workflow(ctx, args)
    try:
        session = wf.open(args.id)
        result = await drain(session.validate(), _progress(ctx))
        if args.comments_ok:
            session.record_comment_review(True, args.note)
        missing = session.validation_missing()
        if result.ok and not missing:
            await session.finish_validation()
        ev = session.evidence.get("validate", {})
        doc = {
            "session": session.id,
            "step": session.step,
            "ok": result.ok and not missing,
            "reason": result.reason if not result.ok else ("; ".join(missing) if missing else "step 3 finished"),
            "lint": ev.get("lint"),
            "pass_with": ev.get("pass_with"),
            "fail_without": ev.get("fail_without"),
            "comment_hints": ev.get("comment_hints"),
            "pr": ev.get("pr"),
        }
        return _finish(ctx, doc, 0 if doc["ok"] else EXIT_GATE)
    finally:
        store.close()


async def handle_review(args, ctx) -> int:
    store, wf = _workflow(ctx, args)
    try:
        session = wf.open(args.id)
        bundle = session.review()
        if args.confirm:
            session.confirm_review()
        elif args.back:
            session.go_back(args.back)
        doc = {"session": session.id, "step": session.step, "ok": True, "review": bundle}
        if ctx.json:
            ctx.emit_json(doc)
        else:
            ctx.print(json.dumps(bundle, indent=2, default=str))
            ctx.print(f"step now: {session.step}")
        return 0
    finally:
        store.close()


async def handle_commit(args, ctx) -> int:
    store, wf = _workflow(ctx, args)
    try:
        session = wf.open(args.id)
        result = await drain(session.commit(), _progress(ctx))
        ev = session.evidence.get("publish", {})
        doc = {"session": session.id, "step": session.step, "ok": result.ok, "reason": result.reason, "branch": ev.get("branch"), "commits": ev.get("commits", [])}
        return _finish(ctx, doc, 0 if result.ok else EXIT_GATE)
    finally:
        store.close()


async def handle_push(args, ctx) -> int:
    store, wf = _workflow(ctx, args)
    try:
        session = wf.open(args.id)
        plan = session.plan_push()
        if not ctx.json:
            ctx.print("Push plan:")
            for line in plan.describe():
                ctx.print("  " + inert(line, keep_newlines=False))
        if not args.yes:
            doc = {"session": session.id, "ok": False, "reason": "not confirmed: pass --yes to run this push", "plan": plan.to_json()}
            return _finish(ctx, doc, 1)
        result: StepResult = await drain(session.push(PushConfirmation.for_plan(plan, "cli --yes")), _progress(ctx))
        ev = session.evidence.get("publish", {})
        doc = {"session": session.id, "status": session.status, "ok": result.ok, "reason": result.reason, "pr_urls": ev.get("pr_urls", []), "plan": plan.to_json()}
        return _finish(ctx, doc, 0 if result.ok else EXIT_GATE)
    finally:
        store.close()


async def handle_push_test(args, ctx) -> int:
    store, wf = _workflow(ctx, args)
    try:
        session = wf.open(args.id)
        # The commit is local (a branch from the base, made in a temporary worktree); only the
        # push needs --yes.
        made = await drain(session.prepare_test_commit(), _progress(ctx))
        if not made.ok:
            return _finish(ctx, {"session": session.id, "ok": False, "reason": made.reason}, EXIT_GATE)
        plan = session.plan_test_push()
        if not ctx.json:
            ctx.print("Push plan:")
            for line in plan.describe():
                ctx.print("  " + inert(line, keep_newlines=False))
        if not args.yes:
            doc = {"session": session.id, "ok": False, "reason": "not confirmed: pass --yes to run this push", "plan": plan.to_json()}
            return _finish(ctx, doc, 1)
        result: StepResult = await drain(session.push_test(PushConfirmation.for_plan(plan, "cli --yes")), _progress(ctx))
        doc = {"session": session.id, "ok": result.ok, "reason": result.reason, "pr_urls": session.test_pr.get("pr_urls", []), "plan": plan.to_json()}
        return _finish(ctx, doc, 0 if result.ok else EXIT_GATE)
    finally:
        store.close()
