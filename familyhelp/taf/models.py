"""Models of the taf app (issue 7)."""
