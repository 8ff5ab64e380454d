"""The reported error signature, and matching a run's output against it.

A signature is an exception class plus a distinctive piece of its message, or a signal for
crashes. Volatile parts (addresses, paths, PIDs, timings, line numbers, library versions,
tensor sizes) are replaced by placeholders before choosing the substring, and output is
normalised the same way before matching, so a signature survives a re-run on another machine
or of a minimised repro.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.issue.classify import BlockKind, ErrorKind, ErrorLine, classify_block, find_errors
from core.issue.markdown import ParsedThread, Post
from core.models import ErrorSignature
from core.text import strip_ansi

_VOLATILE = (
    (re.compile(r"\b0x[0-9a-fA-F]+\b"), "<ADDR>"),
    # Before the path rules, which stop at ``:``: ``NCCLUtils.cpp:77`` keeps no bare ``77``.
    (re.compile(r"(\.(?:pyx?|cpp|cc|cxx|c|cu|cuh|h|hpp))(?::\d+)+"), r"\1:<LINE>"),
    (re.compile(r"(?:/private)?/(?:tmp|var/folders|var/tmp|dev/shm)(?:/[^\s'\"()\[\]{},:;]*)?"), "<PATH>"),
    (re.compile(r"[A-Za-z]:\\Users\\[^\s'\"]*\\Temp\\[^\s'\"]*", re.I), "<PATH>"),
    # Any other absolute (or ``../``) path: install prefixes and build roots differ between
    # machines (``/pytorch/torch/csrc/...`` in a wheel, ``../torch/csrc`` in older builds,
    # ``/home/u/venv/...`` on the reporter's box). Not after a word, ``.``, ``:`` or ``/``,
    # so ``a/b``, ``1/2`` and URLs stay.
    (re.compile(r"(?<![\w.:/~<>-])(?:~|\.\.?)?(?:/[\w.+@-]+){2,}/?(?::\d+)*"), "<PATH>"),
    (re.compile(r"\b[A-Za-z]:\\(?:[\w.+@-]+\\)*[\w.+@-]+"), "<PATH>"),
    (re.compile(r"\b(?:pid|PID|Pid)\s*[=:]?\s*\d+\b|\bprocess (?:id )?\d+\b"), "<PID>"),
    (re.compile(r"\b\d{4}-\d\d-\d\d[ T]\d\d:\d\d:\d\d(?:[.,]\d+)?\b"), "<TIME>"),
    (re.compile(r"\b\d{1,2}:\d\d:\d\d(?:\.\d+)?\b"), "<TIME>"),
    # Library versions (``NCCL version 2.21.5``, ``2.13.0+cu128``) change with every install.
    (re.compile(r"\b[Vv]ersion:?\s*v?\d+(?:\.\d+)+[\w.+-]*|\bv?\d+\.\d+\.\d+[\w.+-]*"), "<VER>"),
    (re.compile(r"\b\d+(?:\.\d+)?\s*(?:ms|us|µs|ns|s|sec|secs|seconds|milliseconds|microseconds|min|mins|minutes)\b"), "<TIME>"),
    (re.compile(r"\bline \d+\b"), "line <LINE>"),
    # Tensor sizes: a minimised repro shrinks them (and may drop dimensions) while the words
    # around them stay. Lists of two or more numbers (``[8, 1, 28, 28]``, ``(4, 5)``), a lone
    # ``[8]`` that is not an index (``ids[0]`` is), and ``4x64`` shapes.
    (re.compile(
        r"\[\s*-?\d+(?:\s*,\s*-?\d+)+\s*,?\s*\]|(?<!\w)\[\s*-?\d+\s*\]|(?<!\w)\[\s*\](?=\))"
        r"|(?<!\w)\(\s*-?\d+(?:\s*,\s*-?\d+)+\s*,?\s*\)|(?<!\w)\(\s*-?\d+\s*,\s*\)|\b\d+(?:x\d+)+\b"
    ), "<SIZE>"),
)
_RANK_PREFIX = re.compile(r"^\[(?:rank|default)\d+\]:\s?", re.M)
# Split keeping each placeholder, so the pieces between sizes can be told apart from the rest.
_PLACEHOLDER = re.compile(r"(<(?:ADDR|PATH|PID|TIME|LINE|VER|SIZE)>)")
_SIZE = "<SIZE>"
_NUMBER_TOKEN = re.compile(r"^[\[(]?-?\d+(?:\.\d+)?[\])]?[,:;.]?$")
_MAX_SUBSTRING = 120
SIGNAL_NAMES = {4: "SIGILL", 6: "SIGABRT", 7: "SIGBUS", 8: "SIGFPE", 9: "SIGKILL", 11: "SIGSEGV"}


def normalise(text: str) -> str:
    """Replace volatile tokens by placeholders and collapse whitespace."""
    text = _RANK_PREFIX.sub("", strip_ansi(text))
    for rx, repl in _VOLATILE:
        text = rx.sub(repl, text)
    return " ".join(text.split())


def _good(fragment: str) -> bool:
    """Enough words to be specific; a source path (``torch/csrc/x/y.cpp``) is not a word."""
    words = [w for w in fragment.split() if w.count("/") < 2]
    return len(words) >= 3 and len(" ".join(words)) >= 15


_DANGLING = {"at", "in", "of", "on", "from", "for", "to", "with", "by", "is", "was", "and", "or", "the"}


def _trim(fragment: str) -> str:
    fragment = fragment.strip(" \t,;").lstrip(":)]} ").rstrip(" ([{,;:=")
    words = fragment.split(" ")
    while len(words) > 3 and words[-1].lower() in _DANGLING:
        words.pop()
    fragment = " ".join(words)
    if len(fragment) <= _MAX_SUBSTRING:
        return fragment
    cut = fragment[:_MAX_SUBSTRING]
    space = cut.rfind(" ")
    return (cut[:space] if space > 40 else cut).rstrip(" ,;")


def _cut_at_numbers(fragment: str) -> str:
    """Drop the tail from the first bare number when enough specific words precede it.

    Sizes in messages change while a repro is minimised; the words before them do not.
    """
    tokens = fragment.split(" ")
    for k, tok in enumerate(tokens):
        if _NUMBER_TOKEN.match(tok):
            head = " ".join(tokens[:k]).rstrip(" (,[")
            return head if _good(head) else fragment
    return fragment


_OBJECT_TAIL = re.compile(r":\s+[A-Za-z_]\w*\(")


def _core(fragment: str) -> str:
    """What a fragment says, without edge punctuation and dangling words: ``NCCL error in:``
    (a lead-in to a source location) says only ``NCCL error``."""
    words = fragment.strip(" \t,;:").rstrip(" ([{,;:=").split()
    while words and words[-1].lower() in _DANGLING:
        words.pop()
    return " ".join(words)


def _drop_label(fragment: str) -> str:
    """Drop a short last clause that only names the volatile value after it (``..., NCCL``
    before ``version 2.21.5``), when enough precedes it."""
    head, sep, last = fragment.rstrip().rpartition(", ")
    return head if sep and len(last.split()) <= 2 and _good(_core(head)) else fragment


def _words(fragment: str) -> int:
    return sum(1 for w in fragment.split() if any(c.isalpha() for c in w))


def distinctive_substring(message: str) -> str | None:
    """The most specific stable piece of an error message, or None if nothing is left.

    The message is cut at its volatile parts. The first piece with enough words wins, since
    what follows an address, path or pid is usually only more location. Tensor sizes are the
    exception: they sit inside the sentence (``weight of size [16, 3, 3, 3], expected
    input[8, 1, 28, 28] to have 3 channels, but got 1 ...``), so among the pieces between sizes
    the one with the most words is taken, which is the message's own statement rather than
    the template's lead-in.
    """
    norm = normalise(message)
    tail = _OBJECT_TAIL.search(norm)
    if tail and _good(norm[: tail.start()]):
        norm = norm[: tail.start()]  # "...timeout: WorkNCCL(SeqNum=..." - the repr is volatile
    parts = _PLACEHOLDER.split(norm)
    segments: list[list[str]] = [[]]
    for k in range(0, len(parts), 2):
        after = parts[k + 1] if k + 1 < len(parts) else None
        frag = parts[k].strip(" '\"`")
        if after is not None:
            frag = _drop_label(frag)
        if frag.strip(" :,.;()[]'\""):
            segments[-1].append(frag)
        if after is not None and after != _SIZE:
            segments.append([])
    fragments = [f for seg in segments for f in seg]
    if not fragments:
        return None
    for seg in segments:
        good = [_trim(_cut_at_numbers(f)) for f in seg if _good(_core(f))]
        if good:
            return max(good, key=_words)
    return _trim(max(fragments, key=len))


def signature_from_error(err: ErrorLine) -> ErrorSignature:
    """Turn one recognised error into a signature."""
    if err.kind is ErrorKind.SIGNAL:
        return ErrorSignature(signal=err.signal)
    if err.kind is ErrorKind.CUDA:
        return ErrorSignature(message_substring=distinctive_substring(err.message))
    substring = distinctive_substring(err.message) if err.message.strip() else None
    if substring is None and err.kind is ErrorKind.ASSERTION and err.source_line:
        # A bare ``AssertionError``: the failing assert's source line shows in the traceback.
        substring = distinctive_substring(err.source_line)
    return ErrorSignature(exception_class=err.exception_class, message_substring=substring, signal=err.signal)


@dataclass(frozen=True, slots=True)
class ReportedError:
    """The error the reporter saw, with where it was found."""

    signature: ErrorSignature
    evidence: str
    post: Post
    kind: ErrorKind


# Launchers re-raise a worker's failure under their own class; the worker's error is the bug.
_WRAPPERS = frozenset({"ChildFailedError", "ProcessRaisedException", "ProcessExitedException"})
# Aggregating exceptions (``CheckpointException ranks:dict_keys([0, 1])``) name only the ranks
# that failed; each rank's cause follows them.
_RANK_LIST = re.compile(r"\branks?\s*[:=]?\s*(?:dict_keys\(|set\(|\{)?\[?[\d,\s]*\]?\)?\}?")


def _uninformative(err: ErrorLine) -> bool:
    """Whether the message says nothing beyond the class name and a list of ranks."""
    if not err.exception_class or err.kind is not ErrorKind.EXCEPTION:
        return False
    name = re.split(r"\.|::", err.exception_class)[-1]
    if name not in err.message and not _RANK_LIST.search(err.message):
        return False  # a short message of its own (``KeyError: 'w'``) is still the message
    rest = _RANK_LIST.sub(" ", err.message.replace(name, " "))
    return len(re.findall(r"[A-Za-z]{3,}", rest)) < 2


def _rank(err: ErrorLine, index: int) -> tuple[int, int]:
    """Higher wins. A traceback's final exception: the last one. A lone error line: the
    first one (later lines usually detail it). Wrapper exceptions only as a last resort."""
    if err.exception_class and re.split(r"\.|::", err.exception_class)[-1] in _WRAPPERS:
        return (0, index)
    if err.in_traceback:
        return (5, index)
    prio = {ErrorKind.EXCEPTION: 4, ErrorKind.ASSERTION: 4, ErrorKind.CPP: 3, ErrorKind.CUDA: 2}.get(err.kind, 1)
    return (prio, -index if prio > 1 else index)


def _errors_of_post(parsed: ParsedThread, post: Post) -> list[ErrorLine]:
    """Errors of one post in document order."""
    keyed: list[tuple[int, int, ErrorLine]] = []
    for block in parsed.blocks:
        if block.post is post and classify_block(block.code, block.lang) is not BlockKind.PYTHON:
            keyed += [(block.line_start + e.line, len(keyed), e) for e in find_errors(block.code)]
    for prose in parsed.prose:
        if prose.post is post:
            keyed += [(prose.line + e.line, len(keyed), e) for e in find_errors(prose.text)]
    return [e for _, _, e in sorted(keyed, key=lambda k: (k[0], k[1]))]


def reported_error(parsed: ParsedThread) -> ReportedError | None:
    """The reported error: from the body first, then the poster's comments, then others.

    Within a post the strongest evidence wins (a traceback's final exception over a lone
    error line over a signal); among equals the last one, which is what was finally raised.
    """
    if not parsed.posts:
        return None
    op = parsed.posts[0].author
    ordered = [parsed.posts[0]]
    ordered += [p for p in parsed.posts[1:] if p.author == op]
    ordered += [p for p in parsed.posts[1:] if p.author != op]
    for post in ordered:
        errs = _errors_of_post(parsed, post)
        if not errs:
            continue
        best = max(range(len(errs)), key=lambda i: _rank(errs[i], i))
        err = errs[best]
        sig = signature_from_error(err)
        evidence = err.text
        if _uninformative(err):
            cause = _first_cause(errs[best + 1:])
            if cause is not None:
                sig = ErrorSignature(exception_class=sig.exception_class, message_substring=cause[0],
                                     signal=sig.signal)
                evidence = f"{err.text}\n{cause[1]}"
        if not sig.empty:
            return ReportedError(sig, evidence, post, err.kind)
    return None


def _first_cause(errs: list[ErrorLine]) -> tuple[str, str] | None:
    """The first following error with a distinctive message: (substring, its line)."""
    for err in errs:
        if err.kind in (ErrorKind.EXCEPTION, ErrorKind.ASSERTION, ErrorKind.CPP, ErrorKind.CUDA) and err.message.strip():
            sub = distinctive_substring(err.message)
            if sub and _good(sub):
                return sub, err.text
    return None


@dataclass(frozen=True, slots=True)
class Match:
    """Evidence that output shows the reported error."""

    via: str  # "exception", "message" or "signal"
    lines: tuple[str, ...]
    exception_class: str | None = None
    signal: int | None = None


def same_class(a: str | None, b: str | None) -> bool:
    """Class names match when their last components agree (``Unsupported`` vs qualified)."""
    if not a or not b:
        return False
    last = lambda s: re.split(r"\.|::", s)[-1]  # noqa: E731
    return a == b or last(a) == last(b)


def _line_with(output: str, needle: str) -> str:
    n = " ".join(needle.lower().split())
    for line in output.splitlines():
        if n and n in normalise(line).lower():
            return line.strip()
    return ""


def matches(signature: ErrorSignature, output_text: str, exit_code: int | None = None) -> Match | None:
    """Whether ``output_text`` (and exit code) shows the error of ``signature``."""
    if signature.empty:
        return None
    norm = normalise(output_text).lower()
    sub = normalise(signature.message_substring or "").lower()
    if signature.exception_class:
        errs = [e for e in find_errors(output_text) if same_class(e.exception_class, signature.exception_class)]
        if errs and (not sub or sub in norm):
            lines = [errs[-1].text]
            extra = _line_with(output_text, sub) if sub else ""
            if extra and extra not in lines:
                lines.append(extra)
            return Match("exception", tuple(lines), errs[-1].exception_class)
        if not signature.signal:
            return None
    elif sub:
        if sub in norm:
            return Match("message", (_line_with(output_text, sub),))
        if not signature.signal:
            return None
    sig = signature.signal
    if sig:
        if exit_code is not None and exit_code in (-sig, 128 + sig):
            return Match("signal", (f"exit code {exit_code} ({SIGNAL_NAMES.get(sig, sig)})",), signal=sig)
        hits = [e for e in find_errors(output_text) if e.kind is ErrorKind.SIGNAL and e.signal == sig]
        if hits:
            return Match("signal", (hits[-1].text,), signal=sig)
    return None


def signature_json(signature: ErrorSignature | None) -> dict | None:
    """The CLI shape: ``{"exception_class", "message_substring"}`` or ``{"signal"}``."""
    if signature is None or signature.empty:
        return None
    if signature.exception_class or signature.message_substring:
        return {"exception_class": signature.exception_class, "message_substring": signature.message_substring}
    return {"signal": signature.signal, "signal_name": SIGNAL_NAMES.get(signature.signal or 0)}
