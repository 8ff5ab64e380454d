"""The GraphQL subset of GitHub's schema, executed by graphql-core over the loopback state.

Values are small wrapper objects whose attributes (or methods taking ``info`` and the field
arguments) are named after the GraphQL fields, so graphql-core's default resolver serves them.
Errors come back as GitHub does: HTTP 200, ``{"data": ..., "errors": [{"type": ..., ...}]}``.
"""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from typing import Any

from graphql import DocumentNode, GraphQLError, build_schema, execute_sync, parse, validate

from .graphql_sdl import SDL
from .search import parse_query, run_search
from .state import IssueRec, LabelRec, LoopbackState, StateError, clone_issue, iso, stable_id

MAX_FIRST = 100
_LOCK_REASONS = ("OFF_TOPIC", "TOO_HEATED", "RESOLVED", "SPAM")
_NO_PAGE = {"hasNextPage": False, "hasPreviousPage": False, "startCursor": None, "endCursor": None}


class TypedError(GraphQLError):
    """A GraphQL error carrying GitHub's top-level ``type`` (NOT_FOUND, FORBIDDEN...)."""

    def __init__(self, message: str, error_type: str) -> None:
        super().__init__(message)
        self.github_type = error_type


@dataclass
class Ctx:
    state: LoopbackState
    api: str
    rate: dict[str, Any]


def _cursor(offset: int) -> str:
    return base64.b64encode(f"cursor:{offset}".encode()).decode()


def _offset(after: str | None) -> int:
    if not after:
        return 0
    try:
        text = base64.b64decode(after.encode(), validate=True).decode()
        if text.startswith("cursor:"):
            return max(0, int(text[7:]))
    except (ValueError, UnicodeDecodeError):
        pass
    raise TypedError(f"`{after}` does not appear to be a valid cursor.", "INVALID_CURSOR_ARGUMENTS")


def _page(items: list[Any], first: int | None, after: str | None) -> tuple[list[Any], dict[str, Any], int]:
    if first is not None and not 0 <= first <= MAX_FIRST:
        raise TypedError(f"Requesting {first} records exceeds the `first` limit of {MAX_FIRST} records.",
                         "EXCESSIVE_PAGINATION")
    start = _offset(after)
    size = MAX_FIRST if first is None else first
    chunk = items[start:start + size]
    end = start + len(chunk)
    info = {
        "hasNextPage": end < len(items),
        "hasPreviousPage": start > 0,
        "startCursor": _cursor(start + 1) if chunk else None,
        "endCursor": _cursor(end) if chunk else None,
    }
    return chunk, info, start


def _conn(items: list[Any], first: int | None, after: str | None) -> dict[str, Any]:
    chunk, info, _ = _page(items, first, after)
    return {"nodes": chunk, "totalCount": len(items), "pageInfo": info}


class UserNode:
    def __init__(self, login: str, ctx: Ctx) -> None:
        self.login = login
        self.databaseId = stable_id(login.lower())
        self.id = f"U_kgDO{self.databaseId:010d}"
        self.name = None
        self.url = f"{ctx.state.html_base}/{login}"

    def avatarUrl(self, info: Any, size: int | None = None) -> str:
        return f"https://avatars.githubusercontent.com/u/{self.databaseId}?v=4"


class LabelNode:
    def __init__(self, label: LabelRec, ctx: Ctx) -> None:
        self.id = f"LA_kwDO{label.id:010d}"
        self.name, self.color, self.description = label.name, label.color, label.description
        self.isDefault = False
        self.url = f"{ctx.state.html_base}/{ctx.state.repo}/labels/{label.name}"


