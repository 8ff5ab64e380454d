"""Comment dedupe: has this thread already received the same message (any wording)?

Texts are compared as normalised word sets, not bytes: markdown, punctuation, case and
whitespace are ignored, common words are dropped, and a comment counts as a duplicate
when its content words cover most of a known wording of the template (the current text or
an older one) or the two sets are close overall.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Sequence

from .ruleset import Template

DUPLICATE_THRESHOLD = 0.6

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    "a an and are as at be been but by can could do does for from has have if in into is it its of on or our "
    "please so that the their them there this to us we were what when which will with would you your ve ll re "
    "etc e g i me my any some also".split()
)


def normalise(text: str) -> str:
    """Lower-case words only, single-spaced (markdown and punctuation dropped)."""
    return " ".join(_WORD.findall(text.lower()))


@lru_cache(maxsize=256)
def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 1)


def similarity(known: str, candidate: str) -> float:
    """How much ``candidate`` says what ``known`` says (0..1)."""
    a = content_words(known)
    b = content_words(candidate)
    if not a or not b:
        return 0.0
    common = len(a & b)
    jaccard = common / len(a | b)
    coverage = common / len(a)  # the known wording is (mostly) contained in the comment
    # A short comment cannot "cover" a long template by accident; a long comment that
    # quotes the template still can.
    return max(jaccard, coverage if len(b) >= 0.5 * len(a) else jaccard)


def wordings(template: Template) -> tuple[str, ...]:
    return (template.comment, *template.older_wordings)


def is_duplicate(template: Template, comment: str, threshold: float = DUPLICATE_THRESHOLD) -> bool:
    return any(similarity(w, comment) >= threshold for w in wordings(template))


def find_duplicate(template: Template, comments: Iterable[str], threshold: float = DUPLICATE_THRESHOLD) -> int | None:
    """Index of the first comment that already carries ``template`` (None: not posted yet)."""
    for index, body in enumerate(comments):
        if body and is_duplicate(template, body, threshold):
            return index
    return None


def template_comments(templates: Sequence[Template], comments: Sequence[str]) -> set[int]:
    """Indexes of comments that are one of the templates (bot messages, not issue content)."""
    out = set()
    for index, body in enumerate(comments):
        if body and any(is_duplicate(t, body) for t in templates):
            out.add(index)
    return out
