"""Error signatures of fuzzer and pytest output, on the rules of :mod:`core.issue.signature`.

Finding error lines, normalising volatile tokens and matching classes are ``core.issue``'s
(one set of rules for the project). What stays here is fuzz-specific: pytest's ``E   ``
failure blocks (the first exception of the last block is the test's error, not the last
one), the persisted signature shape of a session, and absolute paths: the same failure is
seen from TorchFuzz's program, from the unit test and from a scratch worktree, so every
absolute path (not only temporary ones) is volatile here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..issue.classify import ErrorKind, ErrorLine, find_errors
from ..issue.signature import SIGNAL_NAMES, distinctive_substring, same_class
from ..issue.signature import normalise as _issue_normalise
from ..models import ErrorSignature
from ..text import strip_ansi

_ABS_PATH = re.compile(r"(?:[A-Za-z]:)?(?:/[\w.+-]+){2,}/?(?::\d+)*")
# Placeholders written by sessions saved before the signature rules were shared.
_LEGACY = (("line <N>", "line <LINE>"), (":<N>", ":<LINE>"), ("fuzz_<HASH>", "<PATH>"))
_MAX_MESSAGE = 200
_EXCEPTIONS = (ErrorKind.EXCEPTION, ErrorKind.ASSERTION)


def normalise(text: str) -> str:
    """``core.issue``'s normaliser, with every absolute path (and its ``:line``) a ``<PATH>``."""
    return _issue_normalise(_ABS_PATH.sub("<PATH>", strip_ansi(text or "")))


def _short(cls: str) -> str:
    return re.split(r"\.|::", cls)[-1]


def _exceptions(text: str) -> list[ErrorLine]:
    """``core.issue``'s exception lines whose class looks like a class (``Name``, ``a.b.Name``)."""
    return [
        e
        for e in find_errors(text)
        if e.kind in _EXCEPTIONS and e.exception_class and _short(e.exception_class)[:1].isupper()
    ]


@dataclass(frozen=True, slots=True)
class FuzzSignature:
    """``exc_type`` is the short class name (``BackendCompilerFailed``), ``qualname`` as printed."""

    exc_type: str | None
    message: str = ""
    qualname: str | None = None
    signal: int | None = None

    def describe(self) -> str:
        if self.signal is not None:
            return f"killed by {SIGNAL_NAMES.get(self.signal, f'signal {self.signal}')}"
        return f"{self.qualname or self.exc_type}: {self.message}" if self.message else str(self.qualname or self.exc_type)

    def as_error_signature(self) -> ErrorSignature:
        """The project-wide signature shape (class + distinctive substring, or a signal)."""
        if self.signal is not None:
            return ErrorSignature(signal=self.signal)
        return ErrorSignature(self.qualname or self.exc_type, distinctive_substring(self.message) if self.message else None)

    def matches(self, other: "FuzzSignature | None") -> bool:
        """Same failure: same signal, or the same class (``core.issue.same_class``) and one
        message's distinctive substring found in the other's normalised message."""
        if other is None:
            return False
        if self.signal is not None or other.signal is not None:
            return self.signal == other.signal
        if not same_class(self.qualname or self.exc_type, other.qualname or other.exc_type):
            return False
        if not self.message or not other.message:
            return self.message == other.message
        mine, theirs = normalise(self.message).lower(), normalise(other.message).lower()
        if mine in theirs or theirs in mine:
            return True
        return any(
            sub is not None and sub.lower() in text
            for sub, text in ((distinctive_substring(self.message), theirs), (distinctive_substring(other.message), mine))
        )

    def to_json(self) -> dict:
        return {"exc_type": self.exc_type, "message": self.message, "qualname": self.qualname, "signal": self.signal}

    @classmethod
    def from_json(cls, data: dict | None) -> "FuzzSignature | None":
        if not data:
            return None
        message = data.get("message", "") or ""
        for old, new in _LEGACY:
            message = message.replace(old, new)
        return cls(data.get("exc_type"), message, data.get("qualname"), data.get("signal"))


def _from_error(err: ErrorLine) -> FuzzSignature:
    cls = err.exception_class or ""
    return FuzzSignature(_short(cls), normalise(err.message)[:_MAX_MESSAGE], cls)


def _from_pytest_e_lines(lines: list[str]) -> FuzzSignature | None:
    # pytest prints the failure as "E   Class: message" blocks; the last block's first
    # exception is the test's error (later ones in the block are what it wraps).
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
        for err in _exceptions("\n".join(block)):
            return _from_error(err)
    return None


def extract_signature(text: str, *, exit_code: int | None = None) -> FuzzSignature | None:
    """The final exception of ``text`` (a traceback, pytest ``E`` lines, or a bare
    ``Class: message`` line); a signal signature for a killed process with no exception."""
    clean = strip_ansi(text or "").replace("\r\n", "\n")
    errors = _exceptions(clean)
    in_traceback = [e for e in errors if e.in_traceback]
    found = (
        (_from_error(in_traceback[-1]) if in_traceback else None)
        or _from_pytest_e_lines(clean.split("\n"))
        or (_from_error(errors[-1]) if errors else None)
    )
    if found is not None:
        return found
    if exit_code is not None and (exit_code < 0 or exit_code > 128):
        number = -exit_code if exit_code < 0 else exit_code - 128
        return FuzzSignature(None, "", None, number)
    return None


def signature_from_message(message: str) -> FuzzSignature | None:
    """A signature from a one-exception message such as pytest's junit ``message`` attribute.

    Its first line is the exception even when the class name has no usual suffix, as the
    last line of a traceback is; read it that way.
    """
    clean = strip_ansi(message or "")
    first = next(iter(_exceptions("Traceback (most recent call last):\n" + clean)), None)
    if first is not None and first.in_traceback:
        return _from_error(first)
    return extract_signature(message)
