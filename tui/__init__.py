"""triagedeck's Textual face: screens, widgets and the action registry. No business rules."""
