"""Configuration: a TOML file in the platform config dir, overridden by env and flags.

Precedence (later wins): built-in defaults < config file < ``TRIAGEDECK_*`` environment
variables < command-line flags. A malformed file raises :class:`ConfigError` naming the
file, the line and the key.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Mapping

import platformdirs

from .errors import ConfigError
from .models import QueueSection, RepoRef

APP_NAME = "triagedeck"
DEFAULT_API_URL = "https://api.github.com"
DEFAULT_SIGNATURE = "Analysis done with triagedeck."


def default_sections(repo: str) -> tuple[QueueSection, ...]:
    return (
        QueueSection("Untriaged", f"repo:{repo} is:issue is:open -label:triaged"),
        QueueSection(
            "Distributed, untriaged",
            f'repo:{repo} is:issue is:open label:"oncall: distributed" -label:triaged',
        ),
        QueueSection("Fuzzer", f"repo:{repo} is:issue is:open in:title Fuzzer"),
        QueueSection("All open", f"repo:{repo} is:issue is:open"),
    )


@dataclass(frozen=True, slots=True)
class Config:
    repo: str = "pytorch/pytorch"
    api_url: str = DEFAULT_API_URL
    data_dir: Path = field(default_factory=lambda: Path(platformdirs.user_data_dir(APP_NAME)))
    pytorch_checkout: Path | None = None
    signature: str = DEFAULT_SIGNATURE
    sections: tuple[QueueSection, ...] = ()
    keymap: Mapping[str, str] = field(default_factory=dict)
    # Extra tables (runner environments, triage options...) kept as validated dicts so the
    # subsystems that own them can read their own part.
    extra: Mapping[str, Any] = field(default_factory=dict)
    source: Path | None = None

    @property
    def repo_ref(self) -> RepoRef:
        return RepoRef.parse(self.repo)

    @property
    def queue_sections(self) -> tuple[QueueSection, ...]:
        return self.sections or default_sections(self.repo)

    @property
    def store_path(self) -> Path:
        return self.data_dir / "triagedeck.sqlite3"


def default_config_path() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME)) / "config.toml"


# Keys of the top level and their expected TOML types; tables listed separately.
_SCALARS: dict[str, type] = {
    "repo": str,
    "api_url": str,
    "data_dir": str,
    "pytorch_checkout": str,
    "signature": str,
}
_TABLES = {"keymap", "runners", "triage", "scrub", "fuzz", "minimize"}
_ARRAYS_OF_TABLES = {"sections"}
_TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", dict: "a table", list: "an array"}


def _line_of(text: str, key: str, table: str | None = None) -> int | None:
    """Best-effort line number of ``key`` (inside ``[table]`` when given)."""
    lines = text.splitlines()
    in_table = table is None
    key_re = re.compile(rf"""^\s*(?:"{re.escape(key)}"|'{re.escape(key)}'|{re.escape(key)})\s*=""")
    header_re = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?")
    for number, line in enumerate(lines, start=1):
        header = header_re.match(line)
        if header:
            name = header.group(1).strip().strip('"')
            if table is not None:
                in_table = name == table
            elif name == key:
                return number
            else:
                in_table = False
            continue
        if in_table and key_re.match(line):
            return number
    return None


def _validate(data: dict[str, Any], text: str, path: str) -> dict[str, Any]:
    def fail(msg: str, key: str, table: str | None = None) -> ConfigError:
        return ConfigError(msg, path=path, line=_line_of(text, key, table), key=key if not table else f"{table}.{key}")

    out: dict[str, Any] = {}
    for key, value in data.items():
        if key in _SCALARS:
            if not isinstance(value, _SCALARS[key]):
                raise fail(f"must be {_TYPE_NAMES[_SCALARS[key]]}, not {type(value).__name__}", key)
            if key == "repo":
                try:
                    RepoRef.parse(value)
                except ValueError as exc:
                    raise fail(str(exc), key) from None
            if key == "api_url" and not re.match(r"^https?://", value):
                raise fail("must start with http:// or https://", key)
            out[key] = value
        elif key in _TABLES:
            if not isinstance(value, dict):
                raise fail("must be a table", key)
            if key == "keymap":
                for action, keys in value.items():
                    if not isinstance(keys, str) or not keys.strip():
                        raise fail("must be a key name such as \"ctrl+r\" (several: comma-separated)", action, "keymap")
            out[key] = value
        elif key in _ARRAYS_OF_TABLES:
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise fail("must be an array of tables ([[sections]])", key)
            sections = []
            for entry in value:
                unknown = set(entry) - {"title", "query", "limit"}
                if unknown:
                    bad = sorted(unknown)[0]
                    raise fail("unknown key in [[sections]] (expected title, query, limit)", bad, "sections")
                for need in ("title", "query"):
                    if not isinstance(entry.get(need), str) or not entry[need].strip():
                        raise fail("every [[sections]] entry needs a non-empty string", need, "sections")
                limit = entry.get("limit", 1000)
                if not isinstance(limit, int) or limit <= 0:
                    raise fail("must be a positive integer", "limit", "sections")
                sections.append(QueueSection(entry["title"], entry["query"], limit))
            out[key] = tuple(sections)
        else:
            known = ", ".join(sorted([*_SCALARS, *_TABLES, *_ARRAYS_OF_TABLES]))
            raise fail(f"unknown setting (known: {known})", key)
    return out


def _apply(config: Config, values: Mapping[str, Any]) -> Config:
    changes: dict[str, Any] = {}
    extra = dict(config.extra)
    for key, value in values.items():
        if key in ("data_dir", "pytorch_checkout"):
            changes[key] = Path(os.path.expanduser(value)) if value else None
        elif key in ("repo", "api_url", "signature", "sections"):
            changes[key] = value
        elif key == "keymap":
            changes["keymap"] = dict(value)
        else:
            extra[key] = value
    changes["extra"] = extra
    if changes.get("data_dir") is None and "data_dir" in changes:
        del changes["data_dir"]
    return replace(config, **changes)


_ENV_KEYS = {
    "TRIAGEDECK_REPO": "repo",
    "TRIAGEDECK_API_URL": "api_url",
    "TRIAGEDECK_DATA_DIR": "data_dir",
    "TRIAGEDECK_PYTORCH_CHECKOUT": "pytorch_checkout",
    "TRIAGEDECK_SIGNATURE": "signature",
}


def load_config(
    path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Config:
    """Load the configuration.

    ``path`` (from ``--config``) must exist; without it, ``TRIAGEDECK_CONFIG`` or the
    platform default is read if present. ``overrides`` are command-line values (None = unset).
    """
    env = os.environ if env is None else env
    explicit = path is not None or bool(env.get("TRIAGEDECK_CONFIG"))
    file_path = Path(path or env.get("TRIAGEDECK_CONFIG") or default_config_path()).expanduser()
    config = Config()
    if file_path.exists() or explicit:
        try:
            text = file_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise ConfigError("config file not found", path=str(file_path)) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"cannot read config file ({exc})", path=str(file_path)) from None
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            match = re.search(r"at line (\d+)", str(exc))
            raise ConfigError(
                f"not valid TOML: {str(exc).split(' (at line')[0]}",
                path=str(file_path),
                line=int(match.group(1)) if match else None,
            ) from None
        config = _apply(config, _validate(data, text, str(file_path)))
        config = replace(config, source=file_path)

    env_values = {key: env[name] for name, key in _ENV_KEYS.items() if env.get(name)}
    if env_values:
        config = _apply(config, _validate(env_values, "", "environment (TRIAGEDECK_*)"))
    if overrides:
        given = {k: v for k, v in overrides.items() if v is not None}
        if given:
            config = _apply(config, _validate(given, "", "command line"))
    return config
