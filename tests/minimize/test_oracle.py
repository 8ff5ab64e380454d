"""Fresh and fork-server oracles: verdicts, agreement, signals, timeouts, scrubbed environment."""

import signal

import pytest

from core.minimize import Expectation, ForkServerOracle, FreshOracle, scrubbed_env

SRC = "import json\ndef f(d):\n    return d['missing']\nf(json.loads('{}'))\n"


@pytest.fixture
async def oracles():
    exp = Expectation("KeyError", "missing")
    fresh = FreshOracle(exp, timeout=20)
    fork = ForkServerOracle(exp, preload=["json"], timeout=20)
    await fork.start()
    yield fresh, fork
    await fork.close()
    await fresh.close()


async def test_fork_and_fresh_agree_on_class_message_and_frame(oracles):
    fresh, fork = oracles
    a, b = await fresh.check(SRC), await fork.check(SRC)
    assert a.interesting and b.interesting and a.same_failure(b)
    assert (b.exception_class, b.raising_frame.function, b.raising_frame.lineno, b.via) == ("KeyError", "f", 3, "fork")
    assert not (await fork.check("x = 1\n")).interesting


async def test_probe_reports_executed_lines_modules_and_values(oracles):
    fresh, fork = oracles
    src = "import json\nn = len('abcd') * 2\nif n > 100:\n    print('never')\n{}['missing']\n"
    p = await fork.probe(src, value_keys=["2:4:2:19"])
    assert p.result.interesting
    assert 4 not in p.executed_lines and {2, 3, 5} <= p.executed_lines
    assert p.values == {"2:4:2:19": 8}
    p2 = await fresh.probe(src)
    assert "json" in p2.modules and p2.own_lines == (5,)


async def test_signals_and_timeouts_in_own_process_group(oracles):
    fresh, fork = oracles
    seg = "import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n"
    for o in (fresh, fork):
        r = await o.check(seg)
        assert r.signal == signal.SIGSEGV and not r.interesting
    sig_exp = Expectation(signal=int(signal.SIGSEGV))
    assert (await FreshOracle(sig_exp).check(seg)).interesting
    hang = "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', 'import time; time.sleep(60)'])\nwhile True: pass\n"
    for o in (fresh, fork):
        o.timeout = 1.5
        r = await o.check(hang)
        assert r.timed_out and not r.interesting


def test_scrubbed_env_drops_credentials():
    env = scrubbed_env({"GITHUB_TOKEN": "x", "MY_SECRET_KEY": "x", "DB_PASSWORD": "x", "AWS_REGION": "x", "SSH_AUTH_SOCK": "x", "HOME": "/h"})
    assert set(env) >= {"HOME"} and not {"GITHUB_TOKEN", "MY_SECRET_KEY", "DB_PASSWORD", "AWS_REGION", "SSH_AUTH_SOCK"} & set(env)


async def test_candidates_do_not_see_tokens(monkeypatch):
    monkeypatch.setenv("GITHUB_TOKEN", "ghp_secret")
    src = "import os\nif 'GITHUB_TOKEN' not in os.environ:\n    raise LookupError('scrubbed')\n"
    exp = Expectation("LookupError", "scrubbed")
    assert (await FreshOracle(exp).check(src)).interesting
    fork = ForkServerOracle(exp)
    await fork.start()
    try:
        assert (await fork.check(src)).interesting
    finally:
        await fork.close()
