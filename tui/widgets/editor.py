"""Code editors that build their syntax highlighting when they first get text.

Building a ``TextArea`` with ``language="python"`` compiles tree-sitter's highlight query
(about 120 ms here, every time), and the repro pane and the scrub screen each compose a
hidden Python editor that most visits never open. The editor is composed without a
language and takes it on its first ``load_text`` (which every edit starts with), so the
query is compiled once, when editing starts, and the editor looks the same when shown.
"""

from __future__ import annotations

from textual.widgets import TextArea


class DeferredLanguage(TextArea):
    """A ``TextArea`` whose ``deferred_language`` is applied on the first ``load_text``."""

    deferred_language: str | None = None

    @classmethod
    def deferred_code_editor(cls, text: str = "", *, language: str | None, **kwargs) -> DeferredLanguage:
        """``cls.code_editor`` with the language applied on the first ``load_text``."""
        editor = cls.code_editor(text, language=None, **kwargs)
        editor.deferred_language = language
        return editor

    def load_text(self, text: str) -> None:
        language, self.deferred_language = self.deferred_language, None
        if language is not None and self.language is None:
            # Not through the reactive: its watcher would build a document for the old
            # text first, compiling the query twice.
            self.set_reactive(TextArea.language, language)
            try:
                super().load_text(text)
                return
            except Exception:  # noqa: BLE001 - no grammar installed: plain text still edits fine
                self.set_reactive(TextArea.language, None)
        super().load_text(text)
