"""One authenticated connection to a GitHub API (github.com, Enterprise or loopback).

It owns two githubkit clients over the same base URL: one for reads with the bounded
:class:`RetryPolicy`, one for writes with no automatic retry (the write gate retries
writes itself, after checking that the first attempt did not land).
"""

from __future__ import annotations

import asyncio
import urllib.parse
import weakref
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from typing import AsyncIterator

import httpx
from githubkit import GitHub
from githubkit.exception import (
    GitHubException,
    GraphQLFailed,
    PrimaryRateLimitExceeded,
    RequestError,
    RequestFailed,
    SecondaryRateLimitExceeded,
)

from ..auth import Secret
from ..errors import GitHubError, NotFound, RateLimited
from ..models import RepoRef
from .ratelimit import RateLimitTracker, RetryPolicy

USER_AGENT = "triagedeck"


class _PooledTransport(httpx.AsyncHTTPTransport):
    """A transport that outlives the per-call httpx clients githubkit creates.

    githubkit builds a new AsyncClient (new SSL context, new TCP/TLS connection) for
    every call unless used as a context manager; sharing one transport keeps a
    connection pool instead. Clients "close" it after each call: ignore that, and
    close it for real in :meth:`Connection.aclose`.
    """

    async def aclose(self) -> None:
        return None

    async def really_close(self) -> None:
        await super().aclose()


class Connection:
    def __init__(
        self,
        *,
        api_url: str,
        token: Secret | None,
        repo: RepoRef,
        retry: RetryPolicy | None = None,
        timeout_s: float = 30.0,
        tracker: RateLimitTracker | None = None,
    ):
        self.api_url = api_url.rstrip("/")
        self.repo = repo
        self.tracker = tracker or RateLimitTracker()
        self.retry = retry or RetryPolicy()
        self._auth = token.reveal() if token else None
        self._timeout_s = timeout_s
        # Connection pools belong to one event loop (the CLI, the demo's pre-sync and the
        # TUI each run their own), so clients and transport are kept per loop.
        # Weak keys: a finished loop (and its dead connections) is never reused by id.
        self._per_loop: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
        self._no_loop: tuple[GitHub, GitHub, _PooledTransport] | None = None
        self._viewer: str | None = None

    def _clients(self) -> tuple[GitHub, GitHub, _PooledTransport]:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        clients = self._per_loop.get(loop) if loop is not None else self._no_loop
        if clients is None:
            transport = _PooledTransport(retries=0)
            common = dict(
                base_url=self.api_url + "/",
                user_agent=USER_AGENT,
                timeout=self._timeout_s,
                # githubkit's caching client ignores `timeout`; and GitHub data must be fresh.
                http_cache=False,
                trust_env=False,
                async_transport=transport,
                async_event_hooks={"response": [self.tracker.hook]},
            )
            reader = GitHub(self._auth, auto_retry=self.retry, **common)  # type: ignore[arg-type]
            writer = GitHub(self._auth, auto_retry=False, **common)  # type: ignore[arg-type]
            clients = (reader, writer, transport)
            if loop is None:
                self._no_loop = clients
            else:
                self._per_loop[loop] = clients
        return clients

    @property
    def reader(self) -> GitHub:
        """githubkit client for reads (bounded retry policy)."""
        return self._clients()[0]

    @property
    def writer(self) -> GitHub:
        """githubkit client for writes (never retries on its own)."""
        return self._clients()[1]

    @property
    def owner(self) -> str:
        return self.repo.owner

    @property
    def name(self) -> str:
        return self.repo.name

    def html_url(self, number: int) -> str:
        """Browser URL of an issue (github.com, or the Enterprise host)."""
        parsed = urllib.parse.urlsplit(self.api_url)
        host = parsed.netloc
        if host == "api.github.com":
            return f"https://github.com/{self.repo}/issues/{number}"
        if parsed.path.rstrip("/").endswith("/api/v3"):
            return f"{parsed.scheme}://{host}/{self.repo}/issues/{number}"
        return f"{self.api_url}/{self.repo}/issues/{number}"

    async def viewer(self) -> str:
        """Login of the authenticated user (cached)."""
        if self._viewer is None:
            async with translate_errors("who am I"):
                resp = await self.reader.rest.users.async_get_authenticated()
            self._viewer = resp.parsed_data.login
        return self._viewer

    async def aclose(self) -> None:
        """Close the connection pool of the running loop (others die with their loops)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return
        clients = self._per_loop.pop(loop, None)
        if clients is not None:
            await clients[2].really_close()


def _message(exc: RequestFailed) -> str:
    try:
        data = exc.response.json()
    except Exception:
        data = None
    if isinstance(data, dict) and data.get("message"):
        return str(data["message"])
    return exc.response.raw_response.reason_phrase or "request failed"


@asynccontextmanager
async def translate_errors(what: str) -> AsyncIterator[None]:
    """Turn githubkit/httpx exceptions into triagedeck's user-facing errors."""
    try:
        yield
    except PrimaryRateLimitExceeded as exc:
        reset = datetime.now(timezone.utc) + exc.retry_after if exc.retry_after else None
        raise RateLimited(f"{what}: GitHub API rate limit exhausted", reset_at=reset) from None
    except SecondaryRateLimitExceeded as exc:
        raise GitHubError(
            f"{what}: secondary rate limit (retry after {exc.retry_after.total_seconds():.0f}s)",
            status=exc.response.status_code,
        ) from None
    except RequestFailed as exc:
        status = exc.response.status_code
        cls = NotFound if status in (404, 410) else GitHubError
        raise cls(f"{what}: HTTP {status}: {_message(exc)}", status=status) from None
    except GraphQLFailed as exc:
        errors = exc.response.errors or []
        text = "; ".join(e.message for e in errors) or "GraphQL error"
        if any((e.type or "").upper() == "NOT_FOUND" for e in errors):
            raise NotFound(f"{what}: {text}") from None
        raise GitHubError(f"{what}: {text}") from None
    except RequestError as exc:
        raise GitHubError(f"{what}: network error: {exc.exc!s}") from None
    except GitHubException as exc:
        raise GitHubError(f"{what}: {exc!r}") from None
    except httpx.HTTPError as exc:
        raise GitHubError(f"{what}: network error: {exc!s}") from None
