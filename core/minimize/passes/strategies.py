"""The seed's reduction strategies for PyTorch repros: setup, model, sizes, device/dtype, control flow, backends."""

from __future__ import annotations

import ast

from core.minimize.edits import Edit, Path, iter_nodes, stmt_lists

from .base import Candidate, PassInput, _get, dotted


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
