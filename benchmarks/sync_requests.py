"""Queue sync cost: HTTP requests and wall time to sync N issues from the loopback server.

    python benchmarks/sync_requests.py [N]          (default 1000)

Target (issue 2): a full sync of 1,000 issues in <= 15 HTTP requests.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.auth import Secret  # noqa: E402
from core.config import Config  # noqa: E402
from core.loopback import LoopbackServer, LoopbackState, synthetic_dataset  # noqa: E402
from core.models import QueueSection  # noqa: E402
from core.workbench import Workbench  # noqa: E402


async def main(n: int) -> None:
    data = synthetic_dataset(n, seed=1)
    for issue in data["issues"]:
        issue.update(state="open", state_reason=None, closed_at=None, is_pull_request=False)
    with LoopbackServer(LoopbackState.from_dataset(data)) as server, tempfile.TemporaryDirectory() as tmp:
        config = Config(repo=data["repo"], api_url=server.url, data_dir=Path(tmp))
        wb = Workbench.open(config, token=Secret("bench"), mode="demo")
        section = QueueSection("All open", f"repo:{data['repo']} is:issue is:open", limit=n)
        start = time.perf_counter()
        stats = await wb.sync_section(section)
        full_s = time.perf_counter() - start
        start = time.perf_counter()
        again = await wb.sync_section(section)
        incr_s = time.perf_counter() - start
        print(f"full sync: {stats.fetched} issues, {stats.requests} HTTP requests "
              f"(server saw {len(server.requests)} in total so far), {full_s:.2f} s")
        print(f"incremental sync with no changes: {again.fetched} refetched at the cursor boundary, "
              f"{again.requests} requests, {incr_s:.2f} s")
        await wb.aclose()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000))
