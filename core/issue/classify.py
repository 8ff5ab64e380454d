"""What a code block is (script, traceback, shell, output) and which error lines text holds.

Error lines are found in fenced blocks and in prose alike, because reporters often paste a
traceback straight into a paragraph.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from enum import Enum


class BlockKind(str, Enum):
    PYTHON = "python"
    TRACEBACK = "traceback"
    SHELL = "shell"
    OUTPUT = "output"
    OTHER = "other"


class ErrorKind(str, Enum):
    EXCEPTION = "exception"  # ``SomeError: message`` (in a traceback or alone)
    CPP = "cpp"  # ``terminate called after throwing an instance of 'X'``
    CUDA = "cuda"  # ``CUDA error: ...``, illegal memory access
    SIGNAL = "signal"  # segfault, abort, killed, ...
    ASSERTION = "assertion"


@dataclass(frozen=True, slots=True)
class ErrorLine:
    """One error found in text. ``line`` is 0-based within the scanned text."""

    kind: ErrorKind
    line: int
    text: str
    exception_class: str | None = None
    message: str = ""
    signal: int | None = None
    in_traceback: bool = False
    source_line: str = ""  # last code line shown in the traceback (for bare asserts)


PY_LANGS = frozenset({"python", "py", "python3", "py3", "ipython", "ipython3", "pycon", "python-repl"})
TB_LANGS = frozenset({"pytb", "traceback", "py3tb", "pytb3"})
SHELL_LANGS = frozenset({"bash", "sh", "shell", "console", "zsh", "shell-session", "shellsession", "sh-session", "fish"})

_PREFIX_RE = re.compile(r"^(?:\[rank\d+\]:\s?|\[default\d+\]:\s?|E\s{2,})")
TRACEBACK_RE = re.compile(r"Traceback \(most recent call last\):")
# A real header ends its line; "Traceback (most recent call last): (RANK 0)" is part of a
# wrapped exception's message (e.g. CheckpointException), not a traceback of its own.
_TB_HEADER_RE = re.compile(r"Traceback \(most recent call last\):\s*$")
_LOG_ERROR_RE = re.compile(r"^\s*\[E[^\]]*\]\s*(?:\[[^\]]*\]\s*)*(?P<msg>\S.*)$")
_CLASS_TAIL = r"(?:Error|Exception|Exit|Interrupt|Unsupported|Failed|Failure|Violation|Iteration|Fault)"
_EXC_RE = re.compile(
    r"^\s*(?P<cls>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*" + _CLASS_TAIL + r")(?::\s?(?P<msg>.*))?\s*$"
)
_FRAME_EXC_RE = re.compile(r"^(?P<cls>(?:[A-Za-z_]\w*\.)*[A-Za-z_]\w*)(?::\s?(?P<msg>.*))?\s*$")
_TERMINATE_RE = re.compile(r"terminate called after throwing an instance of '(?P<cls>[^']+)'")
_WHAT_RE = re.compile(r"^\s*what\(\):\s*(?P<msg>.*)$")
_CUDA_RE = re.compile(
    r"(?P<msg>CUDA error: .+|.*illegal memory access.*|CUDA out of memory\..*|"
    r".*device-side assert triggered.*|CUBLAS_STATUS_\w+.*|cuDNN error: .+)",
    re.I,
)
_SIGNALS = (
    (re.compile(r"Segmentation fault|SIGSEGV|signal 11\b", re.I), 11),
    (re.compile(r"\bAborted \(core dumped\)|^Aborted$|SIGABRT|Fatal Python error: Aborted", re.I), 6),
    (re.compile(r"^\s*Killed\s*$|SIGKILL|\bKilled\s*$"), 9),
    (re.compile(r"\bBus error\b|SIGBUS"), 7),
    (re.compile(r"Floating point exception|SIGFPE"), 8),
    (re.compile(r"Illegal instruction|SIGILL"), 4),
)
_EXITCODE_RE = re.compile(r"exit\s*code\s*[:=]?\s*(-\d+|1[3-5]\d)\b", re.I)
_PROMPT_RE = re.compile(r"^\s*(?:\$|#|>|PS>|\(\w[\w.-]*\)\s*\$)\s+\S")
_SHELL_CMD_RE = re.compile(
    r"^\s*(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:python[\d.]*|pip[\d.]*|conda|mamba|torchrun|git|cd|export|"
    r"bash|sh|nvidia-smi|ls|cat|echo|uv|sudo|apt(?:-get)?|make|cmake|gdb|CUDA_VISIBLE_DEVICES=\S+)\b"
)
_OUTPUT_HINTS = re.compile(
    r"^\s*(?:tensor\(|PyTorch version:|Is debug build:|Collecting environment|W\d{4} |I\d{4} |E\d{4} |"
    r"\[W |\[I |warnings\.warn|\w*Warning: )"
)


def _strip_prefix(line: str) -> str:
    return _PREFIX_RE.sub("", line)


def _message_after(lines: list[str], i: int, msg: str) -> str:
    """A weak first message line (empty, or ending in ':') is replaced by the next line."""
    msg = msg.strip()
    if msg and not msg.endswith(":"):
        return msg
    for nxt in lines[i + 1 : i + 6]:
        s = _strip_prefix(nxt).strip()
        if s and not s.startswith(("Set TORCH", "You can suppress", "from user code", "For more information")):
            return f"{msg} {s}".strip() if msg else s
    return msg


def _traceback_errors(lines: list[str], start: int) -> tuple[ErrorLine | None, int]:
    """Read one traceback from ``start`` (its header line); return its exception and end."""
    i = start + 1
    last_code = ""
    while i < len(lines):
        raw = _strip_prefix(lines[i])
        if not raw.strip():
            i += 1
            continue
        if raw[:1] in (" ", "\t") or raw.lstrip().startswith(("^", "~", "|", "+")):
            stripped = raw.strip()
            if not stripped.startswith(("File ", "^", "~", "|", "+", "...")):
                last_code = stripped
            i += 1
            continue
        m = _FRAME_EXC_RE.match(raw.strip())
        if m and not TRACEBACK_RE.search(raw):
            msg = _message_after(lines, i, m.group("msg") or "")
            cls = m.group("cls")
            kind = ErrorKind.ASSERTION if cls.split(".")[-1] == "AssertionError" else ErrorKind.EXCEPTION
            return ErrorLine(kind, i, raw.strip(), cls, msg, None, True, last_code), i + 1
        return None, i
    return None, i


def find_errors(text: str) -> tuple[ErrorLine, ...]:
    """Every error recognisable in ``text``, in order of appearance."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    found: list[ErrorLine] = []
    i = 0
    while i < len(lines):
        line = _strip_prefix(lines[i])
        if _TB_HEADER_RE.search(line):
            err, nxt = _traceback_errors(lines, i)
            if err is not None:
                found.append(err)
            i = max(nxt, i + 1)
            continue
        found.extend(_line_errors(lines, i, line))
        i += 1
    return tuple(found)


