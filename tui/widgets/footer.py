"""A Footer that rebuilds its keys only when what it shows changes.

Textual's ``Footer`` recomposes (removes and mounts every key widget, each restyled
against the whole stylesheet) on every bindings signal: each focus change, screen resume
and ``refresh_bindings``. Opening a screen sends several, and most change nothing, or
only grey a key out. Measured on the demo (benchmarks/screen_open.py) that was the largest
single cost of opening the issue, repro and scrub screens.
"""

from __future__ import annotations

from textual.widgets import Footer
from textual.widgets._footer import FooterKey


class QuietFooter(Footer):
    """Drop-in ``Footer``: same keys, same look; skips rebuilds that would change nothing."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._shown: tuple | None = None

    def _signature(self) -> tuple:
        """What ``compose`` would show (enabled flags apart) and the enabled flags."""
        layout = []
        enabled_flags = []
        for _node, binding, enabled, tooltip in self.screen.active_bindings.values():
            if not binding.show:
                continue
            group = binding.group
            layout.append((binding.key, binding.action, binding.description, self.app.get_key_display(binding),
                           tooltip, None if group is None else (group.description, group.compact)))
            enabled_flags.append(enabled)
        palette = self.show_command_palette and self.app.ENABLE_COMMAND_PALETTE
        entry = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING) if palette else None
        if entry is not None:
            layout.append(("palette", entry[1].key, entry[1].description, entry[1].tooltip))
            enabled_flags.append(entry[2])
        return (tuple(layout), self.compact, self.combine_groups), tuple(enabled_flags)

    def bindings_changed(self, screen) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            self.call_after_refresh(self._update_keys)

    async def _update_keys(self) -> None:
        if not self.is_attached:
            return
        layout, enabled = self._signature()
        if self._shown is not None and self._shown[0] == layout:
            if self._shown[1] != enabled and not self._set_enabled():
                self._shown = None
                await self._update_keys()
                return
            self._shown = (layout, enabled)
            return
        self._shown = (layout, enabled)
        await self.recompose()

    def _set_enabled(self) -> bool:
        """Grey keys in or out in place (what a rebuild would show). False: no safe match."""
        wanted: dict[tuple[str, str], bool] = {}
        for _node, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if binding.show:
                wanted.setdefault((binding.key, binding.action), enabled)
        palette = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        if palette is not None:
            wanted[(palette[1].key, palette[1].action)] = palette[2]
        keys = list(self.query(FooterKey))
        if any((key.key, key.action) not in wanted for key in keys):
            return False
        for key in keys:
            disabled = not wanted[(key.key, key.action)]
            if key._disabled != disabled:
                key._disabled = disabled
                key.set_class(disabled, "-disabled")
        return True
