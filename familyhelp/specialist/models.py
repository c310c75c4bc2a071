"""Models of the specialist app (issue 7)."""
