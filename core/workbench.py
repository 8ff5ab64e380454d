"""The workbench: one object that the TUI and the CLI both drive.

It ties the configuration, the store, the GitHub connection, the queue sync and the
write gate together. It holds no UI and makes no decisions for the user.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, AsyncIterator, Literal

from .auth import Secret
from .config import Config
from .errors import GitHubError, RateLimited, TriagedeckError
from .gate.plan import Confirmation, WritePlan
from .github.ratelimit import RateLimitTracker, RetryPolicy
from .models import AuditEntry, Issue, IssueThread, QueueSection, SyncStats, Trust, parse_timestamp
from .store import Store

if TYPE_CHECKING:
    from .gate.executor import PlanResult, WriteGate
    from .github.connection import Connection
    from .github.reads import GitHubReader
    from .github.sync import QueueSync, SyncProgress

Mode = Literal["online", "offline", "demo"]


class Workbench:
    def __init__(
        self,
        config: Config,
        store: Store,
        *,
        token: Secret | None,
        mode: Mode = "online",
        retry: RetryPolicy | None = None,
        gate_options: dict | None = None,
    ):
        self.config = config
        self.store = store
        self.mode: Mode = mode
        self.last_sync_error: str | None = None
        self._token = token
        self._retry = retry
        self._gate_options = gate_options or {}
        self._tracker = RateLimitTracker()

    # The GitHub side is built on first use (githubkit's import costs ~1 s; the queue
    # paints from the store before any of it is needed).

    @cached_property
    def conn(self) -> "Connection":
        from .github.connection import Connection

        return Connection(
            api_url=self.config.api_url, token=self._token, repo=self.config.repo_ref, retry=self._retry, tracker=self._tracker
        )

    @cached_property
    def reader(self) -> "GitHubReader":
        from .github.reads import GitHubReader

        return GitHubReader(self.conn)

    @cached_property
    def gate(self) -> "WriteGate":
        from .gate.executor import WriteGate

        return WriteGate(self.conn, self.store.audit, **self._gate_options)

    @cached_property
    def _sync(self) -> "QueueSync":
        from .github.sync import QueueSync

        return QueueSync(self.reader, self.store.issues)

    @classmethod
    def open(
        cls,
        config: Config,
        *,
        token: Secret | None,
        mode: Mode = "online",
        retry: RetryPolicy | None = None,
        gate_options: dict | None = None,
        store_path: Path | None = None,
    ) -> "Workbench":
        store = Store(store_path or config.store_path)
        return cls(config, store, token=token, mode=mode, retry=retry, gate_options=gate_options)

    # -- state -------------------------------------------------------------------------

    @property
    def repo(self) -> str:
        return self.config.repo

    @property
    def rate_limit(self) -> RateLimitTracker:
        return self._tracker

    @property
    def viewer(self) -> str | None:
        return self.__dict__["conn"]._viewer if "conn" in self.__dict__ else None

    def last_synced(self, title: str):
        """When this section was last synced (any session), from the store's cursor table."""
        rows = self.store.db.query(
            "SELECT last_sync_at FROM sync_cursors WHERE repo=? AND section=?", (self.repo, title)
        )
        return parse_timestamp(rows[0]["last_sync_at"]) if rows else None

    def sections(self) -> tuple[QueueSection, ...]:
        return self.config.queue_sections

    def section(self, title: str) -> QueueSection:
        for section in self.sections():
            if section.title.lower() == title.lower():
                return section
        names = ", ".join(s.title for s in self.sections())
        raise TriagedeckError(f"no queue section named {title!r} (sections: {names})")

    def section_issues(self, title: str) -> list[Issue]:
        return self.store.issues.section_issues(self.repo, title)

    def issue_url(self, number: int) -> str:
        cached = self.store.issues.get(self.repo, number)
        if cached and cached.html_url.startswith("https://"):
            return cached.html_url
        return self.conn.html_url(number)

    # -- reads -------------------------------------------------------------------------

    async def sync_section_events(self, section: QueueSection, *, full: bool = False) -> "AsyncIterator[SyncProgress | SyncStats]":
        async for event in self._sync.sync(section, full=full):
            yield event

    async def sync_section(self, section: QueueSection, *, full: bool = False) -> SyncStats:
        stats: SyncStats | None = None
        try:
            async for event in self._sync.sync(section, full=full):
                if isinstance(event, SyncStats):
                    stats = event
        except GitHubError as exc:
            self.last_sync_error = str(exc)
            self._note_rate_limit(exc)
            raise
        self.last_sync_error = None
        assert stats is not None
        return stats

    async def fetch_thread(self, number: int) -> IssueThread:
        """The issue and all its comments from GitHub, saved to the cache."""
        try:
            thread = await self.reader.get_thread(number)
        except GitHubError as exc:
            self._note_rate_limit(exc)
            raise
        self.store.issues.save_thread(thread)
        return thread

    def _note_rate_limit(self, exc: GitHubError) -> None:
        # The status bar counts down to the reset instead of the app silently waiting.
        if isinstance(exc, RateLimited) and exc.reset_at is not None:
            self.rate_limit.waiting_until = exc.reset_at

    def cached_thread(self, number: int) -> IssueThread | None:
        return self.store.issues.thread(self.repo, number)

    async def thread(self, number: int, *, prefer_cache: bool = False) -> IssueThread:
        """Fresh from GitHub, falling back to the cache when GitHub can't be reached."""
        cached = self.cached_thread(number)
        if prefer_cache and cached is not None and cached.issue.body is not None:
            return cached
        try:
            return await self.fetch_thread(number)
        except GitHubError:
            if cached is not None and cached.issue.body is not None:
                return cached
            raise

    async def collaborator(self, login: str) -> Trust:
        return await self.reader.collaborator(login)

    # -- writes ------------------------------------------------------------------------

    async def execute(self, plan: WritePlan, confirmation: Confirmation | None, *, dry_run: bool = False) -> "PlanResult":
        """Run a plan through the write gate, then refresh the cached issue."""
        result = await self.gate.execute(plan, confirmation, dry_run=dry_run)
        if result.sent:
            try:
                await self.fetch_thread(plan.number)
            except GitHubError:
                pass  # the write happened; a stale cache row is harmless and refreshes later
        return result

    def audit_entries(self, limit: int = 500) -> list[AuditEntry]:
        return self.store.audit.entries(repo=self.repo, limit=limit)

    async def aclose(self) -> None:
        if "conn" in self.__dict__:
            await self.conn.aclose()
        self.store.close()
