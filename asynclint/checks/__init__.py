"""The checker's rule families, as mixins of `checker.UnitChecker` (one traversal for all)."""
