"""Turning a fuzzed program into a unit test in the checkout, and the expected-failure marker.

Styles (``[fuzz] test_style``):

* ``repros`` (default): PyTorch's ``test/test_torchfuzz_repros.py`` convention, a
  ``test_fuzzer_issue_<N>`` method of ``TestFuzzerCompileIssues`` marked
  ``@pytest.mark.xfail(reason="Issue #<N>")``;
* ``unittest``: the same class, marked ``@unittest.expectedFailure``;
* ``device``: a ``(self, device)`` test instantiated by ``instantiate_device_type_tests``,
  marked ``expectedFailureCPU``/``expectedFailureCUDA`` when only one device fails.

Files are edited by line ranges found with :mod:`ast`, so the rest of the file is untouched.
"""

from __future__ import annotations

import ast
import re
import textwrap
from dataclasses import dataclass

from .errors import FuzzError

STYLES = ("repros", "unittest", "device")
DEFAULT_TEST_FILE = "test/test_torchfuzz_repros.py"
REPROS_CLASS = "TestFuzzerCompileIssues"
DEVICE_CLASS = "TestFuzzerDeviceIssues"
DEVICE_MODULE = "torch.testing._internal.common_device_type"
# PyTorch's per-device expected-failure decorators (common_device_type), by device type.
DEVICE_DECORATORS = {
    "cpu": "expectedFailureCPU",
    "cuda": "expectedFailureCUDA",
    "xpu": "expectedFailureXPU",
    "mps": "expectedFailureMPS",
    "meta": "expectedFailureMeta",
    "xla": "expectedFailureXLA",
}
_DEVICE_DECORATOR_RE = r"expectedFailure(?:CPU|CUDA|MPS|XPU|Meta|XLA)\b"
_MARKER_RE = re.compile(rf"^\s*@(?:pytest\.mark\.xfail\b|unittest\.expectedFailure\b|{_DEVICE_DECORATOR_RE})")


@dataclass(frozen=True, slots=True)
class TestSpec:
    """Where the test goes and what it is called."""

    style: str
    file: str  # relative to the checkout
    class_name: str
    method_name: str
    reason: str  # the xfail reason ("Issue #N" or "TorchFuzz seed N")

    @property
    def node_id(self) -> str:
        return f"{self.file}::{self.class_name}::{self.method_name}"


def make_spec(*, style: str, issue: int | None, seed: int | None, program_digest: str, file: str = DEFAULT_TEST_FILE) -> TestSpec:
    """The test's name: ``test_fuzzer_issue_<N>``, else ``test_fuzzer_seed_<S>``, else by program digest."""
    if style not in STYLES:
        raise FuzzError(f"unknown test style {style!r} (expected one of {', '.join(STYLES)})")
    if issue is not None:
        name, reason = f"test_fuzzer_issue_{int(issue)}", f"Issue #{int(issue)}"
    elif seed is not None:
        name, reason = f"test_fuzzer_seed_{int(seed)}", f"TorchFuzz seed {int(seed)}"
    else:
        name, reason = f"test_fuzzer_program_{program_digest[:10]}", "TorchFuzz program"
    return TestSpec(style, file, DEVICE_CLASS if style == "device" else REPROS_CLASS, name.replace("-", "m"), reason)


def program_body(source: str) -> str:
    """The program as statements that can live inside a test method.

    ``from __future__`` lines are dropped and an ``if __name__ == "__main__":`` block is
    inlined; other imports stay where they are (function-local imports behave the same).
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise FuzzError(f"the fuzzed program is not valid Python (line {exc.lineno}: {exc.msg})") from None
    lines = source.splitlines()
    for node in reversed(tree.body):
        start, end = node.lineno - 1, (node.end_lineno or node.lineno)
        if isinstance(node, ast.ImportFrom) and node.module == "__future__":
            del lines[start:end]
        elif isinstance(node, ast.ImportFrom) and any(alias.name == "*" for alias in node.names):
            raise FuzzError("the fuzzed program uses 'import *', which cannot move into a test method")
        elif _is_main_guard(node):
            inner = textwrap.dedent("\n".join(lines[node.body[0].lineno - 1 : end]))
            lines[start:end] = inner.splitlines()
    body = re.sub(r"\n(?:[ \t]*\n){2,}", "\n\n", "\n".join(lines)).strip("\n")
    return body or "pass"


def _is_main_guard(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.If)
        and isinstance(node.test, ast.Compare)
        and isinstance(node.test.left, ast.Name)
        and node.test.left.id == "__name__"
        and not node.orelse
    )


def method_source(spec: TestSpec, body: str, *, header_comment: list[str]) -> str:
    """The method's text (class-level indentation), without a marker."""
    params = "self, device" if spec.style == "device" else "self"
    comment = "".join(f"        # {line}\n" for line in header_comment)
    return f"    def {spec.method_name}({params}):\n{comment}{textwrap.indent(body, '        ')}\n"


