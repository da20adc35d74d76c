"""Storage for QA: the glossary (term pairs per target language) and the flags a person
dismissed. A dismissal holds for the texts it was made on (`pair_sig`): once the source or
the translation changes, the check speaks again."""
TABLES = [
    "CREATE TABLE IF NOT EXISTS glossary("
    " lang TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,"
    " created_at TEXT NOT NULL, PRIMARY KEY(lang, source))",
    "CREATE TABLE IF NOT EXISTS qa_dismissals("
    " segment_id TEXT NOT NULL, code TEXT NOT NULL, pair_sig TEXT NOT NULL,"
    " reason TEXT NOT NULL, actor TEXT NOT NULL, at TEXT NOT NULL,"
    " PRIMARY KEY(segment_id, code, pair_sig))",
]
COLUMNS: list = []
