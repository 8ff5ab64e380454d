"""triagedeck's headless engine: GitHub, store, analysers, runners, workflows.

Nothing in this package imports Textual or ``tui`` (an import-linter contract enforces it).
"""

__version__ = "0.1.0"