def marker_line(spec: TestSpec, failing_devices: tuple[str, ...] = (), all_devices: tuple[str, ...] = ()) -> str:
    """The decorator line for the expected failure (device-specific when only some devices fail)."""
    if spec.style == "repros":
        return f"    @pytest.mark.xfail(reason={spec.reason!r})\n".replace("'", '"')
    if spec.style == "device" and failing_devices and set(failing_devices) != set(all_devices):
        return "".join(f"    @{DEVICE_DECORATORS.get(d, 'expectedFailure' + d.upper())}\n" for d in sorted(failing_devices))
    return "    @unittest.expectedFailure\n"


def is_device_marker(marker: str) -> bool:
    """Whether ``marker`` is a per-device decorator (a pass on that device when it raises)."""
    return bool(re.search(r"@expectedFailure[A-Z]", marker))


def _module_imports(spec: TestSpec, marker: str = "") -> list[str]:
    needed = ["import unittest"]
    if spec.style == "repros":
        needed.append("import pytest")
    if spec.style == "device":
        names = ["instantiate_device_type_tests"] + sorted(set(re.findall(r"expectedFailure[A-Z][A-Za-z]*", marker)))
        needed += [f"from {DEVICE_MODULE} import {name}" for name in names]
    return needed


def new_test_module(spec: TestSpec, *, torch_testcase: bool) -> str:
    """A fresh test file when the checkout has none (PyTorch's TestCase when available)."""
    head = ["# Owner(s): [\"module: dynamo\"]", '"""Regression tests for bugs found by TorchFuzz."""', "", "import unittest", ""]
    if torch_testcase:
        head += ["from torch.testing._internal.common_utils import run_tests, TestCase", "", ""]
        tail = ['if __name__ == "__main__":', "    run_tests()", ""]
    else:
        head += ["TestCase = unittest.TestCase", "", ""]
        tail = ['if __name__ == "__main__":', "    unittest.main()", ""]
    return "\n".join(head + tail)


def _parse(text: str, what: str) -> ast.Module:
    try:
        return ast.parse(text)
    except SyntaxError as exc:
        raise FuzzError(f"{what} is not valid Python (line {exc.lineno}: {exc.msg}); fix it first") from None


def _ensure_imports(text: str, imports: list[str]) -> str:
    tree = _parse(text, "the test file")
    present = {ast.unparse(node) for node in tree.body if isinstance(node, (ast.Import, ast.ImportFrom))}
    missing = [line for line in imports if ast.unparse(ast.parse(line).body[0]) not in present]
    if not missing:
        return text
    lines = text.splitlines(keepends=True)
    anchors = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    if anchors:
        at = max(n.end_lineno or n.lineno for n in anchors)
    else:
        doc = tree.body[0] if tree.body and isinstance(tree.body[0], ast.Expr) and isinstance(getattr(tree.body[0], "value", None), ast.Constant) else None
        at = (doc.end_lineno or 0) if doc else 0
    lines[at:at] = [line + "\n" for line in missing]
    return "".join(lines)


def _find_class(tree: ast.Module, name: str) -> ast.ClassDef | None:
    return next((n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == name), None)


def _find_method(cls: ast.ClassDef, name: str) -> ast.FunctionDef | None:
    return next((n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == name), None)  # type: ignore[return-value]


def has_method(text: str, spec: TestSpec) -> bool:
    try:
        tree = ast.parse(text)
    except SyntaxError:
        return False
    cls = _find_class(tree, spec.class_name)
    return cls is not None and _find_method(cls, spec.method_name) is not None


