"""Errors the core raises on purpose: each carries a message meant for the user."""

from __future__ import annotations

from datetime import datetime


class TriagedeckError(Exception):
    """Base of every error shown to the user as one clear line (no traceback)."""


class ConfigError(TriagedeckError):
    """A configuration file or value is wrong; the message names file, line and key."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None, key: str | None = None):
        self.path = path
        self.line = line
        self.key = key
        where = ""
        if path:
            where = f"{path}"
            if line:
                where += f":{line}"
            where += ": "
        keypart = f"key '{key}': " if key else ""
        super().__init__(f"{where}{keypart}{message}")


class GitHubError(TriagedeckError):
    """A GitHub API call failed (after the retry policy gave up)."""

    def __init__(self, message: str, *, status: int | None = None):
        self.status = status
        super().__init__(message)


class NotFound(GitHubError):
    pass


class RateLimited(GitHubError):
    """The primary rate limit is exhausted; ``reset_at`` says when it refills."""

    def __init__(self, message: str, *, reset_at: datetime | None, status: int | None = 403):
        self.reset_at = reset_at
        super().__init__(message, status=status)


class PlanRefused(TriagedeckError):
    """A write plan was refused before anything was sent (locked issue, no confirmation...)."""


class IssueFileError(TriagedeckError):
    """An ``--issue-file`` could not be read as a GitHub issue JSON object."""
