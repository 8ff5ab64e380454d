from __future__ import annotations

from core.issue.markdown import parse_thread
from core.issue.select import select_repro

LONG = "```python\nimport torch\n\nclass M(torch.nn.Module):\n    def forward(self, x):\n        return x + 1\n\nm = M()\nx = torch.randn(3)\nprint(torch.compile(m)(x))\n```\n"
SHORT = "```python\nimport torch\nprint(torch.compile(lambda x: x + 1)(torch.randn(3)))\n```\n"


def _select(thread_factory, body, comments=()):
    return select_repro(parse_thread(thread_factory(body, comments)))


def test_most_recent_op_repro(thread_factory):
    sel = _select(thread_factory, LONG, [("reporter", "updated:\n" + LONG.replace("+ 1", "+ 2")), ("other", "me too")])
    assert sel.stop is None and sel.selected.source == "comment 1"
    assert "+ 2" in sel.selected.code and "most recent" in sel.why
    assert len(sel.others) == 1 and sel.others[0].source == "body"


def test_shorter_self_contained_commenter_repro_wins(thread_factory):
    sel = _select(thread_factory, LONG, [("helper", "smaller:\n" + SHORT)])
    assert sel.selected.author == "helper"
    assert "strictly shorter" in sel.why


def test_commenter_repro_relying_on_description_names_loses(thread_factory):
    uses_m = "```python\nprint(torch.compile(m)(x))\n```\n"
    sel = _select(thread_factory, LONG, [("helper", uses_m)])
    assert sel.selected.author == "reporter"
    helper = next(c for c in sel.candidates if c.author == "helper")
    assert not helper.self_contained and set(helper.free_names) >= {"m", "x", "torch"}


def test_same_length_commenter_repro_does_not_win(thread_factory):
    sel = _select(thread_factory, SHORT, [("helper", SHORT)])
    assert sel.selected.author == "reporter"


def test_split_repro_is_merged(thread_factory):
    body = (
        "Define the model:\n```python\nimport torch\nm = torch.nn.Linear(2, 2)\n```\n"
        "Then run:\n```python\nout = torch.compile(m)(torch.randn(1, 2))\nprint(out)\n```\n"
    )
    sel = _select(thread_factory, body)
    assert sel.selected.merged and sel.selected.blocks == (0, 1)
    assert sel.selected.self_contained
    assert "merged" in sel.why


def test_second_block_that_reimports_is_not_merged(thread_factory):
    body = SHORT + "Also:\n```python\nimport torch\nprint(torch.ones(2) + torch.ones(2))\n```\n"
    sel = _select(thread_factory, body)
    assert len(sel.candidates) == 2 and not sel.selected.merged
    assert sel.selected.blocks == (1,)


def test_traceback_and_output_blocks_are_not_candidates(thread_factory):
    body = SHORT + "```\nTraceback (most recent call last):\n  File \"x\", line 1\nRuntimeError: boom\n```\n"
    sel = _select(thread_factory, body)
    assert len(sel.candidates) == 1


def test_screenshot_only_stops(thread_factory):
    sel = _select(thread_factory, "It crashes, see:\n![img](https://x/y.png)\n<img src=\"https://x/z.png\">")
    assert sel.selected is None and sel.stop.kind == "screenshot_only"
    assert "2 image(s)" in sel.stop.reason


def test_no_repro_stops(thread_factory):
    sel = _select(thread_factory, "torch.compile is slow, please fix")
    assert sel.selected is None and sel.stop.kind == "no_repro"


def test_op_fragment_does_not_beat_self_contained_commenter_repro(thread_factory):
    body = "```python\ny = model(x)\nprint(y)\n```"
    sel = _select(thread_factory, body, [("helper", SHORT)])
    assert sel.selected.author == "helper" and "not self-contained" in sel.why


def test_prompt_code_is_extracted(thread_factory):
    body = "```python\n>>> import torch\n>>> torch.ones(2).sum()\ntensor(2.)\n```"
    sel = _select(thread_factory, body)
    assert sel.selected.code == "import torch\ntorch.ones(2).sum()\n"
