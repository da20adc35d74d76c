"""The many-document pipeline: `bitext corpus run MANIFEST --output DIR`.

A manifest lists documents (id, German file, optional existing translations); each goes
through the steps of a project — read, segment, translate, align, export rows — by the very
functions the CLI and the app use (`document.process_document`). The same function runs in a
local loop or in Ray Data actor pools (`engines.py`); the driver writes what comes back
(`run.py`), so both engines give the same files.

    manifest.py    reading the manifest (JSONL or CSV) into document tasks
    settings.py    the run's settings, and their fingerprint for resuming
    document.py    one document: read, segment, translate, align, rows
    batches.py     documents in groups: their sentences translated together, off the store's path
    checkpoint.py  per-document results on disk (atomic), keyed by content hash
    shards.py      sharded JSONL and Parquet, written atomically
    engines.py     the local loop and Ray Data
    run.py         the run: skip what is done, process the rest, write shards and summary
    open.py        one document of a run into a project, to read and correct in the app
    stats.py       what a run's output holds (`bitext corpus stats`)

May import align (not align.cli) and models; align.cli imports it lazily, inside handlers.
"""
