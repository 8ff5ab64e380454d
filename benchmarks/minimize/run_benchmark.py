"""Minimize every corpus case with triagedeck and the anchors; print one table.

    .venv/bin/python benchmarks/minimize/run_benchmark.py [--cases a,b] [--limit 600]
        [--anchor-limit 600] [--tools triagedeck,pysource,shrinkray] [--jobs 2]

Anchors live in throwaway venvs made here (git-ignored): pysource-minimize (pip) and shrinkray
(needs Python >= 3.12; run with --no-llm). All tools are judged by the same oracle_check.py, and
every result gets a final fresh still-interesting check. Results go to results/.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
RESULTS = os.path.join(HERE, "results")
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)

from oracle_check import case_timeout, interesting, load_case

from core.minimize.edits import measure


def sh(argv, **kw):
    return subprocess.run(argv, check=True, **kw)


def pysource_venv() -> str:
    venv = os.path.join(HERE, ".venv-pysource")
    py = os.path.join(venv, "bin", "python")
    if not os.path.exists(py):
        sh([sys.executable, "-m", "venv", venv])
        sh([os.path.join(venv, "bin", "pip"), "install", "-q", "pysource-minimize"])
    return py


def find_python312() -> str | None:
    for cand in ["python3.13", "python3.12"] + sorted(glob.glob("/root/.pyenv/versions/3.1[2-9]*/bin/python"), reverse=True):
        path = shutil.which(cand) or (cand if os.path.exists(cand) else None)
        if path:
            return path
    return None


def shrinkray_venv() -> str | None:
    venv = os.path.join(HERE, ".venv-shrinkray")
    exe = os.path.join(venv, "bin", "shrinkray")
    if not os.path.exists(exe):
        py = find_python312()
        if py is None:
            return None
        sh([py, "-m", "venv", venv])
        sh([os.path.join(venv, "bin", "pip"), "install", "-q", "shrinkray"])  # ~8.5 min: builds llama-cpp-python
    return exe


PYSOURCE_DRIVER = r"""
import json, os, sys, time, tempfile
sys.path.insert(0, sys.argv[4])
from oracle_check import case_timeout, interesting, load_case
from pysource_minimize import minimize
case = load_case(sys.argv[1]); src = open(sys.argv[2]).read(); best_path = sys.argv[3]
runs = [0]
d = tempfile.mkdtemp()
def checker(s):
    runs[0] += 1
    p = os.path.join(d, "c.py")
    open(p, "w").write(s)
    ok = interesting(case, p, case_timeout(sys.argv[1]))
    if ok:
        open(best_path, "w").write(s)
    open(best_path + ".runs", "w").write(str(runs[0]))
    return ok
open(best_path, "w").write(src)
out = minimize(src, checker)
open(best_path, "w").write(out)
open(best_path + ".done", "w").write("1")
"""

TD_DRIVER = r"""
import asyncio, json, sys
sys.path.insert(0, sys.argv[5])
from core.minimize import Expectation, MinimizeOptions, minimize
case = json.load(open(sys.argv[1]))
src = open(sys.argv[2]).read()
async def main():
    r = await minimize(src, Expectation(case["class"], case["match"]), MinimizeOptions(jobs=int(sys.argv[4]), time_limit=float(sys.argv[6]), skip_if_minimal=False, timeout=120.0))
    open(sys.argv[3], "w").write(r.minimized)
    json.dump({"stats": r.stats.as_dict(), "mode": r.oracle_mode, "confirmed": r.confirmed_fresh, "notes": list(r.notes)}, open(sys.argv[3] + ".json", "w"))
