"""What every registry-driven screen shares: bindings from the registry, greyed-out checks."""

from __future__ import annotations

from typing import ClassVar

from .. import actions


class RegistryChecks:
    """Mixin for screens: an action whose registry ``check`` predicate fails is greyed out."""

    SCOPE: ClassVar[str] = ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        spec = actions.find(self.SCOPE, action)
        if spec is None or spec.check is None:
            return True
        predicate = getattr(self, spec.check, None)
        return True if predicate is None or predicate() else None
