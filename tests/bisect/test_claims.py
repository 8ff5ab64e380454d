"""Version claims read from issue text: the reported version, the version it worked on."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from core.bisect.claims import version_claims
from core.demo import DEMO_CASES, DEMO_EXPECTATIONS, demo_dataset


@pytest.mark.parametrize("text, reported, worked, regression", [
    ("### Versions\n\nPyTorch version: 2.0.1+cpu\nPython version: 3.9", "2.0.1+cpu", None, False),
    ("After upgrading from 2.12.1 to 2.13.0, FSDP crashes.", "2.13.0", "2.12.1", True),
    ("This worked with PyTorch 2.1, it fails on 2.9.", None, "2.1", True),
    ("It works fine on torch 2.3 but not on nightly", None, "2.3", True),
    ("On 2.4 it works; with 2.5 it crashes.\ntorch==2.5.0", "2.5.0", "2.4", True),
    ("This is a regression from last release", None, None, True),
    ("It used to work.", None, None, True),
    ("I'd like a fast path, this works with float32 but is slow.", None, None, False),
    ("PyTorch version: 2.3.0\n2.3.0 works on GPU", "2.3.0", None, False),  # the reported version itself
])
def test_claims(text, reported, worked, regression):
    claims = version_claims("title", text)
    assert (claims.reported, claims.worked, claims.regression) == (reported, worked, regression)


def test_the_regression_label_is_a_claim():
    assert version_claims("x", "y", ["module: regression"]).regression
    assert not version_claims("x", "y", ["module: nn"]).regression


def test_demo_issues():
    issues = {i["number"]: i for i in demo_dataset()["issues"]}
    for number, exp in DEMO_EXPECTATIONS.items():
        issue = issues[number]
        claims = version_claims(issue["title"], issue["body"], issue["labels"])
        if exp.get("regression"):
            assert claims.regression and claims.worked, exp["key"]
        if exp.get("reported_version"):
            assert (claims.reported or "").split("+")[0] == exp["reported_version"], exp["key"]
    fixed = issues[DEMO_CASES["already_fixed"]]
    assert version_claims(fixed["title"], fixed["body"]).worked is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=3000))
def test_hostile_text_yields_short_versions_or_nothing(text):
    claims = version_claims(text, text * 3)
    for v in (claims.reported, claims.worked):
        assert v is None or (len(v) <= 60 and v[0].isdigit() and "\n" not in v)


def test_long_repetitive_text_returns():
    # The patterns are linear: these return at once (a backtracking pattern would not).
    assert version_claims("t", "worked on " * 15000 + "2.1").worked == "2.1"
    assert version_claims("t", "upgrading from " * 10000).worked is None