class IssueNode:
    """An Issue or PullRequest, over a detached snapshot of the record."""

    def __init__(self, issue: IssueRec, ctx: Ctx) -> None:
        self._issue, self._ctx = issue, ctx
        self.typename = "PullRequest" if issue.is_pull_request else "Issue"
        self.id, self.databaseId, self.number = issue.node_id, issue.id, issue.number
        self.title, self.body = issue.title, issue.body or ""
        kind = "pull" if issue.is_pull_request else "issues"
        self.url = f"{ctx.state.html_base}/{ctx.state.repo}/{kind}/{issue.number}"
        self.state = issue.state.upper()
        self.stateReason = issue.state_reason.upper() if issue.state_reason else None
        self.createdAt, self.updatedAt = iso(issue.created_at), iso(issue.updated_at)
        self.closedAt = iso(issue.closed_at)
        self.closed = issue.state == "closed"
        self.locked = issue.locked
        reason = (issue.active_lock_reason or "").upper().replace(" ", "_").replace("-", "_")
        self.activeLockReason = reason if issue.locked and reason in _LOCK_REASONS else None
        self.authorAssociation = issue.author_association
        self.author = UserNode(issue.user, ctx)
        self.viewerSubscription = issue.subscription
        self.viewerCanSubscribe = True

    def labels(self, info: Any, first: int | None = None, after: str | None = None) -> dict[str, Any]:
        nodes = [LabelNode(self._ctx.state.label(n), self._ctx) for n in self._issue.labels]
        return _conn(nodes, first, after)

    def assignees(self, info: Any, first: int | None = None, after: str | None = None) -> dict[str, Any]:
        return _conn([UserNode(a, self._ctx) for a in self._issue.assignees], first, after)

    def comments(self, info: Any, first: int | None = None, after: str | None = None,
                 last: int | None = None) -> dict[str, Any]:
        ctx = self._ctx
        nodes = [
            {
                "id": f"IC_kwDO{c.id:010d}", "databaseId": c.id, "body": c.body,
                "author": UserNode(c.user, ctx), "authorAssociation": c.author_association,
                "createdAt": iso(c.created_at), "updatedAt": iso(c.updated_at),
                "url": f"{self.url}#issuecomment-{c.id}",
            }
            for c in self._issue.comments
        ]
        if last is not None and first is None:
            nodes = nodes[-last:] if last else []
            return {"nodes": nodes, "totalCount": len(self._issue.comments), "pageInfo": dict(_NO_PAGE)}
        return _conn(nodes, first, after)

    def repository(self, info: Any) -> RepoNode:
        return RepoNode(self._ctx)


def _number_from_node_id(node_id: str) -> int | None:
    prefix, _, rest = node_id.partition("_kwLB")
    if prefix in ("I", "PR") and rest.isdigit():
        return int(rest)
    return None


class RepoNode:
    def __init__(self, ctx: Ctx) -> None:
        self._ctx = ctx
        state = ctx.state
        self.id = f"R_kgDO{stable_id(state.repo):010d}"
        self.name, self.nameWithOwner = state.name, state.repo
        self.url = f"{state.html_base}/{state.repo}"

    def _get(self, number: int, want: str | None) -> IssueNode:
        try:
            node = IssueNode(self._ctx.state.snapshot(number), self._ctx)
        except StateError:
            node = None
        if node is None or (want is not None and node.typename != want):
            noun = {"Issue": "an Issue", "PullRequest": "a PullRequest"}.get(want or "", "an issue or pull request")
            raise TypedError(f"Could not resolve to {noun} with the number of {number}.", "NOT_FOUND")
        return node

    def issue(self, info: Any, number: int) -> IssueNode:
        return self._get(number, "Issue")

    def pullRequest(self, info: Any, number: int) -> IssueNode:
        return self._get(number, "PullRequest")

    def issueOrPullRequest(self, info: Any, number: int) -> IssueNode:
        return self._get(number, None)

    def labels(self, info: Any, first: int | None = None, after: str | None = None) -> dict[str, Any]:
        state = self._ctx.state
        with state.lock:
            recs = sorted(state.labels.values(), key=lambda lab: lab.name.lower())
        return _conn([LabelNode(r, self._ctx) for r in recs], first, after)


# ---- root resolvers ------------------------------------------------------------------------

def _viewer(_root: Any, info: Any) -> UserNode:
    ctx: Ctx = info.context
    return UserNode(ctx.state.viewer, ctx)


def _repository(_root: Any, info: Any, owner: str, name: str) -> RepoNode:
    ctx: Ctx = info.context
    if not ctx.state.is_repo(owner, name):
        raise TypedError(f"Could not resolve to a Repository with the name '{owner}/{name}'.", "NOT_FOUND")
    return RepoNode(ctx)


def _search(_root: Any, info: Any, query: str, type: str, first: int | None = None, after: str | None = None,
            last: int | None = None, before: str | None = None) -> dict[str, Any]:
    ctx: Ctx = info.context
    if type not in ("ISSUE", "ISSUE_ADVANCED"):
        return {"issueCount": 0, "nodes": [], "edges": [], "pageInfo": dict(_NO_PAGE)}
    state = ctx.state
    try:
        parsed = parse_query(query, state.repo)
    except StateError as exc:
        raise TypedError(f"{exc.message}: {exc.errors[0]['message'] if exc.errors else query}", "INVALID") from None
    with state.lock:
        hits = run_search(state.issues.values(), parsed)
        capped = hits[:1000]  # GitHub search never reaches past the first 1000 results
        chunk, page_info, start = _page(capped, first, after)
        nodes = [IssueNode(_snapshot(state, issue), ctx) for issue in chunk]
    edges = [{"cursor": _cursor(start + i + 1), "node": node} for i, node in enumerate(nodes)]
    return {"issueCount": len(hits), "pageInfo": page_info, "nodes": nodes, "edges": edges}


