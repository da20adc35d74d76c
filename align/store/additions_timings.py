"""Storage for timed sources (issue 23): each source sentence's start and end time, in
seconds, as the subtitles it was read from give them. Subtitle export reads them back."""
TABLES = [
    "CREATE TABLE IF NOT EXISTS segment_times("
    " segment_id TEXT PRIMARY KEY,"
    " start_s REAL NOT NULL,"
    " end_s REAL NOT NULL)",
]
COLUMNS: list = []
