"""The patch parser and the text differ: git output, plain diff -u, hostile input, round trips."""

from __future__ import annotations

import difflib
import shutil
import subprocess

import pytest
from diff_support import MULTI_FILE_PATCH
from hypothesis import given, settings
from hypothesis import strategies as st

from tui.widgets.diff.model import DiffModel
from tui.widgets.diff.patch import (
    Hunk,
    HunkLine,
    diff_texts,
    format_patch,
    hunks_between,
    parse_patch,
    split_lines,
)


def apply_hunks(old: str, hunks: tuple[Hunk, ...]) -> str:
    """Apply hunks to ``old`` (an independent check that the hunks really describe the change)."""
    a = split_lines(old)
    out: list[str] = []
    pos = 0
    for hunk in hunks:
        start = hunk.old_start - 1 if hunk.old_count else hunk.old_start
        assert start >= pos
        out.extend(a[pos:start])
        pos = start
        for line in hunk.lines:
            if line.kind in " -":
                expected = line.text + ("" if line.no_newline else "\n")
                assert a[pos] == expected
                pos += 1
            if line.kind in " +":
                out.append(line.text + ("" if line.no_newline else "\n"))
    out.extend(a[pos:])
    return "".join(out)


def test_multi_file_git_patch():
    patch = parse_patch(MULTI_FILE_PATCH)
    assert [f.status for f in patch.files] == ["modified", "renamed", "added", "deleted"]
    linear, rename, new, gone = patch.files
    assert (linear.old_path, linear.new_path) == ("torch/nn/linear.py", "torch/nn/linear.py")
    assert len(linear.hunks) == 1
    hunk = linear.hunks[0]
    assert (hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count) == (10, 7, 10, 7)
    assert hunk.section == " class Linear(Module):"
    assert [line.kind for line in hunk.lines] == [" ", "-", "+", " ", " ", " ", " ", " "]
    assert (rename.old_path, rename.new_path, rename.similarity, rename.hunks) == (
        "docs/old_name.md",
        "docs/new_name.md",
        100,
        (),
    )
    assert new.old_path is None and new.new_path == "test/test_new.py" and new.new_mode == "100644"
    assert new.hunks[0].lines[-1].no_newline and not new.hunks[0].lines[0].no_newline
    assert gone.new_path is None and gone.old_path == "tools/gone.sh" and gone.old_mode == "100755"
    assert (patch.additions, patch.deletions) == (5, 3)
    assert patch.hunk_count == 3


def test_deleted_line_that_looks_like_a_file_header_stays_in_its_hunk():
    text = "--- a/x.py\n+++ b/x.py\n@@ -1,3 +1,1 @@\n--- not a header\n-+++ nor this\n keep\n"
    patch = parse_patch(text)
    assert len(patch.files) == 1
    assert [(l.kind, l.text) for l in patch.files[0].hunks[0].lines] == [
        ("-", "-- not a header"),
        ("-", "+++ nor this"),
        (" ", "keep"),
    ]


def test_plain_diff_u_with_timestamps_and_omitted_counts():
    text = (
        "--- old/file.txt\t2024-01-01 10:00:00.000000000 +0000\n"
        "+++ new/file.txt\t2024-01-02 10:00:00.000000000 +0000\n"
        "@@ -3 +3 @@\n"
        "-a\n"
        "+b\n"
    )
    (file,) = parse_patch(text).files
    assert (file.old_path, file.new_path) == ("old/file.txt", "new/file.txt")
    (hunk,) = file.hunks
    assert (hunk.old_start, hunk.old_count, hunk.new_start, hunk.new_count) == (3, 1, 3, 1)


def test_no_newline_on_both_sides():
    text = "--- a/f\n+++ b/f\n@@ -1 +1 @@\n-old\n\\ No newline at end of file\n+new\n\\ No newline at end of file\n"
    (hunk,) = parse_patch(text).files[0].hunks
    assert hunk.lines == (HunkLine("-", "old", True), HunkLine("+", "new", True))
    assert format_patch(parse_patch(text)) == text


