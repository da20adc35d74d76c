"""Many blocks (turns, headings) aligned as hard boundaries, with links a person fixed kept as
anchors: only the gaps between them are re-aligned. Embeds every span once for all blocks."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Sequence

import numpy as np

from align.alignment import lexicon, long_units, signals as sig
from align.errors import InputError
from align.alignment.config import AlignConfig, Link
from align.alignment.running_heads import strip_running_heads
from align.alignment.features import (Block, SideFeatures, shared_anchor_sets, span_vectors_from_sentences,
                                       with_signals)
from align.alignment.length_ratio import first_length_ratio, linked_length_ratio
from align.alignment.link_strength import linked_strength, skip_factor
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
                       config: AlignConfig = AlignConfig(), context: DocumentContext | None = None,
                       wanted: tuple[np.ndarray, np.ndarray] | None = None) -> list[Link]:
    """Keep `anchors` (links fixed by a person) as they are; align only what lies between them.

    Two-sided anchors cut the table into independent gaps. One-sided anchors (a sentence fixed
    as unaligned) stay inside their gap as sentences no link may cover.
    wanted: as in `align_features`, for the whole block.
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
                             forced_src[s0:s1], forced_tgt[t0:t1], context,
                             None if wanted is None else (wanted[0][:, s0:s1], wanted[1][:, t0:t1]))
        out.extend(g.shifted(s0, t0) for g in gap)
        if link is not None:
            out.append(link)
            s0, t0 = link.src[-1] + 1, link.tgt[-1] + 1
    fixed = {(l.src, l.tgt): l for l in one_sided}
    # the DP left forced sentences as skips; report the person's link (with its score) for them
    return [fixed.get((l.src, l.tgt), l) for l in out]


def runs_on_the_finer_side(config: AlignConfig, n_src: int, n_tgt: int) -> AlignConfig:
    """The longer run limit goes to the side cut into more sentences.

    A translator splits sentences more than they join them, so the defaults let the target
    take five sentences in one link and the source four. When the source is the side with
    more sentences (a French text aligned against its German original, an abridged
    translation), the limits swap: else the aligner would score differently one way round
    than the other (the de-fr dev set: 0.939 from German, 0.922 from French; 0.941 swapped).
    """
    more_src = n_src > n_tgt
    if config.max_src != config.max_tgt and n_src != n_tgt and more_src != (config.max_src > config.max_tgt):
        return replace(config, max_src=config.max_tgt, max_tgt=config.max_src)
    return config


def align_blocks(blocks: Sequence[Block], embed: Callable[[list[str]], np.ndarray], *,
                 anchors: Sequence[Sequence[Link]] | None = None,
                 bridge: Sequence[Sequence[str] | None] | None = None,
                 src_cased: bool = True, tgt_cased: bool = True,
                 config: AlignConfig = AlignConfig(),
                 context_blocks: Sequence[Block] = (),
                 length_ratio: float | None = None,
                 langs: tuple[str, str] | None = None) -> list[list[Link]]:
    """Align each (source sentences, target sentences) block on its own (`_align_whole`).

    A sentence too long to align as one (over MAX_SENTENCE_CHARS, either side: an
    unpunctuated text) is aligned as pieces cut at clauses and comes back whole, in one link
    with everything its pieces linked to (`long_units`). Blocks without one are aligned as
    they are."""
    kwargs = dict(src_cased=src_cased, tgt_cased=tgt_cased, config=config,
                  length_ratio=length_ratio, langs=langs)
    if not long_units.needs_pieces([*blocks, *context_blocks]):
        return _align_whole(blocks, embed, anchors=anchors, bridge=bridge,
                            context_blocks=context_blocks, **kwargs)
    cut = [(long_units.Pieces.cut(src), long_units.Pieces.cut(tgt)) for src, tgt in blocks]
    bridge = list(bridge or [None] * len(blocks))
    anchors = list(anchors or [()] * len(blocks))
    if len(anchors) != len(blocks) or len(bridge) != len(blocks):
        raise InputError("anchors and bridge need one entry per block")
    for (src, _), mt in zip(blocks, bridge):
        if mt is not None and len(mt) != len(src):
            raise InputError("the MT bridge needs one translation per source sentence")
    found = _align_whole(
        [(s.texts, t.texts) for s, t in cut], embed,
        anchors=[[long_units.anchor_on_pieces(a, s, t) for a in fixed]
                 for fixed, (s, t) in zip(anchors, cut)],
        bridge=[None if mt is None else
                [part for text, pieces in zip(mt, s.of)
                 for part in long_units.split_like(text, [len(s.texts[p]) for p in pieces])]
                for mt, (s, _) in zip(bridge, cut)],
        context_blocks=[(long_units.Pieces.cut(src).texts, long_units.Pieces.cut(tgt).texts)
                        for src, tgt in context_blocks], **kwargs)
    return [long_units.links_of_sentences(links, s, t) for links, (s, t) in zip(found, cut)]


