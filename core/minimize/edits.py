"""AST addressing, edits and size metrics for the reducer.

A candidate is a set of :class:`Edit` s on one tree, each addressed by a path from the module root,
so independent successes found on the same tree can be merged and applied together.
"""

from __future__ import annotations

import ast
import io
import tokenize
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

Step = tuple[str, int | None]  # (field, index in a list field or None)
Path = tuple[Step, ...]

# Statement-list fields that may not be empty.
_REQUIRED_BODIES = {
    ast.Module: (),
    ast.FunctionDef: ("body",),
    ast.AsyncFunctionDef: ("body",),
    ast.ClassDef: ("body",),
    ast.If: ("body",),
    ast.For: ("body",),
    ast.AsyncFor: ("body",),
    ast.While: ("body",),
    ast.With: ("body",),
    ast.AsyncWith: ("body",),
    ast.Try: ("body",),
    ast.ExceptHandler: ("body",),
}
if hasattr(ast, "TryStar"):
    _REQUIRED_BODIES[ast.TryStar] = ("body",)


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace the node at ``path``: by a node, by a list of statements (splice), or delete it (None)."""

    path: Path
    new: object = None  # ast.AST | list[ast.AST] | None


@dataclass(frozen=True, slots=True)
class Size:
    """Size of a source: non-blank lines, tokens and AST nodes (expression contexts not counted)."""

    lines: int
    tokens: int
    nodes: int
    chars: int

    def as_dict(self) -> dict:
        return {"lines": self.lines, "tokens": self.tokens, "nodes": self.nodes, "chars": self.chars}


def count_nodes(tree: ast.AST) -> int:
    return sum(1 for n in ast.walk(tree) if not isinstance(n, ast.expr_context))


def count_tokens(source: str) -> int:
    skip = {tokenize.NL, tokenize.NEWLINE, tokenize.COMMENT, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER, tokenize.ENCODING}
    try:
        return sum(1 for t in tokenize.generate_tokens(io.StringIO(source).readline) if t.type not in skip)
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return len(source.split())


def measure(source: str) -> Size:
    """Non-blank lines, tokens, AST nodes and characters of ``source``."""
    try:
        nodes = count_nodes(ast.parse(source))
    except SyntaxError:
        nodes = 0
    lines = sum(1 for line in source.splitlines() if line.strip())
    return Size(lines=lines, tokens=count_tokens(source), nodes=nodes, chars=len(source))


def normalize(source: str) -> str:
    """The cache key: ``ast.unparse(ast.parse(src))``."""
    return ast.unparse(ast.parse(source))


def iter_nodes(tree: ast.AST) -> Iterator[tuple[Path, ast.AST]]:
    """Every node with its path, outermost first (pre-order, fields in AST order)."""
    stack: list[tuple[Path, ast.AST]] = [((), tree)]
    while stack:
        path, node = stack.pop()
        yield path, node
        children: list[tuple[Path, ast.AST]] = []
        for fname, value in ast.iter_fields(node):
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        children.append((path + ((fname, i),), item))
            elif isinstance(value, ast.AST):
                children.append((path + ((fname, None),), value))
        stack.extend(reversed(children))


def get(tree: ast.AST, path: Path) -> ast.AST:
    node = tree
    for fname, idx in path:
        node = getattr(node, fname) if idx is None else getattr(node, fname)[idx]
    return node


def parent_of(tree: ast.AST, path: Path) -> ast.AST:
    return get(tree, path[:-1])


def _key(path: Path):
    return tuple((f, -1 if i is None else i) for f, i in path)


def nested(paths: list[Path]) -> bool:
    """Whether any path equals or contains another: such edits cannot be combined."""
    if len(set(paths)) != len(paths):
        return True
    return any(a != b and b[: len(a)] == a for a in paths for b in paths)


def _clone(node: ast.AST) -> ast.AST:
    new = node.__class__.__new__(node.__class__)
    new.__dict__.update(node.__dict__)
    return new


def apply(tree: ast.Module, edits: tuple[Edit, ...] | list[Edit]) -> ast.Module:
    """A new tree with ``edits`` applied. Only the nodes and lists on the edit paths are copied;
    untouched subtrees are shared with ``tree``, which is never changed."""
    root = _clone(tree)
    fresh: set[int] = {id(root)}
    lists: set[tuple[int, str]] = set()
    parents: list[ast.AST] = []

    def own_list(node: ast.AST, fname: str) -> list:
        if (id(node), fname) not in lists:
            setattr(node, fname, list(getattr(node, fname)))
            lists.add((id(node), fname))
        return getattr(node, fname)

    for e in sorted(edits, key=lambda e: _key(e.path), reverse=True):
        node = root
        for fname, idx in e.path[:-1]:
            if idx is None:
                child = getattr(node, fname)
                if id(child) not in fresh:
                    child = _clone(child)
                    fresh.add(id(child))
                    setattr(node, fname, child)
            else:
                lst = own_list(node, fname)
                child = lst[idx]
                if id(child) not in fresh:
                    child = _clone(child)
                    fresh.add(id(child))
                    lst[idx] = child
            node = child
        fname, idx = e.path[-1]
        repl = e.new
        if idx is None:
            if repl is None or isinstance(repl, list):
                raise ValueError("single-node field needs a node")
            setattr(node, fname, repl)
        else:
            lst = own_list(node, fname)
            if repl is None:
                del lst[idx]
            elif isinstance(repl, list):
                lst[idx : idx + 1] = repl
            else:
                lst[idx] = repl
        parents.append(node)
    for node in parents:
        _fix_body(node)
    return root


def _fix_body(node: ast.AST) -> None:
    for fname in _REQUIRED_BODIES.get(type(node), ()):
        if not getattr(node, fname):
            setattr(node, fname, [ast.Pass()])
    if isinstance(node, ast.Try) and not node.handlers and not node.finalbody:
        node.handlers = [ast.ExceptHandler(type=None, name=None, body=[ast.Pass()])]


def render(tree: ast.Module) -> str | None:
    """Unparse and compile-check a tree; None when it is not a valid program."""
    try:
        text = ast.unparse(tree)
        with warnings.catch_warnings():
            # Candidates like `1(x)` are legal but warned about; the oracle judges them.
            warnings.simplefilter("ignore")
            compile(text, "<candidate>", "exec", dont_inherit=True)
    except (SyntaxError, ValueError, TypeError, AttributeError, RecursionError, IndexError):
        return None
    return text + "\n"


def names_loaded(tree: ast.AST) -> set[str]:
    """Every identifier read anywhere (names, attribute names, strings in ``__all__`` ignored)."""
    out: set[str] = set()
    for n in ast.walk(tree):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Store):
            out.add(n.id)
        elif isinstance(n, ast.Attribute):
            out.add(n.attr)
        elif isinstance(n, (ast.Global, ast.Nonlocal)):
            out.update(n.names)
    return out


def stmt_lists(tree: ast.AST) -> Iterator[tuple[Path, str, list]]:
    """Every statement list (module body, function bodies, branches...), outermost first."""
    for path, node in iter_nodes(tree):
        for fname in ("body", "orelse", "finalbody"):
            value = getattr(node, fname, None)
            if isinstance(value, list) and value and isinstance(value[0], ast.stmt):
                yield path, fname, value
