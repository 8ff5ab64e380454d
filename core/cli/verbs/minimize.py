"""``triagedeck minimize FILE``: shrink a repro while it keeps failing the same way."""

from __future__ import annotations

import argparse
import json
import os
import sys

from core.minimize import (
    Expectation,
    Finished,
    MinimizeError,
    MinimizeOptions,
    Notice,
    Progress,
    StepAccepted,
    minimize_events,
    save_original,
)


def register(subparsers, parents) -> None:
    p = subparsers.add_parser(
        "minimize",
        parents=parents,
        help="minimize a repro file, keeping its exception class + message (or signal)",
        description="Python-aware repro minimizer (AST passes, trace-guided slicing, fork-server oracle).",
    )
    p.add_argument("file", metavar="FILE", help="the repro script")
    p.add_argument("--expect-class", dest="expect_class", help="exception class to keep (e.g. RuntimeError)")
    p.add_argument("--expect-match", dest="expect_match", help="distinctive substring of the message to keep")
    p.add_argument("--signal", type=int, default=None, help="keep death by this signal number instead")
    p.add_argument("--pin-frame", dest="pin_frame", default=None, metavar="MODULE", help="require the raising frame's module to start with MODULE (e.g. torch)")
    p.add_argument(
        "--env",
        default="local",
        choices=["local"],
        help="where candidates run; only 'local' (this interpreter's Python) is supported for now",
    )
    p.add_argument("--python", default=None, help="interpreter that runs candidates (default: this one)")
    p.add_argument("--jobs", type=int, default=2, help="candidates evaluated concurrently (default 2)")
    p.add_argument("--timeout", type=float, default=30.0, help="per-candidate timeout in seconds (default 30)")
    p.add_argument("--time-limit", dest="time_limit", type=float, default=None, help="stop and keep the best so far after this many seconds")
    p.add_argument("--no-fork-server", dest="fork_server", action="store_false", help="run every candidate in a fresh interpreter")
    p.add_argument("--no-hoist", dest="hoist", action="store_false", help="keep the call structure: do not hoist the failing statement out of its driver")
    p.add_argument("--force", action="store_true", help="minimize even when the repro already looks minimal")
    p.add_argument("--shorten-names", dest="shorten_names", action="store_true", help="finally rename definitions to short names (cosmetic)")
    p.add_argument("-o", "--output", default=None, help="where to write the result (default: FILE_min.py)")
    p.add_argument("--json", action="store_true", help="print the statistics as JSON")
    p.add_argument("--events", action="store_true", help="print progress as JSON lines")
    p.set_defaults(handler=handler)


def _emit(args, ctx, obj) -> None:
    if ctx is not None and hasattr(ctx, "emit_json"):
        ctx.emit_json(obj)
    else:
        print(json.dumps(obj), flush=True)


def _say(ctx, text: str, *, error: bool = False) -> None:
    if ctx is not None and hasattr(ctx, "error" if error else "print"):
        (ctx.error if error else ctx.print)(text)
    else:
        print(text, file=sys.stderr if error else sys.stdout)


async def handler(args: argparse.Namespace, ctx) -> int:
    if not (args.expect_class or args.expect_match or args.signal is not None):
        _say(ctx, "minimize: give --expect-class/--expect-match or --signal", error=True)
        return 2
    try:
        with open(args.file, encoding="utf-8") as fh:
            source = fh.read()
    except OSError as exc:
        _say(ctx, f"minimize: cannot read {args.file}: {exc.strerror}", error=True)
        return 2
    base, _ = os.path.splitext(args.output or args.file)
    out_path = args.output or f"{base}_min.py"
    original_path = save_original(out_path, source)  # the seed: save the original first
    expectation = Expectation(args.expect_class, args.expect_match, args.signal, args.pin_frame)
    options = MinimizeOptions(
        jobs=max(1, args.jobs),
        timeout=args.timeout,
        use_fork_server=args.fork_server,
        time_limit=args.time_limit,
        skip_if_minimal=not args.force,
        shorten_names=args.shorten_names,
        hoist=getattr(args, "hoist", True),
        python=args.python,
        sys_path0=os.path.dirname(os.path.abspath(args.file)),
    )
    result = None
    try:
        async for ev in minimize_events(source, expectation, options):
            if isinstance(ev, Finished):
                result = ev.result
            elif args.events:
                if isinstance(ev, Progress):
                    _emit(args, ctx, {"event": "progress", "pass": ev.pass_name, "round": ev.round, "size": ev.size.as_dict(), "best": ev.best.as_dict(), "runs": ev.runs, "cache_hits": ev.cache_hits, "elapsed": round(ev.elapsed, 3)})
                elif isinstance(ev, StepAccepted):
                    _emit(args, ctx, {"event": "step", "index": ev.step.index, "pass": ev.step.pass_name, "size_after": ev.step.size_after.as_dict(), "diff": ev.step.diff})
                elif isinstance(ev, Notice):
                    _emit(args, ctx, {"event": "notice", "message": ev.message})
    except MinimizeError as exc:
        _say(ctx, f"minimize: {exc}", error=True)
        return 1
    assert result is not None
    with open(out_path, "w", encoding="utf-8") as fh:
        fh.write(result.minimized)
    summary = {
        "output": out_path,
        "original": original_path,
        "skipped": result.skipped,
        "confirmed_fresh": result.confirmed_fresh,
        "oracle_mode": result.oracle_mode,
        "notes": list(result.notes),
        "steps": [{"index": s.index, "pass": s.pass_name, "size_after": s.size_after.as_dict()} for s in result.steps],
        "stats": result.stats.as_dict(),
    }
    if args.json or args.events:
        _emit(args, ctx, {"event": "finished", **summary} if args.events else summary)
    else:
        st = result.stats
        _say(
            ctx,
            f"{out_path}: {st.size_before.lines} → {st.size_after.lines} lines, {st.size_before.nodes} → {st.size_after.nodes} AST nodes; "
            f"{st.oracle_runs} runs ({st.fork_runs} fork, {st.fresh_runs} fresh, {st.cache_hits} cache hits) in {st.wall_time:.1f}s"
            + ("" if result.confirmed_fresh else " — NOT confirmed in a fresh interpreter"),
        )
        for note in result.notes:
            _say(ctx, f"note: {note}")
    return 0 if result.confirmed_fresh else 1
