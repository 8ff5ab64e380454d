"""The line-oriented regex pass: shell text, notebook ``!``/``%`` lines, and Python the AST
cannot read (a file that does not parse is scanned this way and never reported clean).
"""

from __future__ import annotations

import re

from core.safety.rules import BLOB_RE, ESCAPE_RE, SENSITIVE_PATH_RE, Category, Finding, env_allowed

C = Category
_INSTALL = re.compile(
    r"\b(?:pip[\d.]*|conda|mamba|micromamba|apt(?:-get)?|yum|dnf|brew|npm|yarn|pnpm|gem|cargo|apk|pipx)"
    r"\s+(?:-\S+\s+)*(?:install|add)\b|\buv\s+(?:pip\s+install|add)\b|\beasy_install\b|setup\.py\s+install\b"
)
_NET = re.compile(r"\b(?:curl|wget|nc|ncat|netcat|ssh|scp|sftp|rsync|ftp|telnet|aria2c)\b|/dev/(?:tcp|udp)/")
_URL = re.compile(r"\b(?:https?|ftp)://[^\s'\"]+")
_RM = re.compile(r"\brm\s+(?P<flags>-\S+\s+)*(?P<path>\S+)")
_REDIRECT = re.compile(r"(?:^|[^<\d&>])>{1,2}\s*(?P<path>[~/][^\s;|&]+)")
_MUTATE = re.compile(r"\b(?:chmod|chown|mv|cp|dd|mkfs\w*|tee|truncate|ln)\b[^;|&]*?\s(?P<path>[~/][^\s;|&]+)")
_PIPE_SHELL = re.compile(r"\|\s*(?:sudo\s+)?(?:ba|z|da)?sh\b|\b(?:ba|z)?sh\s+-c\b|\beval\s|`[^`]+`|\$\([^)]*\)|\bsudo\b|\bsource\s+<\(")
_DECODE_SH = re.compile(r"\bbase64\s+(?:-d|--decode|-D)\b|\bxxd\s+-r\b|\bopenssl\s+enc\b.*-d\b")
_EXPORT = re.compile(r"\b(?:export|setenv|set -x)\s+(?P<name>[A-Za-z_]\w*)(?:=|\s)")
_UNSET = re.compile(r"\bunset\s+(?P<name>[A-Za-z_]\w*)")
_PREFIX_ENV = re.compile(r"^\s*(?:(?:env\s+)?(?P<assigns>(?:[A-Za-z_]\w*=\S*\s+)+))\S")


def _safe_path(path: str) -> bool:
    path = path.strip("'\"")
    return path.startswith(("/tmp/", "/dev/null", "/dev/stdout", "/dev/stderr")) or path in ("/tmp", "/dev/null")


def _finding(cat: Category, line_no: int, line: str, reason: str) -> Finding:
    return Finding(cat, line_no, line.strip()[:200], reason)


def shell_line_findings(line: str, line_no: int, *, as_command: bool = True) -> list[Finding]:
    """Concerns in one shell command line. ``as_command`` is False for text that is
    already known to be run by a shell call (then nested shells are not repeated)."""
    out: list[Finding] = []
    m = _INSTALL.search(line)
    if m:
        out.append(_finding(C.PACKAGE_INSTALL, line_no, line, f"installs packages ({m.group(0).strip()})"))
    m = _NET.search(line)
    url = _URL.search(line)
    if m:
        out.append(_finding(C.NETWORK, line_no, line, f"uses {m.group(0).strip()}, which reaches the network"))
    elif url:
        out.append(_finding(C.NETWORK, line_no, line, f"fetches {url.group(0)[:80]}"))
    for rx in (_RM, _REDIRECT, _MUTATE):
        for m in rx.finditer(line):
            path = m.group("path")
            if rx is _RM and not (path.startswith(("/", "~")) or ".." in path or path in ("*", ".")):
                continue
            if not _safe_path(path):
                out.append(_finding(C.FILE_OUTSIDE_TMP, line_no, line, f"changes files outside /tmp ({path})"))
                break
    m = SENSITIVE_PATH_RE.search(line)
    if m:
        out.append(_finding(C.FILE_OUTSIDE_TMP, line_no, line, f"touches a sensitive location ({m.group(0).strip()})"))
    if as_command:
        m = _PIPE_SHELL.search(line)
        if m:
            out.append(_finding(C.SHELL_EXECUTION, line_no, line, f"runs nested shell code ({m.group(0).strip()[:40]})"))
    m = _DECODE_SH.search(line)
    if m or len(ESCAPE_RE.findall(line)) >= 4 or any(BLOB_RE.match(tok) for tok in line.split() if len(tok) >= 120):
        out.append(_finding(C.OBFUSCATION, line_no, line, "decodes or embeds encoded data"))
    names = [m.group("name") for m in _EXPORT.finditer(line)] + [m.group("name") for m in _UNSET.finditer(line)]
    m = _PREFIX_ENV.match(line)
    if m:
        names += [a.split("=", 1)[0] for a in m.group("assigns").split()]
    bad = [n for n in names if not env_allowed(n)]
    if bad:
        out.append(_finding(C.ENVIRONMENT, line_no, line, f"sets environment variables outside the allow-list: {', '.join(bad)}"))
    return out


