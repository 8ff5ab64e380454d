"""``triagedeck serve-demo``: the loopback GitHub server with the demo data, for scripts.

The first line printed is the base URL (point ``--api-url`` or TRIAGEDECK_API_URL at it).
"""

from __future__ import annotations

import asyncio


def register(sub, parents) -> None:
    p = sub.add_parser("serve-demo", parents=parents, help="run the loopback GitHub server with the demo data")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free port)")
    p.set_defaults(handler=handle)


async def handle(args, ctx) -> int:
    from ..demo import start_demo

    env = start_demo(ctx.config, port=args.port)
    try:
        ctx.print(env.server.url)
        ctx.stdout.flush()
        ctx.stderr.write(
            f"serving {env.config.repo} (demo data) on {env.server.url}; any token works; Ctrl+C stops\n"
        )
        ctx.stderr.flush()
        while True:
            await asyncio.sleep(3600)
    finally:
        env.close()
