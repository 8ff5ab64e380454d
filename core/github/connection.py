"""One authenticated connection to a GitHub API (github.com, Enterprise or loopback).

It owns two githubkit clients over the same base URL: one for reads with the bounded
:class:`RetryPolicy`, one for writes with no automatic retry (the write gate retries
writes itself, after checking that the first attempt did not land).
"""

from __future__ import annotations

import urllib.parse
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


class Connection:
    def __init__(
        self,
        *,
        api_url: str,
        token: Secret | None,
        repo: RepoRef,
        retry: RetryPolicy | None = None,
        timeout_s: float = 30.0,
    ):
        self.api_url = api_url.rstrip("/")
        self.repo = repo
        self.tracker = RateLimitTracker()
        self.retry = retry or RetryPolicy()
        auth = token.reveal() if token else None
        common = dict(
            base_url=self.api_url + "/",
            user_agent=USER_AGENT,
            timeout=timeout_s,
            http_cache=False,
            trust_env=False,
            async_event_hooks={"response": [self.tracker.hook]},
        )
        self.reader = GitHub(auth, auto_retry=self.retry, **common)  # type: ignore[arg-type]
        self.writer = GitHub(auth, auto_retry=False, **common)  # type: ignore[arg-type]
        self._viewer: str | None = None

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
        # githubkit opens its httpx client per call unless entered as a context; nothing to close.
        return None


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