def _line_errors(lines: list[str], i: int, line: str) -> list[ErrorLine]:
    out: list[ErrorLine] = []
    stripped = line.strip()
    m = _TERMINATE_RE.search(line)
    if m:
        msg = ""
        for j in range(i + 1, min(i + 4, len(lines))):
            w = _WHAT_RE.match(_strip_prefix(lines[j]))
            if w:
                msg = _message_after(lines, j, w.group("msg"))
                break
        if not msg:  # no what(): the first error log line just above says why
            for j in range(max(0, i - 10), i):
                logged = _LOG_ERROR_RE.match(_strip_prefix(lines[j]))
                if logged:
                    msg = logged.group("msg").strip()
                    break
        return [ErrorLine(ErrorKind.CPP, i, stripped, m.group("cls"), msg, 6)]
    m = _EXC_RE.match(line)
    if m and (m.group("msg") is not None or stripped == m.group("cls")) and not stripped.endswith("Warning"):
        cls = m.group("cls")
        if m.group("msg") is not None or cls.endswith(("Error", "Exception")):
            kind = ErrorKind.ASSERTION if cls.split(".")[-1] == "AssertionError" else ErrorKind.EXCEPTION
            out.append(ErrorLine(kind, i, stripped, cls, _message_after(lines, i, m.group("msg") or "")))
            return out
    if not out:
        m = _CUDA_RE.search(line)
        if m and len(stripped) < 500:
            out.append(ErrorLine(ErrorKind.CUDA, i, stripped, None, m.group("msg").strip()))
    for rx, sig in _SIGNALS:
        if rx.search(line) and len(stripped) < 300:
            out.append(ErrorLine(ErrorKind.SIGNAL, i, stripped, None, "", sig))
            break
    else:
        m = _EXITCODE_RE.search(line)
        if m:
            code = int(m.group(1))
            sig = -code if code < 0 else code - 128
            if 0 < sig < 65:
                out.append(ErrorLine(ErrorKind.SIGNAL, i, stripped, None, "", sig))
    return out


