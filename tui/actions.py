"""The one action registry.

Every key the app answers to is a row of :data:`ACTIONS`. The same table generates each
screen's ``BINDINGS`` (and so the footer), the help screen and the command palette, and
it validates the user's keymap overrides (``[keymap]`` in the config, action id → keys).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Iterable, Mapping

from textual.binding import Binding
from textual.keys import Keys, _character_to_key, format_key, key_to_character

# Scope → the title the help screen groups it under, in display order.
SCOPES: dict[str, str] = {
    "app": "Everywhere",
    "table": "Tables (queue, audit)",
    "queue": "Queue",
    "issue": "Issue",
    "compose": "Writing a comment / labels / close reason",
    "confirm": "Confirmation dialog",
    "help": "Help",
    "audit": "Audit log",
    "diff": "Diff view",
    "diff_pane": "Diff pane (review a change)",
    "minimize_steps": "Minimizer steps",
    "repro": "Repro pane",
    "repro_gate": "Repro pane: security gate",
    "repro_edit": "Repro pane: editing the repro",
    "fuzz_sessions": "Fuzz sessions",
    "fuzz_session": "Fuzz session",
    "fuzz_form": "Fuzz session: forms",
    "fuzz_push": "Fuzz session: push confirmation",
    "scrub": "Scrub",
    "scrub_edit": "Scrub: editing the repro",
    "scrub_report": "Scrub: editing the report",
    "triage": "Distributed triage review",
}


@dataclass(frozen=True, slots=True)
class Action:
    """One user action.

    ``action`` is the Textual action string run on the owning screen/widget; ``check`` names
    a predicate method on that screen: when it returns False the action is greyed out.
    """

    id: str
    keys: str
    action: str
    description: str
    scope: str
    show: bool = True
    check: str | None = None
    palette: bool = True
    priority: bool = False


ACTIONS: tuple[Action, ...] = (
    Action("app.help", "question_mark", "help", "Help", "app"),
    Action("app.palette", "ctrl+p", "command_palette", "Commands", "app", show=False, palette=False),
    Action("app.quit", "ctrl+q", "quit", "Quit", "app", priority=True),
    Action("table.down", "j,down", "cursor_down", "Next row", "table", show=False, palette=False),
    Action("table.up", "k,up", "cursor_up", "Previous row", "table", show=False, palette=False),
    Action("table.page_down", "pagedown,ctrl+d", "page_down", "Page down", "table", show=False, palette=False),
    Action("table.page_up", "pageup,ctrl+u", "page_up", "Page up", "table", show=False, palette=False),
    Action("table.first", "home,g", "first_row", "First row", "table", show=False, palette=False),
    Action("table.last", "end,G", "last_row", "Last row", "table", show=False, palette=False),
    Action("table.select", "enter", "select_row", "Open", "table", palette=False),
    Action("queue.filter", "slash", "focus_filter", "Filter", "queue"),
    Action("queue.clear_filter", "escape", "clear_filter", "Clear filter", "queue", show=False),
    Action("queue.sort", "s", "cycle_sort", "Sort", "queue"),
    Action("queue.browser", "o", "open_in_browser", "Browser", "queue", check="has_selection"),
    Action("queue.refresh", "r", "refresh_section", "Refresh", "queue", check="can_refresh"),
    Action("queue.next_section", "right_square_bracket", "next_section", "Next tab", "queue"),
    Action("queue.prev_section", "left_square_bracket", "prev_section", "Prev tab", "queue", show=False),
    Action("queue.audit", "a", "show_audit", "Audit log", "queue"),
    Action("queue.fuzz", "F", "show_fuzz_sessions", "Fuzz sessions", "queue"),
    Action("queue.triage", "T", "triage_batch", "Triage distributed", "queue"),
    Action("issue.comment", "c", "plan_comment", "Comment", "issue", check="can_write"),
    Action("issue.labels", "l", "plan_labels", "Labels", "issue", check="can_write"),
    Action("issue.close", "x", "plan_close", "Close", "issue", check="can_close"),
    Action("issue.browser", "o", "open_in_browser", "Browser", "issue"),
    Action("issue.reload", "r", "reload", "Reload", "issue", check="can_reload"),
    Action("issue.repro", "p", "open_repro", "Repro", "issue", check="has_body"),
    Action("issue.scrub", "S", "open_scrub", "Scrub", "issue"),
    Action("issue.triage", "t", "open_triage", "Triage", "issue", check="is_distributed"),
    Action("issue.back", "escape", "back", "Back", "issue"),
    Action("compose.submit", "ctrl+s", "submit", "Review plan", "compose"),
    Action("compose.cancel", "escape", "cancel", "Cancel", "compose"),
    Action("confirm.yes", "y", "confirm", "Send", "confirm", palette=False),
    Action("confirm.no", "n,escape", "cancel", "Cancel", "confirm", palette=False),
    Action("help.close", "escape,q", "close", "Close", "help", palette=False),
    Action("audit.back", "escape,q", "back", "Back", "audit"),
    # Diff pane and minimizer steps
    Action("diff.toggle_view", "v", "toggle_view", "Split/unified", "diff"),
    Action("diff.next_hunk", "right_square_bracket,n", "next_hunk", "Next hunk", "diff"),
    Action("diff.prev_hunk", "left_square_bracket,p", "prev_hunk", "Prev hunk", "diff"),
    Action("diff.next_file", "right_curly_bracket", "next_file", "Next file", "diff", check="has_files"),
    Action("diff.prev_file", "left_curly_bracket", "prev_file", "Prev file", "diff", show=False, check="has_files"),
    Action("diff.down", "j", "scroll_down", "Scroll down", "diff", show=False, palette=False),
    Action("diff.up", "k", "scroll_up", "Scroll up", "diff", show=False, palette=False),
    Action("diff.left", "h", "scroll_left", "Scroll left", "diff", show=False, palette=False),
    Action("diff.right", "l", "scroll_right", "Scroll right", "diff", show=False, palette=False),
    Action("diff.page_down", "ctrl+d", "page_down", "Page down", "diff", show=False, palette=False),
    Action("diff.page_up", "ctrl+u", "page_up", "Page up", "diff", show=False, palette=False),
    Action("diff.top", "g", "scroll_home", "Top", "diff", show=False, palette=False),
    Action("diff.bottom", "G", "scroll_end", "Bottom", "diff", show=False, palette=False),
    Action("diff_pane.accept", "a", "accept", "Accept", "diff_pane", check="can_decide"),
    Action("diff_pane.reject", "x", "reject", "Reject", "diff_pane", check="can_decide"),
    Action("minimize_steps.next", "j", "next_step", "Next step", "minimize_steps", show=False, palette=False),
    Action("minimize_steps.prev", "k", "prev_step", "Prev step", "minimize_steps", show=False, palette=False),
    Action("minimize_steps.whole", "o", "show_whole", "Original→final", "minimize_steps"),
    Action("minimize_steps.accept", "a", "accept", "Use minimized", "minimize_steps"),
    Action("minimize_steps.reject", "x", "reject", "Keep original", "minimize_steps"),
    Action("minimize_steps.back", "escape", "back", "Back", "minimize_steps"),
    # Repro pane
    Action("repro.run", "r", "run", "Run", "repro", check="can_run"),
    Action("repro.run_many", "R", "run_many", "Run N×", "repro", check="can_run"),
    Action("repro.cancel", "ctrl+c,x", "cancel_run", "Cancel", "repro", check="run_in_progress", priority=False),
    Action("repro.edit", "e", "edit", "Edit", "repro", check="can_edit"),
    Action("repro.original", "o", "original", "Original", "repro", check="is_edited"),
    Action("repro.next", "right_square_bracket", "next_candidate", "Next repro", "repro", check="has_candidates"),
    Action("repro.prev", "left_square_bracket", "prev_candidate", "Prev repro", "repro", show=False, check="has_candidates"),
    Action("repro.target", "t", "next_target", "Target env", "repro", check="can_pick_target"),
    Action("repro.log", "L", "open_log", "Full log", "repro", check="has_log"),
    Action("repro.back", "escape", "back", "Back", "repro"),
    # The gate's keys differ from the trigger (``r``) so a double press never runs a repro.
    Action("repro_gate.run", "y", "choose('run')", "Run it", "repro_gate", palette=False),
    Action("repro_gate.edit", "e", "choose('edit')", "Edit first", "repro_gate", palette=False),
    Action("repro_gate.skip", "s", "choose('skip')", "Skip", "repro_gate", palette=False),
    Action("repro_gate.dismiss", "escape", "dismiss_gate", "Not now", "repro_gate", palette=False),
    Action("repro_edit.done", "escape,ctrl+s", "done_editing", "Done editing", "repro_edit", palette=False, priority=True),
    # Fuzz sessions
    Action("fuzz_sessions.new", "n", "new_session", "New session", "fuzz_sessions"),
    Action("fuzz_sessions.open", "enter", "open_session", "Open", "fuzz_sessions", check="has_selection", palette=False),
    Action("fuzz_sessions.refresh", "r", "refresh", "Refresh", "fuzz_sessions"),
    Action("fuzz_sessions.back", "escape", "back", "Back", "fuzz_sessions"),
    Action("fuzz_session.run", "r", "run_step", "Run step", "fuzz_session", check="can_run"),
    Action("fuzz_session.cancel", "x", "cancel_run", "Cancel", "fuzz_session", check="op_running"),
    Action("fuzz_session.edit", "e", "edit_fix", "$EDITOR", "fuzz_session", check="can_edit"),
    Action("fuzz_session.form", "c", "fix_form", "Checklist+summary", "fuzz_session", check="can_fill_form"),
    Action("fuzz_session.comments", "m", "toggle_comments", "Comments OK", "fuzz_session", check="can_review_comments"),
    Action("fuzz_session.finish", "f", "finish_step", "Finish step", "fuzz_session", check="can_finish"),
    Action("fuzz_session.back_step", "b", "go_back", "Go back", "fuzz_session", check="can_go_back"),
    Action("fuzz_session.push", "p", "push", "Push…", "fuzz_session", check="can_push"),
    Action("fuzz_session.push_test", "t", "push_test", "Push test alone…", "fuzz_session", check="can_push_test"),
    Action("fuzz_session.next", "right_square_bracket", "next_view", "Next step", "fuzz_session", check="has_next_view"),
    Action("fuzz_session.prev", "left_square_bracket", "prev_view", "Prev step", "fuzz_session", check="has_prev_view"),
    Action("fuzz_session.back", "escape", "back", "Back", "fuzz_session"),
    Action("fuzz_form.save", "ctrl+s", "save", "Save", "fuzz_form", priority=True, palette=False),
    Action("fuzz_form.cancel", "escape", "cancel", "Cancel", "fuzz_form", palette=False),
    Action("fuzz_push.yes", "y", "confirm", "Push", "fuzz_push", palette=False),
    Action("fuzz_push.no", "n,escape", "cancel", "Cancel", "fuzz_push", palette=False),
    # Scrub screen
    Action("scrub.post", "p", "post_plan", "Send plan", "scrub", check="can_post"),
    Action("scrub.gate", "g", "focus_gate", "Gate", "scrub", check="has_gate"),
    Action("scrub.tab_issue", "1", "show_tab('issue')", "Issue", "scrub"),
    Action("scrub.tab_repro", "2", "show_tab('repro')", "Repro", "scrub"),
    Action("scrub.tab_bisect", "3", "show_tab('bisect')", "Bisect", "scrub"),
    Action("scrub.tab_diff", "4", "show_tab('diff')", "Diff", "scrub"),
    Action("scrub.tab_report", "5", "show_tab('report')", "Report", "scrub"),
    Action("scrub.minimize_steps", "M", "minimize_steps", "Minimizer steps", "scrub", check="has_minimize_steps"),
    Action("scrub.retry", "ctrl+r", "retry", "Retry", "scrub", check="can_retry"),
    Action("scrub.new", "N", "new_session", "New scrub", "scrub", show=False, check="can_restart"),
    Action("scrub.back", "escape", "back", "Back", "scrub"),
    Action("scrub_edit.submit", "ctrl+s", "submit_edit", "Rerun with this", "scrub_edit", priority=True),
    Action("scrub_edit.editor", "ctrl+e", "external_editor", "$EDITOR", "scrub_edit", priority=True),
    Action("scrub_edit.cancel", "escape", "cancel_edit", "Cancel edit", "scrub_edit", priority=True),
    Action("scrub_report.save", "ctrl+s", "save_report", "Save draft", "scrub_report", priority=True),
    Action("scrub_report.leave", "escape", "leave_report", "Done editing", "scrub_report", priority=True),
    # Distributed triage review
    Action("triage.accept", "a", "accept", "Accept → confirm", "triage"),
    Action("triage.toggle", "space", "toggle_focused", "Toggle label", "triage"),
    Action("triage.toggle_1", "1", "toggle_number(1)", "Toggle label 1", "triage", show=False, palette=False),
    Action("triage.toggle_2", "2", "toggle_number(2)", "Toggle label 2", "triage", show=False, palette=False),
    Action("triage.toggle_3", "3", "toggle_number(3)", "Toggle label 3", "triage", show=False, palette=False),
    Action("triage.toggle_4", "4", "toggle_number(4)", "Toggle label 4", "triage", show=False, palette=False),
    Action("triage.toggle_5", "5", "toggle_number(5)", "Toggle label 5", "triage", show=False, palette=False),
    Action("triage.toggle_6", "6", "toggle_number(6)", "Toggle label 6", "triage", show=False, palette=False),
    Action("triage.toggle_7", "7", "toggle_number(7)", "Toggle label 7", "triage", show=False, palette=False),
    Action("triage.toggle_8", "8", "toggle_number(8)", "Toggle label 8", "triage", show=False, palette=False),
    Action("triage.toggle_9", "9", "toggle_number(9)", "Toggle label 9", "triage", show=False, palette=False),
    Action("triage.comment", "c", "toggle_comment", "Comment on/off", "triage"),
    Action("triage.skip", "s", "skip", "Skip", "triage"),
    Action("triage.undo", "u", "undo", "Undo", "triage"),
    Action("triage.jump", "e,enter", "jump", "Jump to evidence", "triage"),
    Action("triage.next_label", "j,down", "focus_next_label", "Next label", "triage", show=False, palette=False),
    Action("triage.prev_label", "k,up", "focus_prev_label", "Prev label", "triage", show=False, palette=False),
    Action("triage.back", "escape", "back", "Back", "triage"),
)

BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}

# Keys that must never confirm a write: Enter is too easy to hit by accident.
_FORBIDDEN = {"confirm.yes": {"enter", "ctrl+m", "space"}}
_MODIFIERS = {"ctrl", "shift", "alt", "meta", "super", "hyper"}
_NAMED_KEYS = {k.value for k in Keys}


def normalize_key(key: str) -> str:
    """Textual's long form of one key (``?`` → ``question_mark``, ``ctrl+R`` kept as is)."""
    key = key.strip()
    if len(key) == 1:
        return _character_to_key(key)
    return key


