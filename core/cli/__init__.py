"""The headless command line: every core capability as a verb with ``--json`` output."""
