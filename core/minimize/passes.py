"""Reduction passes: each turns the current tree into an ordered list of candidate edits.

Order inside a pass is outermost (biggest) first. A pass never executes anything; the engine tests
the candidates (cached, compile-checked, in windows) and regenerates the list after each success.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from core.minimize.edits import Edit, Path, iter_nodes, names_loaded, stmt_lists


@dataclass(frozen=True, slots=True)
class Candidate:
    """One proposed change: edits on the current tree. ``canonical`` edits may keep the size equal
    (they move towards a canonical form: CPU, float32, eager, smaller literals) and never cycle."""

    pass_name: str
    edits: tuple[Edit, ...]
    canonical: bool = False


@dataclass(slots=True)
class PassInput:
    """What a pass may look at besides the tree: the latest probe of the current source."""

    tree: ast.Module
    executed: frozenset[int] | None = None
    own_lines: tuple[int, ...] = ()
    values: dict = field(default_factory=dict)
    keep_substring: str | None = None
    fail_frames: tuple = ()


def dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _span(stmt: ast.stmt) -> tuple[int, int]:
    start = stmt.lineno
    for d in getattr(stmt, "decorator_list", ()) or ():
        start = min(start, d.lineno)
    return start, getattr(stmt, "end_lineno", stmt.lineno) or stmt.lineno


def _defined_names(stmt: ast.stmt) -> set[str] | None:
    """Names a statement binds when it is a pure definition; None when it is something else."""
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        if isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__":
            return None
        return {(a.asname or a.name).split(".")[0] for a in stmt.names if a.name != "*"} or None
    if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {stmt.name}
    if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        names: set[str] = set()
        for t in targets:
            for n in ast.walk(t):
                if isinstance(n, ast.Name):
                    names.add(n.id)
                elif not isinstance(n, (ast.Tuple, ast.List, ast.Store, ast.Starred)):
                    return None
        return names or None
    return None


# ------------------------------------------------------------------ zero-cost analyses


def unused_definitions(inp: PassInput) -> list[Candidate]:
    """Definitions (imports, functions, classes, assignments) whose names are never read."""
    loaded = names_loaded(inp.tree)
    dunder_all = _dunder_all(inp.tree)
    singles = []
    for path, fname, body in stmt_lists(inp.tree):
        for i, stmt in enumerate(body):
            names = _defined_names(stmt)
            if names and not (names & loaded) and not (names & dunder_all) and not _is_dunder_method(inp.tree, path, stmt):
                singles.append(Edit(path + ((fname, i),), None))
    if not singles:
        return []
    out = [Candidate("unused-definitions", tuple(singles))]
    if len(singles) > 1:
        out += [Candidate("unused-definitions", (e,)) for e in singles]
    return out


def _dunder_all(tree: ast.Module) -> set[str]:
    for stmt in tree.body:
        if isinstance(stmt, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "__all__" for t in stmt.targets):
            return {e.value for e in getattr(stmt.value, "elts", []) if isinstance(e, ast.Constant) and isinstance(e.value, str)}
    return set()


def _is_dunder_method(tree: ast.Module, path: Path, stmt: ast.stmt) -> bool:
    """Methods are called implicitly (``__init__``, ``forward``...): name resolution cannot see uses."""
    return isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)) and bool(path) and isinstance(_get(tree, path), ast.ClassDef)


def _get(tree: ast.AST, path: Path) -> ast.AST:
    node = tree
    for fname, idx in path:
        node = getattr(node, fname) if idx is None else getattr(node, fname)[idx]
    return node


def after_raise(inp: PassInput) -> list[Candidate]:
    """Delete everything after the statements on the failing call chain."""
    if not inp.own_lines:
        return []
    lines = set(inp.own_lines)
    edits = []
    for path, fname, body in stmt_lists(inp.tree):
        for i, stmt in enumerate(body):
            a, b = _span(stmt)
            if any(a <= ln <= b for ln in lines):
                edits += [Edit(path + ((fname, j),), None) for j in range(i + 1, len(body))]
                break
    return [Candidate("after-raise", tuple(edits))] if edits else []


def trace_slice(inp: PassInput) -> list[Candidate]:
    """One candidate: delete every statement that never executed before the error."""
    if not inp.executed:
        return []
    executed = inp.executed
    edits = []
    dead_prefixes: list[Path] = []
    for path, fname, body in stmt_lists(inp.tree):
        if any(path[: len(p)] == p for p in dead_prefixes):
            continue
        for i, stmt in enumerate(body):
            if isinstance(stmt, (ast.Global, ast.Nonlocal, ast.Pass)):
                continue
            a, b = _span(stmt)
            if not any(ln in executed for ln in range(a, b + 1)):
                p = path + ((fname, i),)
                edits.append(Edit(p, None))
                dead_prefixes.append(p)
    return [Candidate("trace-slice", tuple(edits))] if edits else []


# ------------------------------------------------------------------ seed strategies 1-8

_SETUP_CALL_PREFIXES = (
    "print",
    "pprint",
    "logging.",
    "logger.",
    "log.",
    "LOGGER.",
    "warnings.",
    "torch.manual_seed",
    "random.seed",
    "np.random.seed",
    "numpy.random.seed",
    "torch.set_",
    "torch.backends.",
    "torch.use_deterministic_algorithms",
    "os.environ",
    "os.makedirs",
    "sys.path",
    "dist.init_process_group",
    "torch.distributed.init_process_group",
    "time.sleep",
    "torch._dynamo.config",
    "torch._inductor.config",
    "torch._logging",
    "faulthandler.",
    "gc.collect",
)
_SETUP_TARGET_PREFIXES = ("os.environ", "torch._dynamo.config", "torch._inductor.config", "torch.backends.", "logging.", "sys.")


def _is_setup(stmt: ast.stmt) -> bool:
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        name = dotted(stmt.value.func) or ""
        for p in _SETUP_CALL_PREFIXES:
            q = p.rstrip(".")
            if name == q or name.startswith(q + ".") or (q.endswith("_") and name.startswith(q)):
                return True
        return False
    if isinstance(stmt, (ast.Assign, ast.AugAssign)):
        targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
        for t in targets:
            base = t.value if isinstance(t, ast.Subscript) else t
            name = dotted(base) or ""
            if any(name.startswith(p.rstrip(".")) for p in _SETUP_TARGET_PREFIXES):
                return True
        value = stmt.value
        if isinstance(value, ast.Call) and (dotted(value.func) or "").startswith(("logging.getLogger", "logging.basicConfig")):
            return True
    if isinstance(stmt, (ast.Import, ast.ImportFrom)):
        return not (isinstance(stmt, ast.ImportFrom) and stmt.module == "__future__")
    return False


def imports_and_setup(inp: PassInput) -> list[Candidate]:
    """Strategy 1: imports, env vars, logging, warnings filters, seeds, prints."""
    singles = []
    for path, fname, body in stmt_lists(inp.tree):
        for i, stmt in enumerate(body):
            if _is_setup(stmt):
                singles.append(Edit(path + ((fname, i),), None))
    if not singles:
        return []
    out = [Candidate("imports-setup", tuple(e for e in singles if not _is_import(inp.tree, e.path)))] if len(singles) > 1 else []
    out = [c for c in out if c.edits]
    return out + [Candidate("imports-setup", (e,)) for e in singles]


def _is_import(tree, path) -> bool:
    return isinstance(_get(tree, path), (ast.Import, ast.ImportFrom))


_CONTAINERS = {"Sequential", "ModuleList", "ModuleDict"}
_KEEP_MODULES = {"Identity", "Module", "Parameter", "Buffer"} | _CONTAINERS


def shrink_model(inp: PassInput) -> list[Candidate]:
    """Strategy 2: drop layers, replace submodules by ``nn.Identity()``, drop unused ``self.x``."""
    out: list[Candidate] = []
    attrs_read = {n.attr for n in ast.walk(inp.tree) if isinstance(n, ast.Attribute) and isinstance(n.ctx, ast.Load)}
    unused_attrs = []
    for path, node in iter_nodes(inp.tree):
        if isinstance(node, ast.Call):
            name = dotted(node.func) or ""
            parts = name.split(".")
            if len(parts) >= 2 and parts[-2] == "nn":
                last = parts[-1]
                if last in _CONTAINERS:
                    if last != "Sequential" and node.args and isinstance(node.args[0], (ast.List, ast.Tuple)):
                        elems = [path + (("args", 0), ("elts", i)) for i in range(len(node.args[0].elts))]
                    else:
                        elems = [path + (("args", i),) for i in range(len(node.args))]
                    out += [Candidate("shrink-model", (Edit(e, None),)) for e in elems]
                elif last[:1].isupper() and last not in _KEEP_MODULES:
                    ident = ast.Call(func=ast.Attribute(value=node.func.value, attr="Identity", ctx=ast.Load()), args=[], keywords=[])
                    out.append(Candidate("shrink-model", (Edit(path, ident),)))
        if isinstance(node, ast.FunctionDef) and node.name == "__init__":
            for i, stmt in enumerate(node.body):
                if isinstance(stmt, (ast.Assign, ast.AnnAssign)):
                    targets = stmt.targets if isinstance(stmt, ast.Assign) else [stmt.target]
                    if all(isinstance(t, ast.Attribute) and dotted(t.value) == "self" and t.attr not in attrs_read for t in targets):
                        unused_attrs.append(Edit(path + (("body", i),), None))
    if len(unused_attrs) > 1:
        out.insert(0, Candidate("shrink-model", tuple(unused_attrs)))
    out[0:0] = [Candidate("shrink-model", (e,)) for e in unused_attrs]
    return out


_SIZES = (1, 2, 4, 8)


def tensor_sizes(inp: PassInput) -> list[Candidate]:
    """Strategy 4: large integer literals become 1, 2, 4 or 8 (all equal occurrences at once first)."""
    occurrences: dict[int, list[Path]] = {}
    in_call: list[tuple[Path, int]] = []
    for path, node in iter_nodes(inp.tree):
        if isinstance(node, ast.Call):
            for j, a in enumerate(node.args):
                if _int_const(a) is not None:
                    in_call.append((path + (("args", j),), a.value))
            for j, kw in enumerate(node.keywords):
                if _int_const(kw.value) is not None:
                    in_call.append((path + (("keywords", j), ("value", None)), kw.value.value))
        v = _int_const(node)
        if v is not None and v > 1:
            occurrences.setdefault(v, []).append(path)
    out = []
    for v in sorted(occurrences, reverse=True):
        for w in _SIZES:
            if w < v and len(occurrences[v]) > 1:
                out.append(Candidate("tensor-sizes", tuple(Edit(p, ast.Constant(w)) for p in occurrences[v]), canonical=True))
    for p, v in in_call:
        for w in _SIZES:
            if w < v and v > 2:
                out.append(Candidate("tensor-sizes", (Edit(p, ast.Constant(w)),), canonical=True))
    return out


def _int_const(node) -> int | None:
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    return None


_DEVICE_METHODS = {"cuda", "half", "double", "bfloat16", "float", "cpu", "to", "contiguous"}
_DTYPES = {"float16", "bfloat16", "half", "float64", "double"}


def device_dtype(inp: PassInput) -> list[Candidate]:
    """Strategy 5: CPU and float32 (``.cuda()`` dropped, ``device=`` dropped, dtypes → float32)."""
    out = []
    for path, node in iter_nodes(inp.tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _DEVICE_METHODS:
            out.append(Candidate("device-dtype", (Edit(path, node.func.value),)))
        if isinstance(node, ast.Call):
            for j, kw in enumerate(node.keywords):
                if kw.arg in ("device", "dtype"):
                    out.append(Candidate("device-dtype", (Edit(path + (("keywords", j),), None),)))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.startswith("cuda"):
            out.append(Candidate("device-dtype", (Edit(path, ast.Constant("cpu")),), canonical=True))
        if isinstance(node, ast.Attribute) and node.attr in _DTYPES and dotted(node.value) == "torch":
            out.append(Candidate("device-dtype", (Edit(path, ast.Attribute(value=node.value, attr="float32", ctx=ast.Load())),), canonical=True))
    return out


def simplify(inp: PassInput) -> list[Candidate]:
    """Strategy 6: replace an expression by one of its operands, drop arguments and keywords."""
    out = []
    for path, node in iter_nodes(inp.tree):
        if not isinstance(node, ast.expr) or isinstance(getattr(node, "ctx", None), (ast.Store, ast.Del)):
            continue
        if path and path[-1][0] in ("targets", "target"):
            continue
        subs: list[ast.AST] = []
        if isinstance(node, ast.BinOp):
            subs = [node.left, node.right]
        elif isinstance(node, ast.BoolOp):
            subs = list(node.values)
        elif isinstance(node, ast.UnaryOp):
            subs = [node.operand]
        elif isinstance(node, ast.IfExp):
            subs = [node.body, node.orelse]
        elif isinstance(node, ast.Compare):
            subs = [node.left]
        elif isinstance(node, ast.Subscript):
            subs = [node.value]
        elif isinstance(node, ast.Call):
            subs = [a for a in node.args if not isinstance(a, ast.Starred)]
            if isinstance(node.func, ast.Attribute):
                subs.append(node.func.value)
        for s in subs:
            out.append(Candidate("simplify", (Edit(path, s),)))
        if isinstance(node, ast.Call):
            for j in range(len(node.keywords)):
                out.append(Candidate("simplify", (Edit(path + (("keywords", j),), None),)))
            for j in range(len(node.args)):
                out.append(Candidate("simplify", (Edit(path + (("args", j),), None),)))
        if isinstance(node, ast.Dict) and len(node.keys) > 1:
            for j in range(len(node.keys)):
                if node.keys[j] is not None:
                    out.append(Candidate("simplify", (Edit(path + (("keys", j),), None), Edit(path + (("values", j),), None))))
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and node.elts:
            # A collection by one of its elements (e.g. a hoisted `(a, f(b))` by `f(b)`).
            out += [Candidate("simplify", (Edit(path, e),)) for e in node.elts if not isinstance(e, ast.Starred)]
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)) and len(node.elts) > 1:
            for j in range(len(node.elts)):
                out.append(Candidate("simplify", (Edit(path + (("elts", j),), None),)))
    return out


def control_flow(inp: PassInput) -> list[Candidate]:
    """Strategy 7: if → a branch, loop → its body once, try/with → body."""
    out = []
    for path, fname, body in stmt_lists(inp.tree):
        for i, stmt in enumerate(body):
            p = path + ((fname, i),)
            if isinstance(stmt, ast.If):
                out.append(Candidate("control-flow", (Edit(p, list(stmt.body)),)))
                out.append(Candidate("control-flow", (Edit(p, list(stmt.orelse) or None),)))
            elif isinstance(stmt, (ast.For, ast.AsyncFor)):
                out.append(Candidate("control-flow", (Edit(p, list(stmt.body)),)))
                first = _first_value(stmt.iter)
                if first is not None:
                    assign = ast.Assign(targets=[stmt.target], value=first, lineno=0)
                    out.append(Candidate("control-flow", (Edit(p, [assign, *stmt.body]),)))
            elif isinstance(stmt, ast.While):
                out.append(Candidate("control-flow", (Edit(p, list(stmt.body)),)))
            elif isinstance(stmt, ast.Try):
                out.append(Candidate("control-flow", (Edit(p, list(stmt.body) + list(stmt.finalbody)),)))
                for h in stmt.handlers:
                    out.append(Candidate("control-flow", (Edit(p, list(h.body)),)))
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                pre = [
                    ast.Assign(targets=[it.optional_vars], value=it.context_expr, lineno=0)
                    for it in stmt.items
                    if it.optional_vars is not None
                ]
                out.append(Candidate("control-flow", (Edit(p, pre + list(stmt.body)),)))
    return out


def _first_value(it: ast.expr) -> ast.expr | None:
    """The first value of ``range(...)`` or of a literal list/tuple, when it is evident."""
    if isinstance(it, ast.Call) and dotted(it.func) == "range" and it.args:
        return ast.Constant(0) if len(it.args) == 1 else it.args[0]
    if isinstance(it, (ast.List, ast.Tuple)) and it.elts and not isinstance(it.elts[0], ast.Starred):
        return it.elts[0]
    return None


_BACKEND_NEXT = {"inductor": "aot_eager", "aot_eager": "eager", "aot_eager_decomp_partition": "aot_eager"}


def backends(inp: PassInput) -> list[Candidate]:
    """Strategy 8: inductor → aot_eager → eager → no compile; drop decorators."""
    out = []
    for path, node in iter_nodes(inp.tree):
        if isinstance(node, ast.Constant) and node.value in _BACKEND_NEXT:
            out.append(Candidate("backends", (Edit(path, ast.Constant(_BACKEND_NEXT[node.value])),), canonical=True))
        if isinstance(node, ast.Call) and (dotted(node.func) or "").endswith("compile") and node.args:
            out.append(Candidate("backends", (Edit(path, node.args[0]),)))
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for j in range(len(node.decorator_list)):
                out.append(Candidate("backends", (Edit(path + (("decorator_list", j),), None),)))
    return out


# ------------------------------------------------------------------ generic passes


_CONCRETE_TYPES = (ast.Call, ast.BinOp, ast.Subscript, ast.Attribute, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.JoinedStr)


def value_key(node: ast.AST) -> str:
    return f"{node.lineno}:{node.col_offset}:{node.end_lineno}:{node.end_col_offset}"


def _frame_spans(tree: ast.Module, lines) -> list[tuple[int, int]]:
    """Line spans of the innermost functions (or top-level statements) holding ``lines``."""
    spans = []
    for ln in lines:
        best = None
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.lineno <= ln <= (node.end_lineno or node.lineno):
                if best is None or node.lineno >= best[0]:
                    best = (node.lineno, node.end_lineno or node.lineno)
        if best is None:
            for stmt in tree.body:
                a, b = _span(stmt)
                if a <= ln <= b:
                    best = (a, b)
        if best is not None:
            spans.append(best)
    return spans


def _compiled_spans(tree: ast.Module) -> list[tuple[int, int]]:
    """Line spans of functions handed to ``torch.compile``/``jit`` (by call or decorator): the
    recorder calls would be traced by the compiler and change what it sees."""
    names: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Call) and (dotted(n.func) or "").rsplit(".", 1)[-1] in ("compile", "script", "trace", "optimize") and n.args:
            if isinstance(n.args[0], ast.Name):
                names.add(n.args[0].id)
    spans = []
    for n in ast.walk(tree):
        if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorated = any("compile" in ast.unparse(d) or "jit" in ast.unparse(d) for d in n.decorator_list)
            if n.name in names or decorated:
                spans.append(_span(n))
    return spans


def concretizable(tree: ast.Module, limit: int = 3000, within_lines=None) -> list[str]:
    """Position keys of the expressions whose run-time values the probe should record.

    ``within_lines`` keeps only the functions that run as real frames on the failing traceback
    (instrumenting code that ``torch.compile`` traces would change what it sees)."""
    keys = []
    funcs = {id(n.func) for n in ast.walk(tree) if isinstance(n, ast.Call)}
    spans = _frame_spans(tree, within_lines) if within_lines is not None else None
    compiled = _compiled_spans(tree)
    for _, node in iter_nodes(tree):
        if compiled and isinstance(node, ast.expr) and hasattr(node, "lineno") and any(a <= node.lineno <= b for a, b in compiled):
            continue
        if spans is not None and isinstance(node, ast.expr) and hasattr(node, "lineno") and not any(a <= node.lineno <= b for a, b in spans):
            continue
        # Submodules called as `self.layer(x)` can be rebuilt from their repr (torch.nn leaves).
        if id(node) in funcs and isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            keys.append(value_key(node))
            continue
        # Names too: the failing evaluation's locals are what hoisting needs.
        if isinstance(node, (*_CONCRETE_TYPES, ast.Name)) and id(node) not in funcs and isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in _MODULE_NAMES:
                continue
            if isinstance(node, ast.Name) and (node.id in _MODULE_NAMES or node.id == "self"):
                continue
            keys.append(value_key(node))
            if len(keys) >= limit:
                break
    return keys


_MODULE_NAMES = frozenset({"torch", "nn", "F", "np", "math", "os", "sys", "functools", "itertools", "collections", "re", "json"})


def _literal_node(value) -> ast.expr:
    if isinstance(value, dict):
        if "tuple" in value:
            return ast.Tuple(elts=[_literal_node(v) for v in value["tuple"]], ctx=ast.Load())
        if "list" in value:
            return ast.List(elts=[_literal_node(v) for v in value["list"]], ctx=ast.Load())
        if "dict" in value:
            return ast.Dict(keys=[_literal_node(k) for k, _ in value["dict"]], values=[_literal_node(v) for _, v in value["dict"]])
        if "expr" in value:
            return ast.parse(value["expr"], mode="eval").body
    return ast.Constant(value)


def concretize(inp: PassInput) -> list[Candidate]:
    """Replace an expression by the literal value it always had at run time."""
    if not inp.values:
        return []
    out = []
    funcs = {id(n.func) for n in ast.walk(inp.tree) if isinstance(n, ast.Call)}
    for path, node in iter_nodes(inp.tree):
        if isinstance(node, _CONCRETE_TYPES) and id(node) not in funcs and hasattr(node, "lineno"):
            key = value_key(node)
            if key in inp.values and not (isinstance(inp.values[key], dict) and "expr" in inp.values[key]):
                out.append(Candidate("concretize", (Edit(path, _literal_node(inp.values[key])),)))
    return out


def literals(inp: PassInput) -> list[Candidate]:
    """Shrink string and number literals (strings keep the expected message substring)."""
    out = []
    joined = {id(v) for n in ast.walk(inp.tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for path, node in iter_nodes(inp.tree):
        if not isinstance(node, ast.Constant) or id(node) in joined:
            continue
        v = node.value
        if isinstance(v, str) and v:
            if inp.keep_substring and inp.keep_substring in v:
                if v != inp.keep_substring:
                    out.append(Candidate("literals", (Edit(path, ast.Constant(inp.keep_substring)),), canonical=True))
                continue
            out.append(Candidate("literals", (Edit(path, ast.Constant("")),), canonical=True))
        elif type(v) is int and abs(v) > 1:
            for w in (0, 1):
                out.append(Candidate("literals", (Edit(path, ast.Constant(w)),), canonical=True))
        elif type(v) is float and v not in (0.0, 1.0):
            for w in (0.0, 1.0):
                out.append(Candidate("literals", (Edit(path, ast.Constant(w)),), canonical=True))
    return out


def shorten_names(inp: PassInput) -> list[Candidate]:
    """Cosmetic: rename module-level functions, classes and variables to short names."""
    defined: list[str] = []
    for stmt in inp.tree.body:
        names = _defined_names(stmt)
        if names and not isinstance(stmt, (ast.Import, ast.ImportFrom)):
            defined += sorted(n for n in names if len(n) > 1 and not n.startswith("__"))
    used = {n.id for n in ast.walk(inp.tree) if isinstance(n, ast.Name)} | {
        a.asname or a.name.split(".")[0] for n in ast.walk(inp.tree) if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names
    }
    pool = [c for c in "abcdefghijklmnopqrstuvwxyz" if c not in used]
    out = []
    for name in dict.fromkeys(defined):
        if not pool:
            break
        short = pool[0]
        edits = []
        for path, node in iter_nodes(inp.tree):
            if isinstance(node, ast.Name) and node.id == name:
                edits.append(Edit(path, ast.Name(short, node.ctx)))
            elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)) and node.name == name:
                # Renaming a def means rebuilding it; arguments/body stay as they are.
                new = ast.parse(ast.unparse(node)).body[0]
                new.name = short
                edits = [e for e in edits if e.path[: len(path)] != path]
                edits.append(Edit(path, new))
        if edits and not _overlap(edits):
            out.append(Candidate("names", tuple(edits)))
    return out


def _overlap(edits: list[Edit]) -> bool:
    paths = [e.path for e in edits]
    return any(a != b and b[: len(a)] == a for a in paths for b in paths)


# ------------------------------------------------------------------ hoisting the failing statement

_DEF_STMTS = (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)
_COMPOUND = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)


def _stmt_at(tree: ast.Module, lineno: int) -> tuple[Path, ast.stmt] | None:
    """The innermost statement whose span holds ``lineno``."""
    best: tuple[Path, ast.stmt] | None = None
    for path, fname, body in stmt_lists(tree):
        for i, stmt in enumerate(body):
            a, b = _span(stmt)
            if a <= lineno <= b and (best is None or len(path) + 1 > len(best[0])):
                best = (path + ((fname, i),), stmt)
    return best


def _concretized(stmt: ast.stmt, values: dict) -> ast.stmt | None:
    """``stmt`` as a simple statement with each outermost expression that had a literal value in the
    failing evaluation replaced by that literal (``return e`` → ``e``, ``if e:`` → ``e``)."""
    if isinstance(stmt, ast.Return):
        if stmt.value is None:
            return None
        stmt = ast.Expr(value=stmt.value)
    elif isinstance(stmt, (ast.If, ast.While)):
        stmt = ast.Expr(value=stmt.test)
    elif isinstance(stmt, _COMPOUND):
        return None
    funcs = {id(n.func) for n in ast.walk(stmt) if isinstance(n, ast.Call)}

    class Concretize(ast.NodeTransformer):
        def visit(self, node):
            if isinstance(node, ast.expr) and hasattr(node, "lineno") and isinstance(getattr(node, "ctx", ast.Load()), ast.Load):
                lit = values.get(value_key(node))
                # A called expression only when it is rebuilt by an expression (a torch.nn leaf).
                if (lit is not None or value_key(node) in values) and (id(node) not in funcs or (isinstance(lit, dict) and "expr" in lit)):
                    try:
                        return _literal_node(lit)
                    except SyntaxError:
                        pass
            return self.generic_visit(node)

    # Concretize rewrites in place: work on a copy (positions are kept, keys still match).
    return Concretize().visit(_deepcopy(stmt))


def _deepcopy(node):
    import copy

    return copy.deepcopy(node)


def _binds(tree: ast.Module, name: str) -> bool:
    for stmt in tree.body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name.split(".")[0]) == name for a in stmt.names):
            return True
    return False


def hoist(inp: PassInput) -> list[Candidate]:
    """Keep the module's definitions and only the failing statement, concretised with the values
    its operands had in the failing evaluation, at the end; all other top-level code goes.

    One candidate per own frame on the failing chain (innermost first), then the same statements
    concretised in place. When the error needs nothing but those values, the whole driver, its
    loops and its data vanish in one oracle run and unused-definition removal does the rest."""
    if not inp.fail_frames:
        return []
    tree = inp.tree
    hoisted: list[Candidate] = []
    in_place: list[Candidate] = []
    frames = list(inp.fail_frames[:4])
    for k, (lineno, values) in enumerate(frames[:3]):
        # A comprehension runs in a frame of its own on the same line: its enclosing frame's
        # values (the iterable, other locals) belong to the same statement.
        merged: dict = {}
        for ln, vals in reversed(frames[k:]):
            if ln == lineno:
                merged.update(vals)
        values = merged
        found = _stmt_at(tree, lineno)
        if found is None:
            continue
        path, stmt = found
        new = _concretized(stmt, values)
        if new is None:
            continue
        extra: list[ast.stmt] = []
        if "torch." in ast.unparse(new) and not _binds(tree, "torch"):
            extra.append(ast.Import(names=[ast.alias(name="torch")]))
        top = path[0][1] if path[0][0] == "body" else None
        last = len(tree.body) - 1
        variants = set()
        # Strict: module-level assignments that call anything go too (they may run the driver).
        for strict in (True, False):
            edits = []
            for i, s in enumerate(tree.body):
                drop = i == top or not isinstance(s, _DEF_STMTS) or (
                    strict and isinstance(s, (ast.Assign, ast.AnnAssign)) and any(isinstance(n, ast.Call) for n in ast.walk(s))
                )
                if i == last:
                    edits.append(Edit((("body", i),), ([] if drop else [s]) + extra + [new]))
                elif drop:
                    edits.append(Edit((("body", i),), None))
            sig = tuple(e.path for e in edits if e.new is None)
            if sig not in variants:
                variants.add(sig)
                hoisted.append(Candidate("hoist", tuple(edits)))
        in_place += _sliced(tree, path, new, values, extra)
    # Smallest result first: the first success in a window is the one committed.
    from core.minimize.edits import apply, count_nodes

    def size(c: Candidate) -> int:
        try:
            return count_nodes(apply(tree, c.edits))
        except (ValueError, IndexError, AttributeError, TypeError):
            return 1 << 30

    return sorted(hoisted + in_place, key=size)


def _stored(st: ast.stmt) -> set[str]:
    out: set[str] = set()
    if isinstance(st, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {st.name}
    if isinstance(st, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in st.names}
    for n in ast.walk(st):
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            out.add(n.id)
    return out


def _slice(body: list[ast.stmt], idx: int, replaced: dict[int, ast.stmt]) -> list[int]:
    """Indices of ``body`` to delete: everything after ``idx`` and everything before it that defines
    no name the kept statements read (transitively) — a backward data slice of statement ``idx``."""
    from core.minimize.edits import names_loaded

    def at(j):
        return replaced.get(j, body[j])

    needed = names_loaded(at(idx))
    keep = {idx}
    for j in range(idx - 1, -1, -1):
        st = at(j)
        if isinstance(st, (ast.Global, ast.Nonlocal)) or (isinstance(st, ast.ImportFrom) and st.module == "__future__"):
            keep.add(j)
        elif _stored(st) & needed:
            keep.add(j)
            needed |= names_loaded(st)
    return [j for j in range(len(body)) if j not in keep]


def _sliced(tree: ast.Module, path: Path, new: ast.stmt, values: dict, extra: list) -> list[Candidate]:
    """In the failing frame's statement list: the backward slice of the failing statement (the
    statement as is, then concretised), then for each earlier ``x = expr`` (latest first) the slice
    after ``x = <value of expr in the failing run>`` (e.g. a tensor a trained model produced →
    ``torch.randn(shape, requires_grad=True)``), so what produced the value goes in the same run."""
    parent_path, (fname, idx) = path[:-1], path[-1]
    body = getattr(_get(tree, parent_path), fname)
    if idx is None:
        return []
    out = []

    def cand(replaced: dict[int, object]) -> Candidate | None:
        flat = {j: (r[-1] if isinstance(r, list) else r) for j, r in replaced.items()}
        drop = _slice(body, idx, flat)
        edits = [Edit(parent_path + ((fname, j),), None) for j in drop if j not in replaced]
        edits += [Edit(parent_path + ((fname, j),), r) for j, r in replaced.items() if j not in drop]
        return Candidate("hoist", tuple(edits)) if edits else None

    for replaced in ({}, {idx: extra + [new]}):
        c = cand(replaced)
        if c is not None:
            out.append(c)
    for j in range(idx - 1, -1, -1):
        st = body[j]
        if not isinstance(st, ast.Assign) or isinstance(st.value, ast.Constant):
            continue
        key = value_key(st.value)
        if key not in values:
            continue
        try:
            lit = _literal_node(values[key])
        except SyntaxError:
            continue
        new_st = ast.Assign(targets=st.targets, value=lit, lineno=st.lineno)
        c = cand({j: ([ast.Import(names=[ast.alias(name="torch")])] if extra and "torch." in ast.unparse(lit) else []) + [new_st]})
        if c is not None:
            out.append(c)
    return out



# ------------------------------------------------------------------ strategy 3: class wrapper


class _Inline(ast.NodeTransformer):
    """``self.attr`` → the constant expression ``__init__`` assigned to it."""

    def __init__(self, me: str, consts: dict[str, ast.expr]):
        self.me = me
        self.consts = consts

    def visit_Attribute(self, node):
        if isinstance(node.value, ast.Name) and node.value.id == self.me and isinstance(node.ctx, ast.Load) and node.attr in self.consts:
            return _deepcopy(self.consts[node.attr])
        return self.generic_visit(node)


def inline_class(inp: PassInput) -> list[Candidate]:
    """Strategy 3: a class whose ``forward``/``__call__`` needs nothing of ``self`` but attributes
    set from constants in ``__init__`` becomes a bare function of the same name; ``C(...)``
    instantiations become ``C``, so ``m = C(...); m(x)`` calls the function."""
    out = []
    tree = inp.tree
    for i, cls in enumerate(tree.body):
        if not isinstance(cls, ast.ClassDef):
            continue
        methods = {m.name: m for m in cls.body if isinstance(m, ast.FunctionDef)}
        fwd = methods.get("forward") or methods.get("__call__")
        if fwd is None or not fwd.args.args:
            continue
        me = fwd.args.args[0].arg
        consts: dict[str, ast.expr] = {}
        init = methods.get("__init__")
        if init is not None and init.args.args:
            params = {a.arg for a in init.args.args + init.args.kwonlyargs} | {a.arg for a in (init.args.vararg, init.args.kwarg) if a}
            for st in init.body:
                if (
                    isinstance(st, ast.Assign)
                    and len(st.targets) == 1
                    and isinstance(st.targets[0], ast.Attribute)
                    and isinstance(st.targets[0].value, ast.Name)
                    and st.targets[0].value.id == init.args.args[0].arg
                    and not ({n.id for n in ast.walk(st.value) if isinstance(n, ast.Name)} & params)
                ):
                    consts[st.targets[0].attr] = st.value

        body = [_Inline(me, consts).visit(_deepcopy(st)) for st in fwd.body]
        if any(isinstance(n, ast.Name) and n.id == me for st in body for n in ast.walk(st)):
            continue
        args = _deepcopy(fwd.args)
        args.args = args.args[1:]
        func = ast.FunctionDef(name=cls.name, args=args, body=body, decorator_list=[], returns=None, type_comment=None, lineno=cls.lineno)
        if hasattr(ast.FunctionDef, "type_params") or "type_params" in ast.FunctionDef._fields:
            func.type_params = []
        edits = [Edit((("body", i),), func)]
        for path, node in iter_nodes(tree):
            if path[:1] == (("body", i),):
                continue
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == cls.name:
                edits.append(Edit(path, ast.Name(cls.name, ast.Load())))
        if not _overlap(edits):
            out.append(Candidate("class-wrapper", tuple(edits)))
    return out
