"""The reducer: rounds of Python-aware passes, windows of parallel candidates, a result cache.

``minimize_events(...)`` is an async iterator of progress events ending with :class:`Finished`;
``minimize(...)`` drives it and returns the :class:`MinimizeResult`.

Determinism: each pass's candidates are tested in fixed windows of ``window`` candidates (``jobs``
of them at a time); the first success in order is committed, or the merge of all the window's
successes when their edits are independent and the merge passes too. The window size, not
``jobs``, decides what is committed, so ``jobs=1`` and ``jobs=2`` give the same result.
"""

from __future__ import annotations

import ast
import asyncio
import contextlib
import difflib
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace

from core.minimize import passes as P
from core.minimize.edits import (
    Size,
    apply,
    count_nodes,
    measure,
    nested,
    normalize,
    render,
)
from core.minimize.oracle import (
    DEFAULT_TIMEOUT,
    Expectation,
    ForkServerError,
    ForkServerOracle,
    FreshOracle,
    Oracle,
    OracleResult,
    ProbeResult,
)


class MinimizeError(Exception):
    """The minimization cannot start (e.g. the original does not show the expected failure)."""


@dataclass(frozen=True, slots=True)
class MinimizeOptions:
    """Knobs; defaults follow the seed (30 s per candidate, two stale rounds stop, skip if <= 20 lines)."""

    jobs: int = 2
    timeout: float = DEFAULT_TIMEOUT
    use_fork_server: bool = True
    window: int = 4
    time_limit: float | None = None
    skip_if_minimal: bool = True
    minimal_lines: int = 20
    stale_rounds: int = 2
    max_rounds: int = 12
    concretize: bool = True
    # Hoist the failing statement, concretised with its failing-evaluation values, out of the
    # driver code (one candidate per own frame); off keeps the repro's call structure.
    hoist: bool = True
    shorten_names: bool = False
    pin_frame: bool = False
    # Candidates get min(timeout, max(5 s, 5 x the original's run time)): a reduction that turns
    # the repro into an endless loop then costs seconds, not the full timeout.
    adaptive_timeout: bool = True
    python: str | None = None
    env: dict[str, str] | None = None
    sys_path0: str | None = None


@dataclass(frozen=True, slots=True)
class MinimizeStep:
    """One accepted change: which pass, the unified diff, the size after and the source after."""

    index: int
    pass_name: str
    diff: str
    size_after: Size
    source: str


@dataclass(frozen=True, slots=True)
class MinimizeStats:
    oracle_runs: int
    cache_hits: int
    fork_runs: int
    fresh_runs: int
    compile_rejects: int
    rounds: int
    wall_time: float
    size_before: Size
    size_after: Size

    def as_dict(self) -> dict:
        return {
            "oracle_runs": self.oracle_runs,
            "cache_hits": self.cache_hits,
            "fork_runs": self.fork_runs,
            "fresh_runs": self.fresh_runs,
            "compile_rejects": self.compile_rejects,
            "rounds": self.rounds,
            "wall_time": round(self.wall_time, 3),
            "size_before": self.size_before.as_dict(),
            "size_after": self.size_after.as_dict(),
        }


@dataclass(frozen=True, slots=True)
class MinimizeResult:
    original: str
    minimized: str
    steps: tuple[MinimizeStep, ...]
    stats: MinimizeStats
    oracle_mode: str  # "fork" or "fresh": what judged the candidates at the end
    confirmed_fresh: bool
    skipped: bool = False
    notes: tuple[str, ...] = ()
    original_result: OracleResult | None = None
    final_result: OracleResult | None = None


@dataclass(frozen=True, slots=True)
class Progress:
    """Streaming progress: current size, oracle runs, best size so far."""

    pass_name: str
    round: int
    size: Size
    best: Size
    runs: int
    cache_hits: int
    elapsed: float


