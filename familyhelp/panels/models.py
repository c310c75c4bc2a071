"""Models of the panels app (issue 7)."""