def _align_whole(blocks: Sequence[Block], embed: Callable[[list[str]], np.ndarray], *,
                 anchors: Sequence[Sequence[Link]] | None = None,
                 bridge: Sequence[Sequence[str] | None] | None = None,
                 src_cased: bool = True, tgt_cased: bool = True,
                 config: AlignConfig = AlignConfig(),
                 context_blocks: Sequence[Block] = (),
                 length_ratio: float | None = None,
                 langs: tuple[str, str] | None = None) -> list[list[Link]]:
    """Align each (source sentences, target sentences) block on its own: blocks are hard boundaries.

    embed: texts -> unit vectors (e.g. models.encoders.CachedEncoder.encode); called once per
      pass for all the texts it needs of all blocks, so a caching encoder sees each text once.
    anchors[b]: links fixed by a person in block b (block-local ids); kept, only gaps re-aligned.
    bridge[b]: MT of block b's source sentences into the target language (or None).
    context_blocks: more of the document (e.g. the turns around the one being re-aligned),
      not aligned, only read for the chance baseline, the length ratio and the shared tokens.
    length_ratio: source characters per target character, when the caller knows it better
      (an abridged translation: its blocks hold far less text than the source's, though each
      sentence is as long as its translation). Else it is taken from the sentences the
      first pass links (`linked_length_ratio`), or the blocks' totals.
    langs: (source, target) language codes; Chinese against English without an MT bridge
      adds the dictionary's word overlap (`lexicon.py`) at `config.lexicon_weight`.
    Returns block-local links per block.

    With `config.span_encoding == "selective"` (the default) only sentences are embedded at
    first; a first pass with runs as sums of their sentences' vectors marks the runs that some
    likely m:n link uses, and only those are embedded as joined texts for the final pass.
    """
    anchors = list(anchors or [()] * len(blocks))
    bridge = bridge or [None] * len(blocks)
    if len(anchors) != len(blocks) or len(bridge) != len(blocks):
        raise InputError("anchors and bridge need one entry per block")
    if config.span_encoding not in ("selective", "all"):
        raise InputError(f"span_encoding must be 'selective' or 'all', not {config.span_encoding!r}")
    n_aligned = len(blocks)
    blocks = list(blocks) + list(context_blocks)
    bridge = list(bridge) + [None] * len(context_blocks)
    anchors += [()] * len(context_blocks)
    for (src, _), mt in zip(blocks, bridge):
        if mt is not None and len(mt) != len(src):
            raise InputError("the MT bridge needs one translation per source sentence")
    config = runs_on_the_finer_side(config, sum(len(s) for s, _ in blocks), sum(len(t) for _, t in blocks))
    k_src, k_tgt = config.max_src, config.max_tgt
    # Anchor tokens are filtered against the whole document, not one block; OCR's running page
    # heads would pair sentences that merely share a page's head (running_heads.py).
    src_texts, tgt_texts = [s for src, _ in blocks for s in src], [t for _, tgt in blocks for t in tgt]
    if config.skip_running_heads:
        src_texts, tgt_texts = strip_running_heads(src_texts), strip_running_heads(tgt_texts)
    src_anchor_sets, tgt_anchor_sets = shared_anchor_sets(src_texts, tgt_texts, src_cased, tgt_cased)
    index = sig.token_index(src_anchor_sets + tgt_anchor_sets)
    sides = _Sides(blocks, k_src, k_tgt)
    lexical = None
    if langs is not None and config.lexicon_weight and all(mt is None for mt in bridge):
        lexical = lexicon.lexical_rows(src_texts, tgt_texts, *langs)  # page heads left out too
    if lexical is not None:  # the dictionary takes the channel an MT bridge would
        config = replace(config, bridge_weight=config.lexicon_weight)

    def features(vecs, embedded=None) -> list[tuple[SideFeatures, SideFeatures]]:
        out, s_pos, t_pos = [], 0, 0
        for b, ((src, tgt), mt) in enumerate(zip(blocks, bridge)):
            rows = ((None, None) if lexical is None else
                    (lexical[0][s_pos:s_pos + len(src)], lexical[1][t_pos:t_pos + len(tgt)]))
            fs = with_signals(src, vecs[b][0], src_anchor_sets[s_pos:s_pos + len(src)], mt, index,
                              None if embedded is None else embedded[b][0], rows[0])
            ft = with_signals(tgt, vecs[b][1], tgt_anchor_sets[t_pos:t_pos + len(tgt)],
                              list(tgt) if mt is not None else None, index,
                              None if embedded is None else embedded[b][1], rows[1])
            s_pos, t_pos = s_pos + len(src), t_pos + len(tgt)
            out.append((fs, ft))
        return out

    def document_context(feats) -> DocumentContext | None:
        # The chance baseline and length ratio come from the whole document, not from each turn.
        filled = [(fs, ft) for fs, ft in feats if fs.size and ft.size]
        context = DocumentContext.of([fs for fs, _ in filled], [ft for _, ft in filled], config) if filled else None
        if context is not None and length_ratio:
            context = replace(context, log_ratio=float(np.log(length_ratio)))
        return context

    def align_all(feats, wanted=None, context=None) -> list[list[Link]]:
        context = context or document_context(feats)
        return [align_with_anchors(fs, ft, fixed, scaled, context, None if wanted is None else wanted[b])
                for b, ((fs, ft), fixed) in enumerate(zip(feats[:n_aligned], anchors))]

    given = length_ratio
    scaled = config  # after the first pass: the skip costs scaled to the document's link strength

    def first_pass(feats, wanted=None) -> tuple[list[list[Link]], bool]:
        """Align once. The length ratio is the caller's, else the texts' totals (unless the
        clearest sentence pairs say they are far off); after this pass, the ratio of what it
        links when it links enough, and the skip costs scaled to how strong those links are.
        Returns the links and whether the ratio or the skip costs changed."""
        nonlocal length_ratio, scaled
        length_ratio = given or first_length_ratio(feats[:n_aligned])
        context = document_context(feats)
        first = align_all(feats, wanted, context)
        linked = None if given else linked_length_ratio(first, feats[:n_aligned])
        length_ratio = linked or length_ratio
        factor = 1.0
        if config.strength_scaled_skip and context is not None:
            factor = skip_factor(document_strength(first, feats, n_aligned, context, config))
            scaled = replace(config, skip=config.skip * factor, skip_extend=config.skip_extend * factor)
        return first, linked is not None or factor != 1.0

    if config.span_encoding == "all":
        sides.embed(embed, sides.all_spans())
        feats = features(sides.vectors())
        first, changed = first_pass(feats)
        return align_all(feats) if changed else first
    # Sentence-first: embed sentences; first pass with runs as sums of their sentences.
    sides.embed(embed, sides.sentences_only())
    wanted = sides.sentences_only()
    first_pass(features(sides.vectors(from_sentences=True)), wanted)  # also marks the runs worth embedding
    sides.top_up(wanted, config.min_chance_spans, np.random.default_rng(config.seed))
    sides.embed(embed, wanted)
    return align_all(features(sides.vectors(), wanted))