@dataclass(frozen=True, slots=True)
class StepAccepted:
    step: MinimizeStep


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the user should know (fallback to fresh processes, skip reason...)."""

    message: str


@dataclass(frozen=True, slots=True)
class Finished:
    result: MinimizeResult


MinimizeEvent = Progress | StepAccepted | Notice | Finished

# name, generator, needs the probe
_ROUND: tuple[tuple[str, Callable[[P.PassInput], list[P.Candidate]]], ...] = (
    ("unused-definitions", P.unused_definitions),
    # Hoisting first: when it works it subsumes the next two, and they reuse its probe when not.
    ("hoist", P.hoist),
    ("after-raise", P.after_raise),
    ("trace-slice", P.trace_slice),
    ("unused-definitions", P.unused_definitions),
    ("imports-setup", P.imports_and_setup),
    ("shrink-model", P.shrink_model),
    ("class-wrapper", P.inline_class),
    ("tensor-sizes", P.tensor_sizes),
    ("device-dtype", P.device_dtype),
    ("ddmin", None),  # statement ddmin: before the expression passes, which are cheaper on less code
    ("simplify", P.simplify),
    ("control-flow", P.control_flow),
    ("backends", P.backends),
    ("concretize", P.concretize),
    ("unused-definitions", P.unused_definitions),
    ("literals", P.literals),
)

_NEEDS_PROBE = {"after-raise", "trace-slice", "hoist", "concretize"}

_DUNDERS = {"__new__", "__init__", "__torch_dispatch__", "__torch_function__", "__tensor_flatten__", "__tensor_unflatten__", "__repr__"}


def reducible_lines(source: str) -> int:
    """Non-blank, non-import lines, not counting tensor-subclass dunders (irreducible boilerplate)."""
    tree = ast.parse(source)
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            skip.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
        if isinstance(node, ast.ClassDef):
            methods = {m.name for m in node.body if isinstance(m, ast.FunctionDef)}
            if methods & {"__torch_dispatch__", "__torch_function__"}:
                for m in node.body:
                    if isinstance(m, ast.FunctionDef) and m.name in _DUNDERS:
                        skip.update(range(m.lineno, (m.end_lineno or m.lineno) + 1))
    return sum(1 for i, line in enumerate(source.splitlines(), 1) if line.strip() and i not in skip and not line.strip().startswith("#"))


class _Minimizer:
    def __init__(self, source: str, expectation: Expectation, options: MinimizeOptions, oracle: Oracle | None, reference: Oracle | None):
        self.original = source
        self.expectation = expectation
        self.opt = options
        self.external = oracle is not None
        self.reference: Oracle = reference or oracle or FreshOracle(
            expectation, python=options.python, timeout=options.timeout, env=options.env, sys_path0=options.sys_path0
        )
        self.fast: Oracle = oracle or self.reference
        self.owned: list = [] if (oracle or reference) else [self.reference]
        self.cache: dict[str, bool] = {}
        self.inflight: dict[str, asyncio.Future] = {}
        self.sem = asyncio.Semaphore(max(1, options.jobs))
        self.runs = self.cache_hits = self.fork_runs = self.fresh_runs = self.compile_rejects = 0
        self.rounds = 0
        self.steps: list[MinimizeStep] = []
        self.notes: list[str] = []
        self.events: asyncio.Queue = asyncio.Queue()
        self.started = time.perf_counter()
        self.deadline = self.started + options.time_limit if options.time_limit else None
        self.text = ""
        self.tree: ast.Module = ast.parse("")
        self.size: Size = measure("")
        self.first_size: Size = measure(source)
        self.pass_name = "start"
        self.probe_data: ProbeResult | None = None
        self._probe_text: str | None = None

    # -------------------------------------------------------------- plumbing

    def _emit(self, ev) -> None:
        self.events.put_nowait(ev)

    def _progress(self) -> None:
        self._emit(Progress(self.pass_name, self.rounds, self.size, self.size, self.runs, self.cache_hits, time.perf_counter() - self.started))

    def _out_of_time(self) -> bool:
        return self.deadline is not None and time.perf_counter() >= self.deadline

    def _set_current(self, text: str) -> None:
        self.text = text
        self.tree = ast.parse(text)
        self.size = measure(text)

    async def _oracle_check(self, text: str) -> OracleResult:
        try:
            res = await self.fast.check(text)
        except ForkServerError as exc:
            await self._fallback(f"fork server failed ({exc}); using fresh processes")
            res = await self.reference.check(text)
        if res.via == "fork":
            self.fork_runs += 1
        else:
            self.fresh_runs += 1
        self.runs += 1
        return res

    async def _fallback(self, why: str) -> None:
        if self.fast is self.reference:
            return
        self.notes.append(why)
        self._emit(Notice(why))
        old, self.fast = self.fast, self.reference
        self.cache.clear()
        if isinstance(old, ForkServerOracle):
            await old.close()

    async def _judge(self, text: str, *, normalized: bool = False) -> bool:
        # Rendered candidates are ast.unparse output already: their text is the normalised key.
        key = text if normalized else normalize(text)
        if key in self.cache:
            self.cache_hits += 1
            return self.cache[key]
        if key in self.inflight:
            self.cache_hits += 1
            return await self.inflight[key]
        fut = asyncio.get_running_loop().create_future()
        self.inflight[key] = fut
        try:
            async with self.sem:
                res = await self._oracle_check(text)
            self.cache[key] = res.interesting
            fut.set_result(res.interesting)
            return res.interesting
        except BaseException as exc:
            fut.set_exception(exc)
            fut.exception()  # mark retrieved
            raise
        finally:
            self.inflight.pop(key, None)

    def _smaller(self, text: str, tree: ast.Module, canonical: bool) -> bool:
        nodes = count_nodes(tree)
        if (nodes, len(text)) < (self.size.nodes, self.size.chars):
            return True
        return canonical and nodes <= self.size.nodes and text != self.text

    def _commit(self, text: str, pass_name: str) -> None:
        before = self.text
        self._set_current(text)
        diff = "".join(
            difflib.unified_diff(before.splitlines(keepends=True), text.splitlines(keepends=True), "before", "after", n=2)
        )
        step = MinimizeStep(len(self.steps) + 1, pass_name, diff, self.size, text)
        self.steps.append(step)
        self._emit(StepAccepted(step))
        self._progress()

    # -------------------------------------------------------------- windows

    async def _try_window(self, cands: list[P.Candidate]) -> int | None:
        """Test a window; commit the merge of its successes or its first success. Index or None.

        Each candidate is rendered and compile-checked, then launched at once, so rendering the
        next one overlaps with running the previous ones."""
        prepared: list[tuple[str, ast.Module] | None] = []
        tasks: list[asyncio.Task | None] = []
        for c in cands:
            p = self._prepare(c.edits, c.canonical)
            prepared.append(p)
            tasks.append(asyncio.ensure_future(self._judge(p[0], normalized=True)) if p else None)
            await asyncio.sleep(0)
        oks = [bool(await t) if t is not None else False for t in tasks]
        wins = [i for i, ok in enumerate(oks) if ok]
        if not wins:
            return None
        first = wins[0]
        if len(wins) > 1:
            edits = [e for i in wins for e in cands[i].edits]
            if not nested([e.path for e in edits]):
                merged = self._prepare(edits, False)
                if merged is not None and count_nodes(merged[1]) < count_nodes(prepared[first][1]) and await self._judge(merged[0], normalized=True):
                    self._commit(merged[0], cands[first].pass_name + "+merged")
                    return first
        self._commit(prepared[first][0], cands[first].pass_name)
        return first

    def _prepare(self, edits, canonical: bool) -> tuple[str, ast.Module] | None:
        try:
            tree = apply(self.tree, edits)
        except (ValueError, IndexError, AttributeError, TypeError):
            return None
        text = render(tree)
        if text is None:
            self.compile_rejects += 1
            return None
        if not self._smaller(text, tree, canonical):
            return None
        return text, tree

    async def _run_sites(self, name: str, gen) -> bool:
        """Greedy pass: regenerate candidates after each success, continue from that position."""
        self.pass_name = name
        progressed = False
        pos = 0
        cands = None
        while not self._out_of_time():
            if cands is None:
                if progressed and name in _NEEDS_PROBE and self._probe_text != self.text:
                    # Trace-guided passes chain: the next candidate needs the new text's trace.
                    await self._probe()
                cands = gen(self._pass_input())
            if pos >= len(cands):
                break
            window = cands[pos : pos + self.opt.window]
            got = await self._try_window(window)
            self._progress()
            if got is None:
                pos += len(window)
            else:
                progressed = True
                pos += got
                cands = None
        return progressed

    def _pass_input(self) -> P.PassInput:
        pd = self.probe_data if (self.probe_data is not None and self._probe_text == self.text) else None
        return P.PassInput(
            tree=self.tree,
            executed=pd.executed_lines if pd else None,
            own_lines=pd.own_lines if pd else (),
            values=pd.values if pd else {},
            keep_substring=self.expectation.match,
            fail_frames=pd.fail_frames if pd else (),
        )

    # -------------------------------------------------------------- ddmin

    async def _ddmin(self) -> bool:
        """Delta debugging over every statement list, outermost lists first."""
        self.pass_name = "ddmin"
        progressed = False
        done: set[tuple] = set()
        while not self._out_of_time():
            target = None
            for path, fname, body in _stmt_lists(self.tree):
                sig = (path, fname, ast.dump(ast.Module(body=body, type_ignores=[])))
                if sig not in done and len(body) > 1:
                    target = (path, fname, sig)
                    break
            if target is None:
                break
            path, fname, sig = target
            changed = await self._ddmin_list(path, fname)
            progressed |= changed
            if not changed:
                done.add(sig)
        return progressed

    async def _ddmin_list(self, path, fname) -> bool:
        from core.minimize.edits import Edit, get

        changed = False
        n = 2
        while not self._out_of_time():
            body = getattr(get(self.tree, path), fname)
            size = len(body)
            if size <= 1 and changed:
                break
            if size < 1:
                break
            n = min(n, size)
            chunk = -(-size // n)
            parts = [list(range(i, min(i + chunk, size))) for i in range(0, size, chunk)]
            cands = [P.Candidate("ddmin", tuple(Edit(path + ((fname, j),), None) for j in part)) for part in parts]
            hit = None
            for k in range(0, len(cands), self.opt.window):
                hit = await self._try_window(cands[k : k + self.opt.window])
                self._progress()
                if hit is not None:
                    break
            if hit is not None:
                changed = True
                n = max(n - 1, 2)
                continue
            if n >= size:
                break
            n = min(size, n * 2)
        return changed

    # -------------------------------------------------------------- probes

    async def _probe(self) -> None:
        """Trace the current source once: executed lines, raising chain, literal values."""
        self._probe_text = None
        self.probe_data = None
        prober = self.fast if hasattr(self.fast, "probe") else (self.reference if hasattr(self.reference, "probe") else None)
        if prober is None:
            return
        keys = P.concretizable(self.tree) if self.opt.concretize else None
        try:
            pd = await prober.probe(self.text, value_keys=keys)
        except ForkServerError as exc:
            await self._fallback(f"fork server failed ({exc}); using fresh processes")
            pd = await self.reference.probe(self.text, value_keys=keys)
        self.runs += 1
        if pd.result.via == "fork":
            self.fork_runs += 1
        else:
            self.fresh_runs += 1
        if not pd.result.interesting and keys:
            # The value recorder may disturb the program (torch.compile traces the recorder
            # calls); the trace alone is still useful, and the values of the frames that run
            # for real on the failing traceback usually survive.
            pd = await prober.probe(self.text)
            self.runs += 1
            if pd.result.interesting and pd.own_lines:
                narrow = P.concretizable(self.tree, within_lines=set(pd.own_lines))
                if narrow:
                    pd2 = await prober.probe(self.text, value_keys=narrow)
                    self.runs += 1
                    if pd2.result.interesting:
                        pd = pd2
        if pd.result.interesting:
            self.probe_data = pd
            self._probe_text = self.text

    # -------------------------------------------------------------- main

    async def _rounds(self) -> None:
        stale = 0
        while stale < self.opt.stale_rounds and self.rounds < self.opt.max_rounds and not self._out_of_time():
            self.rounds += 1
            start_size = self.size
            for name, gen in _ROUND:
                if self._out_of_time():
                    break
                if name == "hoist" and not self.opt.hoist:
                    continue
                if name in _NEEDS_PROBE and self._probe_text != self.text:
                    await self._probe()
                if gen is None:
                    await self._ddmin()
                else:
                    await self._run_sites(name, gen)
            if self.opt.shorten_names:
                await self._run_sites("names", P.shorten_names)
            stale = stale + 1 if self.size == start_size else 0

    async def run(self) -> MinimizeResult:
        try:
            return await self._run()
        finally:
            for o in self.owned:
                close = getattr(o, "close", None)
                if close:
                    await close()

    async def _run(self) -> MinimizeResult:
        try:
            start_text = render(ast.parse(self.original))
        except SyntaxError as exc:
            raise MinimizeError(f"the repro does not parse: {exc}") from exc
        if start_text is None:
            raise MinimizeError("the repro does not compile")
        server = server_task = None
        if not self.external and self.opt.use_fork_server and not (self.opt.skip_if_minimal and reducible_lines(self.original) <= self.opt.minimal_lines):
            # Warm the server with the repro's static imports while the original runs fresh
            # (for torch repros both take the bulk of the start-up, on different cores).
            server = ForkServerOracle(
                self.expectation, preload=_static_imports(ast.parse(self.original)), python=self.opt.python,
                timeout=self.opt.timeout, env=self.opt.env, sys_path0=self.opt.sys_path0,
            )
            server_task = asyncio.ensure_future(server.start())
        try:
            return await self._run_with(start_text, server, server_task)
        finally:
            if server is not None and server not in self.owned:
                if server_task is not None:
                    if not server_task.done():
                        server_task.cancel()
                    with contextlib.suppress(BaseException):
                        await server_task  # also retrieves a start-up error nobody waited for
                await server.close()

    async def _run_with(self, start_text: str, server, server_task) -> MinimizeResult:
        # The original is judged as written (fresh, traced), before any normalisation.
        prober = self.reference if hasattr(self.reference, "probe") else None
        if prober is not None:
            probe = await prober.probe(self.original)
        else:
            probe = ProbeResult(result=await self.reference.check(self.original))
        self.runs += 1
        self.fresh_runs += 1
        original_result = probe.result
        if not original_result.interesting:
            raise MinimizeError(
                "the original does not show the expected failure: "
                + (f"got {original_result.exception_class}: {(original_result.message or '')[:200]}" if original_result.exception_class else f"exit code {original_result.exit_code}, signal {original_result.signal}, timed out {original_result.timed_out}")
            )
        if self.opt.adaptive_timeout:
            limit = min(self.opt.timeout, max(5.0, 5 * original_result.duration))
            for o in (self.reference, self.fast):
                if hasattr(o, "timeout"):
                    o.timeout = limit
            self._candidate_timeout = limit
        if self.opt.pin_frame and original_result.raising_frame and original_result.raising_frame.module not in (None, "__main__"):
            self.expectation = replace(self.expectation, frame_module=original_result.raising_frame.module)
            for o in (self.reference, self.fast):
                if hasattr(o, "expectation"):
                    o.expectation = self.expectation
        self._set_current(self.original)
        if self.opt.skip_if_minimal and reducible_lines(self.original) <= self.opt.minimal_lines:
            note = f"already minimal: {reducible_lines(self.original)} non-blank non-import lines <= {self.opt.minimal_lines}"
            self.notes.append(note)
            self._emit(Notice(note))
            return self._result(original_result, original_result, confirmed=True, skipped=True)

        if server is not None:
            await self._start_fork_server(probe, server, server_task)
        # Normalised start: the unparsed original must still reproduce under the fast oracle.
        if not await self._judge(start_text):
            await self._fallback("the fork server disagrees with a fresh interpreter on the normalised original; using fresh processes")
            if not await self._judge(start_text):
                raise MinimizeError("the repro stops failing once normalised (comments/formatting removed)")
        self._set_current(start_text)
        self._progress()
        await self._rounds()
        confirmed, final = await self._confirm()
        if not confirmed and self.fast is not self.reference:
            await self._recover()
            confirmed, final = await self._confirm()
        return self._result(original_result, final, confirmed=confirmed)

    async def _start_fork_server(self, probe: ProbeResult, server: ForkServerOracle, started) -> None:
        modules = [m for m in probe.modules if not m.startswith("__")]
        server.timeout = getattr(self, "_candidate_timeout", self.opt.timeout)
        try:
            await started
            await server.extend([m for m in modules if m not in server.preload])
        except (TimeoutError, ForkServerError, OSError, ValueError) as exc:
            await server.close()
            self._note(f"fork server did not start ({exc}); using fresh processes")
            return
        if server.cuda_initialized:
            await server.close()
            self._note("preloading initialised CUDA; the repro needs a GPU context, so candidates run in fresh processes")
            return
        check = await server.check(self.original)
        if not check.same_failure(probe.result):
            await server.close()
            self._note(
                f"fork server and fresh interpreter disagree on the original ({check.exception_class} vs {probe.result.exception_class}); using fresh processes"
            )
            return
        self.runs += 1
        self.fork_runs += 1
        self.fast = server
        self.owned.append(server)

    def _note(self, text: str) -> None:
        self.notes.append(text)
        self._emit(Notice(text))

    async def _confirm(self) -> tuple[bool, OracleResult]:
        """The final result, judged by a fresh interpreter."""
        res = await self.reference.check(self.text)
        self.runs += 1
        self.fresh_runs += 1
        return res.interesting, res

    async def _recover(self) -> None:
        """Fork and fresh disagree on the result: back off to the last step a fresh run confirms,
        then continue with fresh processes only."""
        good, bad = -1, len(self.steps) - 1
        while bad - good > 1:
            mid = (good + bad) // 2
            res = await self.reference.check(self.steps[mid].source)
            self.runs += 1
            self.fresh_runs += 1
            if res.interesting:
                good = mid
            else:
                bad = mid
        await self._fallback("the final result did not reproduce in a fresh interpreter; resumed from the last confirmed step with fresh processes")
        self.steps = self.steps[: good + 1]
        self._set_current(self.steps[-1].source if self.steps else render(ast.parse(self.original)))
        await self._rounds()

    def _result(self, original_result: OracleResult, final: OracleResult, *, confirmed: bool, skipped: bool = False) -> MinimizeResult:
        minimized = self.original if skipped else self.text
        stats = MinimizeStats(
            oracle_runs=self.runs,
            cache_hits=self.cache_hits,
            fork_runs=self.fork_runs,
            fresh_runs=self.fresh_runs,
            compile_rejects=self.compile_rejects,
            rounds=self.rounds,
            wall_time=time.perf_counter() - self.started,
            size_before=self.first_size,
            size_after=measure(minimized),
        )
        return MinimizeResult(
            original=self.original,
            minimized=minimized,
            steps=tuple(self.steps),
            stats=stats,
            oracle_mode="fork" if isinstance(self.fast, ForkServerOracle) else "fresh",
            confirmed_fresh=confirmed,
            skipped=skipped,
            notes=tuple(self.notes),
            original_result=original_result,
            final_result=final,
        )


def _static_imports(tree: ast.Module) -> list[str]:
    """Modules the repro imports at its top level (absolute imports only), in order."""
    out: list[str] = []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import):
            out += [a.name for a in stmt.names]
        elif isinstance(stmt, ast.ImportFrom) and stmt.module and not stmt.level and stmt.module != "__future__":
            out.append(stmt.module)
    return list(dict.fromkeys(out))


def _stmt_lists(tree):
    from core.minimize.edits import stmt_lists

    return stmt_lists(tree)


async def minimize_events(
    source: str,
    expectation: Expectation,
    options: MinimizeOptions | None = None,
    *,
    oracle: Oracle | None = None,
    reference: Oracle | None = None,
) -> AsyncIterator[MinimizeEvent]:
    """Minimize ``source`` keeping ``expectation``; yields progress and ends with :class:`Finished`.

    Without ``oracle`` the engine uses a fork server (when allowed) and fresh interpreters; with
    one, every candidate goes through it and ``reference`` (default: the same oracle) confirms.
    """
    m = _Minimizer(source, expectation, options or MinimizeOptions(), oracle, reference)
    task = asyncio.create_task(m.run())
    try:
        while True:
            getter = asyncio.create_task(m.events.get())
            done, _ = await asyncio.wait({getter, task}, return_when=asyncio.FIRST_COMPLETED)
            if getter in done:
                yield getter.result()
                continue
            getter.cancel()
            while not m.events.empty():
                yield m.events.get_nowait()
            result = task.result()  # re-raises MinimizeError
            yield Finished(result)
            return
    finally:
        if not task.done():
            task.cancel()
            try:
                await task
            except (asyncio.CancelledError, Exception):
                pass


async def minimize(source: str, expectation: Expectation, options: MinimizeOptions | None = None, **kw) -> MinimizeResult:
    """Run :func:`minimize_events` to the end and return its result."""
    result = None
    async for ev in minimize_events(source, expectation, options, **kw):
        if isinstance(ev, Finished):
            result = ev.result
    assert result is not None
    return result


def save_original(path: str, source: str) -> str:
    """Save the original next to ``path`` (``<stem>_original.py``) before anything changes."""
    base, ext = os.path.splitext(path)
    out = f"{base}_original{ext or '.py'}"
    with open(out, "w", encoding="utf-8") as fh:
        fh.write(source)
    return out
