"""Models of the practice app (issue 7)."""
