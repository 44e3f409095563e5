"""Hash-chained audit trail: who did what, for which organisation, when, with before/after digests."""
