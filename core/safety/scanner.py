"""Static security review of a repro, before anything runs (scrub seed checklist).

AST first: names are resolved through aliases, ``getattr`` and ``__import__``, strings are
folded, and code handed to ``exec`` is decoded and scanned too. A regex pass covers what
the AST cannot see: shell blocks, notebook ``!`` lines, and files that do not parse (those
are flagged unparseable and never reported clean).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from core.safety import rules as R
from core.safety.resolve import TMP, UNKNOWN, Resolver
from core.safety.rules import Category, Finding
from core.safety.shell import scan_python_text, scan_shell_text, shell_line_findings

C = Category
_LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "0.0.0.0", "::1"}
_LAUNCH_MODULES = ("torch.distributed.run", "torch.distributed.launch")
_SHELL_META = re.compile(r"[;&|`$<>]|\n")
_MAX_NESTING = 2
_SHELL_LANGS = ("bash", "sh", "shell", "console", "zsh", "shell-session", "sh-session")


@dataclass(frozen=True, slots=True)
class ScanReport:
    findings: tuple[Finding, ...]
    parsed: bool
    syntax_error: str | None = None

    @property
    def clean(self) -> bool:
        """No findings *and* fully parsed: a file the AST could not read is never clean."""
        return self.parsed and not self.findings

    def as_json(self) -> dict:
        return {
            "findings": [f.as_json() for f in self.findings],
            "parsed": self.parsed,
            "syntax_error": self.syntax_error,
            "clean": self.clean,
        }


def _show(path: str) -> str:
    return path.replace(TMP, "<tempdir>/").replace(UNKNOWN, "…")


class _Scan:
    def __init__(self, code: str, tree: ast.Module, depth: int):
        self.code = code
        self.lines = code.split("\n")
        self.r = Resolver(tree)
        self.tree = tree
        self.depth = depth
        self.found: list[Finding] = []
        self.tainted: set[str] = set()
        self._taint()

    def add(self, cat: Category, node: ast.AST | int, reason: str) -> None:
        line = node if isinstance(node, int) else getattr(node, "lineno", 0)
        text = self.lines[line - 1].strip()[:200] if 0 < line <= len(self.lines) else ""
        self.found.append(Finding(cat, line, text, reason))

    # -- helpers -----------------------------------------------------------------
    def _taint(self) -> None:
        assigns = [n for n in ast.walk(self.tree) if isinstance(n, ast.Assign)]
        for _ in range(3):
            for node in assigns:
                if self._decoded(node.value):
                    self.tainted.update(t.id for t in node.targets if isinstance(t, ast.Name))

    def _decoded(self, node: ast.AST) -> bool:
        """Does the expression carry data decoded or assembled at run time?"""
        for sub in ast.walk(node):
            if isinstance(sub, ast.Name) and sub.id in self.tainted:
                return True
            if isinstance(sub, ast.Call):
                if (self.r.qualname(sub.func) or "") in R.DECODE_CALLS or self._chr_join(sub):
                    return True
                if isinstance(sub.func, ast.Attribute) and sub.func.attr in ("decode", "fromhex", "decompress"):
                    return True
        return False

    def _chr_join(self, call: ast.Call) -> bool:
        func = call.func
        if not (isinstance(func, ast.Attribute) and func.attr == "join" and call.args):
            return False
        return any(isinstance(s, ast.Name) and s.id == "chr" for s in ast.walk(call.args[0]))

    def _path_risk(self, node: ast.AST | None) -> str | None:
        """Why writing to ``node`` is a concern, or None when it stays under /tmp (or relative)."""
        if node is None:
            return None
        if isinstance(node, ast.Name) and (node.id in self.r.memory_names or node.id in self.r.tmp_names):
            return None
        if isinstance(node, ast.Call) and (self.r.qualname(node.func) or "") in ("io.BytesIO", "io.StringIO"):
            return None
        path = self.r.fold_partial(node)
        if path.startswith(("/tmp/", "/dev/null")) or path == "/tmp":
            return None
        if path.startswith(UNKNOWN):
            return "writes to a path the scanner cannot resolve (not provably under /tmp)"
        if path.startswith(("/", "~")) or ".." in path.split("/"):
            return f"writes to {_show(path)!r}, outside /tmp"
        return None  # relative: the runner's scratch directory under /tmp

    def _read_risk(self, node: ast.AST | None) -> str | None:
        """Reading a user's file (``~/...``, absolute outside /tmp); unknown paths pass."""
        path = self.r.fold_partial(node) if node is not None else UNKNOWN
        if path.startswith(("~", "/")) and not path.startswith(("/tmp/", "/dev/null", "/proc/self/", UNKNOWN)):
            return f"reads {_show(path)!r}, outside /tmp"
        return None

    def _pathish(self, node: ast.AST) -> bool:
        if isinstance(node, ast.Name) and node.id in self.r.values:
            node = self.r.values[node.id]
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
            return True
        return isinstance(node, ast.Call) and (self.r.qualname(node.func) or "").split(".")[-1] in (
            "Path", "PurePath", "PosixPath", "home", "cwd", "expanduser")

    def _command_words(self, call: ast.Call) -> tuple[list[str], str]:
        arg = call.args[0] if call.args else next((k.value for k in call.keywords if k.arg in ("args", "cmd", "command")), None)
        if arg is None:
            return [], ""
        items = self.r.fold_list(arg)
        if items is not None:
            return items, " ".join(items)
        text = self.r.fold_partial(arg)
        return text.split(), text

    def _is_launcher(self, words: list[str], text: str) -> bool:
        if not words or _SHELL_META.search(text.replace(UNKNOWN, "")):
            return False
        first = words[0].rsplit("/", 1)[-1]
        if first == "torchrun":
            return True
        return bool(re.fullmatch(r"python[\d.]*", first)) and words[1:3] in (["-m", m] for m in _LAUNCH_MODULES)

    # -- visitors ------------------------------------------------------------------
    def run(self) -> list[Finding]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self.call(node)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                self.imports(node)
            elif isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes)):
                self.constant(node)
            elif isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                self.env_store(node)
            elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
                self.builtins_index(node)
            if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Div, ast.Add)):
                self.sensitive_path(node)
        return self.found

    def imports(self, node: ast.Import | ast.ImportFrom) -> None:
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""]
        if isinstance(node, ast.ImportFrom) and node.module:
            names += [f"{node.module}.{a.name}" for a in node.names]
        for name in names:
            if name.startswith(R.NETWORK_SAFE_SUBMODULES):
                continue
            if name in R.NETWORK_MODULES or name.split(".")[0] in {m.split(".")[0] for m in R.NETWORK_MODULES if "." not in m}:
                self.add(C.NETWORK, node, f"imports {name}, a network client")
                return
            if name.split(".")[0] == "pip":
                self.add(C.PACKAGE_INSTALL, node, f"imports {name} (pip used from code installs packages)")
                return

    def call(self, node: ast.Call) -> None:
        qual = self.r.qualname(node.func) or ""
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        self._network(node, qual, attr)
        self._shell(node, qual, attr)
        self._loads(node, qual, attr)
        self._dynamic(node, qual)
        self._files(node, qual, attr)
        self._env_call(node, qual)
        if qual in ("os.path.join", "pathlib.Path", "os.path.expanduser"):
            self.sensitive_path(node)
        if qual in R.PIP_CALLS:
            self.add(C.PACKAGE_INSTALL, node, f"calls {qual}, which installs packages")
        if self._chr_join(node):
            self.add(C.OBFUSCATION, node, "assembles a string from chr() codes")

    def _network(self, node: ast.Call, qual: str, attr: str) -> None:
        top = qual.split(".")[0]
        if qual in R.NETWORK_CALLS or (top in ("requests", "httpx", "aiohttp", "urllib3", "ftplib", "smtplib",
                                                "telnetlib", "paramiko", "pycurl") and qual != top):
            self.add(C.NETWORK, node, f"calls {qual}, which reaches the network")
        elif attr in R.SOCKET_METHODS and "socket" in {m.split(".")[0] for m in self.r.aliases.values()}:
            address = node.args[-1] if attr == "sendto" and node.args else (node.args[0] if node.args else None)
            host = self._host(address) if address is not None else UNKNOWN
            if host not in _LOCAL_HOSTS:
                self.add(C.NETWORK, node, f"opens a socket connection to {_show(host)!r}")

    def _host(self, node: ast.AST) -> str:
        if isinstance(node, ast.Name) and node.id in self.r.values:
            node = self.r.values[node.id]
        if isinstance(node, ast.Tuple) and node.elts:
            return self.r.fold_partial(node.elts[0])
        return self.r.fold_partial(node)

    def _shell(self, node: ast.Call, qual: str, attr: str) -> None:
        is_shell = qual in R.SHELL_CALLS or (qual.startswith(R.SHELL_PREFIXES) and qual not in R.SUBPROCESS_NON_CALLS)
        if not is_shell and attr in R.SHELL_METHODS and not qual:
            is_shell, qual = True, f"….{attr}"
        if not is_shell:
            return
        if qual in ("eval", "exec", "compile", "runpy.run_path", "execfile"):
            self._dynamic_code(node, qual)
            return
        words, text = self._command_words(node)
        if self._is_launcher(words, text):
            return  # torchrun / python -m torch.distributed.run: expected for distributed repros
        shown = _show(text)[:80] if text.strip(UNKNOWN + " ") else "a command the scanner cannot resolve"
        self.add(C.SHELL_EXECUTION, node, f"runs a shell command via {qual}: {shown}")
        for f in shell_line_findings(text.replace(UNKNOWN, " "), node.lineno, as_command=False):
            self.add(f.category, node, f.reason)

    def _dynamic_code(self, node: ast.Call, qual: str) -> None:
        arg = node.args[0] if node.args else None
        self.add(C.SHELL_EXECUTION, node, f"runs dynamically built code with {qual}()")
        if arg is None:
            return
        if self._decoded(arg):
            self.add(C.OBFUSCATION, node, f"{qual}() runs data that is decoded or assembled at run time")
        source = self.r.fold(arg)
        if source and self.depth < _MAX_NESTING:
            for f in scan_python(source, _depth=self.depth + 1).findings:
                self.add(f.category, node, f"hidden in the code passed to {qual}(): {f.reason}")

    def _loads(self, node: ast.Call, qual: str, attr: str) -> None:
        kw = {k.arg: k.value for k in node.keywords if k.arg}
        if qual in R.TORCH_LOADS:
            wo = kw.get("weights_only")
            if not (isinstance(wo, ast.Constant) and wo.value is True):
                self.add(C.EXTERNAL_LOAD, node, "torch.load without weights_only=True can run code hidden in the file")
        elif qual in R.LOAD_CALLS:
            self.add(C.EXTERNAL_LOAD, node, f"{qual} loads external or pickled data, which can run code")
        elif attr == "from_pretrained":
            self.add(C.EXTERNAL_LOAD, node, "from_pretrained downloads and loads external model files")
        elif qual == "numpy.load" and isinstance(kw.get("allow_pickle"), ast.Constant) and kw["allow_pickle"].value:
            self.add(C.EXTERNAL_LOAD, node, "numpy.load with allow_pickle=True can run code hidden in the file")
        elif qual in ("yaml.load", "yaml.unsafe_load") and not any(k == "Loader" and "Safe" in ast.unparse(v) for k, v in kw.items()):
            self.add(C.EXTERNAL_LOAD, node, "yaml.load without a safe loader can build arbitrary objects")

    def _dynamic(self, node: ast.Call, qual: str) -> None:
        if qual in ("__import__", "importlib.import_module") and node.args and not isinstance(node.args[0], ast.Constant):
            name = self.r.fold(node.args[0])
            self.add(C.OBFUSCATION, node, f"imports a module whose name is computed ({name or 'unknown'})")
        if qual == "getattr" and len(node.args) >= 2:
            target = self.r.qualname(node.args[0]) or ""
            if target == "builtins":
                self.add(C.OBFUSCATION, node, "looks up a builtin through getattr")
            elif not isinstance(node.args[1], ast.Constant) and target.split(".")[0] in R.SENSITIVE_MODULES:
                name = self.r.fold(node.args[1])
                self.add(C.OBFUSCATION, node, f"looks up {target}.{name or '<computed>'} by a computed name")
        if qual in ("globals", "vars", "locals") and node.args and (self.r.qualname(node.args[0]) == "builtins"):
            self.add(C.OBFUSCATION, node, "reaches into the builtins namespace")
        if qual == "codecs.decode" and len(node.args) > 1 and (self.r.fold(node.args[1]) or "").startswith("rot"):
            self.add(C.OBFUSCATION, node, "decodes rot13 text")

    def _files(self, node: ast.Call, qual: str, attr: str) -> None:
        risks: list[str | None] = []
        if qual in R.OPEN_CALLS or (attr == "open" and self._pathish(node.func.value)):  # type: ignore[union-attr]
            mode_node = node.args[1] if len(node.args) > 1 and qual != "os.open" else next(
                (k.value for k in node.keywords if k.arg in ("mode", "flags")), None)
            if qual == "os.open" and len(node.args) > 1:
                mode_node = node.args[1]
            mode = self.r.fold(mode_node) if mode_node is not None else "r"
            writes = (mode is None and qual == "os.open" and "O_RDONLY" not in ast.unparse(mode_node)) or (
                mode is not None and any(c in mode for c in "wax+"))
            target = node.func.value if attr == "open" and qual not in R.OPEN_CALLS else (node.args[0] if node.args else None)  # type: ignore[union-attr]
            risks.append(self._path_risk(target) if writes else self._read_risk(target))
        elif qual in R.FS_WRITE_CALLS:
            risks += [self._path_risk(a) for a in node.args[:2]]
        elif qual in ("torch.save", "numpy.save", "numpy.savez", "numpy.savetxt") and len(node.args) >= 2:
            risks.append(self._path_risk(node.args[1] if qual == "torch.save" else node.args[0]))
        elif attr in R.PATH_WRITE_METHODS and self._pathish(node.func.value):  # type: ignore[union-attr]
            risks.append(self._path_risk(node.func.value))  # type: ignore[union-attr]
        elif attr in ("read_text", "read_bytes") and self._pathish(node.func.value):  # type: ignore[union-attr]
            risks.append(self._read_risk(node.func.value))  # type: ignore[union-attr]
        elif (qual in R.TORCH_LOADS or qual in R.LOAD_CALLS) and node.args:
            risks.append(self._read_risk(node.args[0]))
        for risk in risks:
            if risk:
                self.add(C.FILE_OUTSIDE_TMP, node, risk)
                return

    def _env_call(self, node: ast.Call, qual: str) -> None:
        if qual in ("os.putenv", "os.unsetenv", "os.environ.setdefault", "os.environ.pop", "os.environ.__setitem__",
                    "os.environ.__delitem__"):
            self._env_keys(node, [node.args[0]] if node.args else [None])
        elif qual in ("os.environ.update", "os.environb.update"):
            keys: list[ast.AST | None] = [ast.Constant(k.arg) if k.arg else None for k in node.keywords]
            for a in node.args:
                keys += list(a.keys) if isinstance(a, ast.Dict) else [None]
            self._env_keys(node, keys)
        elif qual in ("os.environ.clear", "os.environ.popitem"):
            self.add(C.ENVIRONMENT, node, f"{qual} wipes environment variables")

    def _env_keys(self, node: ast.AST, keys: list) -> None:
        names = [self.r.fold(k) if k is not None else None for k in keys]
        bad = [n or "<computed name>" for n in names if n is None or not R.env_allowed(n)]
        if bad:
            self.add(C.ENVIRONMENT, node, f"changes environment variables outside the allow-list: {', '.join(bad)}")

    def env_store(self, node: ast.AST) -> None:
        targets = node.targets if isinstance(node, (ast.Assign, ast.Delete)) else [node.target]  # type: ignore[attr-defined]
        for t in targets:
            if isinstance(t, ast.Subscript) and self.r.qualname(t.value) in ("os.environ", "os.environb"):
                self._env_keys(node, [t.slice])
            elif self.r.qualname(t) in ("os.environ", "os.environb"):
                value = getattr(node, "value", None)
                if isinstance(node, ast.AugAssign) and isinstance(value, ast.Dict):
                    self._env_keys(node, list(value.keys))
                else:
                    self.add(C.ENVIRONMENT, node, "replaces the whole environment")

    def builtins_index(self, node: ast.Subscript) -> None:
        base = self.r.qualname(node.value)
        key = self.r.fold(node.slice)
        if base == "builtins" or (key == "__builtins__" and isinstance(node.value, ast.Call)):
            self.add(C.OBFUSCATION, node, "indexes into the builtins namespace")

    def sensitive_path(self, node: ast.AST) -> None:
        """A path assembled from pieces (``Path.home() / ".aws"``) that names a secret."""
        path = self.r.fold_partial(node)
        m = R.SENSITIVE_PATH_RE.search(path.replace(UNKNOWN, "")) if len(path) < 2000 else None
        if m:
            self.add(C.FILE_OUTSIDE_TMP, node, f"refers to a sensitive location ({_show(path)})")

    def constant(self, node: ast.Constant) -> None:
        value = node.value.decode("latin-1") if isinstance(node.value, bytes) else node.value
        m = R.SENSITIVE_PATH_RE.search(value) if len(value) < 2000 else None
        if m:
            self.add(C.FILE_OUTSIDE_TMP, node, f"refers to a sensitive location ({m.group(0).strip()})")
        if len(value) >= 120 and R.BLOB_RE.match(value) and max(map(len, value.split()), default=0) >= 80:
            self.add(C.OBFUSCATION, node, f"embeds a long encoded blob ({len(value)} characters)")
        segment = ast.get_source_segment(self.code, node) or ""
        escapes = len(R.ESCAPE_RE.findall(segment))
        if escapes >= 4:
            letters = sum(ch.isascii() and (ch.isalnum() or ch in " ./-_") for ch in value)
            if letters >= 0.6 * max(len(value), 1):
                self.add(C.OBFUSCATION, node, f"spells readable text with {escapes} escape codes")


