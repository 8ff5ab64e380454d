"""Widgets grouped by feature: table/ (the virtual table), queue/, issue/, status/."""
