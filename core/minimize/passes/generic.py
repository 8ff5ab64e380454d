"""Generic passes: concretising computed values, smaller literals, shorter names."""

from __future__ import annotations

import ast

from core.minimize.edits import Edit, iter_nodes

from .base import Candidate, PassInput, _defined_names, _overlap, _span, dotted



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


def literal_node(value) -> ast.expr:
    if isinstance(value, dict):
        if "tuple" in value:
            return ast.Tuple(elts=[literal_node(v) for v in value["tuple"]], ctx=ast.Load())
        if "list" in value:
            return ast.List(elts=[literal_node(v) for v in value["list"]], ctx=ast.Load())
        if "dict" in value:
            return ast.Dict(keys=[literal_node(k) for k, _ in value["dict"]], values=[literal_node(v) for _, v in value["dict"]])
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
                out.append(Candidate("concretize", (Edit(path, literal_node(inp.values[key])),)))
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
