"""The rows the project store hands out (plain dataclasses) and their conversion from
SQLite rows."""
from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class BlockRow:
    id: str
    position: int
    kind: str
    speaker: str | None          # canonical name, after active merges
    speaker_label: str | None    # as written in the text
    excluded: bool


@dataclass(frozen=True)
class SegmentRow:
    id: str
    block_id: str
    lang: str
    position: int
    text: str
    origin: str
    origin_detail: dict
    status: str
    version: int
    active: bool = True


@dataclass(frozen=True)
class LinkRow:
    id: int
    block_id: str
    lang: str
    src_ids: tuple[str, ...]
    tgt_ids: tuple[str, ...]
    score: float | None
    fixed: bool
    suggested: bool = False   # the aligner was unsure: a person accepts or rejects it


@dataclass
class ImportReport:
    created: bool
    blocks: int
    sentences: int
    kept_segments: int = 0
    new_segments: int = 0
    orphaned_segments: int = 0
    backup: Path | None = None
    # Links whose source sentences were re-cut or lightly changed: their translations moved
    # to the new sentences. Human translations whose source is gone stay as orphans.
    carried_links: int = 0
    orphaned_translations: int = 0


@dataclass
class HistoryRow:
    id: int
    at: str
    entity: str
    entity_id: str
    action: str
    old_value: dict | None
    new_value: dict | None
    actor: str
    undone: bool = False


@dataclass
class Summary:
    title: str
    source_name: str
    lang: str
    blocks: dict[str, int] = field(default_factory=dict)
    speakers: dict[str, list[str]] = field(default_factory=dict)
    turns_per_speaker: dict[str, int] = field(default_factory=dict)
    sentences: int = 0
    excluded_sentences: int = 0
    languages: dict[str, dict[str, int]] = field(default_factory=dict)
    links: dict[str, int] = field(default_factory=dict)       # two-sided links per language
    unaligned: dict[str, int] = field(default_factory=dict)   # sentences in one-sided links
    translated: dict[str, int] = field(default_factory=dict)  # source sentences with text
    orphaned: int = 0


def to_segment(row: sqlite3.Row) -> SegmentRow:
    return SegmentRow(row["id"], row["block_id"], row["lang"], row["position"], row["text"],
                      row["origin"], json.loads(row["origin_detail"]), row["status"],
                      row["version"], bool(row["active"]))


def to_link(row: sqlite3.Row) -> LinkRow:
    return LinkRow(row["id"], row["block_id"], row["lang"], tuple(json.loads(row["src_ids"])),
                   tuple(json.loads(row["tgt_ids"])), row["score"], bool(row["fixed"]),
                   bool(row["suggested"]) if "suggested" in row.keys() else False)


def to_history(row: sqlite3.Row) -> HistoryRow:
    return HistoryRow(row["id"], row["at"], row["entity"], row["entity_id"], row["action"],
                      json.loads(row["old_value"]) if row["old_value"] else None,
                      json.loads(row["new_value"]) if row["new_value"] else None,
                      row["actor"], bool(row["undone"]))
