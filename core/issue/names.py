"""Names a snippet binds and names it uses without binding (a flat, module-wide view).

Scopes are deliberately merged: a repro that defines ``model`` in a function and uses it
elsewhere is still self-contained for our purpose (it brings its own definition).
"""

from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass

from core.issue.classify import strip_magics

_BUILTINS = frozenset(dir(builtins)) | {"__file__", "__name__", "__builtins__", "__spec__", "__doc__", "display", "get_ipython"}


@dataclass(frozen=True, slots=True)
class NameUse:
    bound: frozenset[str]
    used: frozenset[str]
    imported_modules: frozenset[str]
    star_import: bool

    @property
    def free(self) -> frozenset[str]:
        """Names used but bound nowhere in the snippet (and not builtins)."""
        if self.star_import:
            return frozenset()
        return frozenset(self.used - self.bound - _BUILTINS)


class _Walker(ast.NodeVisitor):
    def __init__(self) -> None:
        self.bound: set[str] = set()
        self.used: set[str] = set()
        self.modules: set[str] = set()
        self.star = False

    def visit_Name(self, node: ast.Name) -> None:
        (self.used if isinstance(node.ctx, ast.Load) else self.bound).add(node.id)

    def visit_Import(self, node: ast.Import) -> None:
        for a in node.names:
            self.bound.add(a.asname or a.name.split(".")[0])
            self.modules.add(a.name.split(".")[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and node.level == 0:
            self.modules.add(node.module.split(".")[0])
        for a in node.names:
            if a.name == "*":
                self.star = True
            else:
                self.bound.add(a.asname or a.name)

    def _function(self, node) -> None:
        self.bound.add(node.name)
        args = node.args
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            self.bound.add(a.arg)
        for a in (args.vararg, args.kwarg):
            if a is not None:
                self.bound.add(a.arg)
        self.generic_visit(node)

    visit_FunctionDef = _function
    visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        args = node.args
        for a in args.posonlyargs + args.args + args.kwonlyargs:
            self.bound.add(a.arg)
        for a in (args.vararg, args.kwarg):
            if a is not None:
                self.bound.add(a.arg)
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.bound.add(node.name)
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        self.bound.update(node.names)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self.bound.add(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self.bound.add(node.name)


def name_use(code: str) -> NameUse | None:
    """Bound/used names of ``code``; None when it does not parse."""
    try:
        tree = ast.parse(strip_magics(code))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return None
    w = _Walker()
    try:
        w.visit(tree)
    except RecursionError:
        return None
    return NameUse(frozenset(w.bound), frozenset(w.used), frozenset(w.modules), w.star)
