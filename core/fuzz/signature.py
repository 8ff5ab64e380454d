"""Error signatures of fuzzer and pytest output: exception class + distinctive message.

Volatile parts (addresses, temporary paths, line numbers, generated file hashes) are
replaced by placeholders, so the signature of the fuzzer's run and the one of the unit
test's run can be compared (the unit test raises from another file, another line).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..text import strip_ansi

_SIGNALS = {4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV"}
_VOLATILE = (
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<ADDR>"),
    (re.compile(r"fuzz_[0-9a-f]{6,}"), "fuzz_<HASH>"),
    (re.compile(r"(?:[A-Za-z]:)?(?:/[\w.+-]+){2,}/?(?::\d+)*"), "<PATH>"),
    (re.compile(r"\bline \d+\b"), "line <N>"),
    (re.compile(r"(\.py):\d+"), r"\1:<N>"),
)
_QUALNAME = r"(?:[A-Za-z_]\w*\.)*[A-Z]\w*"
_EXC_LINE = re.compile(rf"^(?P<cls>{_QUALNAME})(?::\s?(?P<msg>.*))?$")
_KNOWN_SUFFIX = re.compile(r"(?:Error|Exception|Exit|Interrupt|Failed|Failure|Fault|Unsupported|Warning)$")
_MAX_MESSAGE = 200


def normalise(text: str) -> str:
    """Volatile tokens replaced by placeholders, whitespace collapsed."""
    text = strip_ansi(text)
    for rx, repl in _VOLATILE:
        text = rx.sub(repl, text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class FuzzSignature:
    """``exc_type`` is the short class name (``BackendCompilerFailed``), ``qualname`` as printed."""

    exc_type: str | None
    message: str = ""
    qualname: str | None = None
    signal: int | None = None

    def describe(self) -> str:
        if self.signal is not None:
            return f"killed by {_SIGNALS.get(self.signal, f'signal {self.signal}')}"
        return f"{self.qualname or self.exc_type}: {self.message}" if self.message else str(self.qualname or self.exc_type)

    def matches(self, other: "FuzzSignature | None") -> bool:
        """Same failure: same signal, or same exception class and one message containing the other."""
        if other is None:
            return False
        if self.signal is not None or other.signal is not None:
            return self.signal == other.signal
        if self.exc_type != other.exc_type:
            return False
        if not self.message or not other.message:
            return self.message == other.message
        return self.message in other.message or other.message in self.message

    def to_json(self) -> dict:
        return {"exc_type": self.exc_type, "message": self.message, "qualname": self.qualname, "signal": self.signal}

    @classmethod
    def from_json(cls, data: dict | None) -> "FuzzSignature | None":
        if not data:
            return None
        return cls(data.get("exc_type"), data.get("message", ""), data.get("qualname"), data.get("signal"))


def _make(cls: str, message_lines: list[str]) -> FuzzSignature:
    lines = [normalise(line) for line in message_lines]
    lines = [line for line in lines if line]
    message = lines[0] if lines else ""
    # "backend='inductor' raised:" says nothing on its own; the next line names the real error.
    if message.endswith(":") and len(lines) > 1:
        message = f"{message} {lines[1]}"
    return FuzzSignature(cls.rsplit(".", 1)[-1], message[:_MAX_MESSAGE], cls)


def _from_traceback(lines: list[str]) -> FuzzSignature | None:
    starts = [i for i, line in enumerate(lines) if line.startswith("Traceback (most recent call last):")]
    if not starts:
        return None
    for i in range(starts[-1] + 1, len(lines)):
        line = lines[i]
        if not line.strip() or line[0] in " \t":
            continue
        match = _EXC_LINE.match(line.rstrip())
        if not match:
            return None
        message = [match.group("msg") or ""]
        for follow in lines[i + 1 : i + 4]:
            if not follow.strip():
                break
            message.append(follow)
        return _make(match.group("cls"), message)
    return None


def _from_pytest_e_lines(lines: list[str]) -> FuzzSignature | None:
    # pytest prints the failure as "E   Class: message" lines; use the last block's first match.
    blocks: list[list[str]] = []
    previous = False
    for line in lines:
        is_e = line.startswith("E ") or line == "E"
        if is_e and not previous:
            blocks.append([])
        if is_e:
            blocks[-1].append(line[1:].strip())
        previous = is_e
    for block in reversed(blocks):
        for index, text in enumerate(block):
            match = _EXC_LINE.match(text)
            if match and _KNOWN_SUFFIX.search(match.group("cls")):
                return _make(match.group("cls"), [match.group("msg") or "", *block[index + 1 : index + 3]])
    return None


def _from_any_line(lines: list[str]) -> FuzzSignature | None:
    for index in range(len(lines) - 1, -1, -1):
        match = _EXC_LINE.match(lines[index].strip())
        if match and _KNOWN_SUFFIX.search(match.group("cls")):
            return _make(match.group("cls"), [match.group("msg") or "", *lines[index + 1 : index + 3]])
    return None


def extract_signature(text: str, *, exit_code: int | None = None) -> FuzzSignature | None:
    """The final exception of ``text`` (a traceback, pytest ``E`` lines, or a bare
    ``Class: message`` line); a signal signature for a killed process with no exception."""
    lines = strip_ansi(text or "").replace("\r\n", "\n").split("\n")
    found = _from_traceback(lines) or _from_pytest_e_lines(lines) or _from_any_line(lines)
    if found is not None:
        return found
    if exit_code is not None and (exit_code < 0 or exit_code > 128):
        number = -exit_code if exit_code < 0 else exit_code - 128
        return FuzzSignature(None, "", None, number)
    return None


def signature_from_message(message: str) -> FuzzSignature | None:
    """A signature from a one-exception message such as pytest's junit ``message`` attribute."""
    lines = strip_ansi(message or "").split("\n")
    match = _EXC_LINE.match(lines[0].strip()) if lines else None
    if not match:
        return extract_signature(message)
    return _make(match.group("cls"), [match.group("msg") or "", *lines[1:3]])
