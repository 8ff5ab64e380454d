"""An ssh session's capture panel says where the next steps run, and warns about CUDA."""

from __future__ import annotations

from core.fuzz import FuzzConfig, FuzzWorkflow
from tui.widgets.fuzz.panels import capture_panel, header_text

from .states import head, put, state_at
from .support import plain


def test_capture_panel_shows_the_ssh_notes(tmp_path, checkout, store):
    config = FuzzConfig(env="ssh:gpu1", remote_checkout="/srv/pytorch", ssh_hosts={"gpu1": {"host": "gpu1.example"}})
    state = state_at("repro", checkout=str(checkout), base=head(checkout), config=config)
    state["steps"]["capture"]["env_notes"] = [
        "TorchFuzz ran on ssh:gpu1 (/srv/pytorch); steps 1-3 (test, fix, lint) run in the local checkout here.",
        "The captured failure mentions CUDA ('cuda') but python here has none (no CUDA device): the step-1 test may not fail the same way.",
    ]
    sid = put(store, "sshnotes0001", "repro", state)
    session = FuzzWorkflow(store, tmp_path / "data").open(sid)
    text = plain(capture_panel(session))
    assert "steps 1-3 (test, fix, lint) run in the local checkout" in text
    assert "mentions CUDA" in text and "may not fail the same way" in text
    assert "ssh:gpu1" in plain(header_text(session))
