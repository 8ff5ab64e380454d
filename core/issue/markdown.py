"""Markdown structure of an issue thread: code blocks, images, links and prose.

Bodies and comments are parsed with markdown-it-py (CommonMark). HTML blocks are raw to
CommonMark, so their inner markdown (the usual ``<details>`` log dump) is parsed again
after removing the wrapping tags. Everything here is pure: text in, frozen records out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from markdown_it import MarkdownIt

from core.models import IssueThread

_MAX_HTML_DEPTH = 4


@dataclass(frozen=True, slots=True)
class Post:
    """One piece of the thread: the issue body (``comment_index`` None) or a comment."""

    author: str
    author_association: str
    created_at: datetime | None
    text: str
    comment_index: int | None = None

    @property
    def label(self) -> str:
        """Human label: ``body`` or ``comment N`` (1-based)."""
        return "body" if self.comment_index is None else f"comment {self.comment_index + 1}"


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """A fenced or indented code block. Lines are 1-based within its post's text."""

    code: str
    lang: str
    post: Post
    line_start: int
    line_end: int
    fenced: bool = True
    in_details: bool = False
    order: int = 0  # position among all blocks of the thread


@dataclass(frozen=True, slots=True)
class Image:
    src: str
    alt: str
    post: Post
    line: int


@dataclass(frozen=True, slots=True)
class Link:
    href: str
    text: str
    post: Post
    line: int


@dataclass(frozen=True, slots=True)
class Prose:
    """A paragraph's inline source (newlines kept), for errors pasted outside fences."""

    text: str
    post: Post
    line: int


@dataclass(frozen=True, slots=True)
class ParsedThread:
    posts: tuple[Post, ...]
    blocks: tuple[CodeBlock, ...]
    images: tuple[Image, ...]
    links: tuple[Link, ...]
    prose: tuple[Prose, ...]


def _make_parser() -> MarkdownIt:
    md = MarkdownIt("commonmark")
    try:  # linkify-it-py is optional: bare URLs become links when it is there
        import linkify_it  # noqa: F401

        md = MarkdownIt("commonmark", {"linkify": True}).enable("linkify")
    except ImportError:
        pass
    return md


_MD = _make_parser()

_COMMENT_RE = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# Only wrapper tags are removed from HTML blocks; a generic tag regex would eat `a < b > c`.
_WRAPPER_TAG_RE = re.compile(
    r"</?(?:details|summary|p|br|div|span|b|i|strong|em|blockquote|sub|sup|h[1-6]|hr|center)\b[^<>]*>",
    re.I,
)
_SUMMARY_RE = re.compile(r"<summary\b[^<>]*>.*?</summary\s*>", re.I | re.S)
_IMG_RE = re.compile(r"""<img\b[^<>]*?\bsrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))""", re.I)
_ALT_RE = re.compile(r"""\balt\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
_A_RE = re.compile(r"""<a\b[^<>]*?\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'<>]+))""", re.I)
_DETAILS_OPEN = re.compile(r"<details\b", re.I)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.I)


def _keep_newlines(match: re.Match[str]) -> str:
    return "\n" * match.group(0).count("\n")


def _lang_of(info: str) -> str:
    word = info.strip().split(maxsplit=1)[0] if info.strip() else ""
    return word.strip("{}.").lower()


def _line_of(text: str, pos: int) -> int:
    return text.count("\n", 0, pos)