def has_traceback(text: str) -> bool:
    return TRACEBACK_RE.search(text) is not None


def strip_magics(code: str) -> str:
    """Replace IPython ``!cmd``/``%magic`` lines by ``pass`` so the rest can be parsed."""
    out = []
    for line in code.split("\n"):
        s = line.lstrip()
        out.append(line[: len(line) - len(s)] + "pass" if s.startswith(("!", "%")) else line)
    return "\n".join(out)


def from_prompt(code: str) -> str | None:
    """Code typed at a ``>>>`` prompt, without prompts and echoed output; None if no prompt."""
    lines = code.split("\n")
    if not any(line.startswith(">>> ") or line == ">>>" for line in lines):
        return None
    kept = [line[4:] for line in lines if line.startswith((">>> ", "... "))]
    return "\n".join(kept) + "\n"


def parses(code: str) -> bool:
    try:
        ast.parse(strip_magics(code))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    return True


def looks_like_python(code: str) -> bool:
    """Parses, and has the shape of a program rather than a stray expression."""
    try:
        tree = ast.parse(strip_magics(code))
    except (SyntaxError, ValueError, MemoryError, RecursionError):
        return False
    body = tree.body
    if any(isinstance(n, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in body):
        return True
    meaningful = [n for n in body if isinstance(n, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.For, ast.With, ast.If))]
    calls = [n for n in body if isinstance(n, ast.Expr) and isinstance(n.value, ast.Call)]
    return len(meaningful) >= 1 and len(meaningful) + len(calls) >= 2


def _first_line(code: str) -> str:
    return next((line for line in code.split("\n") if line.strip()), "")


def _looks_like_shell(code: str) -> bool:
    first = _first_line(code)
    return bool(_PROMPT_RE.match(first) or _SHELL_CMD_RE.match(first))


def classify_block(code: str, lang: str = "") -> BlockKind:
    """Classify one code block from its language tag and content."""
    lang = (lang or "").lower()
    first = _strip_prefix(_first_line(code)).strip()
    if lang in TB_LANGS:
        return BlockKind.TRACEBACK
    if lang in PY_LANGS:
        if TRACEBACK_RE.match(first):
            return BlockKind.TRACEBACK
        if parses(code) or from_prompt(code) is not None:
            return BlockKind.PYTHON
        if has_traceback(code):
            return BlockKind.TRACEBACK
        if find_errors(code) and not looks_like_python(code):
            return BlockKind.OUTPUT
        return BlockKind.PYTHON
    if lang in SHELL_LANGS:
        if _looks_like_shell(code) or not (has_traceback(code) or find_errors(code)):
            return BlockKind.SHELL
        return BlockKind.TRACEBACK if has_traceback(code) else BlockKind.OUTPUT
    if TRACEBACK_RE.match(first):
        return BlockKind.TRACEBACK
    if looks_like_python(code) or (from_prompt(code) and lang in ("", "text")):
        return BlockKind.PYTHON
    if has_traceback(code):
        return BlockKind.TRACEBACK
    if find_errors(code):
        return BlockKind.OUTPUT
    if _looks_like_shell(code):
        return BlockKind.SHELL
    if lang in ("text", "txt", "log", "output", "plaintext", "stdout", "stderr") or _OUTPUT_HINTS.match(first):
        return BlockKind.OUTPUT
    return BlockKind.OTHER
