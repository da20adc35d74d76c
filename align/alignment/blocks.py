"""Many blocks (turns, headings) aligned as hard boundaries, with links a person fixed kept as
anchors: only the gaps between them are re-aligned. Embeds every span once for all blocks."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

import numpy as np

from align.alignment import signals as sig
from align.errors import InputError
from align.alignment.config import AlignConfig, Link
from align.alignment.features import Block, SideFeatures, shared_anchor_sets, side_features
from align.alignment.scoring import DocumentContext
from align.alignment.search import align_features


def check_anchors(anchors: Sequence[Link], n: int, m: int) -> list[Link]:
    """Fixed links in order; raises InputError when they overlap, cross or fall outside the block."""
    for link in anchors:
        for ids, size in ((link.src, n), (link.tgt, m)):
            if ids and (min(ids) < 0 or max(ids) >= size or list(ids) != list(range(ids[0], ids[-1] + 1))):
                raise InputError(f"fixed link {list(link.src)}:{list(link.tgt)} is outside its block "
                                 "or not a run of consecutive sentences")
        if not link.src and not link.tgt:
            raise InputError("a fixed link needs at least one sentence")
    two_sided = sorted((l for l in anchors if l.src and l.tgt), key=lambda l: l.src[0])
    for before, after in zip(two_sided, two_sided[1:]):
        if after.src[0] <= before.src[-1] or after.tgt[0] <= before.tgt[-1]:
            raise InputError(f"fixed links {list(before.src)}:{list(before.tgt)} and "
                             f"{list(after.src)}:{list(after.tgt)} overlap or cross")
    seen_s = [i for l in anchors for i in l.src]
    seen_t = [j for l in anchors for j in l.tgt]
    if len(seen_s) != len(set(seen_s)) or len(seen_t) != len(set(seen_t)):
        raise InputError("two fixed links share a sentence")
    return two_sided


def align_with_anchors(src: SideFeatures, tgt: SideFeatures, anchors: Sequence[Link] = (),
                       config: AlignConfig = AlignConfig(), context: DocumentContext | None = None) -> list[Link]:
    """Keep `anchors` (links fixed by a person) as they are; align only what lies between them.

    Two-sided anchors cut the table into independent gaps. One-sided anchors (a sentence fixed
    as unaligned) stay inside their gap as sentences no link may cover.
    """
    two_sided = check_anchors(anchors, src.size, tgt.size)
    one_sided = [l for l in anchors if not (l.src and l.tgt)]
    if context is None and src.size and tgt.size:  # the gaps between anchors share the block's baseline
        context = DocumentContext.of([src], [tgt], config)
    forced_src = np.zeros(src.size, bool)
    forced_tgt = np.zeros(tgt.size, bool)
    for link in one_sided:
        forced_src[list(link.src)] = True
        forced_tgt[list(link.tgt)] = True
    out: list[Link] = []
    s0 = t0 = 0
    for link in two_sided + [None]:
        s1 = link.src[0] if link is not None else src.size
        t1 = link.tgt[0] if link is not None else tgt.size
        gap = align_features(src.slice(s0, s1), tgt.slice(t0, t1), config,
                             forced_src[s0:s1], forced_tgt[t0:t1], context)
        out.extend(g.shifted(s0, t0) for g in gap)
        if link is not None:
            out.append(link)
            s0, t0 = link.src[-1] + 1, link.tgt[-1] + 1
    fixed = {(l.src, l.tgt): l for l in one_sided}
    # the DP left forced sentences as skips; report the person's link (with its score) for them
    return [fixed.get((l.src, l.tgt), l) for l in out]


def align_blocks(blocks: Sequence[Block], embed: Callable[[list[str]], np.ndarray], *,
                 anchors: Sequence[Sequence[Link]] | None = None,
                 bridge: Sequence[Sequence[str] | None] | None = None,
                 src_cased: bool = True, tgt_cased: bool = True,
                 config: AlignConfig = AlignConfig(),
                 context_blocks: Sequence[Block] = (),
                 length_ratio: float | None = None) -> list[list[Link]]:
    """Align each (source sentences, target sentences) block on its own: blocks are hard boundaries.

    embed: texts -> unit vectors (e.g. models.encoders.CachedEncoder.encode); called once for
      all span texts of all blocks, so a caching encoder sees each text once.
    anchors[b]: links fixed by a person in block b (block-local ids); kept, only gaps re-aligned.
    bridge[b]: MT of block b's source sentences into the target language (or None).
    context_blocks: more of the document (e.g. the turns around the one being re-aligned),
      not aligned, only read for the chance baseline, the length ratio and the shared tokens.
    length_ratio: source characters per target character, when the caller knows it better
      than the blocks' totals do (an abridged translation: its blocks hold far less text than
      the source's, though each sentence is as long as its translation).
    Returns block-local links per block.
    """
    anchors = anchors or [()] * len(blocks)
    bridge = bridge or [None] * len(blocks)
    if len(anchors) != len(blocks) or len(bridge) != len(blocks):
        raise InputError("anchors and bridge need one entry per block")
    n_aligned = len(blocks)
    blocks = list(blocks) + list(context_blocks)
    bridge = list(bridge) + [None] * len(context_blocks)
    k_src, k_tgt = config.max_src, config.max_tgt
    # One embedding call for everything; the vectors are then handed out per block.
    all_texts: list[str] = []
    for src, tgt in blocks:
        for texts in (sig.span_texts(src, k_src), sig.span_texts(tgt, k_tgt)):
            all_texts.extend(t for row in texts for t in row if t)
    unique = list(dict.fromkeys(all_texts))
    table = dict(zip(unique, embed(unique))) if unique else {}
    width = next(iter(table.values())).shape[-1] if table else 1

    def lookup(texts: list[str]) -> np.ndarray:
        return np.stack([table[t] for t in texts]) if texts else np.zeros((0, width), np.float32)
    lookup.dim = width  # type: ignore[attr-defined]  # read by side_features for empty sides
    # Anchor tokens are filtered against the whole document, not one block.
    src_anchor_sets, tgt_anchor_sets = shared_anchor_sets(
        [s for src, _ in blocks for s in src], [t for _, tgt in blocks for t in tgt], src_cased, tgt_cased)
    index = sig.token_index(src_anchor_sets + tgt_anchor_sets)
    features = []
    s_pos = t_pos = 0
    for (src, tgt), mt in zip(blocks, bridge):
        if mt is not None and len(mt) != len(src):
            raise InputError("the MT bridge needs one translation per source sentence")
        fs = side_features(src, lookup, k_src, src_anchor_sets[s_pos:s_pos + len(src)], mt, index)
        ft = side_features(tgt, lookup, k_tgt, tgt_anchor_sets[t_pos:t_pos + len(tgt)],
                           list(tgt) if mt is not None else None, index)
        s_pos, t_pos = s_pos + len(src), t_pos + len(tgt)
        features.append((fs, ft))
    # The chance baseline and length ratio come from the whole document, not from each turn.
    filled = [(fs, ft) for fs, ft in features if fs.size and ft.size]
    context = DocumentContext.of([fs for fs, _ in filled], [ft for _, ft in filled], config) if filled else None
    if context is not None and length_ratio:
        context = replace(context, log_ratio=float(np.log(length_ratio)))
    return [align_with_anchors(fs, ft, fixed, config, context)
            for (fs, ft), fixed in zip(features[:n_aligned], anchors)]
