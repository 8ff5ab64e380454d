"""The loopback HTTP server: stdlib ``ThreadingHTTPServer`` on 127.0.0.1 in a background thread."""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import graphql_schema, rest, shapes
from .faults import Fault, FaultPlan
from .state import LoopbackState, iso

# resource -> (limit, window seconds); GitHub's figures for an authenticated user.
RATE_LIMITS = {"core": (5000, 3600), "search": (30, 60), "graphql": (5000, 3600)}
SECONDARY_MESSAGE = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. "
    "If you reach out to GitHub Support for help, please include the request ID {rid}."
)


@dataclass(frozen=True)
class RecordedRequest:
    """One request as the server received it (the credential in ``authorization`` is redacted)."""

    method: str
    path: str
    query: dict[str, str]
    json_body: Any
    headers: dict[str, str]


class RateBook:
    """Per-resource counters. Not enforced (use a fault for that): an exhausted window refills."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        now = int(time.time())
        self._used = dict.fromkeys(RATE_LIMITS, 0)
        self._reset = {name: now + window for name, (_limit, window) in RATE_LIMITS.items()}

    def _roll(self, name: str, now: int) -> None:
        limit, window = RATE_LIMITS[name]
        if now >= self._reset[name] or self._used[name] >= limit:
            self._used[name], self._reset[name] = 0, now + window

    def charge(self, name: str, cost: int = 1) -> dict[str, int]:
        with self._lock:
            self._roll(name, int(time.time()))
            self._used[name] += cost
            return self._entry(name)

    def _entry(self, name: str) -> dict[str, int]:
        limit = RATE_LIMITS[name][0]
        used = self._used[name]
        return {"limit": limit, "remaining": max(0, limit - used), "reset": self._reset[name], "used": used}

    def snapshot(self) -> dict[str, dict[str, int]]:
        with self._lock:
            now = int(time.time())
            for name in RATE_LIMITS:
                if now >= self._reset[name]:
                    self._roll(name, now)
            return {name: self._entry(name) for name in RATE_LIMITS}


def resource_of(path: str) -> str:
    if path.startswith("/search/"):
        return "search"
    return "graphql" if path == "/graphql" else "core"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "GitHub.com"
    sys_version = ""
    timeout = 30  # idle keep-alive connections go away
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    loopback: LoopbackServer  # set on the per-server subclass

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: tests and the demo own the terminal

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PATCH = do_PUT = do_DELETE = do_HEAD = do_GET

    def _handle(self) -> None:
        try:
            try:
                status, body, headers = self.loopback._respond(self)
            except Exception:  # a server bug reads as GitHub's 500, never as a dropped connection
                status, headers = 500, {"Content-Type": "application/json; charset=utf-8"}
                body = shapes.error_json(500, "Server Error")
            payload = b"" if body is None or status == 204 else json.dumps(body).encode()
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if payload and self.command != "HEAD":
                self.wfile.write(payload)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeouts): nothing to tell it


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a dropped client connection is not the server's problem


class LoopbackServer:
    """A GitHub-compatible REST + GraphQL server on 127.0.0.1 over a :class:`LoopbackState`."""

    def __init__(self, state: LoopbackState, *, port: int = 0, host: str = "127.0.0.1") -> None:
        self.state = state
        self.faults = FaultPlan()
        self.rate = RateBook()
        self._host, self._port = host, port
        self._requests: list[RecordedRequest] = []
        self._req_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    # ---- lifecycle ------------------------------------------------------------------------

    def start(self) -> LoopbackServer:
        """Bind (port 0 = any free port) and serve in a daemon thread; returns self."""
        if self._httpd is not None:
            return self
        handler = type("LoopbackHandler", (_Handler,), {"loopback": self})
        self._httpd = _Server((self._host, self._port), handler)
        self.url = f"http://{self._host}:{self._httpd.server_address[1]}"
        self._stopping.clear()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="loopback-github", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()  # wakes sleeping "slow" faults
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # ---- recorded requests ----------------------------------------------------------------

    @property
    def requests(self) -> list[RecordedRequest]:
        """A snapshot (copy) of every request received so far, oldest first."""
        with self._req_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        with self._req_lock:
            self._requests.clear()

    # ---- request handling ---------------------------------------------------------------

    def _respond(self, h: _Handler) -> tuple[int, Any, dict[str, str]]:
        split = urlsplit(h.path)
        path = split.path.rstrip("/") or "/"
        query = parse_qs(split.query, keep_blank_values=True)
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length > 0 else b""
        rid = f"{next(self._ids):04X}:{int(time.time()) & 0xFFFF:04X}:LOOPBACK"
        headers = {"Content-Type": "application/json; charset=utf-8", "X-GitHub-Request-Id": rid,
                   "X-GitHub-Media-Type": "github.v3; format=json", "Server": "GitHub.com"}
        body: Any = None
        bad_json = False
        if raw:
            try:
                body = json.loads(raw)
            except ValueError:
                body, bad_json = raw.decode("utf-8", "replace"), True

        if path.startswith("/_loopback/"):
            status, out = self._control(h.command, path, body)
            return status, out, headers

        self._record(h, path, query, body)
        resource = resource_of(path)
        if path != "/rate_limit":  # GitHub does not count /rate_limit
            rate = self.rate.charge(resource)
            headers.update(_rate_headers(rate, resource))

        auth_error = self._check_auth(h, path)
        if auth_error is not None:
            return 401, auth_error, headers

        triggered = self.faults.take(h.command, path)
        if triggered.delay_s > 0:
            self._stopping.wait(triggered.delay_s)
        if triggered.fault is not None:
            return self._fault_reply(triggered.fault, path, resource, rid, headers)
        if bad_json:
            return 400, shapes.error_json(400, "Problems parsing JSON"), headers

        if path == "/graphql":
            if h.command != "POST":
                return 404, shapes.error_json(404, "Not Found"), headers
            ctx = graphql_schema.Ctx(self.state, self.url, self._graphql_rate())
            return 200, graphql_schema.execute(body, ctx), headers
        req = rest.RestRequest(h.command, path, query, body, self.url, self.state, self.rate.snapshot())
        if path == "/rate_limit":
            req.rate = self._rate_view(req.rate)
        reply = rest.dispatch(req)
        headers.update(reply.headers)
        return reply.status, reply.body, headers

    def _record(self, h: _Handler, path: str, query: dict[str, list[str]], body: Any) -> None:
        hdrs = {k.lower(): v for k, v in h.headers.items()}
        if "authorization" in hdrs:
            scheme = hdrs["authorization"].split(" ", 1)[0]
            hdrs["authorization"] = f"{scheme} <redacted>"
        rec = RecordedRequest(h.command, path, {k: v[-1] for k, v in query.items()}, body, hdrs)
        with self._req_lock:
            self._requests.append(rec)

    def _check_auth(self, h: _Handler, path: str) -> dict[str, Any] | None:
        value = h.headers.get("Authorization") or ""
        scheme, _, token = value.partition(" ")
        if not value:
            if h.command == "GET" and path not in ("/user",):
                return None  # anonymous reads are allowed, as on github.com
            if path == "/graphql":
                return {"message": "This endpoint requires you to be authenticated.",
                        "documentation_url": "https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql"}
            return shapes.error_json(401, "Requires authentication")
        if scheme.lower() not in ("token", "bearer") or not token.strip():
            return shapes.error_json(401, "Bad credentials")
        required = self.state.required_token
        if required is not None and token.strip() != required:
            return shapes.error_json(401, "Bad credentials")
        return None

    def _graphql_rate(self) -> dict[str, Any]:
        entry = self._rate_view(self.rate.snapshot())["graphql"]
        return {"limit": entry["limit"], "cost": 1, "remaining": entry["remaining"],
                "resetAt": iso(_epoch_dt(entry["reset"])), "used": entry["used"], "nodeCount": 0}

    def _rate_view(self, snap: dict[str, dict[str, int]]) -> dict[str, dict[str, int]]:
        """Resources under an active primary-limit fault read as exhausted until its reset."""
        probe = {"core": f"/repos/{self.state.repo}/issues/1", "search": "/search/issues", "graphql": "/graphql"}
        for name, entry in snap.items():
            reset = self.faults.primary_reset_for(probe[name])
            if reset is not None:
                entry.update(remaining=0, used=entry["limit"], reset=int(reset))
        return snap

    def _fault_reply(self, fault: Fault, path: str, resource: str, rid: str,
                     headers: dict[str, str]) -> tuple[int, Any, dict[str, str]]:
        if fault.kind == "secondary":
            body = {"message": SECONDARY_MESSAGE.format(rid=rid),
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits"}
            if fault.retry_after is not None:
                headers["Retry-After"] = str(int(fault.retry_after))
            else:
                headers["X-RateLimit-Remaining"] = "0"
            return fault.status, body, headers
        if fault.kind == "primary":
            limit = RATE_LIMITS[resource][0]
            reset = int(fault.reset_at or time.time() + 60)
            headers.update({"X-RateLimit-Remaining": "0", "X-RateLimit-Used": str(limit),
                            "X-RateLimit-Limit": str(limit), "X-RateLimit-Reset": str(reset)})
            if path == "/graphql":
                return 200, {"errors": [{"type": "RATE_LIMITED",
                                         "message": "API rate limit already exceeded for user ID 1."}]}, headers
            body = {"message": "API rate limit exceeded for user ID 1.",
                    "documentation_url": "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api"}
            return fault.status, body, headers
        messages = {404: "Not Found", 410: "Gone", 422: "Validation Failed", 502: "Server Error",
                    503: "Service Unavailable", 500: "Internal Server Error"}
        message = fault.message or messages.get(fault.status, "Injected fault")
        return fault.status, shapes.error_json(fault.status, message), headers

    def _control(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        """``/_loopback/faults`` (GET list, POST add, DELETE clear) and ``/_loopback/requests``."""
        if path == "/_loopback/faults":
            if method == "GET":
                return 200, [f.describe() for f in self.faults.active()]
            if method == "DELETE":
                self.faults.clear()
                return 204, None
            if method == "POST" and isinstance(body, dict):
                try:
                    return 201, self.faults.add_from_json(body).describe()
                except (TypeError, ValueError) as exc:
                    return 422, {"message": str(exc)}
            return 400, {"message": "POST a JSON object: {\"kind\": ..., ...}"}
        if path == "/_loopback/requests" and method == "GET":
            return 200, [asdict(r) for r in self.requests]
        return 404, {"message": "Not Found"}


def _rate_headers(rate: dict[str, int], resource: str) -> dict[str, str]:
    return {
        "X-RateLimit-Limit": str(rate["limit"]),
        "X-RateLimit-Remaining": str(rate["remaining"]),
        "X-RateLimit-Reset": str(rate["reset"]),
        "X-RateLimit-Used": str(rate["used"]),
        "X-RateLimit-Resource": resource,
    }


def _epoch_dt(epoch: int) -> Any:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(epoch, tz=timezone.utc)