class _Collector:
    def __init__(self, post: Post):
        self.post = post
        self.blocks: list[CodeBlock] = []
        self.images: list[Image] = []
        self.links: list[Link] = []
        self.prose: list[Prose] = []

    def parse(self, text: str, base: int, depth: int, details: int) -> int:
        """Parse ``text`` whose first line is line ``base`` (0-based) of the post.

        Returns the ``<details>`` nesting depth after the text, so blocks between an
        opening and a closing HTML block are marked as inside details.
        """
        for tok in _MD.parse(text):
            start = base + (tok.map[0] if tok.map else 0)
            if tok.type in ("fence", "code_block"):
                fenced = tok.type == "fence"
                code = tok.content
                first = start + (2 if fenced else 1)
                last = first + max(code.count("\n"), 1) - 1
                self.blocks.append(
                    CodeBlock(code, _lang_of(tok.info) if fenced else "", self.post, first, last, fenced, details > 0)
                )
            elif tok.type == "html_block":
                details = self._html_block(tok.content, start, depth, details)
            elif tok.type == "inline":
                details = self._inline(tok, start, details)
        return details

    def _html_block(self, raw: str, start: int, depth: int, details: int) -> int:
        raw = _COMMENT_RE.sub(_keep_newlines, raw)
        self._html_media(raw, start)
        opens = len(_DETAILS_OPEN.findall(raw))
        closes = len(_DETAILS_CLOSE.findall(raw))
        inner = _SUMMARY_RE.sub(_keep_newlines, raw)
        inner = _IMG_RE.sub("", inner)
        inner = _WRAPPER_TAG_RE.sub("", inner)
        # An HTML block may open details, hold markdown and close it, all in one token.
        inside = details + opens
        if inner.strip() and inner != raw and depth < _MAX_HTML_DEPTH:
            self.parse(inner, start, depth + 1, inside)
        return max(0, details + opens - closes)

    def _html_media(self, raw: str, start: int) -> None:
        for m in _IMG_RE.finditer(raw):
            src = next(g for g in m.groups() if g is not None)
            alt_m = _ALT_RE.search(m.group(0))
            alt = next((g for g in alt_m.groups() if g is not None), "") if alt_m else ""
            self.images.append(Image(src, alt, self.post, start + _line_of(raw, m.start()) + 1))
        for m in _A_RE.finditer(raw):
            href = next(g for g in m.groups() if g is not None)
            self.links.append(Link(href, "", self.post, start + _line_of(raw, m.start()) + 1))

    def _inline(self, tok, start: int, details: int) -> int:
        if tok.content.strip():
            self.prose.append(Prose(tok.content, self.post, start + 1))
        children = tok.children or []
        for i, child in enumerate(children):
            if child.type == "image":
                self.images.append(Image(str(child.attrGet("src") or ""), child.content, self.post, start + 1))
            elif child.type == "link_open":
                text = children[i + 1].content if i + 1 < len(children) else ""
                self.links.append(Link(str(child.attrGet("href") or ""), text, self.post, start + 1))
            elif child.type == "html_inline":
                self._html_media(child.content, start)
                details += len(_DETAILS_OPEN.findall(child.content))
                details = max(0, details - len(_DETAILS_CLOSE.findall(child.content)))
        return details


def parse_post(post: Post) -> _Collector:
    collector = _Collector(post)
    text = post.text.replace("\r\n", "\n").replace("\r", "\n")
    collector.parse(text, 0, 0, 0)
    return collector


def thread_posts(thread: IssueThread) -> tuple[Post, ...]:
    """The body then every comment, as :class:`Post` records."""
    issue = thread.issue
    posts = [Post(issue.author, issue.author_association, issue.created_at, issue.body or "")]
    for i, c in enumerate(thread.comments):
        posts.append(Post(c.author, c.author_association, c.created_at, c.body or "", i))
    return tuple(posts)


def parse_posts(posts: tuple[Post, ...] | list[Post]) -> ParsedThread:
    """Parse every post; code blocks are numbered in thread order."""
    blocks: list[CodeBlock] = []
    images: list[Image] = []
    links: list[Link] = []
    prose: list[Prose] = []
    for post in posts:
        c = parse_post(post)
        for b in c.blocks:
            blocks.append(CodeBlock(b.code, b.lang, b.post, b.line_start, b.line_end, b.fenced, b.in_details, len(blocks)))
        images += c.images
        links += c.links
        prose += c.prose
    return ParsedThread(tuple(posts), tuple(blocks), tuple(images), tuple(links), tuple(prose))


def parse_thread(thread: IssueThread) -> ParsedThread:
    """Parse an issue body and all its comments."""
    return parse_posts(thread_posts(thread))


def parse_text(text: str, author: str = "", association: str = "NONE") -> ParsedThread:
    """Parse a single markdown text as if it were an issue body (handy for tests and tools)."""
    return parse_posts((Post(author, association, None, text),))
