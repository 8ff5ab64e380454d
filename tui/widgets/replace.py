"""Replacing a container's children in one visible step."""

from __future__ import annotations

from typing import Iterable

from textual.widget import Widget


async def replace_children(container: Widget, widgets: Iterable[Widget]) -> None:
    """Swap ``container``'s children for ``widgets`` with no blank frame in between.

    The old children must be gone before the new ones mount (they may reuse IDs), so both
    awaits happen inside ``batch_update``. A screen skips its layout pass while a batch is
    open and nothing re-runs it when the batch ends, so the layout is asked for again after.
    """
    with container.app.batch_update():
        await container.remove_children()
        await container.mount_all(list(widgets))
    container.refresh(layout=True)
