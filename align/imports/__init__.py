"""Bringing text into a project: a German source (`source.py`: segment and store, re-import
keeping ids and human work) and an existing translation (`translation.py`: TMX/XLIFF/TSV/JSONL
units matched by text, plain text aligned by the sentence aligner through a callback).

Sits on the store, text/ and formats/; never imports models/ (the aligner is passed in)."""
