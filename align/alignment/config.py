"""What the aligner works with: a link between sentence runs and the knobs of the search."""
from __future__ import annotations

from dataclasses import dataclass

Move = tuple[int, int]
IMPOSSIBLE = -1e30  # score of what cannot happen (finite, so sums and exponentials stay clean)
MAX_HALF_WIDTH = 128  # the band stops widening here: memory is (n + m) x moves x band width


@dataclass(frozen=True)
class Link:
    """src ids <-> tgt ids (0-based, consecutive, either may be empty) with a confidence in [0, 1]."""

    src: tuple[int, ...]
    tgt: tuple[int, ...]
    score: float = 0.0

    def shifted(self, src_offset: int, tgt_offset: int) -> "Link":
        return Link(tuple(i + src_offset for i in self.src), tuple(j + tgt_offset for j in self.tgt), self.score)


@dataclass(frozen=True)
class AlignConfig:
    """The few knobs; defaults are principled, not tuned per link (see README)."""

    max_src: int = 4          # longest run of source sentences in one link
    max_tgt: int = 5          # one sentence is split over five in both dev sets' gold (1:5, 2:5, 3:5)
    max_total: int = 8        # a + b <= max_total: every shape up to 4:4 (vecalign's limit), and 1-3:5
    skip: float = -1.5        # score of leaving one sentence unaligned, in z units (chance = 0)
    # A run of sentences left unaligned together (an abridged stretch) costs `skip` for its
    # first sentence and `skip_extend` for each further one, up to `max_skip_run` per step
    # (affine gaps): else pairing the stretch with far-away text costs less than leaving it.
    skip_extend: float = -0.5
    max_skip_run: int = 4
    # Evidence that a sentence has a partner: when a sentence and the best 1:1 link it has in
    # the search band are each other's best (mutual), leaving it unlinked costs also what that
    # link scores above the best of as many chance links (search.partner_evidence). Off: on
    # the dev variants it gained on short pieces and partial translations but lost on an
    # abridged one and on a partial zh-en chapter (docs/benchmarks.md, "Aligner quality").
    partner_evidence: bool = False
    width: int = 12           # half-width of the band around the guide path, in sentences
    full_dp_cells: int = 250_000   # below n*m, no coarse pass: the full table is cheap
    length_weight: float = 1.5     # weight of the length term (Gale-Church log-likelihood)
    anchor_weight: float = 1.0     # weight of the numbers/names term (0 switches it off)
    anchor_match: float = 2.0      # per anchor token present on both sides of a link, per side
    anchor_miss: float = 0.5       # per anchor token of a link that its other side lacks
    # Running page heads that OCR left inside sentences ("Die Alpen - 1957 - Les Alpes 17") give
    # no anchor tokens: both editions carry them at different sentences (running_heads.py).
    skip_running_heads: bool = True
    bridge_weight: float = 1.0     # weight of the MT-bridge z-score when MT is given
    quote_weight: float = 0.75     # per disagreement on opening / closing quoted speech (signals.quote_marks)
    lexicon_weight: float = 0.5    # weight of the dictionary's word overlap (zh-en, no MT; lexicon.py)
    member_weight: float = 1.0     # weight of the penalty for members of an m:n link unrelated to its other side
    random_samples: int = 256      # spans sampled per side for the chance baseline
    seed: int = 0
    # Sentence-first encoding: embed sentences, align once with runs as sums of their
    # sentences' vectors, then embed as joined texts only the runs of the m:n links whose
    # posterior in that pass reaches `refine_floor`, and align again ("all": embed every run).
    span_encoding: str = "selective"
    # Leaving a sentence out costs also `anchor_miss` per anchor token of it (scoring.skip_gain):
    # else a sentence with many numbers or names the other side lacks (a running page header)
    # is cheaper to leave out than to keep in the link it belongs to. Off: the cross-validation
    # favours it (de-fr variants; zh-en unchanged), but French as the source drops 0.9405 ->
    # 0.9396 and a toy sentence without partner joins a link (docs/benchmarks.md, "Aligner quality").
    skip_pays_misses: bool = False
    # After the first pass, `skip` and `skip_extend` are scaled by how far above chance this
    # document's 1:1 links score (link_strength.py): dearer where links are weak, never cheaper.
    # Cross-validated: 9 folds up, 4 down (docs/benchmarks.md, "Aligner quality").
    strength_scaled_skip: bool = True
    refine_floor: float = 0.03
    min_chance_spans: int = 8      # runs of each size embedded at least, for the chance baseline

    def moves(self) -> list[Move]:
        out = [(a, b) for a in range(1, self.max_src + 1) for b in range(1, self.max_tgt + 1)
               if a + b <= self.max_total]
        runs = [(k, 0) for k in range(2, self.max_skip_run + 1)] + [(0, k) for k in range(2, self.max_skip_run + 1)]
        return out + [(1, 0), (0, 1)] + runs
