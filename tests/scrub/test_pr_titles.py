"""The culprit/fixing-PR candidates get their titles (and state) through the read side of
the GitHub layer, against the loopback server over HTTP: bounded, concurrent, failures shown
as "title unavailable", skipped offline."""

from __future__ import annotations

import asyncio

import pytest

from core.loopback import LoopbackServer, LoopbackState
from core.run import conda_env
from core.scrub import Note, ScrubOptions, ScrubSession
from core.scrub.bisection import TITLE_UNAVAILABLE, pr_details
from core.store import Store
from tests.conftest import make_workbench

from .regression_support import REGRESSION_ISSUE, make_regression_checkout, make_regression_conda, regression_dataset


class _Pull:
    def __init__(self, n: int) -> None:
        self.title, self.state, self.merged = f"PR {n}", "closed", True


async def test_pr_details_are_bounded_concurrent_and_never_raise():
    running = 0
    peak = 0
    asked = []
    release = asyncio.Event()

    async def fetch(n: int):
        nonlocal running, peak
        asked.append(n)
        running += 1
        peak = max(peak, running)
        if len(asked) >= 2:
            release.set()
        await release.wait()  # the first two overlap: they really run concurrently
        running -= 1
        if n == 3:
            raise RuntimeError("HTTP 502 from upstream\nwith a second line")
        return _Pull(n)

    got = await pr_details([1, 2, 3, 2, 4, 5, 6, 7], fetch, limit=5, concurrency=2)
    assert sorted(asked) == [1, 2, 3, 4, 5]  # duplicates dropped, top 5 only
    assert peak == 2
    assert got[1] == {"title": "PR 1", "state": "closed", "merged": True}
    assert got[3] == {"error": f"{TITLE_UNAVAILABLE}: HTTP 502 from upstream"}
    assert set(got) == {1, 2, 3, 4, 5}


@pytest.fixture
def pulls_server():
    pulls = [{"number": 13579, "title": "Route Half addmm through the CPU dispatcher", "user": "kernel-dev"}]
    # #24680 is not on the server: its title fetch fails with 404
    server = LoopbackServer(LoopbackState.from_dataset(regression_dataset(pulls=pulls))).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def pulls_wb(pulls_server, tmp_path):
    wb = make_workbench(pulls_server, tmp_path / "data")
    try:
        yield wb
    finally:
        await wb.aclose()


def _options(tmp_path, checkout):
    exe = make_regression_conda(tmp_path / "conda", [f"2.{m}" for m in range(10)])
    runners = {"conda": {"executable": str(exe)}}
    return ScrubOptions(env=conda_env("pytorch-2.9", runners), sandbox="off", timeout_s=60, checkout=checkout,
                        repro_dir=tmp_path / "repros", extra={"runners": runners})


async def _scrub(wb, tmp_path, **hooks):
    store = Store(tmp_path / "s.sqlite3")
    checkout = make_regression_checkout(tmp_path / "pytorch")
    session = ScrubSession.start(store.sessions, "pytorch/pytorch", REGRESSION_ISSUE, _options(tmp_path, checkout),
                                 fetch=lambda: wb.thread(REGRESSION_ISSUE), **hooks)
    events = await session.run_to_gate()
    assert session.gate is not None and session.gate.id == "safety"
    session.choose("safety", "run")
    events += await session.run_to_gate()
    return session, events, store


async def test_candidates_show_titles_state_and_unavailable_ones(pulls_wb, pulls_server, tmp_path):
    session, events, store = await _scrub(pulls_wb, tmp_path, pulls=pulls_wb.reader.get_pull)
    try:
        fix = session.findings()["fixing_pr"]  # what `triagedeck scrub --json` prints
        assert fix["titles"] == "fetched"
        top, other = fix["candidates"]
        assert (top["pr"], top["title"], top["state"], top["merged"]) == (
            13579, "Route Half addmm through the CPU dispatcher", "closed", True)
        assert other["pr"] == 24680 and other["title_error"].startswith(TITLE_UNAVAILABLE) and "title" not in other
        asked = sorted(r.path for r in pulls_server.requests if "/pulls/" in r.path)
        assert asked == ["/repos/pytorch/pytorch/pulls/13579", "/repos/pytorch/pytorch/pulls/24680"]
        assert all(r.method == "GET" for r in pulls_server.requests if "/pulls/" in r.path)
        assert session.finished
    finally:
        store.close()


async def test_offline_the_titles_are_skipped(pulls_wb, pulls_server, tmp_path):
    session, events, store = await _scrub(pulls_wb, tmp_path)  # no pulls hook: as with --issue-file
    try:
        fix = session.findings()["fixing_pr"]
        assert fix["titles"] == "skipped (offline)" and fix["pr"] == 13579
        assert all("title" not in c and "title_error" not in c for c in fix["candidates"])
        assert any(isinstance(e, Note) and "PR titles not fetched" in e.text for e in events)
        assert not [r for r in pulls_server.requests if "/pulls/" in r.path]
    finally:
        store.close()
