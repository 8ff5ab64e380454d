from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from core.issue.markdown import parse_text, parse_thread

BODY = """Intro text.

```Python title="x"
import torch
print(torch.ones(2))
```

    indented = 1
    print(indented)

<details>
<summary>Full log</summary>

```text
Traceback (most recent call last):
RuntimeError: boom
```

</details>

<details><summary>inline details</summary>
```python
x = 1
```
</details>

![screenshot](https://example.com/shot.png) and <img width="300" alt="err" src="https://example.com/b.png">
See [the docs](https://pytorch.org/docs) for more.

<!-- ```python
template_comment = True
``` -->
"""


def test_blocks_with_lang_lines_and_details():
    parsed = parse_text(BODY, author="op")
    blocks = parsed.blocks
    assert [b.lang for b in blocks] == ["python", "", "text", "python"]
    first, indented, log, inline = blocks
    assert first.code == "import torch\nprint(torch.ones(2))\n"
    assert (first.line_start, first.line_end) == (4, 5)
    assert BODY.split("\n")[first.line_start - 1] == "import torch"
    assert not indented.fenced and indented.code.startswith("indented = 1")
    assert BODY.split("\n")[indented.line_start - 1].strip() == "indented = 1"
    assert log.in_details and "RuntimeError: boom" in log.code
    assert inline.in_details and inline.code == "x = 1\n"
    assert BODY.split("\n")[inline.line_start - 1] == "x = 1"
    assert not first.in_details
    assert [b.order for b in blocks] == [0, 1, 2, 3]
    assert all(b.post.author == "op" and b.post.label == "body" for b in blocks)


def test_html_comments_are_not_parsed_as_code():
    assert all("template_comment" not in b.code for b in parse_text(BODY).blocks)


def test_images_and_links():
    parsed = parse_text(BODY)
    assert {i.src for i in parsed.images} == {"https://example.com/shot.png", "https://example.com/b.png"}
    assert {i.alt for i in parsed.images} == {"screenshot", "err"}
    assert any(link.href == "https://pytorch.org/docs" and link.text == "the docs" for link in parsed.links)


def test_thread_sources_authors_and_timestamps(thread_factory):
    thread = thread_factory("```python\na = 1\n```", [("alice", "text\n```py\nb = 2\n```"), ("bob", "no code")])
    parsed = parse_thread(thread)
    assert [(b.post.label, b.post.author) for b in parsed.blocks] == [("body", "reporter"), ("comment 1", "alice")]
    assert parsed.blocks[1].post.comment_index == 0
    assert parsed.blocks[1].post.created_at > parsed.blocks[0].post.created_at
    assert [p.author for p in parsed.posts] == ["reporter", "alice", "bob"]


def test_prose_keeps_lines_for_errors_outside_fences():
    parsed = parse_text("I ran it and got\nRuntimeError: expected scalar type Float\nany idea?")
    assert any("RuntimeError: expected scalar type Float" in p.text for p in parsed.prose)


def test_unterminated_fence_and_none_body(thread_factory):
    parsed = parse_text("```python\nimport torch\n")
    assert parsed.blocks[0].code == "import torch\n"
    thread = thread_factory(None)  # type: ignore[arg-type]
    assert parse_thread(thread).blocks == ()


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("`~<>/details summary img src=\"x\"\n -*#!|[]()pythn:")), max_size=300))
def test_arbitrary_markdownish_text_never_crashes(text):
    parsed = parse_text(text)
    for b in parsed.blocks:
        assert b.line_start >= 1 and b.line_end >= b.line_start


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_arbitrary_unicode_never_crashes(text):
    parse_text(text)
