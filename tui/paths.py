"""Where the stylesheets live: inside the wheel (``tui/_styles``) or in a source checkout."""

from __future__ import annotations

from pathlib import Path


def styles_dir() -> Path:
    """The folder of ``.tcss`` files (the wheel's copy first, else ``<repo>/styles``)."""
    packaged = Path(__file__).parent / "_styles"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "styles"


def stylesheets() -> list[Path]:
    """Every stylesheet, in a stable order (``app.tcss`` first so screens can refine it)."""
    folder = styles_dir()
    files = sorted(folder.glob("*.tcss"), key=lambda p: (p.name != "app.tcss", p.name))
    return files