def _dedupe(findings: list[Finding]) -> tuple[Finding, ...]:
    seen: set[tuple[Category, int]] = set()
    out = []
    for f in sorted(findings, key=lambda f: f.line):
        if (f.category, f.line) not in seen:
            seen.add((f.category, f.line))
            out.append(f)
    return tuple(out)


def _magic_free(code: str) -> str:
    return "\n".join("pass" if line[:1] in ("!", "%") else line
                     for line in code.split("\n"))


def _magic_findings(code: str) -> list[Finding]:
    """Notebook lines: ``!cmd`` runs a shell, ``%pip install`` installs packages."""
    out: list[Finding] = []
    for i, line in enumerate(code.split("\n"), start=1):
        if line[:1] not in ("!", "%"):
            continue
        command = line.lstrip("!%").strip()
        for f in shell_line_findings(command, i):
            out.append(Finding(f.category, i, line.strip()[:200], f.reason))
        words = command.split()
        if line.startswith("!") and not (words and re.fullmatch(r"python[\d.]*|torchrun", words[0])):
            out.append(Finding(C.SHELL_EXECUTION, i, line.strip()[:200], f"runs a shell command: {command[:80]}"))
    return out


def scan_python(code: str, *, _depth: int = 0) -> ScanReport:
    """Scan Python source. Notebook ``!``/``%`` lines go through the shell rules."""
    magic = _magic_findings(code)
    try:
        tree = ast.parse(_magic_free(code))
    except (SyntaxError, ValueError) as exc:
        where = f"line {getattr(exc, 'lineno', '?')}: " if getattr(exc, "lineno", None) else ""
        return ScanReport(_dedupe(scan_python_text(code)), False, f"{where}{getattr(exc, 'msg', str(exc))}")
    except (RecursionError, MemoryError):
        return ScanReport(_dedupe(scan_python_text(code)), False, "too deeply nested to parse")
    try:
        found = _Scan(code, tree, _depth).run()
    except RecursionError:
        return ScanReport(_dedupe(scan_python_text(code)), False, "too deeply nested to analyse")
    return ScanReport(_dedupe(found + magic), True)


def scan_shell(text: str) -> ScanReport:
    """Scan a shell block (commands the issue asks to run)."""
    return ScanReport(_dedupe(scan_shell_text(text)), True)


def scan(code: str, lang: str = "python") -> ScanReport:
    """Scan code by language: shell tags go to the shell rules, everything else is Python."""
    return scan_shell(code) if lang.lower() in _SHELL_LANGS else scan_python(code)
