"""One module per CLI verb. Each defines ``register(subparsers, parents)``, which adds its
sub-parser and sets ``handler`` (an ``async def handler(args, ctx) -> int``).

``VERBS`` lists them in help order with a one-line summary, so ``triagedeck --help`` and the
TUI start-up never import the verb modules (some pull in git, githubkit or the runners);
only the verb being run is imported.
"""

VERBS: tuple[tuple[str, str, str], ...] = (
    # (command name, module, summary)
    ("sync", "sync", "sync queue sections from GitHub into the local cache"),
    ("show", "show", "show an issue and its comments"),
    ("serve-demo", "serve_demo", "run the loopback GitHub server with the demo data"),
    ("edit", "edit", "label, comment on or close an issue (through the write gate)"),
    ("audit", "audit", "show the audit log of GitHub writes"),
    ("analyze", "analyze", "find the repro and the reported error; security review"),
    ("run", "run", "run a repro script and judge the outcome"),
    ("minimize", "minimize", "minimize a repro (Python-aware, fork-server oracle)"),
    ("triage", "triage", "propose distributed-triage labels with evidence"),
    ("scrub", "scrub", "scrub an issue: actionability, reproduce, bisect, report"),
    ("fuzz", "fuzz", "TorchFuzz bug-fixing sessions (seed to failing test to ghstack)"),
)

VERB_MODULES = tuple(module for _, module, _ in VERBS)
