"""Static name resolution and constant folding for the scanner.

Turns ``sp.run`` into ``subprocess.run`` (after ``import subprocess as sp``), ``s`` into
``os.system`` (after ``from os import system as s``), ``getattr(os, "sys" + "tem")`` into
``os.system`` and ``"o" + "s"`` into ``"os"``. Assignments are tracked flatly (last one
wins, no control flow): good enough to see through the usual evasions.
"""

from __future__ import annotations

import ast
import base64
import binascii

from core.safety.rules import MODULE_ALIASES

UNKNOWN = "\0"  # stands for a part of a string the scanner cannot know
TMP = "/tmp/" + UNKNOWN  # a path known to be under a temporary directory
_MAX_DEPTH = 12
_BUILTIN_NAMES = frozenset({"eval", "exec", "compile", "open", "__import__", "getattr", "execfile", "vars", "globals"})
_KNOWN_FUNCS = {
    "os": ("system", "popen", "remove", "unlink", "rmdir", "environ", "putenv", "execv", "execl", "spawnl"),
    "subprocess": ("run", "call", "check_call", "check_output", "Popen", "getoutput", "getstatusoutput"),
    "pickle": ("load", "loads"), "shutil": ("rmtree", "move", "copy"), "base64": ("b64decode",),
    "urllib.request": ("urlopen", "urlretrieve"), "pty": ("spawn",), "socket": ("create_connection",),
}


def _canonical(name: str) -> str:
    head, _, rest = name.partition(".")
    head = MODULE_ALIASES.get(head, head)
    if head == "builtins" and rest:
        return rest
    return f"{head}.{rest}" if rest else head


