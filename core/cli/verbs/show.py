"""``triagedeck show N``: one issue with its comments."""

from __future__ import annotations

from ...issuefile import thread_to_json
from ...text import inert, one_line
from ._common import add_issue_args, add_json


def register(sub, parents) -> None:
    p = sub.add_parser("show", parents=parents, help="show an issue and its comments")
    add_issue_args(p)
    p.add_argument("--cached", action="store_true", help="use the local cache, do not ask GitHub")
    add_json(p)
    p.set_defaults(handler=handle)


async def handle(args, ctx) -> int:
    if args.cached and not args.issue_file:
        thread = ctx.workbench().cached_thread(args.number)
        if thread is None:
            ctx.error(f"#{args.number} is not in the cache (run without --cached, or `triagedeck sync`)")
            return 1
    else:
        thread = await ctx.load_thread(args)
    if ctx.json:
        ctx.emit_json(thread_to_json(thread))
        return 0
    issue = thread.issue
    state = issue.state + (f" ({issue.state_reason})" if issue.state_reason else "") + (", locked" if issue.locked else "")
    ctx.print(f"#{issue.number} {one_line(issue.title)}")
    ctx.print(f"{state} · by {one_line(issue.author)} ({issue.author_association}) · labels: {one_line(', '.join(issue.labels)) or '—'}")
    ctx.print()
    ctx.print(inert(issue.body or ""))
    for index, comment in enumerate(thread.comments, 1):
        ctx.print()
        ctx.print(f"--- comment {index} by {one_line(comment.author)} ({comment.author_association}) at {comment.created_at:%Y-%m-%d %H:%M}")
        ctx.print(inert(comment.body))
    return 0
