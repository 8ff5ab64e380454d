from hypothesis import given, strategies as st

from core.text import inert, one_line, safe_filename


def test_escapes_and_controls_removed():
    s = "\x1b[31mred\x1b[0m \x1b]8;;file:///etc/passwd\x07link\x1b]8;;\x07 bell\x07 \u202eevil"
    out = inert(s)
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "red" in out and "link" in out


def test_markup_kept_literally():
    assert inert("[bold red]x[/]") == "[bold red]x[/]"


def test_truncation_marker():
    out = inert("a" * 1000, max_chars=10)
    assert out.startswith("a" * 10) and "990 more characters" in out


@given(st.text())
def test_inert_output_has_no_control_chars(text):
    out = inert(text)
    assert all(ch in "\n" or ord(ch) >= 0x20 for ch in out)
    assert "\x1b" not in out and "\x9b" not in out
    assert "\n" not in one_line(text)


@given(st.text())
def test_safe_filename_is_one_component(text):
    name = safe_filename(text)
    assert name and "/" not in name and name not in (".", "..") and not name.startswith(".")
