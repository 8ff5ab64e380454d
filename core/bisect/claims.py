"""What an issue says about versions: the version it was reported on, and — for a
regression — the version it last worked on ("worked in 2.3", "after upgrading from 2.12.1
to 2.13.0"). These become known verdicts of a bisection (scrub seed, step 5a), so the
search neither probes them again nor looks outside the range they bound.

Issue text is untrusted: the patterns are linear (no nested quantifiers), the text is
capped, and a match only ever yields a short version string.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MAX_TEXT = 200_000
_V = r"v?(?P<{name}>\d{{1,2}}\.\d{{1,3}}(?:\.\d{{1,3}})?(?:(?:a|b|rc|\.dev)\d{{0,4}})?(?:\+[\w.]{{1,40}})?)"
_TORCH = r"(?:py)?torch"

# collect_env's "PyTorch version: 2.0.1+cpu", "torch==2.0.1", "torch 2.0.1", "torch.__version__ = 2.0.1".
_REPORTED = (
    re.compile(r"^\s*PyTorch version\s*:\s*" + _V.format(name="v"), re.I | re.M),
    re.compile(r"\btorch\s*==\s*" + _V.format(name="v"), re.I),
    re.compile(r"\btorch(?:\.__version__)?\s*[=:]\s*['\"]?" + _V.format(name="v"), re.I),
)
# The version it used to work on.
_WORKED = (
    re.compile(r"\b(?:upgrad\w*|updat\w*|mov\w*|switch\w*|go\w*)\s+from\s+(?:" + _TORCH + r"\s+)?"
               + _V.format(name="v") + r"\s+to\s+(?:" + _TORCH + r"\s+)?" + _V.format(name="w"), re.I),
    re.compile(r"\b(?:work(?:s|ed)?|ran|runs|passe[sd]|(?:was|is) fine)\s+(?:fine\s+|well\s+|correctly\s+)?"
               r"(?:in|on|with|under)\s+(?:" + _TORCH + r"\s+)?" + _V.format(name="v"), re.I),
    re.compile(r"\b(?:in|on|with)\s+(?:" + _TORCH + r"\s+)?" + _V.format(name="v")
               + r"\s*(?:,\s*)?(?:it\s+|this\s+|everything\s+|the same \w+\s+)?(?:work(?:s|ed)|(?:was|is) fine|passe[sd]|trains fine)", re.I),
    re.compile(_V.format(name="v") + r"\s+(?:work(?:s|ed)|trains fine|(?:was|is) fine|passe[sd])", re.I),
)
_REGRESSION = re.compile(r"\bregress(?:ion|ed)\b|\bused to work\b|\bno longer works\b|\bstopped working\b|\bbroke (?:in|with|after)\b", re.I)


@dataclass(frozen=True, slots=True)
class VersionClaims:
    """``reported``: the version the bug was seen on; ``worked``: the version it last worked
    on (a regression claim); ``regression``: the text claims a regression."""

    reported: str | None = None
    worked: str | None = None
    regression: bool = False


def _clean(version: str) -> str:
    return version.strip().rstrip(".,;:)")


def version_claims(title: str, body: str | None, labels: tuple[str, ...] | list[str] = ()) -> VersionClaims:
    """The version claims of one issue (title, body and labels)."""
    text = f"{title}\n{body or ''}"[:_MAX_TEXT]
    reported = None
    for rx in _REPORTED:
        m = rx.search(text)
        if m:
            reported = _clean(m.group("v"))
            break
    worked = None
    for rx in _WORKED:
        m = rx.search(text)
        if m:
            worked = _clean(m.group("v"))
            if "w" in rx.groupindex and m.group("w") and reported is None:
                reported = _clean(m.group("w"))
            break
    if worked is not None and reported is not None and worked == reported:
        worked = None  # "2.0.1 works" naming the reported version is not a regression claim
    regression = (
        worked is not None
        or bool(_REGRESSION.search(text))
        or any(label.lower() == "module: regression" for label in labels)
    )
    return VersionClaims(reported, worked, regression)
