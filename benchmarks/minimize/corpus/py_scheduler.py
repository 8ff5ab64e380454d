"""Build pipeline scheduler: resolves task dependencies and runs them in order."""
import argparse
import itertools
import logging
import time
from collections import deque

logger = logging.getLogger("sched")
logging.basicConfig(level=logging.WARNING)


class Task:
    def __init__(self, name, deps=(), cost=1, retries=0):
        self.name = name
        self.deps = list(deps)
        self.cost = cost
        self.retries = retries
        self.done = False
        self.log = []

    def run(self, clock):
        self.log.append(("start", clock))
        self.done = True
        self.log.append(("end", clock + self.cost))
        return clock + self.cost

    def __repr__(self):
        return f"Task({self.name!r})"


class Graph:
    def __init__(self):
        self.tasks = {}

    def add(self, task):
        if task.name in self.tasks:
            raise ValueError(f"duplicate task {task.name}")
        self.tasks[task.name] = task
        return task

    def edges(self):
        for t in self.tasks.values():
            for d in t.deps:
                yield d, t.name

    def indegree(self):
        deg = {name: 0 for name in self.tasks}
        for _, dst in self.edges():
            deg[dst] += 1
        return deg

    def order(self):
        deg = self.indegree()
        ready = deque(sorted(n for n, d in deg.items() if d == 0))
        out = []
        while ready:
            n = ready.popleft()
            out.append(n)
            for src, dst in self.edges():
                if src == n:
                    deg[dst] -= 1
                    if deg[dst] == 0:
                        ready.append(dst)
        if len(out) != len(self.tasks):
            stuck = sorted(set(self.tasks) - set(out))
            raise RuntimeError(f"cycle detected at task {stuck[0]!r}")
        return out


def critical_path(graph):
    best = {}
    for name in graph.order():
        t = graph.tasks[name]
        best[name] = t.cost + max((best[d] for d in t.deps), default=0)
    return max(best.values())


def describe(graph):
    lines = []
    for name, t in sorted(graph.tasks.items()):
        lines.append(f"{name:<10} deps={','.join(t.deps) or '-'} cost={t.cost}")
    return "\n".join(lines)


def build_graph(extra_edges):
    g = Graph()
    g.add(Task("fetch", cost=2))
    g.add(Task("lint", ["fetch"]))
    g.add(Task("compile", ["fetch"], cost=5))
    g.add(Task("test", ["compile"], cost=3, retries=2))
    g.add(Task("package", ["compile", "lint"]))
    g.add(Task("docs", ["fetch"], cost=2))
    g.add(Task("deploy", ["package", "test"]))
    for src, dst in extra_edges:
        g.tasks[dst].deps.append(src)
    return g


def simulate(graph, workers=2):
    clock = 0
    for batch in itertools.batched(graph.order(), workers) if hasattr(itertools, "batched") else [graph.order()]:
        clock = max(graph.tasks[n].run(clock) for n in batch)
    return clock


def parse_args(argv=None):
    p = argparse.ArgumentParser()
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--verbose", action="store_true")
    return p.parse_args(argv or [])


def main():
    args = parse_args()
    started = time.time()
    g = build_graph([])
    print(describe(g))
    print("critical path:", critical_path(g))
    print("simulated:", simulate(g, args.workers))
    hotfix = build_graph([("deploy", "docs"), ("docs", "test")])
    logger.info("hotfix graph has %d tasks", len(hotfix.tasks))
    print("hotfix simulated:", simulate(hotfix, args.workers))
    print("elapsed", time.time() - started)


main()
