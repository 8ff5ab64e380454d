"""Region extraction: code blocks, traceback frames (root vs call path), error lines."""

from __future__ import annotations

from core.triage import default_rules
from core.triage.extract import thread_documents

R = default_rules()


def docs(body, comments=()):
    return thread_documents("t", body, list(enumerate(comments, 1)), R.frame_regex, R.wrapper_errors, R.transport_frame_regex)


def kinds(doc):
    return [(r.kind, r.source, doc.text[r.start : r.end]) for r in doc.regions]


def test_root_frame_is_deepest_module_frame_not_c10d():
    body = (
        "Text\n```\nTraceback (most recent call last):\n"
        '  File "/x/train.py", line 1, in <module>\n    f()\n'
        '  File "/x/torch/nn/parallel/distributed.py", line 2, in forward\n    g()\n'
        '  File "/x/torch/distributed/distributed_c10d.py", line 3, in broadcast\n    h()\n'
        "RuntimeError: boom\n```\n"
    )
    body_doc = docs(body)[1]
    ks = kinds(body_doc)
    roots = [t for k, _, t in ks if k == "root_frame"]
    assert len(roots) == 1 and "nn/parallel/distributed.py" in roots[0]
    assert any(k == "call_frame" and "distributed_c10d.py" in t for k, _, t in ks)
    assert ("error", "code block 1", "RuntimeError: boom") in ks
    assert ks[0] == ("body", "body", "Text")


def test_c10d_alone_is_root_and_rank_prefixes_are_handled():
    body = (
        "```\n[rank0]: Traceback (most recent call last):\n"
        '[rank0]:   File "/x/torch/distributed/distributed_c10d.py", line 3, in all_gather\n'
        "[rank0]:     work = group._allgather_base(a, b)\n"
        "[rank0]: ValueError: Tensors must be contiguous\n```"
    )
    ks = kinds(docs(body)[1])
    assert [k for k, _, _ in ks] == ["root_frame", "error"]


def test_wrapper_error_frames_are_call_path_and_blocks_numbered_across_thread():
    body = "```python\nimport torch\n```\n\n```\nTraceback (most recent call last):\n" \
           '  File "/x/torch/distributed/elastic/agent.py", line 1, in run\n    x()\n' \
           "torch.distributed.elastic.multiprocessing.errors.ChildFailedError: train.py FAILED\n```"
    d = docs(body, comments=["see\n```\nprint(1)\n```"])
    ks = kinds(d[1])
    assert ("code", "code block 1", "import torch") in ks
    assert any(k == "call_frame" for k, _, _ in ks) and not any(k == "root_frame" for k, _, _ in ks)
    assert any(k == "wrapper_error" for k, _, _ in ks)
    assert ("code", "code block 3", "print(1)") in kinds(d[2])
    assert kinds(d[2])[0] == ("comment", "comment 1", "see")


def test_unfenced_traceback_in_prose_and_offsets():
    body = 'I get:\nTraceback (most recent call last):\n  File "/x/torch/distributed/fsdp/a.py", line 1, in f\n    y()\nRuntimeError: FSDP broke'
    d = docs(body)[1]
    for r in d.regions:
        assert body[r.start : r.end] == d.text[r.start : r.end]
    ks = kinds(d)
    assert ks[1][0] == "root_frame" and ks[-1] == ("error", "body", "RuntimeError: FSDP broke")
