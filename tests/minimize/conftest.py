import asyncio

import pytest

from core.minimize.oracle import OracleResult


class PredicateOracle:
    """In-process oracle: a candidate is interesting when ``pred(source)`` holds. Counts calls and
    can sleep a per-text pseudo-random delay (to shuffle completion order under jobs > 1)."""

    via = "fresh"

    def __init__(self, pred, jitter=False):
        self.pred = pred
        self.jitter = jitter
        self.calls = []

    async def check(self, source):
        self.calls.append(source)
        if self.jitter:
            await asyncio.sleep((hash(source) % 7) / 2000)
        return OracleResult(interesting=bool(self.pred(source)))


@pytest.fixture
def predicate_oracle():
    return PredicateOracle
