"""The diff pane at the keyboard: layouts, hunk and file navigation, decisions, the step viewer."""

from __future__ import annotations

from diff_support import (
    HOSTILE,
    MULTI_FILE_PATCH,
    NEW_PY,
    OLD_PY,
    Host,
    many_hunks,
    minimizer_steps,
    settle,
)
from rich.cells import cell_len
from textual.widgets import OptionList

from tui.screens.minimize_steps import MinimizeStepsScreen
from tui.widgets.diff import DiffPane, DiffView, Patch, diff_texts, parse_patch
from tui.widgets.diff.patch import format_patch

SIZE = (120, 40)


def header(app) -> str:
    return str(app.screen.query_one("#diff-header").render())


def top_row(view: DiffView) -> str:
    return view.visible_text()[0]


async def test_toggle_unified_and_side_by_side():
    pane = DiffPane(diff_texts(OLD_PY, NEW_PY, old_name="repro.py", new_name="repro.py"), title="repro")
    app = Host(pane)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DiffView)
        view.focus()
        await settle(pilot)
        assert view.mode == "unified" and "unified" in header(app)
        assert not any("│" in line for line in view.visible_text())
        await pilot.press("v")
        await settle(pilot)
        assert view.mode == "split" and "side by side" in header(app)
        # The removed and the added version of a changed line share one row.
        row = next(line for line in view.visible_text() if "width: int = 64" in line)
        assert "width: int = 32" in row and "│" in row
        await pilot.press("v")
        await settle(pilot)
        assert view.mode == "unified"


async def test_hunk_navigation_moves_the_viewport():
    old, new = many_hunks(80, 10)
    pane = DiffPane(diff_texts(old, new, old_name="m.py", new_name="m.py"))
    app = Host(pane)
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DiffView)
        view.focus()
        await settle(pilot)
        assert view.hunk_count == 8
        assert view.current_hunk == 0 and "hunk 1/8" in header(app)
        await pilot.press("right_square_bracket")
        await settle(pilot)
        assert view.current_hunk == 1
        assert view.scroll_y == view.hunk_rows[1]
        assert top_row(view).startswith("▶ @@")
        await pilot.press("n", "n")
        await settle(pilot)
        assert view.scroll_y == view.hunk_rows[3] and "hunk 4/8" in header(app)
        await pilot.press("left_square_bracket")
        await settle(pilot)
        assert view.scroll_y == view.hunk_rows[2] and view.current_hunk == 2
        for _ in range(10):  # past the end: stays on the last hunk
            await pilot.press("n")
        await settle(pilot)
        assert view.current_hunk == 7 and "hunk 8/8" in header(app)
        assert any(line.startswith("▶ @@") for line in view.visible_text())
        # Scrolling by hand makes the hunk in view current again.
        await pilot.press("g")
        await settle(pilot)
        assert view.scroll_y == 0 and view.current_hunk == 0


async def test_toggle_keeps_the_current_hunk_in_view():
    old, new = many_hunks(200, 10)
    app = Host(DiffPane(diff_texts(old, new, old_name="m.py", new_name="m.py")))
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DiffView)
        view.focus()
        await settle(pilot)
        view.jump_to_hunk(4)
        await pilot.press("v")
        await settle(pilot)
        assert view.mode == "split"
        assert view.current_hunk == 4 and view.scroll_y == view.hunk_rows[4]
        await pilot.press("p")
        await settle(pilot)
        assert view.scroll_y == view.hunk_rows[3]


async def test_multi_file_patch_file_list_and_file_keys():
    app = Host(DiffPane(parse_patch(MULTI_FILE_PATCH), title="PR"))
    async with app.run_test(size=(120, 16)) as pilot:
        view = app.query_one(DiffView)
        files = app.query_one("#diff-files", OptionList)
        view.focus()
        await settle(pilot)
        assert files.display and files.option_count == 4
        assert "file 1/4" in header(app) and "+5 −3" in header(app)
        await pilot.press("right_curly_bracket")
        await settle(pilot)
        assert view.current_file == 1 and "file 2/4" in header(app)
        assert top_row(view).startswith(" docs/old_name.md → docs/new_name.md")
        assert files.highlighted == 1
        # Choosing a file in the list jumps there and hands the keys back to the diff.
        files.focus()
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert view.has_focus and view.current_file == 3
        assert any(line.startswith(" tools/gone.sh") for line in view.visible_text())


async def test_single_file_patch_has_no_file_list():
    app = Host(DiffPane(diff_texts(OLD_PY, NEW_PY, old_name="r.py", new_name="r.py")))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.query_one("#diff-files").display


async def test_accept_and_reject_post_messages():
    pane = DiffPane(parse_patch(format_patch(diff_texts("a\n", "b\n"))), decisions=True, id="review")
    app = Host(pane)
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(DiffView).focus()
        await settle(pilot)
        await pilot.press("enter", "n", "right_square_bracket", "v")  # navigation decides nothing
        await settle(pilot)
        assert app.messages == []
        await pilot.press("a")
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        assert app.messages == [("accepted", "review"), ("rejected", "review")]


async def test_decision_keys_do_nothing_without_decisions():
    app = Host(DiffPane(diff_texts("a\n", "b\n")))
    async with app.run_test(size=SIZE) as pilot:
        app.query_one(DiffView).focus()
        await pilot.press("a", "x")
        await settle(pilot)
        assert app.messages == []


async def test_empty_diff_shows_no_changes():
    app = Host(DiffPane(Patch(), title="nothing"))
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DiffView)
        view.focus()
        await pilot.press("n", "v", "right_curly_bracket")
        await settle(pilot)
        assert view.visible_text() == ["No changes."]
        assert "no changes" in header(app)