def document_strength(first: Sequence[Sequence[Link]], feats: Sequence[tuple[SideFeatures, SideFeatures]],
                      n_aligned: int, context: DocumentContext, config: AlignConfig) -> float | None:
    """How far above chance the document's 1:1 links score (`linked_strength`), from the blocks
    a first pass aligned; where those have too few links (a turn re-aligned alone in the reader),
    from a first pass over the turns read around it too, so that the turn's skips cost what
    they cost when the whole document was aligned."""
    strength = linked_strength(first, feats[:n_aligned], context)
    if strength is None and len(feats) > n_aligned:
        around = [align_with_anchors(fs, ft, (), config, context) if fs.size and ft.size else []
                  for fs, ft in feats[n_aligned:]]
        strength = linked_strength([*first, *around], feats, context)
    return strength


class _Sides:
    """The span texts of every block and side, which of them are embedded, and their vectors."""

    def __init__(self, blocks: Sequence[Block], k_src: int, k_tgt: int):
        self.texts = [(sig.span_texts(src, k_src), sig.span_texts(tgt, k_tgt)) for src, tgt in blocks]
        self.table: dict[str, np.ndarray] = {}
        self.width = 1

    def _masks(self, fill) -> list[tuple[np.ndarray, np.ndarray]]:
        def has_text(side) -> np.ndarray:
            has = np.zeros((len(side), len(side[0])), dtype=bool)
            for k, row in enumerate(side):
                has[k] = [bool(t) for t in row]
            return has
        return [tuple(fill(has_text(side)) for side in pair) for pair in self.texts]

    def all_spans(self) -> list[tuple[np.ndarray, np.ndarray]]:
        return self._masks(lambda has: has)

    def sentences_only(self) -> list[tuple[np.ndarray, np.ndarray]]:
        def first_row(has):
            has = has.copy()
            has[1:] = False
            return has
        return self._masks(first_row)

    def embed(self, embed: Callable[[list[str]], np.ndarray], chosen) -> None:
        """Embed the chosen span texts not embedded yet, all blocks in one call."""
        todo = [t for pair, masks in zip(self.texts, chosen) for side, mask in zip(pair, masks)
                for row, keep in zip(side, mask) for t, k in zip(row, keep) if k and t]
        todo = [t for t in dict.fromkeys(todo) if t not in self.table]
        if todo:
            self.table.update(zip(todo, embed(todo)))
        if self.table:
            self.width = next(iter(self.table.values())).shape[-1]

    def vectors(self, from_sentences: bool = False) -> list[tuple[np.ndarray, np.ndarray]]:
        """Per block and side (K, n, d) span vectors: embedded texts, zero where not embedded;
        or, `from_sentences`, every run the normalised sum of its sentences' vectors."""
        out = []
        for pair in self.texts:
            sides = []
            for side in pair:
                vecs = np.zeros((len(side), len(side[0]), self.width), np.float32)
                for k, row in enumerate(side[:1] if from_sentences else side):
                    for e, text in enumerate(row):
                        if text in self.table:
                            vecs[k, e] = self.table[text]
                if from_sentences:
                    vecs = span_vectors_from_sentences(vecs[0], len(side))
                sides.append(vecs)
            out.append(tuple(sides))
        return out

    def top_up(self, wanted, count: int, rng: np.random.Generator) -> None:
        """Mark random runs of each size (k >= 2) until `count` per side are marked: the chance
        baseline of a shape is drawn from embedded runs, and needs enough of them."""
        for side in (0, 1):
            for k in range(1, max((len(pair[side]) for pair in self.texts), default=1)):
                have = sum(int(w[side][k].sum()) for w in wanted if k < w[side].shape[0])
                runs = [(b, e) for b, pair in enumerate(self.texts) if k < len(pair[side])
                        for e, t in enumerate(pair[side][k]) if t]
                # One random order of all runs, whatever is marked: a higher floor marks fewer
                # runs and tops up with a longer prefix of the same order (a cache reuses them).
                for pick in rng.permutation(len(runs)):
                    if have >= count:
                        break
                    b, e = runs[pick]
                    if not wanted[b][side][k, e]:
                        wanted[b][side][k, e] = True
                        have += 1
