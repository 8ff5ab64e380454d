"""githubkit-based GitHub layer: connection, reads, queue sync. Writes live in
``core.github.writes`` and are reachable only through the write gate."""

from .connection import Connection, translate_errors
from .ratelimit import RateLimitTracker, RetryPolicy
from .reads import GitHubReader

__all__ = ["Connection", "GitHubReader", "RateLimitTracker", "RetryPolicy", "translate_errors"]
