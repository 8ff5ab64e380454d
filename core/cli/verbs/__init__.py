"""One module per CLI verb. Each defines ``register(subparsers, parents)``.

``VERB_MODULES`` lists them in help order; a module's ``register`` adds its sub-parser and
sets ``handler`` (an ``async def handler(args, ctx) -> int``) with ``set_defaults``.
"""

VERB_MODULES = (
    "sync",
    "show",
    "serve_demo",
    "edit",
    "audit",
    "analyze",
    "run",
    "minimize",
    "triage",
    "scrub",
    "fuzz",
)
