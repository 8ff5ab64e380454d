"""githubkit-based GitHub layer: connection, reads, queue sync. Writes live in
``core.github.writes`` and are reachable only through the write gate.

Submodules are imported on demand: githubkit takes about a second to import, and the
TUI must paint its first frame before that.
"""
