"""What every pass shares: the candidate and input types and small AST helpers."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from core.minimize.edits import Edit, Path


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


def _get(tree: ast.AST, path: Path) -> ast.AST:
    node = tree
    for fname, idx in path:
        node = getattr(node, fname) if idx is None else getattr(node, fname)[idx]
    return node


def _deepcopy(node):
    import copy

    return copy.deepcopy(node)


def _overlap(edits: list[Edit]) -> bool:
    paths = [e.path for e in edits]
    return any(a != b and b[: len(a)] == a for a in paths for b in paths)
