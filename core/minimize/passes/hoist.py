"""Hoisting the failing statement out of its frames, with the values it saw, and slicing what it needs."""

from __future__ import annotations

import ast

from core.minimize.edits import Edit, Path, names_loaded, stmt_lists

from .base import Candidate, PassInput, _deepcopy, _get, _span
from .generic import literal_node, value_key


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
                        return literal_node(lit)
                    except SyntaxError:
                        pass
            return self.generic_visit(node)

    # Concretize rewrites in place: work on a copy (positions are kept, keys still match).
    return Concretize().visit(_deepcopy(stmt))


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
            lit = literal_node(values[key])
        except SyntaxError:
            continue
        new_st = ast.Assign(targets=st.targets, value=lit, lineno=st.lineno)
        c = cand({j: ([ast.Import(names=[ast.alias(name="torch")])] if extra and "torch." in ast.unparse(lit) else []) + [new_st]})
        if c is not None:
            out.append(c)
    return out
