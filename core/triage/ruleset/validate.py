"""A small schema checker for rule documents: errors name the file and the key path."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping

from .model import RulesError

# -- validation helpers ------------------------------------------------------------------


class Validator:
    """Small schema checker that raises RulesError naming the file and the key path."""

    def __init__(self, path: str):
        self.path = path

    def fail(self, key: str, message: str) -> RulesError:
        return RulesError(message, path=self.path, key=key)

    def table(self, data: Any, key: str) -> dict:
        if not isinstance(data, dict):
            raise self.fail(key, "must be a table")
        return data

    def string(self, data: Mapping, key: str, prefix: str, *, optional: bool = False, default: str | None = None) -> str | None:
        value = data.get(key, default)
        if value is None:
            if optional:
                return None
            raise self.fail(f"{prefix}{key}", "is required (a string)")
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{prefix}{key}", "must be a non-empty string")
        return value

    def strings(self, data: Mapping, key: str, prefix: str, *, default: Iterable[str] = ()) -> tuple[str, ...]:
        value = data.get(key, list(default))
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            raise self.fail(f"{prefix}{key}", "must be an array of non-empty strings")
        return tuple(value)

    def number(self, data: Mapping, key: str, prefix: str, *, minimum: float = 0.0) -> float:
        value = data.get(key)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{prefix}{key}", "must be a number")
        if value < minimum:
            raise self.fail(f"{prefix}{key}", f"must be at least {minimum}")
        return float(value)

    def regex(self, pattern: str, key: str, flags: int = re.IGNORECASE | re.MULTILINE) -> re.Pattern[str]:
        try:
            return re.compile(pattern, flags)
        except re.error as exc:
            raise self.fail(key, f"invalid regular expression {pattern!r}: {exc}") from None

    def unknown(self, data: Mapping, allowed: Iterable[str], prefix: str) -> None:
        extra = sorted(set(data) - set(allowed))
        if extra:
            raise self.fail(f"{prefix}{extra[0]}", f"unknown key (expected one of: {', '.join(sorted(allowed))})")
