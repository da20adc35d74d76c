"""How far above chance this document's translations score, and the skip cost that follows.

Scores are in z units against random sentence pairs of the document (`ChanceNormaliser`). How
high a real translation scores there differs from document to document: the de-fr dev
document's 1:1 links score a median of 4.5, a zh-en chapter's 2.2-3.5, a loose translation or
a weaker encoder's less. A skip cost fixed in z units therefore means different things: where
links are weak, adding a sentence to the link it belongs to gains less than leaving it out
costs, and sentences that have a partner are left unlinked (zh-en with noisier vectors: 49 of
51). If true links score about N(mu, 1) and chance pairs N(0, 1), a link's log-likelihood
ratio is mu * z - mu^2 / 2: one z unit is worth mu, so a skip of fixed log-odds costs
`REFERENCE_STRENGTH / mu` times the configured one in z units. The reference is the strength
of the document the skip cost was chosen on (de-fr dev, its first pass's estimate 4.46), so that
document keeps its cost; documents with weaker links pay more.
"""
from __future__ import annotations

from typing import Sequence

import numpy as np

from align.alignment.config import Link
from align.alignment.features import SideFeatures
from align.alignment.scoring import ChanceNormaliser, DocumentContext

REFERENCE_STRENGTH = 4.5   # median z of the first pass's 1:1 links on the de-fr dev document
MIN_LINKS = 20             # fewer 1:1 links (a turn re-aligned alone) tell too little
# Never cheaper than configured: the configured cost was chosen on the document with the
# strongest links, and no document gained from a cheaper skip in the cross-validation
# (docs/benchmarks.md); at most four times dearer (a document barely above chance).
FACTOR_RANGE = (1.0, 4.0)


def linked_strength(per_block: Sequence[Sequence[Link]], feats: Sequence[tuple[SideFeatures, SideFeatures]],
                    context: DocumentContext) -> float | None:
    """Median z of the 1:1 links a first pass made, or None with fewer than MIN_LINKS."""
    zs = []
    for links, (fs, ft) in zip(per_block, feats):
        pairs = [(l.src[0], l.tgt[0]) for l in links if len(l.src) == 1 and len(l.tgt) == 1]
        if not pairs or not fs.size or not ft.size:
            continue
        si = np.array([p[0] for p in pairs])
        tj = np.array([p[1] for p in pairs])
        norm = ChanceNormaliser(fs.vecs[:1], ft.vecs[:1], context.vecs)
        cos = np.einsum("nd,nd->n", fs.vecs[0][si], ft.vecs[0][tj])
        zs.append(norm.z((1, 1), cos, si, tj))
    if not zs or sum(len(z) for z in zs) < MIN_LINKS:
        return None
    return float(np.median(np.concatenate(zs)))


def skip_factor(strength: float | None) -> float:
    """How many times the configured skip cost this document's skips cost."""
    if strength is None:
        return 1.0
    return float(np.clip(REFERENCE_STRENGTH / max(strength, 1e-6), *FACTOR_RANGE))
