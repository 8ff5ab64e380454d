"""``triagedeck sync``: fill the cache with the queue sections' issues."""

from __future__ import annotations

from ...models import SyncStats, format_timestamp
from ._common import add_json


def register(sub, parents) -> None:
    p = sub.add_parser("sync", parents=parents, help="sync queue sections from GitHub into the local cache")
    p.add_argument("--section", action="append", metavar="TITLE", help="only this section (repeatable)")
    p.add_argument("--full", action="store_true", help="ignore the incremental cursor")
    add_json(p)
    p.set_defaults(handler=handle)


def _stats_json(stats: SyncStats) -> dict:
    return {
        "section": stats.section,
        "fetched": stats.fetched,
        "pages": stats.pages,
        "requests": stats.requests,
        "incremental": stats.incremental,
        "truncated": stats.truncated,
        "cursor": format_timestamp(stats.cursor),
    }


async def handle(args, ctx) -> int:
    wb = ctx.workbench()
    sections = [wb.section(t) for t in args.section] if args.section else list(wb.sections())
    results = []
    before = wb.rate_limit.requests
    for section in sections:
        stats = await wb.sync_section(section, full=args.full)
        results.append(_stats_json(stats))
        if not ctx.json:
            kind = "incremental" if stats.incremental else "full"
            extra = " (truncated: GitHub search returns at most 1,000)" if stats.truncated else ""
            ctx.print(f"{section.title}: {stats.fetched} issues, {stats.requests} requests, {kind}{extra}")
    if ctx.json:
        ctx.emit_json({"repo": wb.repo, "sections": results, "requests": wb.rate_limit.requests - before})
    return 0