def test_truncated_hunk_and_garbage_are_tolerated():
    text = "some mail preamble\n--- a/f\n+++ b/f\n@@ -1,10 +1,10 @@\n a\n-b\nSigned-off-by: someone\n@@ broken @@\n"
    (file,) = parse_patch(text).files
    assert [(l.kind, l.text) for l in file.hunks[0].lines] == [(" ", "a"), ("-", "b")]


def test_binary_and_mode_change_and_quoted_paths():
    text = (
        'diff --git "a/dir/tab\\there.bin" "b/dir/tab\\there.bin"\n'
        "index 1..2 100644\n"
        'Binary files "a/dir/tab\\there.bin" and "b/dir/tab\\there.bin" differ\n'
        "diff --git a/run.sh b/run.sh\n"
        "old mode 100644\n"
        "new mode 100755\n"
    )
    binary, mode = parse_patch(text).files
    assert binary.binary and binary.new_path == "dir/tab\there.bin"
    assert (mode.old_mode, mode.new_mode, mode.hunks) == ("100644", "100755", ())


def test_equal_texts_give_an_empty_patch():
    assert diff_texts("same\n", "same\n").is_empty
    assert parse_patch("").is_empty
    assert parse_patch("not a diff at all\n").is_empty


def test_new_and_deleted_text_status():
    assert diff_texts("", "x\n").files[0].status == "added"
    assert diff_texts("x\n", "").files[0].status == "deleted"


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_real_git_diff_output(tmp_path):
    """Renames, new/deleted files, a mode change and a missing final newline, from real git."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-c", "user.name=t", "-c", "user.email=t@e", "-c", "core.quotepath=on", *args],
            cwd=tmp_path,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    git("init", "-q")
    body = "".join(f"line {i}\n" for i in range(40))
    (tmp_path / "moved.txt").write_text(body)
    (tmp_path / "edit.py").write_text("def f():\n    return 1\n")
    (tmp_path / "gone.txt").write_text("bye\n")
    (tmp_path / "script.sh").write_text("echo hi\n")
    git("add", "-A")
    git("commit", "-qm", "base")
    (tmp_path / "moved.txt").rename(tmp_path / "renamed dir.txt")
    (tmp_path / "renamed dir.txt").write_text(body.replace("line 20\n", "line twenty\n"))
    (tmp_path / "edit.py").write_text("def f():\n    return 2")  # no final newline
    (tmp_path / "gone.txt").unlink()
    (tmp_path / "fresh.py").write_text("print('new')\n")
    (tmp_path / "script.sh").chmod(0o755)
    git("add", "-A")
    patch = parse_patch(git("diff", "--cached", "-M"))
    by_path = {f.path: f for f in patch.files}
    assert set(by_path) == {"renamed dir.txt", "edit.py", "fresh.py", "script.sh", "gone.txt"}
    assert by_path["renamed dir.txt"].status == "renamed"
    assert by_path["renamed dir.txt"].old_path == "moved.txt"
    assert (by_path["renamed dir.txt"].additions, by_path["renamed dir.txt"].deletions) == (1, 1)
    assert by_path["fresh.py"].status == "added"
    assert by_path["gone.txt"].status == "deleted"
    assert by_path["script.sh"].new_mode == "100755" and not by_path["script.sh"].hunks
    edit = by_path["edit.py"].hunks[0].lines
    assert edit[-1] == HunkLine("+", "    return 2", True)
    # Applying the parsed hunks to the old text reproduces the new one.
    assert apply_hunks("def f():\n    return 1\n", by_path["edit.py"].hunks) == "def f():\n    return 2"


# Property tests -------------------------------------------------------------------------

# Lines of a small alphabet make long matching runs (many hunks); any character but "\n" may appear.
line_text = st.one_of(st.sampled_from(["a", "b", "c", "", "def f():", "    return x", "+", "-", "@@", "\\"]), st.text(max_size=8).map(lambda s: s.replace("\n", "")))
texts = st.lists(line_text, max_size=40).map(lambda lines: "".join(line + "\n" for line in lines))
raw_texts = st.text(max_size=300)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=2_000))
def test_arbitrary_text_never_crashes_the_parser(text):
    patch = parse_patch(text)
    model = DiffModel(patch)
    for mode in ("unified", "split"):
        layout = model.layout(mode)
        for index in range(min(len(layout), 200)):
            layout[index]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["diff --git a/x b/y", "--- a/x", "+++ b/x", "--- /dev/null", "@@ -1,2 +1,2 @@", "@@ -0,0 +1 @@", " ctx", "-del", "+add", "\\ No newline at end of file", "rename from q", "new file mode 100644", "Binary files a and b differ", "", "@@ -99999999999999999999999 +1 @@"]), max_size=40))
def test_patch_shaped_garbage_never_crashes(lines):
    text = "\n".join(lines)
    patch = parse_patch(text)
    for file in patch.files:
        for hunk in file.hunks:
            # A hunk never reads past the line counts its header announced.
            assert sum(1 for line in hunk.lines if line.kind != "+") <= hunk.old_count
            assert sum(1 for line in hunk.lines if line.kind != "-") <= hunk.new_count


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_difflib_output_parses_back_to_the_same_hunks(old, new):
    text = "".join(difflib.unified_diff(split_lines(old), split_lines(new), "a/f.py", "b/f.py"))
    parsed = parse_patch(text)
    expected = hunks_between(old, new)
    assert (parsed.files[0].hunks if parsed.files else ()) == expected
    assert apply_hunks(old, expected) == new


@settings(max_examples=300, deadline=None)
@given(raw_texts, raw_texts)
def test_format_then_parse_round_trips_any_two_texts(old, new):
    patch = diff_texts(old, new, old_name="x.py", new_name="x.py")
    reparsed = parse_patch(format_patch(patch))
    assert [f.hunks for f in reparsed.files] == [f.hunks for f in patch.files]
    if not patch.is_empty:
        assert apply_hunks(old, patch.files[0].hunks) == new


def test_large_texts_take_the_anchored_path_and_stay_correct():
    old = "".join(f"def f{i}(x):\n    return x + {i}\n\n" for i in range(3_000))
    new = old.replace("x + 7\n", "x - 7\n").replace("def f1500(", "def g1500(").replace("x + 2999\n", "x\n")
    new = "header = 1\n" + new + "trailer = 2"
    hunks = hunks_between(old, new)
    assert apply_hunks(old, hunks) == new
    changed = sum(1 for h in hunks for line in h.lines if line.kind != " ")
    assert changed == 2 * 3 + 2  # three replaced lines, one added header, one added trailer


@settings(max_examples=200, deadline=None)
@given(raw_texts, raw_texts)
def test_layouts_cover_every_hunk_line_once(old, new):
    """Unified: each line once plus one note per no-newline marker; side by side: each
    removed/context line once on the left and each added/context line once on the right."""
    from tui.widgets.diff.model import LINE, NOTE, PAIR

    model = DiffModel(diff_texts(old, new))
    for h, hunk in enumerate(model.hunks):
        info = model.info(h)
        assert info.split_count() == len(info.pairs())
    unified = model.layout("unified")
    rows = [unified[i] for i in range(len(unified))]
    lines = [(r.hunk, r.a) for r in rows if r.kind == LINE]
    assert lines == [(h, i) for h, hunk in enumerate(model.hunks) for i in range(len(hunk.lines))]
    notes = sum(1 for r in rows if r.kind == NOTE)
    assert notes == sum(line.no_newline for hunk in model.hunks for line in hunk.lines)
    split = model.layout("split")
    pairs = [split[i] for i in range(len(split)) if split[i].kind == PAIR]
    for h, hunk in enumerate(model.hunks):
        left = [r.a for r in pairs if r.hunk == h and r.a >= 0]
        right = [r.b for r in pairs if r.hunk == h and r.b >= 0]
        assert left == [i for i, line in enumerate(hunk.lines) if line.kind != "+"]
        assert right == [i for i, line in enumerate(hunk.lines) if line.kind != "-"]
