"""Runs one candidate and reports what it raised. Standard library only.

Used two ways, with identical execution semantics:

* fresh: ``python _child.py run --result R.json CANDIDATE.py [--trace] [--values KEYS.json]``
* fork server: ``python _child.py serve`` reads JSON-line requests on stdin, preloads the modules it
  is told, then forks one child per request (own session/process group), kills it at its
  deadline, and answers one JSON line per finished child on stdout.

The candidate always runs in a brand-new ``__main__`` module. What it raised is written as JSON to
the result path: exception class, message, raising frame, the candidate's own traceback lines, and
(on probes) the lines it executed, the literal values of chosen expressions and ``sys.modules``.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import select
import signal
import sys
import time
import traceback
import types

_MAX_MESSAGE = 4000
_LITERAL_TYPES = (int, float, str, bool, type(None))


def _torch_literal(value):
    """Source text that rebuilds a torch value closely enough for a candidate: dtypes, devices,
    small tensors by value, large ones by shape (integer ones filled with their maximum, so an
    out-of-range index stays out of range), leaf ``torch.nn`` modules by their repr."""
    torch = sys.modules.get("torch")
    if torch is None:
        return _NOPE
    try:
        if isinstance(value, torch.dtype):
            return {"expr": str(value)}
        if isinstance(value, torch.device):
            return {"expr": f"torch.device({str(value)!r})"}
        if type(value) in (torch.Tensor, torch.nn.Parameter):
            if value.device.type != "cpu" or value.is_sparse or value.dim() > 6:
                return _NOPE
            dtype = str(value.dtype)
            grad = ", requires_grad=True" if value.requires_grad else ""
            if value.numel() <= 16:
                data = value.detach().tolist()
                return {"expr": f"torch.tensor({data!r}, dtype={dtype}{grad})"}
            shape = tuple(value.shape)
            if value.dtype.is_floating_point:
                extra = "" if value.dtype == torch.float32 else f", dtype={dtype}"
                return {"expr": f"torch.randn({shape!r}{extra}{grad})"}
            top = value.max().item()
            return {"expr": f"torch.full({shape!r}, {top!r}, dtype={dtype})"}
        if type(value) is torch.nn.Sequential and len(value) <= 16:
            parts = [_torch_literal(m) for m in value]
            if all(isinstance(p, dict) and "expr" in p for p in parts):
                return {"expr": "torch.nn.Sequential(" + ", ".join(p["expr"] for p in parts) + ")"}
            return _NOPE
        if isinstance(value, torch.nn.Module) and type(value).__module__.startswith("torch.nn.modules") and not list(value.children()):
            text = "torch.nn." + repr(value)
            node = ast.parse(text, mode="eval").body
            if isinstance(node, ast.Call):
                return {"expr": text}
    except Exception:  # noqa: BLE001 - a value we cannot describe is simply not concretised
        return _NOPE
    return _NOPE


def _literal(value, depth: int = 0, rich: bool = False):
    """A JSON-encodable literal form of ``value`` or a sentinel when it has none. ``rich`` also
    describes torch values as source expressions (``{"expr": ...}``)."""
    t = type(value)
    if t in _LITERAL_TYPES:
        if t is float and (value != value or value in (float("inf"), float("-inf"))):
            return _NOPE
        if t is str and len(value) > 200:
            return _NOPE
        return value
    if isinstance(value, (tuple, list)) and depth < 4 and len(value) <= 16:
        # torch.Size is a tuple subclass: concretised as a plain tuple.
        items = [_literal(v, depth + 1, rich) for v in value]
        if any(i is _NOPE for i in items):
            return _NOPE
        return {"tuple" if isinstance(value, tuple) else "list": items}
    if t is dict and depth < 4 and len(value) <= 16:
        pairs = [[_literal(k, depth + 1, rich), _literal(v, depth + 1, rich)] for k, v in value.items()]
        if any(i is _NOPE for p in pairs for i in p):
            return _NOPE
        return {"dict": pairs}
    if rich and t.__module__.startswith("torch"):
        return _torch_literal(value)
    return _NOPE


def _plain(lit) -> bool:
    """Whether a literal form holds no source expression (safe to call "the value it always had")."""
    if isinstance(lit, dict):
        if "expr" in lit:
            return False
        return all(_plain(v) for v in next(iter(lit.values())))
    if isinstance(lit, list):
        return all(_plain(v) for v in lit)
    return True


class _Nope:
    pass


_NOPE = _Nope()
_MAX_FRAMES = 4096


class _ValueRecorder:
    """Remembers, per expression key, the single literal value it always had (or that it varied),
    and per frame the last value of each key (the failing evaluation's values are in the raising
    frames, which the traceback keeps alive)."""

    def __init__(self):
        self.values: dict[str, object] = {}
        self.varied: set[str] = set()
        # id(frame) -> [frame, {key: (literal, tick)}, {line: tick when it last began}].
        # Holding the frame keeps its id from being reused by a later frame (recursion reuses
        # addresses), so a slot never mixes two frames; the line tick drops values left over from
        # an earlier execution of the failing statement (a loop's previous iteration).
        self.by_frame: dict[int, list] = {}
        self.tick = 0

    def _entry(self, frame) -> list:
        entry = self.by_frame.get(id(frame))
        if entry is None or entry[0] is not frame:
            if len(self.by_frame) >= _MAX_FRAMES:
                self.by_frame.pop(next(iter(self.by_frame)))
            entry = self.by_frame[id(frame)] = [frame, {}, {}]
        return entry

    def line(self, frame) -> None:
        """The tracer saw ``frame`` start a new line."""
        self.tick += 1
        # Per line: leaving a `with`/`try` on the exception reports their own line afterwards.
        self._entry(frame)[2][frame.f_lineno] = self.tick

    def __call__(self, key, value):
        lit = _literal(value, rich=True)
        self.tick += 1
        frame = sys._getframe(1)
        self._entry(frame)[1][key] = (lit, self.tick)
        del frame
        if key in self.varied:
            return value
        if lit is _NOPE or not _plain(lit):
            self.varied.add(key)
            self.values.pop(key, None)
        elif key in self.values:
            if self.values[key] != lit or type(self.values[key]) is not type(lit):
                self.varied.add(key)
                del self.values[key]
        else:
            self.values[key] = lit
        return value

    def failing(self, tb, path: str) -> list[dict]:
        """The candidate's own frames on the traceback, innermost first, with their last values."""
        frames = []
        while tb is not None:
            if tb.tb_frame.f_code.co_filename == path:
                frames.append(tb)
            tb = tb.tb_next
        out = []
        for t in reversed(frames[-4:]):
            entry = self.by_frame.get(id(t.tb_frame))
            if entry is None or entry[0] is not t.tb_frame:
                out.append({"lineno": t.tb_lineno, "values": {}})
                continue
            # A value counts when it was recorded after its own line last began: values of the
            # failing line from a loop's earlier iteration go, earlier statements' values stay.
            starts = entry[2]
            out.append(
                {
                    "lineno": t.tb_lineno,
                    "values": {k: v for k, (v, tick) in entry[1].items() if v is not _NOPE and tick > starts.get(int(k.split(":", 1)[0]), 0)},
                }
            )
        return out


