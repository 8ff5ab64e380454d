"""The engine's fast paths give exactly what the slow, obvious way gives."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from core.triage import default_rules
from core.triage.extract import _code_line_ranges, _md_code_line_ranges
from core.triage.fastre import FastPattern, Lines, anchors, leading_literals, line_local

R = default_rules()

_PIECES = st.sampled_from(
    ["```", "````", "~~~", "```python", "``` x`y", "   ```", "    ```", " ", "  ", "    code", "text", "", "\n", "\n\n",
     "`", "~", "> ```", "- ```", "\t", "import torch", "````\n", "```\n", "\n```", "   ~~~~"]
)
_TEXT = st.lists(_PIECES, max_size=25).map("".join)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_fence_scanner_agrees_with_markdown_it(text):
    assert _code_line_ranges(text) == _md_code_line_ranges(text)


def test_fence_scanner_on_usual_issue_shapes():
    for text in [
        "a\n```py\nx\n```\nb", "```\nunclosed\n", "```\nx\n  ", "para\n```\ncode\n````\n```", "~~~\n```\n~~~",
        "```\n    indented inside\n```\n", "x\n\n    indented code\n", "``` a`b\nnot a fence\n```",
    ]:
        assert _code_line_ranges(text) == _md_code_line_ranges(text), text


def _all_patterns():
    out = [(p.regex.pattern, p.regex.flags) for g in R.groups.values() for p in g.parts]
    out += [(fp.regex.pattern, fp.regex.flags) for fp, _, _ in R.signal_patterns]
    out += [(c.decoy.regex.pattern, c.decoy.regex.flags) for c in R.confusions if c.decoy]
    out.append((R.negation.regex.pattern, R.negation.regex.flags))
    return out


_COMPILED = [FastPattern(source, flags) for source, flags in dict.fromkeys(_all_patterns())]

_WORDS = st.sampled_from(
    ["no DDP", "not  FSDP", "without\ndistributed", "NCCL timeout", "nccl\n timed out", "torchrun", "RANK=0", "8 nodes",
     "Distributed package doesn't have NCCL built in", "broke in 2.5", "dcp.save", "fully_shard", "x", " ", "\n", "\n\x00\n",
     "Shard(0)", "dataset sharding", "activation checkpointing", "same here", "+1", "INTERNAL ASSERT FAILED", "İ", "ß",
     "torch/distributed/fsdp/", "undefined symbol: ncclX", "  File \"a.py\", line 1", "DistributedDataParallel", "DataParallel"]
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_WORDS, max_size=30).map("".join))
def test_scan_equals_finditer_for_every_rule_pattern(text):
    lines = Lines(text)
    for fp in _COMPILED:
        source = fp.regex.pattern
        expected = [(m.start(), m.end()) for m in fp.regex.finditer(text)]
        if fp.anchors is not None and not fp.possible(lines.lowered):
            expected = []  # the literal prefilter's answer, shared by every mode
        assert [(m.start(), m.end()) for m in fp.scan(lines)] == expected, source


def test_anchor_of_a_literal_around_a_branch_is_not_glued():
    # Regression: the branch used to be dropped, gluing "have " and " built" into a
    # literal that never occurs, so the pattern never ran.
    assert anchors("doesn't have (?:NCCL|Gloo) built in", re.IGNORECASE) == ("doesn't have ",)
    assert anchors("broke (?:in|after) ", re.IGNORECASE) == ("broke ",)


def test_pattern_shape_analysis():
    assert line_local(r"\bfoo\w*bar", re.IGNORECASE | re.MULTILINE) and not line_local(r"foo\s+bar", re.IGNORECASE | re.MULTILINE)
    assert not line_local(r"foo[^x]bar") and line_local(r"foo[^\n]bar")
    assert not line_local(r"foo$") and line_local(r"foo$", re.MULTILINE)
    assert leading_literals(r"\b(?:no|not using)\s*DDP", re.IGNORECASE) == ("no",)  # the parser factors the common prefix out
    assert leading_literals(r"(?:a|bc)x") is None  # a one-character lead would try everywhere
    assert leading_literals(r"\w+foo") is None
