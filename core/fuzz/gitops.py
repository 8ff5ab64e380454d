"""Git for the fuzz session (gitpython): base commit, live diff, scratch worktrees, commits.

The maintainer's tree is never stashed or reset: the fail-without proof runs in a
temporary ``git worktree`` at the base commit, so a crash cannot lose their work.
"""

from __future__ import annotations

import asyncio
import glob
import hashlib
import os
import re
import shutil
import tempfile
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import AsyncIterator, Mapping, Sequence

import git

from .errors import FuzzError

_HUNK_RE = re.compile(r"^@@ .* @@")


@dataclass(frozen=True, slots=True)
class DiffFile:
    path: str
    status: str  # modified, added, deleted, renamed
    added: int
    removed: int
    hunks: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class DiffView:
    """The working tree against the base commit (tracked files), plus untracked files."""

    base: str
    files: tuple[DiffFile, ...]
    text: str
    untracked: tuple[str, ...]

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8", "replace")).hexdigest()[:16]

    def to_json(self) -> dict:
        return {
            "base": self.base,
            "digest": self.digest,
            "files": [{"path": f.path, "status": f.status, "added": f.added, "removed": f.removed, "hunks": list(f.hunks)} for f in self.files],
            "untracked": list(self.untracked),
            "text": self.text,
        }


def open_repo(checkout: Path) -> git.Repo:
    try:
        return git.Repo(checkout)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError):
        raise FuzzError(f"{checkout} is not a git checkout") from None


def head_commit(checkout: Path) -> str:
    repo = open_repo(checkout)
    try:
        return repo.head.commit.hexsha
    except ValueError:
        raise FuzzError(f"{checkout} has no commit yet") from None


def parse_unified_diff(text: str, base: str = "", untracked: Sequence[str] = ()) -> DiffView:
    """Split ``git diff`` output into files and hunks."""
    files: list[DiffFile] = []
    current: dict | None = None
    hunk: list[str] | None = None

    def close() -> None:
        nonlocal current, hunk
        if current is None:
            return
        if hunk is not None:
            current["hunks"].append("\n".join(hunk))
        files.append(DiffFile(current["path"], current["status"], current["added"], current["removed"], tuple(current["hunks"])))
        current, hunk = None, None

    for line in text.split("\n"):
        if line.startswith("diff --git "):
            close()
            match = re.match(r"diff --git a/(.+?) b/(.+)$", line)
            path = match.group(2) if match else line[11:]
            current = {"path": path, "status": "modified", "added": 0, "removed": 0, "hunks": []}
            continue
        if current is None:
            continue
        if hunk is None:
            if line.startswith("new file mode"):
                current["status"] = "added"
            elif line.startswith("deleted file mode"):
                current["status"] = "deleted"
            elif line.startswith("rename to "):
                current["status"] = "renamed"
        if _HUNK_RE.match(line):
            if hunk is not None:
                current["hunks"].append("\n".join(hunk))
            hunk = [line]
        elif hunk is not None:
            hunk.append(line)
            if line.startswith("+"):
                current["added"] += 1
            elif line.startswith("-"):
                current["removed"] += 1
    close()
    return DiffView(base, tuple(files), text, tuple(untracked))


def _working_diff_sync(checkout: Path, base: str) -> DiffView:
    repo = open_repo(checkout)
    text = repo.git.diff(base, "--no-color", "--no-ext-diff")
    return parse_unified_diff(text, base, repo.untracked_files)


async def working_diff(checkout: Path, base: str) -> DiffView:
    """``git diff BASE`` of the working tree, parsed."""
    return await asyncio.to_thread(_working_diff_sync, checkout, base)


def file_at(checkout: Path, commit: str, rel: str) -> str | None:
    """A file's text at ``commit`` (None when it did not exist there)."""
    repo = open_repo(checkout)
    try:
        return repo.git.show(f"{commit}:{rel}", strip_newline_in_stdout=False)
    except git.GitCommandError:
        return None


