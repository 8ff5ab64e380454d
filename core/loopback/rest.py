"""REST routes of the loopback server: a path → handler table over :class:`LoopbackState`."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlencode

from . import shapes
from .pulls import pull_json
from .search import parse_query, run_search
from .state import LoopbackState, StateError

SEARCH_CAP = 1000


@dataclass
class Reply:
    status: int
    body: Any = None  # JSON-able; None with 204
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class RestRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    api: str  # the server's base URL, for absolute links
    state: LoopbackState
    rate: dict[str, dict[str, int]]  # resource -> limit/remaining/reset/used (for /rate_limit)

    def param(self, name: str) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else None


def _int_param(req: RestRequest, name: str, default: int, lo: int, hi: int) -> int:
    raw = req.param(name)
    try:
        value = int(raw) if raw is not None else default
    except ValueError:
        value = default
    return min(max(value, lo), hi)


def paginate(req: RestRequest, items: list[Any], *, cap: int | None = None) -> tuple[list[Any], dict[str, str]]:
    """Slice by ``page``/``per_page`` and build GitHub's ``Link`` header (absolute URLs)."""
    per_page = _int_param(req, "per_page", 30, 1, 100)
    page = _int_param(req, "page", 1, 1, 10**9)
    reachable = len(items) if cap is None else min(len(items), cap)
    last = max(1, math.ceil(reachable / per_page))
    chunk = items[(page - 1) * per_page: min(page * per_page, reachable)]

    def url(n: int) -> str:
        params = [(k, v) for k, vs in req.query.items() if k != "page" for v in vs]
        params.append(("page", str(n)))
        return f"{req.api}{req.path}?{urlencode(params)}"

    links = []
    if page < last:
        links += [f'<{url(page + 1)}>; rel="next"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links += [f'<{url(min(page - 1, last))}>; rel="prev"', f'<{url(1)}>; rel="first"']
    return chunk, ({"Link": ", ".join(links)} if links else {})


def _error(status: int, message: str, errors: list[dict[str, Any]] | None = None) -> Reply:
    return Reply(status, shapes.error_json(status, message, errors))


# ---- handlers ------------------------------------------------------------------------------

def get_issue(req: RestRequest, number: int) -> Reply:
    issue = req.state.snapshot(number)
    return Reply(200, shapes.issue_json(issue, req.api, req.state))


def update_issue(req: RestRequest, number: int) -> Reply:
    if not isinstance(req.body, dict):
        return _error(400, "Problems parsing JSON")
    issue = req.state.update_issue(number, req.body)
    return Reply(200, shapes.issue_json(issue, req.api, req.state))


def list_comments(req: RestRequest, number: int) -> Reply:
    issue = req.state.snapshot(number)
    chunk, headers = paginate(req, issue.comments)
    return Reply(200, [shapes.comment_json(c, number, req.api, req.state) for c in chunk], headers)


def create_comment(req: RestRequest, number: int) -> Reply:
    body = req.body.get("body") if isinstance(req.body, dict) else None
    if not isinstance(body, str) or not body:
        missing = {"resource": "IssueComment", "code": "missing_field", "field": "body"}
        return _error(422, "Validation Failed", [missing])
    _issue, comment = req.state.add_comment(number, body)
    return Reply(201, shapes.comment_json(comment, number, req.api, req.state),
                 {"Location": f"{req.api}/repos/{req.state.repo}/issues/comments/{comment.id}"})


def _label_names(body: Any) -> list[str] | None:
    items = body.get("labels") if isinstance(body, dict) else body
    if not isinstance(items, list):
        return None
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if not isinstance(name, str) or not name.strip():
            return None
        names.append(name)
    return names


def _labels_reply(req: RestRequest, labels: list[Any]) -> Reply:
    return Reply(200, [shapes.label_json(lab, req.api, req.state) for lab in labels])


def list_issue_labels(req: RestRequest, number: int) -> Reply:
    issue = req.state.snapshot(number)
    return _labels_reply(req, [req.state.label(n) for n in issue.labels])


def add_labels(req: RestRequest, number: int) -> Reply:
    names = _label_names(req.body)
    if names is None:
        return _error(422, "Invalid request.\n\nFor 'links/0/schema', nil is not an array.")
    return _labels_reply(req, req.state.add_labels(number, names))


def set_labels(req: RestRequest, number: int) -> Reply:
    names = _label_names(req.body)
    if names is None:
        return _error(422, "Invalid request.")
    return _labels_reply(req, req.state.set_labels(number, names))


def remove_label(req: RestRequest, number: int, name: str) -> Reply:
    return _labels_reply(req, req.state.remove_label(number, unquote(name)))


def list_repo_labels(req: RestRequest) -> Reply:
    with req.state.lock:
        labels = sorted(req.state.labels.values(), key=lambda lab: lab.name.lower())
    chunk, headers = paginate(req, labels)
    return Reply(200, [shapes.label_json(lab, req.api, req.state) for lab in chunk], headers)


def check_collaborator(req: RestRequest, user: str) -> Reply:
    if req.state.is_collaborator(unquote(user)):
        return Reply(204)
    return _error(404, "Not Found")


def search_issues(req: RestRequest) -> Reply:
    q = req.param("q") or ""
    parsed = parse_query(q, req.state.repo)
    per_page = _int_param(req, "per_page", 30, 1, 100)
    page = _int_param(req, "page", 1, 1, 10**9)
    if (page - 1) * per_page >= SEARCH_CAP:
        return _error(422, "Cannot access beyond the first 1000 results, or the page does not exist.")
    sort, order = req.param("sort"), req.param("order")
    with req.state.lock:
        hits = run_search(req.state.issues.values(), parsed, sort=sort, order=order)
        chunk, headers = paginate(req, hits, cap=SEARCH_CAP)
        snaps = [req.state.snapshot(i.number) for i in chunk]
    items = [shapes.search_item_json(i, req.api, req.state) for i in snaps]
    body = {"total_count": len(hits), "incomplete_results": False, "items": items, "search_type": "lexical"}
    return Reply(200, body, headers)


def get_pull(req: RestRequest, number: int) -> Reply:
    return Reply(200, pull_json(req.state.get_pull(number), req.api, req.state))


def get_viewer(req: RestRequest) -> Reply:
    return Reply(200, shapes.viewer_json(req.api, req.state))


def get_rate_limit(req: RestRequest) -> Reply:
    resources = {name: dict(v) for name, v in req.rate.items()}
    return Reply(200, {"resources": resources, "rate": dict(resources["core"])})


# ---- routing -------------------------------------------------------------------------------

_REPO = r"/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)"
_ISSUE = _REPO + r"/issues/(?P<number>\d+)"

Handler = Callable[..., Reply]
ROUTES: list[tuple[str, re.Pattern[str], Handler]] = [
    ("GET", re.compile(_ISSUE + "$"), get_issue),
    ("PATCH", re.compile(_ISSUE + "$"), update_issue),
    ("GET", re.compile(_ISSUE + "/comments$"), list_comments),
    ("POST", re.compile(_ISSUE + "/comments$"), create_comment),
    ("GET", re.compile(_ISSUE + "/labels$"), list_issue_labels),
    ("POST", re.compile(_ISSUE + "/labels$"), add_labels),
    ("PUT", re.compile(_ISSUE + "/labels$"), set_labels),
    ("DELETE", re.compile(_ISSUE + "/labels/(?P<name>.+)$"), remove_label),
    ("GET", re.compile(_REPO + "/labels$"), list_repo_labels),
    ("GET", re.compile(_REPO + "/collaborators/(?P<user>[^/]+)$"), check_collaborator),
    ("GET", re.compile(_REPO + r"/pulls/(?P<number>\d+)$"), get_pull),
    ("GET", re.compile(r"/search/issues$"), search_issues),
    ("GET", re.compile(r"/user$"), get_viewer),
    ("GET", re.compile(r"/rate_limit$"), get_rate_limit),
]


def dispatch(req: RestRequest) -> Reply:
    """Route one request; unknown paths and other repositories answer 404 like GitHub."""
    for method, pattern, handler in ROUTES:
        m = pattern.match(req.path)
        if m is None or method != req.method:
            continue
        args = m.groupdict()
        owner, repo = args.pop("owner", None), args.pop("repo", None)
        if owner is not None and not req.state.is_repo(unquote(owner), unquote(repo or "")):
            return _error(404, "Not Found")
        if "number" in args:
            args["number"] = int(args["number"])
        try:
            return handler(req, **args)
        except StateError as exc:
            return _error(exc.status, exc.message, exc.errors)
    return _error(404, "Not Found")  # GitHub answers 404 (not 405) to an unknown method + path
