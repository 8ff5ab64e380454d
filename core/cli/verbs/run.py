"""``triagedeck run FILE``: run a repro in an environment, N times, and judge the outcome."""

from __future__ import annotations

import argparse
from pathlib import Path

from ...models import ErrorSignature
from ...text import inert, one_line
from ...run import (
    LauncherError,
    OutputLine,
    RunSpec,
    SeedOptions,
    event_to_json,
    parse_environment,
    parse_launcher,
    probe_environment,
    run_repeated,
    runner_for,
)
from ._common import add_json


def register(sub, parents) -> None:
    p = sub.add_parser("run", parents=parents, help="run a repro script and judge the outcome (seed step 5)")
    p.add_argument("file", help="the repro script")
    p.add_argument("--env", default="local", metavar="ENV", help="local | local:/path/python | conda:NAME | ssh:HOST (default: local)")
    p.add_argument("--launcher", default="python", metavar="L",
                   help="python | torchrun | torchrun:N (python -m torch.distributed.run --standalone "
                        "--nproc_per_node=N with the environment's interpreter; default python)")
    p.add_argument("--runs", type=int, default=1, metavar="N", help="run N times to assess flakiness (default 1)")
    p.add_argument("--timeout", type=float, default=120.0, metavar="S", help="seconds before the run's process tree is killed (default 120)")
    p.add_argument("--sandbox", choices=("auto", "on", "off"), default="auto", help="bubblewrap sandbox (auto: required when usable; off: explicit unsandboxed run)")
    p.add_argument("--expect-class", metavar="C", help="the reported exception class")
    p.add_argument("--expect-match", metavar="S", help="a distinctive substring of the reported message")
    p.add_argument("--expect-signal", type=int, metavar="N", help="the reported signal (crash repros)")
    p.add_argument("--hash-seed", type=int, metavar="N", help="set PYTHONHASHSEED=N")
    p.add_argument("--seed", type=int, metavar="N", help="seed random/numpy/torch before the script runs")
    p.add_argument("--no-probe", action="store_true", help="skip the environment probe")
    p.add_argument("--events", action="store_true", help="stream JSON lines (events) while running, then the summary")
    add_json(p)
    p.set_defaults(handler=handle)


def _expected(args: argparse.Namespace) -> ErrorSignature | None:
    signature = ErrorSignature(args.expect_class, args.expect_match, args.expect_signal)
    return None if signature.empty else signature


async def handle(args, ctx) -> int:
    path = Path(args.file)
    if not path.is_file():
        ctx.error(f"no such file: {path}")
        return 2
    if args.runs < 1:
        ctx.error("--runs must be at least 1")
        return 2
    try:
        launcher = parse_launcher(args.launcher)
    except LauncherError as exc:
        ctx.error(str(exc))
        return 2
    env = parse_environment(args.env, ctx.config.extra.get("runners", {}))
    spec = RunSpec(
        path,
        env=env,
        launcher=launcher,
        timeout_s=args.timeout,
        sandbox=args.sandbox,
        seed=SeedOptions(hash_seed=args.hash_seed, seed=args.seed),
    )
    runner = runner_for(env)
    runner.run(spec)  # fail fast (sandbox unavailable, bad host) before probing
    streaming = args.events
    quiet = ctx.json and not streaming

    probe = None
    if not args.no_probe:
        probe = await probe_environment(env)
        if streaming:
            ctx.emit_event({"event": "probe", **probe.to_json()})
        elif not quiet:
            torch = probe.torch or f"not importable ({one_line(probe.torch_error or probe.error or '?')})"
            ctx.print(f"# {env.name}: Python {probe.python}, torch {torch}, CUDA {probe.torch_cuda or '-'}, "
                      f"GPU {probe.gpu or 'none'}")

    if launcher.is_torchrun and not quiet and not streaming:
        ctx.print(f"# runs as: {launcher.label}")

    def on_event(index: int, event) -> None:
        if streaming:
            ctx.emit_event({"run": index, **event_to_json(event)})
        elif not quiet and isinstance(event, OutputLine):
            ctx.print(inert(event.text, keep_newlines=False))

    log_dir = Path(ctx.config.data_dir) / "run-logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    report = await run_repeated(runner, spec, args.runs, _expected(args), on_event=on_event, log_dir=log_dir)
    verdict = report.verdict
    assert verdict is not None
    summary = {
        "file": str(path),
        "environment": {"name": env.name, "key": env.key, "probe": probe.to_json() if probe else None},
        "launcher": launcher.to_json(),
        "expected": None if _expected(args) is None else {
            "exception_class": args.expect_class, "message_substring": args.expect_match, "signal": args.expect_signal,
        },
        "runs": [o.to_json() for o in report.outcomes],
        "verdict": verdict.to_json(),
        "flaky": report.to_json(),
    }
    if streaming:
        ctx.emit_event({"event": "summary", **summary})
    elif ctx.json:
        ctx.emit_json(summary)
    else:
        ctx.print()
        for outcome in report.outcomes:
            status = f"signal {outcome.signal}" if outcome.signal else f"exit {outcome.exit_code}"
            ctx.print(f"run {outcome.index + 1}: {outcome.verdict.kind.value} ({status}, {outcome.duration_s:.2f}s) log: {outcome.log_path}")
        ctx.print(f"verdict: {one_line(verdict.summary)}")
        for line in verdict.evidence:
            ctx.print(f"  > {one_line(line)}")
        if verdict.hint:
            ctx.print(f"hint: {one_line(verdict.hint)}")
        if report.runs > 1:
            ctx.print(f"flakiness: failed {report.ratio}, verdicts {report.counts}")
    return 0
