"""Storage for suggested links: a link the aligner was unsure of (see
align/alignment/suggestions.py) waits for a person to accept or reject it."""

COLUMNS = [("links", "suggested", "INTEGER NOT NULL DEFAULT 0")]