@asynccontextmanager
async def scratch_worktree(
    checkout: Path, base: str, files: Mapping[str, str], links: Sequence[str] = ()
) -> AsyncIterator[Path]:
    """A detached worktree at ``base`` with ``files`` written into it; removed afterwards.

    ``links`` are globs (relative to the checkout) symlinked into the worktree, for build
    outputs a source-only checkout lacks (``torch/_C*.so``, ``torch/lib``...).
    """
    repo = open_repo(checkout)
    parent = Path(tempfile.mkdtemp(prefix="triagedeck-fuzz-wt-"))
    path = parent / "tree"
    try:
        await asyncio.to_thread(repo.git.worktree, "add", "--detach", str(path), base)
    except git.GitCommandError as exc:
        shutil.rmtree(parent, ignore_errors=True)
        raise FuzzError(f"cannot create a worktree at {base[:12]}: {exc.stderr.strip() if exc.stderr else exc}") from None
    try:
        for rel, text in files.items():
            target = path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        for pattern in links:
            for match in glob.glob(str(checkout / pattern)):
                rel = os.path.relpath(match, checkout)
                dest = path / rel
                if dest.is_symlink() or dest.exists():
                    if dest.is_dir() and not dest.is_symlink():
                        shutil.rmtree(dest)
                    else:
                        dest.unlink()
                dest.parent.mkdir(parents=True, exist_ok=True)
                dest.symlink_to(match)
        yield path
    finally:
        try:
            await asyncio.to_thread(repo.git.worktree, "remove", "--force", str(path))
        except git.GitCommandError:
            pass
        shutil.rmtree(parent, ignore_errors=True)
        try:
            await asyncio.to_thread(repo.git.worktree, "prune")
        except git.GitCommandError:
            pass


def branch_exists(checkout: Path, name: str) -> bool:
    repo = open_repo(checkout)
    return name in [h.name for h in repo.heads]


def create_branch(checkout: Path, name: str) -> None:
    """A new branch at HEAD, checked out; the working tree's changes carry over."""
    repo = open_repo(checkout)
    try:
        repo.git.checkout("-b", name)
    except git.GitCommandError as exc:
        raise FuzzError(f"cannot create branch {name}: {exc.stderr.strip() if exc.stderr else exc}") from None


def commit_paths(checkout: Path, paths: Sequence[str], message: str) -> str:
    """Stage exactly ``paths`` and commit them with ``message``; returns the new sha."""
    repo = open_repo(checkout)
    try:
        repo.git.add("--", *paths)
        repo.git.commit("-m", message, "--", *paths)
    except git.GitCommandError as exc:
        raise FuzzError(f"git commit failed: {exc.stderr.strip() if exc.stderr else exc}") from None
    return repo.head.commit.hexsha


def current_branch(checkout: Path) -> str | None:
    repo = open_repo(checkout)
    try:
        return repo.active_branch.name
    except TypeError:
        return None


def add_worktree(checkout: Path, path: Path, *, branch: str, new_at: str | None = None) -> None:
    """A worktree at ``path`` on ``branch`` (created at ``new_at`` when given); the
    maintainer's own tree, index and HEAD are not touched."""
    repo = open_repo(checkout)
    path.parent.mkdir(parents=True, exist_ok=True)
    args = ["add", "-b", branch, str(path), new_at] if new_at else ["add", str(path), branch]
    try:
        repo.git.worktree(*args)
    except git.GitCommandError as exc:
        raise FuzzError(f"cannot create a worktree for {branch}: {exc.stderr.strip() if exc.stderr else exc}") from None


def remove_worktree(checkout: Path, path: Path) -> None:
    """Remove a worktree made by :func:`add_worktree` (its branch stays)."""
    repo = open_repo(checkout)
    try:
        repo.git.worktree("remove", "--force", str(path))
    except git.GitCommandError:
        pass
    shutil.rmtree(path, ignore_errors=True)
    try:
        repo.git.worktree("prune")
    except git.GitCommandError:
        pass


def commit_parents_and_files(checkout: Path, sha: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """A commit's parents and the paths it changes (for checks before a push)."""
    repo = open_repo(checkout)
    commit = repo.commit(sha)
    files = repo.git.diff_tree("--no-commit-id", "--name-only", "-r", sha).splitlines()
    return tuple(p.hexsha for p in commit.parents), tuple(files)


def delete_branch(checkout: Path, name: str) -> None:
    """Delete a branch this app created and never checked out in the maintainer's tree."""
    repo = open_repo(checkout)
    try:
        repo.git.branch("-D", name)
    except git.GitCommandError:
        pass
