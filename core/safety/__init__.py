"""Repro security review: the static scanner, author trust and the run gate."""

from core.safety.rules import Category, Finding
from core.safety.scanner import ScanReport, scan, scan_python, scan_shell

__all__ = ["Category", "Finding", "ScanReport", "scan", "scan_python", "scan_shell"]