async def test_hostile_text_is_shown_literally():
    old = f"x = 1\nname = '{HOSTILE}'\n"
    new = f"x = 2\nname = '{HOSTILE}!'\n"
    patch = diff_texts(old, new, old_name="[red]f[/red].py", new_name="[red]f[/red].py")
    app = Host(DiffPane(patch, title="[bold]title[/bold]"))
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DiffView)
        await settle(pilot)
        shown = "\n".join(view.visible_text())
        assert "[bold red]pwned[/bold red]" in shown and "[link=https://evil.example]x[/link]" in shown
        assert "\x1b" not in shown and "\x07" not in shown and "␇bell" in shown
        assert "[red]f[/red].py" in shown
        assert header(app).startswith("[bold]title[/bold]")
        await pilot.press("v")
        await settle(pilot)
        shown = "\n".join(view.visible_text())
        assert "[bold red]pwned[/bold red]" in shown and "\x1b" not in shown


async def test_python_is_highlighted_and_changed_characters_emphasised():
    app = Host(DiffPane(diff_texts("def f(x):\n    return x + 1\n", "def f(x):\n    return x * 1\n", old_name="m.py", new_name="m.py")))
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DiffView)
        await settle(pilot)
        strips = {view.row_text(i).strip(): view.row_strip(i) for i in range(len(view.rows))}
        def_row = next(strip for text, strip in strips.items() if text.endswith("def f(x):"))
        styles = {seg.text: seg.style for seg in def_row if seg.text.strip()}
        assert styles["def"].color != styles["f"].color  # a keyword is not coloured as a name
        added = next(strip for text, strip in strips.items() if "+     return x * 1" in text)
        removed = next(strip for text, strip in strips.items() if "-     return x + 1" in text)
        star = next(seg.style for seg in added if seg.text == "*")
        plus = next(seg.style for seg in removed if seg.text == "+" and seg.style and seg.style.bold)
        same = next(seg.style for seg in added if seg.text == "return")
        assert star.bold and star.bgcolor != same.bgcolor  # only the changed character is emphasised
        assert plus.bgcolor != star.bgcolor


async def test_steps_screen_navigation_and_decisions():
    steps, original, final = minimizer_steps()
    for keys, expected in ((("a",), True), (("x",), False), (("escape",), None), (("tab", "a"), True)):
        app = Host(screen=MinimizeStepsScreen(steps, original=original, final=final))
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MinimizeStepsScreen)
            assert screen.selected == 0 and "Step 1/3: imports-setup" in header(app)
            await pilot.press("j")
            await settle(pilot)
            assert screen.selected == 1 and "Step 2/3: after-raise" in header(app)
            await pilot.press("down")
            await settle(pilot)
            assert screen.selected == 2
            assert any("range(1)" in line for line in screen.pane.view.visible_text())
            await pilot.press("o")
            await settle(pilot)
            assert screen.selected is None and "Original → minimized" in header(app)
            assert any("import os" in line for line in screen.pane.view.visible_text())
            await pilot.press(*keys)
            await settle(pilot)
            assert app.dismissed == [expected]
            assert not isinstance(app.screen, MinimizeStepsScreen)


async def test_steps_screen_accepts_the_engine_step_type():
    from core.minimize.edits import measure
    from core.minimize.engine import MinimizeStep

    before, after = "import os\nx = 1\nraise ValueError(x)\n", "x = 1\nraise ValueError(x)\n"
    diff = format_patch(diff_texts(before, after, old_name="before", new_name="after"))
    step = MinimizeStep(1, "imports-setup", diff, measure(after), after)
    app = Host(screen=MinimizeStepsScreen([step], original=before, final=after))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Step 1/1: imports-setup" in header(app)
        assert "nodes" in header(app)
        assert any("import os" in line for line in app.screen.pane.view.visible_text())


NASTY = [
    "[bold]x[/bold] [link=https://evil.example]y[/link] [@click=app.quit]z[/]",
    "\x1b[31mred\x1b[0m \x1b]8;;https://evil.example\x1b\\link\x1b]8;;\x1b\\ \x1b[2J\x9b1m",
    "\x00\x07\x08\r\t\x7f\u202e\u2066\ufeff\u200b end",
    "שלום עולם مرحبا 🔥 👩\u200d👩\u200d👧 e\u0301 漢字テスト 𝕋𝕖𝕟𝕤𝕠𝕣",
    "\tindented\twith\ttabs",
    "x" * 5_000,
    "漢" * 3_000,
]


async def test_hostile_lines_render_inert_at_every_width():
    app = Host(DiffPane())
    async with app.run_test(size=SIZE) as pilot:
        view = app.query_one(DiffView)
        await settle(pilot)
        for index, line in enumerate(NASTY):
            other = NASTY[(index + 1) % len(NASTY)]
            name = f"{line[:40]}.py"
            view.set_texts(f"a\n{line}\nb\n", f"a\n{other}\nb\n{line}", old_name=name, new_name=name)
            await settle(pilot)
            for mode in ("unified", "split"):
                view.mode = mode
                await pilot.pause()
                for width in (120, 37, 7):
                    for row in range(len(view.rows)):
                        strip = view.row_strip(row, width)
                        text = "".join(segment.text for segment in strip)
                        assert strip.cell_length == width == cell_len(text)
                        assert not any(ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 for ch in text), repr(text)
                        assert "\u202e" not in text and "\u2066" not in text
