"""Zero-cost analyses: deletions the probe already proves safe (unused, unreached, untraced)."""

from __future__ import annotations

import ast

from core.minimize.edits import Edit, Path, names_loaded, stmt_lists

from .base import Candidate, PassInput, _defined_names, _get, _span



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