def _instrument(tree: ast.Module, keys: set[str]) -> ast.Module:
    """Wrap each expression whose position key is in ``keys`` in ``__td_rec__(key, expr)``."""

    class Wrap(ast.NodeTransformer):
        def generic_visit(self, node):
            super().generic_visit(node)
            if isinstance(node, ast.expr) and not isinstance(getattr(node, "ctx", ast.Load()), (ast.Store, ast.Del)):
                key = f"{getattr(node, 'lineno', 0)}:{getattr(node, 'col_offset', 0)}:{getattr(node, 'end_lineno', 0)}:{getattr(node, 'end_col_offset', 0)}"
                if key in keys:
                    call = ast.Call(
                        func=ast.Name("__td_rec__", ast.Load()),
                        args=[ast.Constant(key), node],
                        keywords=[],
                    )
                    return ast.copy_location(call, node)
            return node

    new = Wrap().visit(tree)
    ast.fix_missing_locations(new)
    return new


def _frame_info(tb, path: str):
    """(innermost frame, the candidate's own frames) from a traceback."""
    frames = traceback.extract_tb(tb)
    inner = None
    module = None
    t = tb
    while t is not None:
        inner = t
        t = t.tb_next
    if inner is not None:
        module = inner.tb_frame.f_globals.get("__name__")
    raising = None
    if frames:
        last = frames[-1]
        raising = {"module": module, "filename": last.filename, "lineno": last.lineno, "function": last.name}
    own = [f.lineno for f in frames if f.filename == path]
    return raising, own