def upsert_test(text: str | None, spec: TestSpec, method: str, *, torch_testcase: bool) -> str:
    """``text`` (the test file, None when absent) with the method added or replaced."""
    if text is None:
        text = new_test_module(spec, torch_testcase=torch_testcase)
    text = _ensure_imports(text, _module_imports(spec))
    tree = _parse(text, "the test file")
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    cls = _find_class(tree, spec.class_name)
    if cls is None:
        base = "TestCase" if _defines_name(tree, "TestCase") else "unittest.TestCase"
        block = f"class {spec.class_name}({base}):\n{method}\n\n"
        if spec.style == "device":
            block += f"instantiate_device_type_tests({spec.class_name}, globals())\n\n\n"
        guard = next((n for n in tree.body if _is_main_guard(n)), None)
        at = guard.lineno - 1 if guard else len(lines)
        lines[at:at] = ([] if at == 0 or not lines[at - 1].strip() else ["\n\n"]) + [block]
        return "".join(lines)
    existing = _find_method(cls, spec.method_name)
    if existing is not None:
        start = min([existing.lineno] + [d.lineno for d in existing.decorator_list]) - 1
        lines[start : existing.end_lineno] = [method]
        return "".join(lines)
    at = cls.end_lineno or cls.lineno
    lines[at:at] = ["\n", method]
    return "".join(lines)


def _defines_name(tree: ast.Module, name: str) -> bool:
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)) and any((a.asname or a.name) == name for a in node.names):
            return True
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return True
    return False


def _method_or_fail(text: str, spec: TestSpec) -> tuple[list[str], ast.FunctionDef]:
    tree = _parse(text, "the test file")
    cls = _find_class(tree, spec.class_name)
    method = _find_method(cls, spec.method_name) if cls else None
    if method is None:
        raise FuzzError(f"{spec.file} has no {spec.class_name}.{spec.method_name} (was it removed?)")
    return text.splitlines(keepends=True), method


def remove_marker(text: str, spec: TestSpec) -> str:
    """``text`` without the expected-failure decorators of the session's test (and without
    the per-device decorator's import when nothing else uses it, which lint would flag)."""
    lines, method = _method_or_fail(text, spec)
    removed: set[str] = set()
    for deco in sorted(method.decorator_list, key=lambda d: d.lineno, reverse=True):
        if _MARKER_RE.match(lines[deco.lineno - 1]):
            removed.update(re.findall(_DEVICE_DECORATOR_RE, "".join(lines[deco.lineno - 1 : deco.end_lineno])))
            del lines[deco.lineno - 1 : deco.end_lineno]
    out = "".join(lines)
    for name in removed:
        own_import = f"from {DEVICE_MODULE} import {name}\n"
        if own_import in out and len(re.findall(rf"\b{name}\b", out)) == 1:
            out = out.replace(own_import, "", 1)
    return out


def add_marker(text: str, spec: TestSpec, marker: str) -> str:
    """``text`` with ``marker`` (decorator lines) on the session's test, replacing any old one."""
    text = remove_marker(text, spec)
    text = _ensure_imports(text, _module_imports(spec, marker))
    lines, method = _method_or_fail(text, spec)
    at = min([method.lineno] + [d.lineno for d in method.decorator_list]) - 1
    lines[at:at] = [marker]
    return "".join(lines)


def has_marker(text: str, spec: TestSpec) -> bool:
    lines, method = _method_or_fail(text, spec)
    return any(_MARKER_RE.match(lines[d.lineno - 1]) for d in method.decorator_list)


def extract_method(text: str, spec: TestSpec) -> str:
    """The session's test method (decorators other than the marker included) as text."""
    unmarked = remove_marker(text, spec)
    tree = ast.parse(unmarked)
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == spec.class_name)
    method = next(n for n in cls.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef)) and n.name == spec.method_name)
    start = min([method.lineno] + [d.lineno for d in method.decorator_list]) - 1
    lines = unmarked.splitlines(keepends=True)[start : method.end_lineno]
    out = "".join(lines)
    return out if out.endswith("\n") else out + "\n"
