"""Screens: queue, issue, confirmation dialog and prompts, help, audit."""