def scan_shell_text(text: str, *, first_line: int = 1) -> list[Finding]:
    """Every concern in a shell block (prompts ``$ `` and ``#`` comments are ignored)."""
    out: list[Finding] = []
    for i, raw in enumerate(text.split("\n")):
        line = re.sub(r"^\s*(?:\$|>|PS>)\s+", "", raw)
        if line.strip() and not line.lstrip().startswith("#"):
            out += shell_line_findings(line, first_line + i)
    return out


_PY_PATTERNS: tuple[tuple[Category, re.Pattern[str], str], ...] = (
    (C.NETWORK, re.compile(r"\bimport\s+(?:requests|urllib\d?|httpx|aiohttp|socket|http\.client|ftplib|paramiko)\b|"
                           r"\bfrom\s+(?:requests|urllib\.request|httpx|aiohttp|socket|http\.client)\b|"
                           r"\b(?:requests|httpx)\.(?:get|post|put|delete|request|Session)\s*\(|\burlopen\s*\("),
     "network access"),
    (C.SHELL_EXECUTION, re.compile(r"\bos\.(?:system|popen|exec\w*|spawn\w*)\s*\(|\bsubprocess\b|(?<![.\w])(?:eval|exec|compile)\s*\(|"
                                   r"\bpty\.spawn\b|__import__\s*\("),
     "runs shell commands or dynamic code"),
    (C.EXTERNAL_LOAD, re.compile(r"\btorch\.load\s*\((?![^)]*weights_only\s*=\s*True)|\b(?:pickle|dill|joblib|cloudpickle|marshal)\.loads?\s*\(|"
                                 r"\bfrom_pretrained\s*\(|\bhub\.load\b|\burlretrieve\b|\bload_state_dict_from_url\b"),
     "loads external or pickled data"),
    (C.OBFUSCATION, re.compile(r"\b(?:b64decode|b32decode|b85decode|decodebytes|unhexlify|fromhex|decompress|codecs\.decode)\b|"
                               r"\bjoin\s*\(\s*map\s*\(\s*chr\b|\bchr\s*\(.*\bchr\s*\(.*\bchr\s*\(|getattr\s*\(\s*__builtins__|"
                               r"__builtins__\s*[\[.]"),
     "decodes or hides code"),
    (C.PACKAGE_INSTALL, re.compile(r"\bpip\.main\b|\bpip\._internal\b|\bensurepip\b"), "installs packages"),
    (C.ENVIRONMENT, re.compile(r"\bos\.(?:putenv|unsetenv)\b|\bos\.environ\.(?:update|clear|pop|popitem|setdefault)\b"),
     "changes environment variables"),
    (C.FILE_OUTSIDE_TMP, re.compile(r"\b(?:os\.(?:remove|unlink|rmdir|removedirs|rename|chmod)|shutil\.(?:rmtree|move|copy\w*))\s*\("),
     "changes files"),
)
_ENV_SET = re.compile(r"\bos\.environ\s*\[\s*['\"](?P<name>[^'\"]+)['\"]\s*\]\s*=(?!=)")
_OPEN_WRITE = re.compile(r"\bopen\s*\(\s*f?['\"](?P<path>[^'\"]*)['\"]\s*,\s*['\"][^'\"]*[wax+]")


def scan_python_text(code: str) -> list[Finding]:
    """Regex-only scan of Python that does not parse (or of magic lines)."""
    out: list[Finding] = []
    for i, line in enumerate(code.split("\n"), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith(("!", "%")):
            out += shell_line_findings(stripped.lstrip("!%"), i)
            continue
        for cat, rx, reason in _PY_PATTERNS:
            m = rx.search(line)
            if m:
                out.append(_finding(cat, i, line, f"{reason} ({m.group(0).strip()[:40]})"))
        m = _ENV_SET.search(line)
        if m and not env_allowed(m.group("name")):
            out.append(_finding(C.ENVIRONMENT, i, line, f"sets {m.group('name')}, outside the allow-list"))
        m = _OPEN_WRITE.search(line)
        if m and not _safe_path(m.group("path")) and m.group("path").startswith(("/", "~")):
            out.append(_finding(C.FILE_OUTSIDE_TMP, i, line, f"writes {m.group('path')}, outside /tmp"))
        out += [f for f in shell_line_findings(line, i, as_command=False) if _python_relevant(f, line)]
    return out


def _python_relevant(f: Finding, line: str) -> bool:
    """Of the shell rules, keep those that make sense inside Python source."""
    if f.category in (C.PACKAGE_INSTALL, C.OBFUSCATION):
        return True
    if f.category is C.NETWORK:
        return "curl" in line or "wget" in line
    return f.category is C.FILE_OUTSIDE_TMP and f.reason.startswith("touches a sensitive")
