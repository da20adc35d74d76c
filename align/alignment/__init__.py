"""Sentence alignment, pure numpy: scoring signals, the banded search, anchors and blocks.

    config.py            Link and AlignConfig: what the search works with
    signals.py           cheap signals: lengths, anchor tokens, debris, span texts, MT profiles
    features.py          one side's span vectors and signals
    scoring.py           scoring a link (z units above chance), the document's chance baseline
    search.py            the banded DP, its coarse-to-fine guide, posteriors
    blocks.py            many blocks as hard boundaries, person-fixed links as anchors,
                         sentence-first encoding (which runs of sentences get embedded)
    transcript_turns.py  matching a translation's turns to the project's
    evaluation.py        the text form of links and vecalign's strict/lax scores

A pure layer: imports only align.errors, align.text and its own modules.
"""
from align.alignment.blocks import align_blocks, align_with_anchors, check_anchors
from align.alignment.config import AlignConfig, Link
from align.alignment.features import SideFeatures, pair_dots, shared_bits, side_features
from align.alignment.search import Band, align_features, band_dp

__all__ = ["AlignConfig", "Band", "Link", "SideFeatures", "align_blocks", "align_features",
           "align_with_anchors", "band_dp", "check_anchors", "pair_dots", "shared_bits",
           "side_features"]