def run_candidate(path: str, result_path: str, *, trace: bool = False, value_keys: list[str] | None = None) -> None:
    """Execute ``path`` as ``__main__`` and write what happened to ``result_path`` (JSON)."""
    started = time.perf_counter()
    out: dict = {"exception_class": None, "message": None, "raising_frame": None, "own_lines": [], "exit_code": 0}
    executed: set[int] = set()
    recorder = _ValueRecorder() if value_keys else None
    try:
        with open(path, encoding="utf-8") as fh:
            source = fh.read()
        tree = ast.parse(source, path)
        if recorder is not None:
            tree = _instrument(tree, set(value_keys or ()))
            builtins.__td_rec__ = recorder  # type: ignore[attr-defined]
        code = compile(tree, path, "exec")
        main = types.ModuleType("__main__")
        main.__file__ = path
        main.__builtins__ = builtins
        sys.modules["__main__"] = main
        sys.argv = [path]
        if trace:

            def local(frame, event, arg):
                if event == "line":
                    executed.add(frame.f_lineno)
                    if recorder is not None:
                        recorder.line(frame)
                return local

            def glob(frame, event, arg):
                if frame.f_code.co_filename == path:
                    executed.add(frame.f_lineno)
                    return local
                return None

            sys.settrace(glob)
        try:
            exec(code, main.__dict__)
        finally:
            if trace:
                sys.settrace(None)
    except SystemExit as exc:
        code_ = exc.code
        out["exit_code"] = code_ if isinstance(code_, int) else (0 if code_ is None else 1)
    except BaseException as exc:  # noqa: BLE001 - the candidate's failure is the data
        cls = type(exc)
        out["exception_class"] = f"{cls.__module__}.{cls.__qualname__}" if cls.__module__ != "builtins" else cls.__qualname__
        try:
            msg = str(exc)
        except Exception:  # noqa: BLE001
            msg = "<unprintable>"
        out["message"] = msg[:_MAX_MESSAGE]
        out["raising_frame"], out["own_lines"] = _frame_info(exc.__traceback__, path)
        if recorder is not None:
            try:
                out["fail_frames"] = recorder.failing(exc.__traceback__, path)
            except Exception:  # noqa: BLE001
                pass
        out["exit_code"] = 1
    if trace:
        out["executed"] = sorted(executed)
        out["modules"] = sorted(m for m in list(sys.modules) if m != "__main__")
    if recorder is not None:
        out["values"] = recorder.values
    out["duration"] = time.perf_counter() - started
    tmp = result_path + ".tmp"
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(out, fh)
    os.replace(tmp, result_path)


def _load_keys(path: str | None) -> list[str] | None:
    if not path:
        return None
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def _child_exit(code: int) -> None:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # noqa: BLE001
        pass
    os._exit(code)


# ---------------------------------------------------------------- fork server


def _preload(modules: list[str]) -> dict:
    import importlib

    failed = []
    for name in modules:
        if name in sys.modules:
            continue
        try:
            importlib.import_module(name)
        except BaseException:  # noqa: BLE001 - a module that fails to preload just loads in the child
            failed.append(name)
    cuda = False
    torch = sys.modules.get("torch")
    if torch is not None:
        try:
            cuda = bool(torch.cuda.is_initialized())
        except Exception:  # noqa: BLE001
            cuda = False
    return {"ready": True, "failed": failed[:50], "cuda": cuda, "pid": os.getpid()}


