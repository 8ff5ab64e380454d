"""Strategy 3: inlining a class wrapper into plain functions."""

from __future__ import annotations

import ast

from core.minimize.edits import Edit, iter_nodes

from .base import Candidate, PassInput, _deepcopy, _overlap



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