class Resolver:
    """Aliases, assigned values and temp-directory names of one module."""

    def __init__(self, tree: ast.AST):
        self.aliases: dict[str, str] = {}
        self.values: dict[str, ast.expr] = {}
        self.tmp_names: set[str] = set()
        self.memory_names: set[str] = set()
        self.star_modules: list[str] = []
        self.rebound_builtins: set[str] = set()
        nodes = list(ast.walk(tree))
        for node in nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                self._collect(node)
        for _ in range(2):  # twice, so ``a = os`` then ``b = a.system`` settles
            for node in nodes:
                if not isinstance(node, (ast.Import, ast.ImportFrom)):
                    self._collect(node)

    def _collect(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.asname:
                    self.aliases[a.asname] = _canonical(a.name)
                else:
                    top = a.name.split(".")[0]
                    self.aliases[top] = _canonical(top)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for a in node.names:
                if a.name == "*":
                    self.star_modules.append(_canonical(node.module))
                else:
                    self.aliases[a.asname or a.name] = _canonical(f"{node.module}.{a.name}")
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for t in targets:
                if isinstance(t, ast.Name):
                    self._bind(t.id, node.value)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if isinstance(item.optional_vars, ast.Name):
                    self._bind(item.optional_vars.id, item.context_expr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name in _BUILTIN_NAMES:
            self.rebound_builtins.add(node.name)

    def _bind(self, name: str, value: ast.expr) -> None:
        if name in _BUILTIN_NAMES:
            self.rebound_builtins.add(name)
        self.values[name] = value
        qual = self.qualname(value)
        if qual is not None and not isinstance(value, ast.Call):
            self.aliases[name] = qual
        elif qual is not None and isinstance(value, ast.Call) and self._is_lookup(value):
            self.aliases[name] = qual
        if isinstance(value, ast.Call):
            called = self.qualname(value.func) or ""
            if called.startswith("tempfile."):
                self.tmp_names.add(name)
            elif called in ("io.BytesIO", "io.StringIO"):
                self.memory_names.add(name)

    def _is_lookup(self, call: ast.Call) -> bool:
        return self.qualname(call.func) in ("__import__", "importlib.import_module", "getattr")

    # -- qualified names ---------------------------------------------------------
    def qualname(self, node: ast.AST, depth: int = 0) -> str | None:
        """Dotted name an expression refers to (``subprocess.run``), or None."""
        if depth > _MAX_DEPTH:
            return None
        if isinstance(node, ast.Name):
            if node.id in self.aliases:
                return self.aliases[node.id]
            for module in self.star_modules:
                if node.id in _KNOWN_FUNCS.get(module, ()):
                    return f"{module}.{node.id}"
            if node.id in _BUILTIN_NAMES and node.id not in self.rebound_builtins:
                return node.id
            if node.id in ("__builtins__", "builtins"):
                return "builtins"
            return None
        if isinstance(node, ast.Attribute):
            base = self.qualname(node.value, depth + 1)
            if base is None:
                return None
            if node.attr == "__dict__":
                return base
            return _canonical(f"{base}.{node.attr}") if base != "builtins" else node.attr
        if isinstance(node, ast.Subscript):
            base = self.qualname(node.value, depth + 1)
            key = self.fold(node.slice)
            if base is not None and key is not None and key.isidentifier():
                return key if base == "builtins" else _canonical(f"{base}.{key}")
            if isinstance(node.value, ast.Call) and self.qualname(node.value.func) in ("globals", "vars") and key:
                return "builtins" if key == "__builtins__" else self.aliases.get(key)
            return None
        if isinstance(node, ast.Call):
            func = self.qualname(node.func, depth + 1)
            if func in ("__import__", "importlib.import_module") and node.args:
                name = self.fold(node.args[0])
                return _canonical(name) if name and all(p.isidentifier() for p in name.split(".")) else None
            if func == "getattr" and len(node.args) >= 2:
                base = self.qualname(node.args[0], depth + 1)
                attr = self.fold(node.args[1])
                if base is not None and attr is not None and attr.isidentifier():
                    return attr if base == "builtins" else _canonical(f"{base}.{attr}")
            if func == "vars" and node.args:
                return self.qualname(node.args[0], depth + 1)
            return None
        return None

    # -- constant folding --------------------------------------------------------
    def fold(self, node: ast.AST | None) -> str | None:
        """The exact string value of ``node`` when it is knowable statically."""
        value = self._fold(node, 0, partial=False)
        return None if value is None or UNKNOWN in value else value

    def fold_partial(self, node: ast.AST | None) -> str:
        """The string value with unknowable parts as :data:`UNKNOWN`."""
        value = self._fold(node, 0, partial=True)
        return UNKNOWN if value is None else value

    def fold_list(self, node: ast.AST | None) -> list[str] | None:
        """Elements of a list/tuple (or a name bound to one), partially folded."""
        if isinstance(node, ast.Name) and node.id in self.values:
            node = self.values[node.id]
        if isinstance(node, (ast.List, ast.Tuple)):
            return [self.fold_partial(e) for e in node.elts]
        return None

    def _fold(self, node: ast.AST | None, depth: int, partial: bool) -> str | None:
        if node is None or depth > _MAX_DEPTH:
            return UNKNOWN if partial else None
        unknown = UNKNOWN if partial else None
        f = lambda n: self._fold(n, depth + 1, partial)  # noqa: E731
        if isinstance(node, ast.Constant):
            if isinstance(node.value, str):
                return node.value
            if isinstance(node.value, bytes):
                return node.value.decode("latin-1")
            return str(node.value) if isinstance(node.value, (int, float)) and partial else unknown
        if isinstance(node, ast.JoinedStr):
            parts = [f(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values]
            return None if any(p is None for p in parts) else "".join(parts)  # type: ignore[arg-type]
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Add, ast.Div)):
            left, right = f(node.left), f(node.right)
            if left is None or right is None:
                return None
            return left + right if isinstance(node.op, ast.Add) else _join_path(left, right)
        if isinstance(node, ast.Name):
            if node.id in self.tmp_names:
                return TMP if partial else None
            if node.id in self.values:
                return f(self.values[node.id])
            return unknown
        if isinstance(node, ast.Attribute):
            if isinstance(node.value, ast.Name) and node.value.id in self.tmp_names:
                return TMP if partial else None
            qual = self.qualname(node)
            if qual == "sys.executable":
                return "python"
            return unknown
        if isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Slice):
            base = f(node.value)
            step = node.slice.step
            if base is not None and isinstance(step, ast.UnaryOp) and isinstance(step.op, ast.USub) and node.slice.lower is None:
                return base[::-1]
            return unknown
        if isinstance(node, ast.Call):
            return self._fold_call(node, depth, partial)
        return unknown

    def _fold_call(self, node: ast.Call, depth: int, partial: bool) -> str | None:
        unknown = UNKNOWN if partial else None
        f = lambda n: self._fold(n, depth + 1, partial)  # noqa: E731
        func = node.func
        qual = self.qualname(func) or ""
        args = node.args
        if isinstance(func, ast.Attribute) and func.attr == "join" and args and qual != "os.path.join":
            sep = f(func.value)
            items = _elements(args[0])
            if sep is None or items is None:
                return unknown
            parts = [f(e) for e in items]
            return None if any(p is None for p in parts) else sep.join(parts)  # type: ignore[arg-type]
        if isinstance(func, ast.Attribute) and func.attr in ("encode", "decode", "strip", "lower", "upper") and not args:
            base = f(func.value)
            if base is None:
                return None
            return {"strip": base.strip(), "lower": base.lower(), "upper": base.upper()}.get(func.attr, base)
        if qual == "chr" and args and isinstance(args[0], ast.Constant) and isinstance(args[0].value, int):
            try:
                return chr(args[0].value)
            except (ValueError, OverflowError):
                return unknown
        if qual in ("os.path.join", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath", "Path", "str",
                    "os.path.expanduser", "os.path.abspath", "os.path.realpath", "os.path.normpath",
                    "shutil.which", "os.fspath") and args:
            parts = [f(a) for a in args]
            if any(p is None for p in parts):
                return None
            out = parts[0]
            for p in parts[1:]:
                out = _join_path(out, p)  # type: ignore[arg-type]
            return out
        if qual in ("pathlib.Path.home", "os.path.expanduser") or (isinstance(func, ast.Attribute) and func.attr == "home"):
            return "~"
        if qual in ("tempfile.gettempdir", "tempfile.mkdtemp", "tempfile.mktemp"):
            return "/tmp" if qual == "tempfile.gettempdir" else TMP if partial else None
        if qual in ("base64.b64decode", "base64.standard_b64decode", "base64.urlsafe_b64decode", "bytes.fromhex",
                    "binascii.unhexlify", "codecs.decode") and args:
            data = f(args[0])
            return _decode(qual, data, node, self) if data is not None and UNKNOWN not in data else unknown
        return unknown


def _elements(node: ast.AST) -> list[ast.expr] | None:
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return list(node.elts)
    return None


def _join_path(left: str, right: str) -> str:
    if right.startswith("/"):
        return right
    return left.rstrip("/") + "/" + right if left else right


def _decode(qual: str, data: str, node: ast.Call, resolver: Resolver) -> str | None:
    try:
        if qual == "codecs.decode":
            enc = resolver.fold(node.args[1]) if len(node.args) > 1 else "utf-8"
            import codecs

            return codecs.decode(data, enc or "utf-8") if enc in ("rot13", "rot_13", "hex") else None
        raw = data.encode("latin-1")
        if qual in ("bytes.fromhex", "binascii.unhexlify"):
            decoded = binascii.unhexlify(raw.replace(b" ", b""))
        else:
            decoded = base64.b64decode(raw + b"=" * (-len(raw) % 4), altchars=b"-_" if "urlsafe" in qual else None)
        return decoded.decode("utf-8", errors="replace")
    except (ValueError, LookupError, TypeError, binascii.Error):
        return None
