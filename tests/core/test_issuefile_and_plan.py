import json

import pytest

from core.errors import IssueFileError
from core.gate.plan import AddLabels, CloseIssue, Confirmation, PostComment, RemoveLabel, WritePlan
from core.issuefile import load_issue_file, thread_to_json


def test_issue_file_roundtrip(tmp_path):
    data = {
        "number": 42,
        "title": "[bold]boom",
        "body": "body",
        "state": "open",
        "user": {"login": "alice"},
        "author_association": "CONTRIBUTOR",
        "labels": [{"name": "bug"}, "module: nn"],
        "created_at": "2025-01-02T03:04:05Z",
        "updated_at": "2025-01-03T03:04:05Z",
        "repository_url": "https://api.github.com/repos/pytorch/pytorch",
        "comments": [{"id": 9, "user": {"login": "bob"}, "body": "me too", "created_at": "2025-01-04T00:00:00Z"}],
    }
    path = tmp_path / "i.json"
    path.write_text(json.dumps(data))
    thread = load_issue_file(path, default_repo="x/y")
    assert thread.issue.repo == "pytorch/pytorch"
    assert thread.issue.labels == ("bug", "module: nn")
    assert thread.comments[0].author == "bob"
    again = thread_to_json(thread)
    path.write_text(json.dumps(again))
    assert load_issue_file(path, default_repo="x/y") == thread


@pytest.mark.parametrize(
    "content, message",
    [("[1, 2]", "expected a JSON object"), ('{"title": "t"}', "missing field 'number'"), ("{nope", "not valid JSON")],
)
def test_issue_file_errors(tmp_path, content, message):
    path = tmp_path / "i.json"
    path.write_text(content)
    with pytest.raises(IssueFileError, match=message):
        load_issue_file(path, default_repo="x/y")


def test_plan_json_roundtrip_and_digest():
    plan = WritePlan(
        "o/r", 5, (RemoveLabel("triaged"), AddLabels(("triaged", "feature")), PostComment("hi"), CloseIssue("not_planned"))
    )
    assert WritePlan.from_json(plan.to_json()) == plan
    assert plan.labels_added == ("triaged", "feature")
    assert plan.labels_removed == ("triaged",)
    assert plan.close_reason == "not_planned"
    other = WritePlan("o/r", 5, (PostComment("hi!"),))
    assert plan.digest != other.digest
    assert Confirmation.for_plan(plan, "dialog").plan_digest == plan.digest
    with pytest.raises(ValueError):
        WritePlan("o/r", 1, (PostComment("  "),))
    with pytest.raises(ValueError):
        WritePlan.from_json({"repo": "o/r", "number": 1, "actions": [{"kind": "close", "reason": "spam"}]})