def is_valid_key(key: str) -> bool:
    """Whether Textual can ever deliver ``key`` (a char, a named key, modifiers + either)."""
    key = key.strip()
    if not key:
        return False
    if len(key) == 1:
        return key.isprintable() and not key.isspace() and key != ","
    *mods, base = key.split("+")
    if any(m not in _MODIFIERS for m in mods) or not base:
        return False
    if len(base) == 1:
        return base.isprintable()
    return base in _NAMED_KEYS or key_to_character(base) is not None


def key_list(keys: str) -> list[str]:
    return [normalize_key(k) for k in keys.split(",") if k.strip()]


def validate_keymap(overrides: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """Split user overrides into the usable ones and readable problems (never raises)."""
    good: dict[str, str] = {}
    problems: list[str] = []
    for action_id, keys in overrides.items():
        action = BY_ID.get(action_id)
        if action is None:
            problems.append(f"keymap: unknown action {action_id!r} (see the help screen for ids)")
            continue
        if not isinstance(keys, str):
            problems.append(f"keymap: {action_id} must be a string of keys")
            continue
        parts = [k.strip() for k in keys.split(",") if k.strip()]
        bad = [k for k in parts if not is_valid_key(k)]
        if not parts or bad:
            problems.append(f"keymap: {action_id}: not a key: {', '.join(repr(b) for b in bad) or repr(keys)}")
            continue
        normalized = [normalize_key(k) for k in parts]
        forbidden = _FORBIDDEN.get(action_id, set()) & set(normalized)
        if forbidden:
            problems.append(f"keymap: {action_id} cannot use {', '.join(sorted(forbidden))}")
            continue
        good[action_id] = ",".join(normalized)
    return good, problems


def bindings(scope: str) -> list[Binding]:
    """The ``BINDINGS`` of one scope (each Binding carries the action id, for keymaps)."""
    return [
        Binding(a.keys, a.action, a.description, show=a.show, id=a.id, priority=a.priority)
        for a in ACTIONS
        if a.scope == scope
    ]


def actions_in(scopes: Iterable[str]) -> list[Action]:
    wanted = set(scopes)
    return [a for a in ACTIONS if a.scope in wanted]


def find(scope: str, action_name: str) -> Action | None:
    """The registry row behind a Textual action name on a scope (``tab`` finds ``tab(1)``)."""
    for a in ACTIONS:
        if a.scope == scope and (a.action == action_name or a.action.split("(", 1)[0] == action_name):
            return a
    return None


def effective_keys(action: Action, overrides: Mapping[str, str]) -> list[str]:
    return key_list(overrides.get(action.id, action.keys))


def display_keys(action: Action, overrides: Mapping[str, str]) -> str:
    """Keys as a person reads them: ``j / ↓``."""
    shown = []
    for key in effective_keys(action, overrides):
        *mods, base = key.split("+")
        label = format_key(base)
        if len(label) == 1 and not label.isprintable():
            label = unicodedata.name(label, base)
        shown.append("+".join([*mods, label]))
    return " / ".join(shown)
