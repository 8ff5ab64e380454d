"""Choosing the repro to run, per the scrub seed (step 1).

Prefer the most recent runnable repro of the original poster; a commenter's repro wins
when it is strictly shorter and self-contained. A repro split over consecutive blocks of
one post is merged when the second block obviously continues the first. No copyable code
stops the workflow: "screenshot only" when images stand in for it, else "no repro".
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from core.issue.classify import BlockKind, classify_block, from_prompt
from core.issue.markdown import CodeBlock, ParsedThread, Post
from core.issue.names import NameUse, name_use


@dataclass(frozen=True, slots=True)
class Candidate:
    """A runnable-looking Python snippet (possibly merged from consecutive blocks)."""

    code: str
    author: str
    post: Post
    blocks: tuple[int, ...]  # orders of the code blocks it came from
    lines: int  # non-blank, non-comment lines
    parses: bool
    free_names: tuple[str, ...]
    from_op: bool
    lang: str = "python"  # "shell" for a launch command given without any Python

    @property
    def source(self) -> str:
        return self.post.label

    @property
    def self_contained(self) -> bool:
        return self.parses and not self.free_names

    @property
    def merged(self) -> bool:
        return len(self.blocks) > 1


@dataclass(frozen=True, slots=True)
class Stop:
    """The workflow stops here: ``kind`` is ``screenshot_only`` or ``no_repro``."""

    kind: str
    reason: str


@dataclass(frozen=True, slots=True)
class Selection:
    selected: Candidate | None
    why: str
    candidates: tuple[Candidate, ...]
    stop: Stop | None = None

    @property
    def others(self) -> tuple[Candidate, ...]:
        return tuple(c for c in self.candidates if c is not self.selected)


def _count_lines(code: str) -> int:
    return sum(1 for line in code.split("\n") if line.strip() and not line.strip().startswith("#"))


def _block_code(block: CodeBlock) -> str:
    return from_prompt(block.code) or block.code


def _continues(prev: NameUse | None, nxt: NameUse | None) -> bool:
    """The next block uses names the previous one binds and re-imports nothing it had."""
    if prev is None or nxt is None or not nxt.free:
        return False
    return bool(nxt.free & prev.bound) and not (nxt.imported_modules & prev.imported_modules)


def _candidate(codes: list[str], blocks: list[int], post: Post, op: str) -> Candidate:
    code = "\n".join(c.rstrip("\n") for c in codes) + "\n"
    use = name_use(code)
    free = tuple(sorted(use.free)) if use is not None else ()
    return Candidate(code, post.author, post, tuple(blocks), _count_lines(code), use is not None, free, post.author == op)


_LAUNCH_RE = re.compile(r"(?:^|\s)(?:torchrun|python[\d.]*\s+-m\s+torch\.distributed\.(?:run|launch)|python[\d.]*\s+-c)\b")


def shell_candidates(parsed: ParsedThread) -> tuple[Candidate, ...]:
    """Shell blocks that launch something (torchrun, ``python -c``): a repro of last resort."""
    if not parsed.posts:
        return ()
    op = parsed.posts[0].author
    out = []
    for block in parsed.blocks:
        if classify_block(block.code, block.lang) is BlockKind.SHELL and _LAUNCH_RE.search(block.code):
            out.append(Candidate(block.code, block.post.author, block.post, (block.order,), _count_lines(block.code),
                                 False, (), block.post.author == op, "shell"))
    return tuple(out)


def candidates(parsed: ParsedThread) -> tuple[Candidate, ...]:
    """Python snippets of the thread, in order, with split repros merged."""
    if not parsed.posts:
        return ()
    op = parsed.posts[0].author
    out: list[Candidate] = []
    for post in parsed.posts:
        group_codes: list[str] = []
        group_blocks: list[int] = []
        group_use: NameUse | None = None
        for block in parsed.blocks:
            if block.post is not post or classify_block(block.code, block.lang) is not BlockKind.PYTHON:
                continue
            code = _block_code(block)
            if not _count_lines(code):
                continue
            use = name_use(code)
            if group_codes and _continues(group_use, use):
                group_codes.append(code)
                group_blocks.append(block.order)
                group_use = name_use("\n".join(group_codes))
                continue
            if group_codes:
                out.append(_candidate(group_codes, group_blocks, post, op))
            group_codes, group_blocks, group_use = [code], [block.order], use
        if group_codes:
            out.append(_candidate(group_codes, group_blocks, post, op))
    return tuple(out)


def _describe(c: Candidate) -> str:
    where = f"{c.source} by @{c.author}"
    if c.merged:
        where += f" (merged from {len(c.blocks)} consecutive blocks; the later ones continue the first)"
    return where


def _stop_without_code(parsed: ParsedThread) -> Stop:
    if parsed.images:
        where = sorted({img.post.label for img in parsed.images})
        return Stop(
            "screenshot_only",
            f"The repro is only shown in {len(parsed.images)} image(s) ({', '.join(where)}); "
            "there is no copyable code to run. Ask the reporter to paste it as text.",
        )
    return Stop("no_repro", "No runnable Python code block was found in the issue or its comments.")


def select_repro(parsed: ParsedThread) -> Selection:
    """Pick the repro and say why; stop when there is nothing to run."""
    cands = candidates(parsed)
    if not cands:
        shell = shell_candidates(parsed)
        if shell:
            best = next((c for c in reversed(shell) if c.from_op), shell[-1])
            return Selection(best, f"no Python code; the launch command given in {_describe(best)} is the repro", shell)
        return Selection(None, "", (), _stop_without_code(parsed))
    op_cands = [c for c in cands if c.from_op]
    op_choice = next((c for c in reversed(op_cands) if c.self_contained), None)
    if op_choice is None:
        op_choice = next((c for c in reversed(op_cands) if c.parses), op_cands[-1] if op_cands else None)
    others = [c for c in cands if not c.from_op and c.self_contained]

    if op_choice is not None and op_choice.self_contained:
        shorter = [c for c in others if c.lines < op_choice.lines]
        if shorter:
            best = min(shorter, key=lambda c: (c.lines, -c.blocks[0]))
            why = (
                f"a commenter's repro, {_describe(best)}, is strictly shorter ({best.lines} vs {op_choice.lines} lines) "
                f"and self-contained, so it is preferred over the original poster's ({op_choice.source})"
            )
            return Selection(best, why, cands)
        label = "the only" if len(op_cands) == 1 else "the most recent"
        return Selection(op_choice, f"{label} runnable repro from the original poster: {_describe(op_choice)}", cands)

    if others:
        best = min(others, key=lambda c: (c.lines, -c.blocks[0])) if op_choice else others[-1]
        if op_choice is not None:
            why = (
                f"the original poster's code ({op_choice.source}) is not self-contained "
                f"({_why_not(op_choice)}); {_describe(best)} is"
            )
        else:
            why = f"the original poster posted no code; most recent self-contained repro: {_describe(best)}"
        return Selection(best, why, cands)

    chosen = op_choice or cands[-1]
    return Selection(chosen, f"best available code, {_describe(chosen)}, but it is not self-contained ({_why_not(chosen)})", cands)


def _why_not(c: Candidate) -> str:
    if not c.parses:
        return "it does not parse as Python"
    return "uses names it never defines: " + ", ".join(c.free_names[:8])