def serve() -> None:
    """The fork server loop (see module docstring)."""
    wake_r, wake_w = os.pipe()
    os.set_blocking(wake_w, False)
    os.set_blocking(wake_r, False)
    signal.set_wakeup_fd(wake_w)
    signal.signal(signal.SIGCHLD, lambda *a: None)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    buf = b""
    children: dict[int, tuple[object, float]] = {}
    timed_out: set[int] = set()
    preloaded = False

    def send(obj) -> None:
        data = (json.dumps(obj) + "\n").encode()
        while data:
            n = os.write(1, data)
            data = data[n:]

    while True:
        timeout = None
        if children:
            now = time.monotonic()
            timeout = max(0.0, min(d for _, d in children.values()) - now)
        try:
            ready, _, _ = select.select([0, wake_r], [], [], timeout)
        except InterruptedError:
            ready = []
        if wake_r in ready:
            try:
                while os.read(wake_r, 4096):
                    pass
            except BlockingIOError:
                pass
        if 0 in ready:
            chunk = os.read(0, 1 << 16)
            if not chunk:
                for pid in list(children):
                    try:
                        os.killpg(pid, signal.SIGKILL)
                    except OSError:
                        pass
                return
            buf += chunk
            while b"\n" in buf:
                line, buf = buf.split(b"\n", 1)
                req = json.loads(line)
                if "preload" in req:
                    # The first preload (the repro's static imports) overlaps with the traced
                    # fresh run of the original; later ones add the closure that run revealed.
                    if not preloaded:
                        preloaded = True
                        if req.get("env"):
                            os.environ.update(req["env"])
                        # sys.path[0] is this helper's folder: the repro must see its own folder instead.
                        sys.path[0] = req.get("sys_path0") or os.getcwd()
                    reply = _preload(req["preload"])
                    if "id" in req:
                        reply["id"] = req["id"]
                    send(reply)
                    continue
                pid = os.fork()
                if pid == 0:
                    try:
                        os.setsid()
                        signal.set_wakeup_fd(-1)
                        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                        signal.signal(signal.SIGINT, signal.SIG_DFL)
                        os.close(wake_r)
                        os.close(wake_w)
                        devnull = os.open(os.devnull, os.O_RDWR)
                        for fd in (0, 1, 2):
                            os.dup2(devnull, fd)
                        run_candidate(req["path"], req["result"], trace=req.get("trace", False), value_keys=_load_keys(req.get("values")))
                        _child_exit(0)
                    except BaseException:  # noqa: BLE001
                        _child_exit(3)
                children[pid] = (req["id"], time.monotonic() + float(req.get("timeout", 30)))
        # reap finished children, kill late ones
        while children:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                break
            if pid == 0:
                break
            rid, _ = children.pop(pid, (None, 0))
            if rid is None:
                continue
            sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
            code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
            send({"id": rid, "signal": sig, "exit_code": code, "timed_out": pid in timed_out})
            timed_out.discard(pid)
        now = time.monotonic()
        for pid, (rid, deadline) in list(children.items()):
            if now >= deadline and pid not in timed_out:
                timed_out.add(pid)
                try:
                    os.killpg(pid, signal.SIGKILL)
                except OSError:
                    pass


def main(argv: list[str]) -> None:
    if argv and argv[0] == "serve":
        serve()
        return
    # run --result R [--trace] [--values K] CANDIDATE [--sys-path0 D]
    args = list(argv[1:]) if argv and argv[0] == "run" else list(argv)
    result = trace_flag = keys = path0 = None
    positional = []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--result":
            result = args[i + 1]
            i += 2
        elif a == "--values":
            keys = args[i + 1]
            i += 2
        elif a == "--sys-path0":
            path0 = args[i + 1]
            i += 2
        elif a == "--trace":
            trace_flag = True
            i += 1
        else:
            positional.append(a)
            i += 1
    # sys.path[0] is this helper's folder: the repro must see its own folder instead.
    sys.path[0] = path0 or os.path.dirname(os.path.abspath(positional[0]))
    run_candidate(positional[0], result, trace=bool(trace_flag), value_keys=_load_keys(keys))
    _child_exit(0)


if __name__ == "__main__":
    main(sys.argv[1:])
