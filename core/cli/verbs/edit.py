"""``triagedeck edit N``: labels, a comment and/or a close, as one plan through the write gate."""

from __future__ import annotations

from pathlib import Path

from ...errors import TriagedeckError
from ...gate.plan import AddLabels, CloseIssue, PostComment, RemoveLabel, WritePlan
from ..context import format_result
from ._common import add_json, add_write_args


def register(sub, parents) -> None:
    p = sub.add_parser("edit", parents=parents, help="label, comment on or close an issue (through the write gate)")
    p.add_argument("number", type=int, help="issue number")
    p.add_argument("--add-label", action="append", default=[], metavar="LABEL", help="add a label (repeatable; one batched call)")
    p.add_argument("--remove-label", action="append", default=[], metavar="LABEL", help="remove a label (repeatable)")
    p.add_argument("--comment", metavar="TEXT", help="comment body")
    p.add_argument("--comment-file", metavar="FILE", help="comment body from a file ('-' = stdin)")
    p.add_argument("--close", choices=["completed", "not_planned"], help="close with this reason (after the other actions)")
    add_write_args(p)
    add_json(p)
    p.set_defaults(handler=handle)


async def handle(args, ctx) -> int:
    body = args.comment
    if args.comment_file:
        if body:
            raise TriagedeckError("give --comment or --comment-file, not both")
        body = ctx.stdin.read() if args.comment_file == "-" else Path(args.comment_file).read_text(encoding="utf-8")
    actions = [RemoveLabel(label) for label in args.remove_label]
    if args.add_label:
        actions.append(AddLabels(tuple(args.add_label)))
    if body and body.strip():
        actions.append(PostComment(body))
    if args.close:
        actions.append(CloseIssue(args.close))
    if not actions:
        raise TriagedeckError("nothing to do: give --add-label, --remove-label, --comment(-file) or --close")
    plan = WritePlan(ctx.config.repo, args.number, tuple(actions), title="manual edit", origin="cli edit")
    result = await ctx.execute_plan(plan, yes=args.yes, dry_run=args.dry_run)
    if ctx.json:
        ctx.emit_json(result.to_json())
    else:
        ctx.print(format_result(result))
    return 0 if result.ok else 1
