"""Argument helpers shared by verbs."""

from __future__ import annotations

import argparse


def add_issue_args(parser: argparse.ArgumentParser, *, required: bool = True) -> None:
    """``N`` or ``--issue-file F`` (a GitHub REST issue JSON with a ``comments`` array)."""
    parser.add_argument("number", nargs="?", type=int, help="issue number")
    parser.add_argument("--issue-file", metavar="F", help="read the issue from a JSON file instead of GitHub")
    if required:
        parser.set_defaults(_issue_required=True)


def add_json(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON document")


def add_write_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--yes", action="store_true", help="confirm the plan (required to send from scripts)")
    parser.add_argument("--dry-run", action="store_true", help="show the plan, send nothing")
