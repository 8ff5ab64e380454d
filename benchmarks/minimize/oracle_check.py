"""The shared interestingness test: run FILE in a fresh interpreter, exit 0 when it still fails
with the case's exception class and message substring (from cases.json).

    python oracle_check.py CASE_NAME FILE      (used by shrinkray, pysource-minimize and the final check)
"""

import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PYTHON = os.environ.get("TD_BENCH_PYTHON") or os.path.join(HERE, "..", "..", ".venv", "bin", "python")
PROBE = r"""
import sys, traceback, runpy
try:
    runpy.run_path(sys.argv[1], run_name="__main__")
except SystemExit:
    sys.exit(0)
except BaseException as e:
    sys.stdout.write("\nTDCLASS:" + type(e).__name__ + "\nTDMSG:" + str(e).replace("\n", " ")[:4000] + "\n")
    sys.exit(0)
"""


def interesting(case: dict, path: str, timeout: float = 120.0) -> bool:
    try:
        out = subprocess.run([PYTHON, "-c", PROBE, os.path.abspath(path)], capture_output=True, text=True, timeout=timeout, cwd=os.path.dirname(os.path.abspath(path)) or ".")
    except subprocess.TimeoutExpired:
        return False
    cls = msg = None
    for line in out.stdout.splitlines():
        if line.startswith("TDCLASS:"):
            cls = line[8:]
        elif line.startswith("TDMSG:"):
            msg = line[6:]
    return cls == case["class"].rsplit(".", 1)[-1] and case["match"] in (msg or "")


def load_case(name: str) -> dict:
    with open(os.path.join(HERE, "cases.json")) as fh:
        return json.load(fh)[name]


def case_timeout(name: str) -> float:
    # import torch alone takes ~15 s of wall time on the benchmark machine's slow filesystem.
    return 120.0 if name.startswith("torch") else 30.0


if __name__ == "__main__":
    sys.exit(0 if interesting(load_case(sys.argv[1]), sys.argv[2], case_timeout(sys.argv[1])) else 1)