def _snapshot(state: LoopbackState, issue: IssueRec) -> IssueRec:
    state.get_issue(issue.number)  # settles a delayed auto-subscription
    return clone_issue(issue)


def _rate_limit(_root: Any, info: Any, dryRun: bool = False) -> dict[str, Any]:
    return dict(info.context.rate)


def _node(_root: Any, info: Any, id: str) -> Any:
    ctx: Ctx = info.context
    number = _number_from_node_id(id)
    if number is None:
        raise TypedError(f"Could not resolve to a node with the global id of '{id}'", "NOT_FOUND")
    return RepoNode(ctx)._get(number, None)


def _update_subscription(_root: Any, info: Any, input: dict[str, Any]) -> dict[str, Any]:
    ctx: Ctx = info.context
    node_id = input["subscribableId"]
    number = _number_from_node_id(node_id)
    if number is None:
        raise TypedError(f"Could not resolve to a node with the global id of '{node_id}'", "NOT_FOUND")
    try:
        issue = ctx.state.set_subscription(number, input["state"])
    except StateError:
        raise TypedError(f"Could not resolve to a node with the global id of '{node_id}'", "NOT_FOUND") from None
    return {"clientMutationId": input.get("clientMutationId"), "subscribable": IssueNode(issue, ctx)}


def _resolve_issue_type(value: Any, _info: Any, _type: Any) -> str | None:
    if isinstance(value, IssueNode):
        return value.typename
    if isinstance(value, UserNode):
        return "User"
    if isinstance(value, RepoNode):
        return "Repository"
    if isinstance(value, LabelNode):
        return "Label"
    return None


def build() -> Any:
    schema = build_schema(SDL)
    query, mutation = schema.query_type, schema.mutation_type
    assert query is not None and mutation is not None
    query.fields["viewer"].resolve = _viewer
    query.fields["repository"].resolve = _repository
    query.fields["search"].resolve = _search
    query.fields["rateLimit"].resolve = _rate_limit
    query.fields["node"].resolve = _node
    mutation.fields["updateSubscription"].resolve = _update_subscription
    for name in ("SearchResultItem", "IssueOrPullRequest", "Subscribable", "Node", "Actor"):
        schema.get_type(name).resolve_type = _resolve_issue_type  # type: ignore[union-attr]
    return schema


SCHEMA = build()


def execute(body: Any, ctx: Ctx) -> dict[str, Any]:
    """Run one GraphQL request body; always a GitHub-style response document."""
    if not isinstance(body, dict) or not isinstance(body.get("query"), str):
        return {"errors": [{"message": "A query attribute must be specified and must be a string."}]}
    variables = body.get("variables")
    if variables is not None and not isinstance(variables, dict):
        return {"errors": [{"message": "Variables are invalid JSON."}]}
    op = body.get("operationName")
    document, errors = _document(body["query"])
    if document is None:
        return {"errors": [_format_error(e) for e in errors]}
    result = execute_sync(SCHEMA, document, variable_values=variables, context_value=ctx,
                          operation_name=op if isinstance(op, str) else None)
    doc: dict[str, Any] = {}
    if result.data is not None or not result.errors:
        doc["data"] = result.data
    if result.errors:
        doc["errors"] = [_format_error(e) for e in result.errors]
    return doc


@functools.lru_cache(maxsize=64)
def _document(query: str) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """Parsed and validated once per distinct query text (clients reuse a handful)."""
    try:
        document = parse(query)
    except GraphQLError as exc:
        return None, (exc,)
    errors = validate(SCHEMA, document)
    return (None, tuple(errors)) if errors else (document, ())


def _format_error(error: GraphQLError) -> dict[str, Any]:
    out = dict(error.formatted)
    original = error.original_error
    github_type = getattr(original, "github_type", None) or getattr(error, "github_type", None)
    if github_type:
        out = {"type": github_type, **out}
    elif original is not None and not isinstance(original, GraphQLError):
        # never leak a traceback; a resolver bug reads like GitHub's internal error
        out["message"] = "Something went wrong while executing your query."
    return out
