"""The fixing-PR finder on a real temporary git repository with tagged releases."""

from pathlib import Path

import git
import pytest

from core.bisect.fixing_pr import find_fixing_commits, pickaxe_terms, repo_paths_from_traceback

TRACEBACK = '''Traceback (most recent call last):
  File "/tmp/repro.py", line 4, in <module>
    torch.foo(x)
  File "/opt/conda/lib/python3.11/site-packages/torch/_ops/foo.py", line 10, in foo
    _check(x)
  File "/opt/conda/lib/python3.11/site-packages/torch/_ops/checks.py", line 3, in _check
    raise RuntimeError("foo does not support empty tensors of rank 3")
RuntimeError: foo does not support empty tensors of rank 3
'''


def commit(repo: git.Repo, root: Path, files: dict[str, str], message: str, *, remove=()):
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        repo.index.add([rel])
    for rel in remove:
        repo.index.remove([rel], working_tree=True)
    return repo.index.commit(message)


@pytest.fixture
def checkout(tmp_path):
    root = tmp_path / "pytorch"
    repo = git.Repo.init(root)
    with repo.config_writer() as cw:
        cw.set_value("user", "name", "Test")
        cw.set_value("user", "email", "t@example.com")
    commit(repo, root, {
        "torch/_ops/foo.py": "def foo(x):\n    _check(x)\n",
        "torch/_ops/checks.py": 'def _check(x):\n    if not x.numel():\n        raise RuntimeError("foo does not support empty tensors of rank 3")\n',
        "docs/index.md": "docs\n",
    }, "Initial import")
    repo.create_tag("v2.5.0")
    commit(repo, root, {"docs/index.md": "docs v2\n"}, "Improve docs for foo (#100)")
    commit(repo, root, {"torch/_ops/foo.py": "def foo(x):\n    _check(x)\n    return x\n"}, "Return input from foo (#150)")
    commit(repo, root, {"torch/_ops/checks.py": "def _check(x):\n    return None\n"}, "Fix foo on empty tensors (#12345)")
    commit(repo, root, {"torch/other.py": "pass\n"}, "Unrelated change (#200)")
    repo.create_tag("v2.6.0")
    commit(repo, root, {"torch/_ops/checks.py": "def _check(x):\n    return 1\n"}, "After the release (#999)")
    repo.close()
    return root


def test_finds_the_fixing_pr_first(checkout):
    found = find_fixing_commits(checkout, "2.5", "2.6", traceback=TRACEBACK,
                                message="foo does not support empty tensors of rank 3")
    assert (found.base, found.head) == ("v2.5.0", "v2.6.0")
    assert found.candidates[0].pr == 12345
    assert any("adds/removes" in e for e in found.candidates[0].evidence)
    prs = [c.pr for c in found.candidates]
    assert 999 not in prs and 100 not in prs and 200 not in prs  # outside the range / unrelated
    assert found.files == ("torch/_ops/checks.py", "torch/_ops/foo.py")


def test_missing_tag_reports_range_only(checkout):
    found = find_fixing_commits(checkout, "2.4", "2.6", traceback=TRACEBACK, message="x")
    assert found.candidates == () and "no release tag for 2.4" in found.note


def test_helpers():
    assert repo_paths_from_traceback(TRACEBACK) == ["torch/_ops/checks.py", "torch/_ops/foo.py"]
    assert pickaxe_terms("expected scalar type Float but found Double")[0] == "expected scalar type Float but found Double"
    assert pickaxe_terms(None) == []
