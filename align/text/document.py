"""The document model produced by import/segmentation, before it is stored.

Plain dataclasses: the store (align.store) gives these stable ids and persists them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["turn", "heading", "narration", "boilerplate"]
BLOCK_KINDS: tuple[str, ...] = ("turn", "heading", "narration", "boilerplate")


@dataclass
class Block:
    kind: BlockKind
    sentences: list[str]
    # Canonical speaker name (after merging near-duplicates); None unless kind == "turn".
    speaker: str | None = None
    # The label exactly as written in the text ("Solkin"), for undoing a merge.
    speaker_label: str | None = None
    # (start, end) seconds per sentence, for a timed source (subtitles); None elsewhere.
    times: list[tuple[float, float] | None] | None = None

    @property
    def excluded(self) -> bool:
        """Boilerplate is kept but left out of translation and export by default."""
        return self.kind == "boilerplate"


@dataclass
class Document:
    blocks: list[Block]
    lang: str = "de"
    # canonical speaker -> labels merged into it, e.g. {"Sorkin": ["Solkin"]}
    speakers: dict[str, list[str]] = field(default_factory=dict)
    title: str = ""

    def to_json(self) -> dict:
        """The shape printed by `bitext segment FILE --json`."""
        return {
            "blocks": [
                {"kind": b.kind, "speaker": b.speaker, "sentences": list(b.sentences),
                 **({"times": [list(t) if t else None for t in b.times]} if b.times else {})}
                for b in self.blocks
            ],
            "speakers": {k: list(v) for k, v in self.speakers.items()},
        }
