"""Rule loading: defaults, a PyTorch checkout's overrides, and clear errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from core.config import Config
from core.triage import RulesError, build_plan, default_rules, load_rules, propose, rules_from_config
from core.triage.dedupe import is_duplicate, similarity
from core.triage.ruleset import SKILL_DIR, _default_text
from triage_cases import CASES

BY_ID = {c.id: c for c in CASES}

LABELS = {
    "description": "fixture allow-list",
    "labels": [
        {"name": n}
        for n in (
            "oncall: distributed parallelisms", "oncall: distributed infra", "oncall: distributed checkpointing",
            "module: fsdp", "module: ddp", "module: c10d", "ptd-bot-triaged", "feature", "enhancement",
            "triage review", "needs reproduction",
        )
    ],
}
TEMPLATES = {
    "templates": {
        "needs_distributed_reproduction": {"comment": "Fixture text: please attach a runnable distributed script and logs from every rank."},
        "not_distributed": {"comment": "Fixture text: this does not look like a distributed training issue; flagged for review."},
    }
}


def checkout(tmp_path: Path, labels=LABELS, templates=TEMPLATES) -> Path:
    skill = tmp_path / SKILL_DIR
    skill.mkdir(parents=True)
    if labels is not None:
        (skill / "distributed-labels.json").write_text(json.dumps(labels) if not isinstance(labels, str) else labels)
    if templates is not None:
        (skill / "templates.json").write_text(json.dumps(templates) if not isinstance(templates, str) else templates)
    return tmp_path


def test_defaults_load_from_package_data():
    rules = default_rules()
    assert rules.labels.marker == "bot-triaged"
    assert rules.precedence == ("checkpointing", "infra", "parallelisms")
    assert rules.is_allowed("module: FSDP") and not rules.is_allowed("high priority")
    assert load_rules(None) is rules


def test_checkout_overrides_allow_list_marker_and_templates(tmp_path):
    rules = load_rules(checkout(tmp_path))
    assert rules.labels.marker == "ptd-bot-triaged"
    assert not rules.is_allowed("module: dtensor") and not rules.is_allowed("triaged")
    assert rules.templates["not_distributed"].comment.startswith("Fixture text")
    # The project's own wording stays known, so an earlier post of it is not repeated.
    assert default_rules().templates["not_distributed"].comment in rules.templates["not_distributed"].older_wordings

    case = BY_ID["s3-fsdp2-dtensor"]  # FSDP + DTensor; dtensor is not allow-listed here
    p = propose(case.thread(), rules)
    assert "module: dtensor" not in p.labels_to_add and "module: fsdp" in p.labels_to_add
    assert "ptd-bot-triaged" in p.labels_to_add and "bot-triaged" not in p.labels_to_add
    assert "triaged" not in build_plan(p, case.thread(), rules).labels_added


def test_extra_allowed_and_forced_marker(tmp_path):
    rules = load_rules(checkout(tmp_path), extra_allowed=["triaged"], marker="my-bot-triaged")
    assert rules.labels.marker == "my-bot-triaged" and rules.is_allowed("triaged") and rules.is_allowed("my-bot-triaged")


def test_rules_from_config_reads_triage_table(tmp_path):
    config = Config(pytorch_checkout=checkout(tmp_path), extra={"triage": {"extra_allowed_labels": ["triaged"]}})
    rules = rules_from_config(config)
    assert rules.labels.marker == "ptd-bot-triaged" and rules.is_allowed("triaged")
    with pytest.raises(RulesError, match="extra_allowed_labels"):
        rules_from_config(Config(extra={"triage": {"extra_allowed_labels": "triaged"}}))


def test_checkout_without_skill_files_uses_defaults(tmp_path):
    assert load_rules(tmp_path) is default_rules()


@pytest.mark.parametrize(
    "labels, message",
    [
        ("{not json", "not valid JSON"),
        ({"labels": "x"}, '"labels" array'),
        ({"labels": [{"name": ""}]}, "labels\\[0\\].name"),
        ({"labels": []}, "empty"),
    ],
)
def test_bad_labels_file(tmp_path, labels, message):
    with pytest.raises(RulesError, match=message) as err:
        load_rules(checkout(tmp_path, labels=labels))
    assert "distributed-labels.json" in str(err.value)


def test_bad_templates_file(tmp_path):
    with pytest.raises(RulesError, match="templates.not_distributed.comment"):
        load_rules(checkout(tmp_path, templates={"templates": {"not_distributed": {"comment": 3}}}))


@pytest.mark.parametrize(
    "edit, message",
    [
        (lambda t: t.replace('name = "fsdp"', 'name = "fsdp"\nbogus = 1', 1), "areas\\[0\\].bogus"),
        (lambda t: t.replace("patterns = ['\\bdeadlock']", "patterns = ['(unclosed']", 1), "invalid regular expression"),
        (lambda t: t.replace('all = ["torchrun", "launch_failure"]', 'all = ["torchrun", "no_such_group"]'), "no_such_group"),
        (lambda t: t.replace('precedence = ["checkpointing", "infra", "parallelisms"]', 'precedence = ["infra"]'), "precedence"),
        (lambda t: t.replace("schema_version = 1", "schema_version = 2"), "schema_version"),
        (lambda t: t.replace("[labels]", "[labels", 1), "not valid TOML"),
    ],
)
def test_bad_rule_file_names_the_key(tmp_path, edit, message):
    path = tmp_path / "rules.toml"
    text = edit(_default_text())
    assert text != _default_text()
    path.write_text(text)
    with pytest.raises(RulesError, match=message) as err:
        load_rules(rules_file=path)
    assert "rules.toml" in str(err.value)


def test_custom_rule_file_changes_behaviour(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text(_default_text().replace('marker = "bot-triaged"', 'marker = "team-bot-triaged"').replace(
        '"bot-triaged", "triaged"', '"team-bot-triaged", "triaged"'))
    rules = load_rules(rules_file=path)
    p = propose(BY_ID["s3-tensor-parallel"].thread(), rules)
    assert "team-bot-triaged" in p.labels_to_add


def test_dedupe_compares_meaning_not_bytes():
    t = default_rules().templates["needs_distributed_reproduction"]
    assert is_duplicate(t, t.comment.upper().replace("\n", " "))
    assert is_duplicate(t, "> quoting the bot:\n" + t.comment + "\n\nI will try.")
    assert not is_duplicate(t, "I can reproduce this on 2 nodes too, same stack trace.")
    assert not is_duplicate(t, "Thanks!")
    assert similarity(t.comment, default_rules().templates["not_distributed"].comment) < 0.3
