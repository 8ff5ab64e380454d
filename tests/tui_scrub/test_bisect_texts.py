"""The bisect tab's texts: culprit wording for a regression, PR titles and "title unavailable"."""

from __future__ import annotations

from tui.widgets.scrub.timeline import BisectTimeline, candidates_text

FIX = {
    "direction": "regression", "base": "v2.3.0", "head": "v2.4.0", "pr": 13579, "titles": "fetched",
    "candidates": [
        {"sha": "a" * 40, "subject": "Route Half addmm (#13579)", "pr": 13579, "score": 3.5,
         "evidence": ["adds/removes 'x'"], "title": "Route Half addmm through the CPU dispatcher [bold]x[/bold]",
         "state": "closed", "merged": True},
        {"sha": "b" * 40, "subject": "Docs (#24680)", "pr": 24680, "score": 1.0, "evidence": [],
         "title_error": "title unavailable: Not Found"},
        {"sha": "c" * 40, "subject": "Open one (#1)", "pr": 1, "score": 0.5, "evidence": [], "title": "WIP",
         "state": "open", "merged": False},
    ],
}


def test_regression_candidates_show_titles_and_states():
    text = candidates_text(FIX).plain
    assert text.startswith("Culprit-PR candidates")
    assert "PR: Route Half addmm through the CPU dispatcher [bold]x[/bold] (merged)" in text  # inert, not markup
    assert "PR: title unavailable" in text and "PR: WIP (open)" in text


def test_fix_candidates_keep_their_heading():
    assert candidates_text({**FIX, "direction": "fix"}).plain.startswith("Fixing-PR candidates")


def test_timeline_says_started_failing_for_a_regression():
    timeline = BisectTimeline()
    shown = []
    timeline.update = shown.append  # the rendered renderable, without an app
    timeline.load({"versions": ["2.1", "2.3", "2.4", "2.9"], "direction": "regression", "last_before": "2.3",
                   "first_after": "2.4", "rounds": 2, "probes": 3, "reason": "",
                   "timeline": [{"version": "2.1", "outcome": "fixed", "detail": "known: said to work", "round": 0},
                                {"version": "2.3", "outcome": "fixed", "detail": "", "round": 2},
                                {"version": "2.4", "outcome": "bug", "detail": "", "round": 1}]})
    head = shown[-1].renderables[0].plain
    assert head.startswith("Started failing in 2.4 (worked in 2.3)")


def test_a_cancelled_probe_stops_showing_as_running():
    from rich.console import Console

    timeline = BisectTimeline()
    shown = []
    timeline.update = shown.append
    timeline.set_versions(["2.1", "2.2", "2.5"])
    timeline.round_started(1, ("2.2", "2.5"))
    timeline.probe("2.2", "fixed", "", 1)
    timeline.cancelled("2.5")
    timeline.cancelled("2.2")  # a verdict already in is not overwritten
    console = Console(width=100, record=True)
    console.print(shown[-1])
    text = console.export_text()
    assert "probing" not in text and "not needed (stopped)" in text and "fixed" in text
