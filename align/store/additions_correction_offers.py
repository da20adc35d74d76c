"""Suggestions a person's correction makes for other sentences with the same or nearly the
same source (issue 12): offered, never applied until a person accepts one.

One row per (language, receiving source sentence, corrected source sentence) while open;
state: open | accepted | dismissed | replaced (a newer correction of the same sentence) |
withdrawn (an import replaced the text it was made against)."""
TABLES = [
    "CREATE TABLE IF NOT EXISTS correction_offers ("
    " id INTEGER PRIMARY KEY AUTOINCREMENT,"
    " lang TEXT NOT NULL,"
    " src_id TEXT NOT NULL,"          # the source sentence whose translation it would set
    " from_src_id TEXT NOT NULL,"     # the corrected sentence's source
    " from_tgt_id TEXT,"              # the corrected target sentence
    " text TEXT NOT NULL,"
    " similarity REAL NOT NULL,"      # source similarity, 0..1
    " state TEXT NOT NULL DEFAULT 'open',"
    " created_at TEXT NOT NULL,"
    " decided_at TEXT)",
    "CREATE INDEX IF NOT EXISTS correction_offers_open ON correction_offers(lang, src_id, state)",
]
