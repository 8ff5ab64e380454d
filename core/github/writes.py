"""GitHub write endpoints. Only the write gate (core.gate) may import this module —
an import-linter contract enforces it — so no other code path can write to GitHub.

These calls never retry on their own (see Connection.writer).
"""

from __future__ import annotations

import urllib.parse

from ..models import Comment, Subscription
from .connection import Connection, translate_errors
from .convert import comment_from_rest

UPDATE_SUBSCRIPTION = """
mutation($id: ID!, $state: SubscriptionState!) {
  updateSubscription(input: {subscribableId: $id, state: $state}) {
    subscribable { viewerSubscription }
  }
}
"""


class GitHubWriter:
    def __init__(self, conn: Connection):
        self.conn = conn

    @property
    def _rest(self):
        return self.conn.writer.rest

    async def add_labels(self, number: int, labels: list[str]) -> list[str]:
        """One batched call; returns the issue's labels afterwards."""
        async with translate_errors(f"add labels to #{number}"):
            resp = await self._rest.issues.async_add_labels(
                self.conn.owner, self.conn.name, number, data={"labels": labels}
            )
        return [l.name for l in resp.parsed_data]

    async def remove_label(self, number: int, label: str) -> list[str]:
        name = urllib.parse.quote(label, safe="")
        async with translate_errors(f"remove label {label!r} from #{number}"):
            resp = await self._rest.issues.async_remove_label(self.conn.owner, self.conn.name, number, name)
        return [l.name for l in resp.parsed_data]

    async def create_comment(self, number: int, body: str) -> Comment:
        async with translate_errors(f"comment on #{number}"):
            resp = await self._rest.issues.async_create_comment(
                self.conn.owner, self.conn.name, number, data={"body": body}
            )
        return comment_from_rest(resp.parsed_data)

    async def close(self, number: int, reason: str) -> None:
        async with translate_errors(f"close #{number}"):
            await self._rest.issues.async_update(
                self.conn.owner, self.conn.name, number, data={"state": "closed", "state_reason": reason}
            )

    async def update_subscription(self, node_id: str, state: Subscription) -> Subscription:
        async with translate_errors("update subscription"):
            data = await self.conn.writer.async_graphql(UPDATE_SUBSCRIPTION, {"id": node_id, "state": state.value})
        return Subscription(data["updateSubscription"]["subscribable"]["viewerSubscription"])
