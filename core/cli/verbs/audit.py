"""``triagedeck audit``: the log of every write the gate executed."""

from __future__ import annotations

from ...models import format_timestamp
from ._common import add_json


def register(sub, parents) -> None:
    p = sub.add_parser("audit", parents=parents, help="show the audit log of GitHub writes")
    p.add_argument("--issue", type=int, help="only this issue")
    p.add_argument("--limit", type=int, default=100)
    add_json(p)
    p.set_defaults(handler=handle)


async def handle(args, ctx) -> int:
    wb = ctx.workbench()
    entries = wb.store.audit.entries(repo=wb.repo, issue=args.issue, limit=args.limit)
    if ctx.json:
        ctx.emit_json(
            [
                {
                    "id": e.id,
                    "time": format_timestamp(e.time),
                    "repo": e.repo,
                    "issue": e.issue,
                    "action": e.action,
                    "payload_digest": e.payload_digest,
                    "result": e.result,
                    "error": e.error,
                    "detail": e.detail,
                }
                for e in entries
            ]
        )
        return 0
    for e in entries:
        ctx.print(f"{e.time:%Y-%m-%d %H:%M:%S}  #{e.issue:<7} {e.action:<22} {e.result:<18} {e.detail}" + (f"  ! {e.error}" if e.error else ""))
    if not entries:
        ctx.print("(no writes recorded)")
    return 0
