"""A stateful GitHub-compatible server on 127.0.0.1, for the demo and the tests.

Serves the REST + GraphQL subset triagedeck uses with GitHub's JSON shapes, status codes,
``Link`` pagination and rate-limit headers, plus scriptable faults (``server.faults``)::

    state = LoopbackState.from_dataset(data)
    with LoopbackServer(state) as server:
        gh = GitHub("any-token", base_url=server.url)

Dataset schema (``LoopbackState.from_dataset``)::

    {"repo": "pytorch/pytorch", "viewer": "demo-maintainer", "collaborators": [login],
     "labels": [{"name", "color", "description"}],
     "issues": [{"number", "title", "body", "state": "open"|"closed",
                 "state_reason": None|"completed"|"not_planned", "user": login,
                 "author_association": "NONE"|"CONTRIBUTOR"|"MEMBER"|..., "labels": [name],
                 "assignees": [login], "locked": bool, "created_at": ISO, "updated_at": ISO,
                 "closed_at": ISO|None, "is_pull_request": bool?, "subscription": "SUBSCRIBED"|
                 "UNSUBSCRIBED"|"IGNORED"?, "comments": [{"user", "author_association", "body",
                 "created_at"}]}],
     "deleted_issues": [number]?}

Semantics worth knowing: every write (labels, comment, close) is by the viewer and
auto-subscribes them (after ``state.subscription_delay_s`` if set); comments on a locked
issue get 403 for everybody (stricter than GitHub, which lets collaborators comment).
"""

from .faults import Fault, FaultPlan
from .server import LoopbackServer, RecordedRequest
from .state import LoopbackState, StateError
from .synthetic import synthetic_dataset

__all__ = [
    "Fault",
    "FaultPlan",
    "LoopbackServer",
    "LoopbackState",
    "RecordedRequest",
    "StateError",
    "synthetic_dataset",
]