asyncio.run(main())
"""


def run_triagedeck(name, path, out, jobs, limit):
    case_file = out + ".case.json"
    json.dump(load_case(name), open(case_file, "w"))
    t = time.perf_counter()
    # The engine stops itself at the limit; the outer timeout is only a safety net.
    subprocess.run([os.path.join(ROOT, ".venv", "bin", "python"), "-c", TD_DRIVER, case_file, path, out, str(jobs), ROOT, str(limit)], timeout=limit + 300, check=True)
    wall = time.perf_counter() - t
    info = json.load(open(out + ".json"))
    return {"runs": info["stats"]["oracle_runs"], "wall": wall, "converged": wall < limit, "mode": info["mode"]}


def run_group(argv, limit, **kw) -> bool:
    """Run argv in its own process group; kill the whole group at the limit. True when it ended."""
    proc = subprocess.Popen(argv, start_new_session=True, **kw)
    try:
        proc.wait(timeout=limit)
        return True
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        return False


def run_pysource(name, path, out, limit):
    py = pysource_venv()
    t = time.perf_counter()
    converged = run_group([py, "-c", PYSOURCE_DRIVER, name, path, out, HERE], limit)
    wall = time.perf_counter() - t
    runs = int(open(out + ".runs").read()) if os.path.exists(out + ".runs") else 0
    return {"runs": runs, "wall": wall, "converged": converged}


def run_shrinkray(name, path, out, limit):
    exe = shrinkray_venv()
    if exe is None:
        return None
    shutil.copy(path, out)
    counter = out + ".runs"
    test = out + ".test.sh"
    with open(test, "w") as fh:
        fh.write(f'#!/bin/sh\necho x >> "{counter}"\nexec "{os.path.join(ROOT, ".venv", "bin", "python")}" "{os.path.join(HERE, "oracle_check.py")}" {name} "$1"\n')
    os.chmod(test, 0o755)
    t = time.perf_counter()
    converged = run_group(
        [exe, "--no-llm", "--ui", "basic", "--timeout", str(case_timeout(name)), "--parallelism", "2", test, out],
        limit,
        stdout=subprocess.DEVNULL,
        stderr=open(out + ".log", "w"),
    )
    wall = time.perf_counter() - t
    runs = sum(1 for _ in open(counter)) if os.path.exists(counter) else 0
    return {"runs": runs, "wall": wall, "converged": converged}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", default="")
    ap.add_argument("--tools", default="triagedeck,pysource,shrinkray")
    ap.add_argument("--limit", type=float, default=600)
    ap.add_argument("--anchor-limit", type=float, default=600)
    ap.add_argument("--torch-anchor-limit", type=float, default=None, help="anchor limit for torch_* cases (default: --anchor-limit)")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--render", action="store_true", help="print the table from results/rows.jsonl (latest row per case and tool)")
    args = ap.parse_args()
    if args.render:
        render_table()
        return 0
    cases = json.load(open(os.path.join(HERE, "cases.json")))
    names = [c for c in (args.cases.split(",") if args.cases else sorted(cases))]
    tools = args.tools.split(",")
    os.makedirs(RESULTS, exist_ok=True)
    rows = []
    print("| case | tool | lines | AST nodes | oracle runs | wall s | converged | still interesting |", flush=True)
    print("|---|---|---:|---:|---:|---:|---|---|", flush=True)
    for name in names:
        src_path = os.path.join(HERE, "corpus", name + ".py")
        m0 = measure(open(src_path).read())
        print(f"| {name} | original | {m0.lines} | {m0.nodes} | | | | |", flush=True)
        for tool in tools:
            out = os.path.join(RESULTS, tool, name + ".py")
            os.makedirs(os.path.dirname(out), exist_ok=True)
            for stale in glob.glob(out + "*"):
                os.remove(stale)
            if tool == "triagedeck":
                info = run_triagedeck(name, src_path, out, args.jobs, args.limit)
            alimit = args.torch_anchor_limit if (name.startswith("torch") and args.torch_anchor_limit) else args.anchor_limit
            load0 = os.getloadavg()[0]
            if tool == "triagedeck":
                info = run_triagedeck(name, src_path, out, args.jobs, args.limit)
            elif tool == "pysource":
                info = run_pysource(name, src_path, out, alimit)
            else:
                info = run_shrinkray(name, src_path, out, alimit)
            if info is None:
                print(f"| {name} | {tool} | n/a (no Python >= 3.12) | | | | | |", flush=True)
                continue
            text = open(out).read() if os.path.exists(out) else ""
            m = measure(text)
            ok = interesting(cases[name], out) if text else False
            limit = args.limit if tool == "triagedeck" else alimit
            row = {"case": name, "tool": tool, "lines": m.lines, "nodes": m.nodes, **info, "interesting": ok, "limit": limit,
                   "load_start": round(load0, 2), "load_end": round(os.getloadavg()[0], 2), "at": time.strftime("%Y-%m-%d %H:%M:%S"),
                   "orig_lines": m0.lines, "orig_nodes": m0.nodes}
            rows.append(row)
            with open(os.path.join(RESULTS, "rows.jsonl"), "a") as fh:
                fh.write(json.dumps(row) + "\n")
            print(f"| {name} | {tool} | {m.lines} | {m.nodes} | {info['runs']} | {info['wall']:.1f} | {'yes' if info['converged'] else 'no (limit)'} | {'yes' if ok else 'NO'} |", flush=True)
    json.dump(rows, open(os.path.join(RESULTS, f"table-{'-'.join(tools)}.json"), "w"), indent=1)
    return 0


def render_table() -> None:
    latest: dict = {}
    with open(os.path.join(RESULTS, "rows.jsonl")) as fh:
        for line in fh:
            r = json.loads(line)
            latest[(r["case"], r["tool"])] = r
    order = {"triagedeck": 0, "pysource": 1, "shrinkray": 2}
    print("| case | tool | lines | AST nodes | oracle runs | wall s | converged | still interesting | load 1-min start/end |")
    print("|---|---|---:|---:|---:|---:|---|---|---|")
    last = None
    for (case, tool), r in sorted(latest.items(), key=lambda kv: (kv[0][0], order.get(kv[0][1], 9))):
        if case != last:
            print(f"| {case} | original | {r.get('orig_lines', '')} | {r.get('orig_nodes', '')} | | | | | |")
            last = case
        conv = "yes" if r["converged"] else f"no ({r.get('limit', 0):.0f} s limit)"
        print(f"| {case} | {tool} | {r['lines']} | {r['nodes']} | {r['runs']} | {r['wall']:.1f} | {conv} | {'yes' if r['interesting'] else 'NO'} | {r.get('load_start', '')}/{r.get('load_end', '')} |")


if __name__ == "__main__":
    sys.exit(main())
