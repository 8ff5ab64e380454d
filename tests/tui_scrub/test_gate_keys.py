"""Every gate of the scrub session gets distinct keys, none of them a trigger key."""

from __future__ import annotations

import re

from core.scrub import session as scrub_session
from tui.screens.scrub.keys import SCRUB_ACTIONS
from tui.widgets.scrub.gate import gate_keymap

# The gates and their options, as the session documents them.
GATES = dict(re.findall(r"``(\w+)`` \(([\w /]+)\)", scrub_session.__doc__.replace("\n", " ")))


def test_each_gate_has_distinct_keys_that_trigger_nothing_else():
    assert {"safety", "duplicate", "trivial_fix", "different_error"} <= set(GATES)
    triggers = {k for a in SCRUB_ACTIONS if a.scope == "scrub" for k in a.keys.split(",")}
    for gate, options in GATES.items():
        opts = tuple(o.strip() for o in options.split("/"))
        keymap = gate_keymap(opts)
        assert sorted(keymap.values()) == sorted(opts), gate
        assert not set(keymap) & (triggers | {"enter", "space"}), gate
