"""The reader's view model: what the app shows, as plain data and escaped HTML.

No Streamlit here (and no models): the app calls these functions and renders the result,
so every rule about rows, filters, pages, progress and escaping is unit-tested on its own.

A *row* is the smallest stretch of a turn that every shown language agrees on: the German
sentences linked to each other through any language's links, with each language's target
sentences for them. In the usual 1:1 case a row is one German sentence with its English
and Chinese sentence; a 2:1 link in English makes one row of two German sentences.
"""
from __future__ import annotations

import html
import math
from importlib import resources
import re
from dataclasses import dataclass, field
from typing import Iterable, Sequence

from align import quality
from align.errors import ConflictError
from align.qa.checks import term_spans
from align.store import BlockRow, Decision, LinkRow, OfferRow, Project, SegmentRow, text_sig
from align.store.coverage import coverage, has_text
from align.store.provenance import provenance
from align.store.review import ReviewVerdict, review_message, review_verdict

LANG_NAMES = {"de": "Deutsch", "en": "English", "zh": "中文"}
STATUS_LABELS = {"mt": "machine", "edited": "edited", "reviewed": "reviewed"}
# Where a sentence's text came from (align/store/provenance.py), as the reader names it.
PROVENANCE_LABELS = {"machine": "machine", "imported": "imported (human)", "edited": "edited",
                     "reviewed": "reviewed"}


def provenance_label(seg: SegmentRow) -> str:
    return PROVENANCE_LABELS[provenance(seg)]
STATUS_FILTERS = ("any", "untranslated", "mt", "edited", "reviewed", "suggested")
ORDERS = ("document", "lowest score first", "least confident first")


def lang_name(lang: str) -> str:
    return LANG_NAMES.get(lang, lang)


def plural(n: int, noun: str) -> str:
    """ "1 sentence", "3 sentences" (never "sentence(s)")."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


# ----- loading ------------------------------------------------------------------------------
@dataclass
class Snapshot:
    """Everything the reader needs from the store, read in a handful of queries."""
    title: str
    source_lang: str
    blocks: list[BlockRow]
    sources: dict[str, list[SegmentRow]]                 # block id -> source sentences
    targets: dict[str, dict[str, SegmentRow]]            # lang -> id -> target sentence
    links: dict[str, dict[str, list[LinkRow]]]           # lang -> block id -> links in order
    languages: list[str] = field(default_factory=list)   # languages that have targets
    # QA: lang -> first target id of a link -> its findings; lang -> glossary term pairs
    flags: dict[str, dict[str, tuple[quality.Finding, ...]]] = field(default_factory=dict)
    glossary: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    # lang -> target id -> the model's confidence (mean log-probability per token)
    confidence: dict[str, dict[str, float]] = field(default_factory=dict)
    # lang -> source id -> open offers: a correction of a similar sentence ("suggested
    # correction" in the reader)
    offers: dict[str, dict[str, list[OfferRow]]] = field(default_factory=dict)


def load_snapshot(project: Project, langs: Iterable[str]) -> Snapshot:
    info = project.document_info() or {"title": "", "lang": "de"}
    blocks = project.blocks()
    sources: dict[str, list[SegmentRow]] = {b.id: [] for b in blocks}
    for seg in project.source_segments():
        sources.setdefault(seg.block_id, []).append(seg)
    targets: dict[str, dict[str, SegmentRow]] = {}
    links: dict[str, dict[str, list[LinkRow]]] = {}
    langs = list(dict.fromkeys(langs))
    if "zh" in langs and "en" not in langs:
        langs.append("en")   # Chinese made from English is checked against the English
    confidence: dict[str, dict[str, float]] = {}
    offers: dict[str, dict[str, list[OfferRow]]] = {}
    for lang in langs:
        targets[lang] = {t.id: t for t in project.target_segments(lang)}
        per_block: dict[str, list[LinkRow]] = {}
        for link in project.links(lang):
            per_block.setdefault(link.block_id, []).append(link)
        links[lang] = per_block
        confidence[lang] = project.mt_confidences(lang)
        offered: dict[str, list[OfferRow]] = {}
        for sug in project.offers(lang):
            offered.setdefault(sug.src_id, []).append(sug)
        offers[lang] = offered
    snapshot = Snapshot(info["title"], info["lang"], blocks, sources, targets, links,
                        project.languages(), confidence=confidence, offers=offers)
    attach_qa(project, snapshot)
    return snapshot


def attach_qa(project: Project, snapshot: Snapshot) -> None:
    """QA flags and glossaries of the loaded languages (checks are cached by text, so only
    pairs changed since the last read are checked again)."""
    dismissed = project.dismissals()
    knowledge = quality.knowledge_of(snapshot.blocks, snapshot.sources)
    for lang in snapshot.targets:
        terms = project.glossary(lang)
        snapshot.glossary[lang] = terms
        units = quality.units_of(lang, snapshot.blocks, snapshot.sources, snapshot.targets[lang],
                                 snapshot.links.get(lang, {}), snapshot.source_lang)
        per_unit: dict[str, tuple[quality.Finding, ...]] = {}
        for finding in quality.findings(units, snapshot.source_lang, lang, terms, dismissed,
                                        knowledge):
            per_unit[finding.unit.segment_id] = per_unit.get(finding.unit.segment_id, ()) + (finding,)
        snapshot.flags[lang] = per_unit


# ----- rows ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cell:
    """One language's side of a row."""
    lang: str
    links: tuple[LinkRow, ...]
    sentences: tuple[SegmentRow, ...]
    missing: tuple[str, ...]          # source ids with no target sentence to edit (no link,
                                      # or a link the aligner left without one): a new box each
    stale: frozenset[str] = frozenset()  # Chinese ids made from English that has changed since
    untranslated: tuple[str, ...] = ()   # source ids with no translation text (`missing`, and
                                         # those whose only targets are empty): "not translated"
    flags: tuple[quality.Finding, ...] = ()  # QA findings on this cell's links
    # target id -> the model's confidence, for machine translations not yet corrected
    confidence: dict[str, float] = field(default_factory=dict)
    offers: tuple[OfferRow, ...] = ()   # open offers for this row's sources

    @property
    def open_flags(self) -> tuple[quality.Finding, ...]:
        return tuple(f for f in self.flags if not f.dismissed)

    @property
    def scores(self) -> list[float]:
        return [link.score for link in self.links if link.score is not None]


@dataclass(frozen=True)
class Row:
    key: str                          # stable across reruns: never a position
    block_id: str
    number: int                       # 1-based, within the block (for display only)
    sources: tuple[SegmentRow, ...]
    cells: dict[str, Cell]

    @property
    def min_score(self) -> float | None:
        scores = [s for cell in self.cells.values() for s in cell.scores]
        return min(scores) if scores else None

    @property
    def min_confidence(self) -> float | None:
        """The least confident machine translation in the row (None: no MT left)."""
        known = [c for cell in self.cells.values() for c in cell.confidence.values()]
        return min(known) if known else None

    def target_ids(self) -> list[str]:
        return [t.id for cell in self.cells.values() for t in cell.sentences]


@dataclass(frozen=True)
class BlockView:
    block: BlockRow
    number: int                       # 1-based position among all blocks
    rows: tuple[Row, ...]
    total_rows: int                   # before filtering
    # rows the filters hide, shown only because their editor is open (see build_view)
    held: frozenset[str] = frozenset()

    @property
    def collapsed(self) -> bool:
        return self.block.excluded


def _source_groups(sources: Sequence[SegmentRow], links: Iterable[LinkRow]) -> list[list[int]]:
    """Contiguous runs of source indexes that some link ties together."""
    index = {s.id: i for i, s in enumerate(sources)}
    reach = list(range(len(sources)))         # reach[i]: last index row i must extend to
    for link in links:
        idx = sorted(index[s] for s in link.src_ids if s in index)
        if len(idx) > 1:
            for i in range(idx[0], idx[-1] + 1):
                reach[i] = max(reach[i], idx[-1])
    groups: list[list[int]] = []
    i = 0
    while i < len(sources):
        end = reach[i]
        j = i
        while j <= end:
            end = max(end, reach[j])
            j += 1
        groups.append(list(range(i, end + 1)))
        i = end + 1
    return groups


def block_rows(snapshot: Snapshot, block: BlockRow, langs: Sequence[str]) -> list[Row]:
    sources = snapshot.sources.get(block.id, [])
    block_links = {lang: snapshot.links.get(lang, {}).get(block.id, []) for lang in langs}
    groups = _source_groups(sources, (l for ls in block_links.values() for l in ls))
    group_of = {sources[i].id: g for g, members in enumerate(groups) for i in members}
    n_groups = max(len(groups), 1)
    per_group: dict[str, list[list[LinkRow]]] = {}
    for lang in langs:
        buckets: list[list[LinkRow]] = [[] for _ in range(n_groups)]
        last = 0
        for link in block_links[lang]:
            g = next((group_of[s] for s in link.src_ids if s in group_of), None)
            # A target-only link (0:N) stays next to the link before it.
            g = last if g is None else g
            buckets[g].append(link)
            last = g
        per_group[lang] = buckets
    rows: list[Row] = []
    for g in range(n_groups):
        members = [sources[i] for i in groups[g]] if groups else []
        cells = {}
        for lang in langs:
            links = tuple(per_group[lang][g])
            table = snapshot.targets.get(lang, {})
            sentences = tuple(table[t] for link in links for t in link.tgt_ids if t in table)
            # One rule for "not translated" everywhere (align/store/coverage.py): a link with
            # no target, or with empty targets only, is no translation.
            placed = {s for link in links if link.tgt_ids for s in link.src_ids}
            covered = {s for link in links if any(has_text(table.get(t)) for t in link.tgt_ids)
                       for s in link.src_ids}
            missing = tuple(s.id for s in members if s.id not in placed)
            untranslated = tuple(s.id for s in members if s.id not in covered)
            stale = (_stale_pivots(snapshot, block.id, links, {s.id for s in members})
                     if lang == "zh" else frozenset())
            qa = snapshot.flags.get(lang, {})
            flags = tuple(f for link in links if link.tgt_ids for f in qa.get(link.tgt_ids[0], ()))
            known = snapshot.confidence.get(lang, {})
            confidence = {t.id: known[t.id] for t in sentences
                          if t.status == "mt" and t.id in known}
            offered = snapshot.offers.get(lang, {})
            sugg = tuple(x for m in members for x in offered.get(m.id, ()))
            cells[lang] = Cell(lang, links, sentences, missing, stale, untranslated, flags=flags,
                               confidence=confidence, offers=sugg)
        if not members and not any(c.sentences for c in cells.values()):
            continue
        key = members[0].id if members else "t-" + next(
            t.id for c in cells.values() for t in c.sentences)
        rows.append(Row(key, block.id, len(rows) + 1, tuple(members), cells))
    return rows


def _english_text(snapshot: Snapshot, block_id: str, src_ids: set[str]) -> str:
    """The English linked to these source sentences, joined as the pivot joins it."""
    table = snapshot.targets.get("en", {})
    parts = [table[t].text.strip() for link in snapshot.links.get("en", {}).get(block_id, [])
             if src_ids & set(link.src_ids) for t in link.tgt_ids if t in table]
    return " ".join(p for p in parts if p)


def _stale_pivots(snapshot: Snapshot, block_id: str, links: Sequence[LinkRow],
                  row_src: set[str]) -> frozenset[str]:
    """Machine Chinese made from English (origin_detail["pivot_sig"]: the English it was
    made from, recorded by the pivot and by "中文 from English") whose English has changed.
    The pivot works per link, "中文 from English" per row: either English may be the one."""
    table = snapshot.targets.get("zh", {})
    row_sig = None
    stale = set()
    for link in links:
        for t in link.tgt_ids:
            seg = table.get(t)
            made_from = seg.origin_detail.get("pivot_sig") if seg else None
            if not made_from or seg.status != "mt":
                continue
            linked = _english_text(snapshot, block_id, set(link.src_ids))
            if not linked or text_sig(linked) == made_from:
                continue
            if row_sig is None:
                row_sig = text_sig(_english_text(snapshot, block_id, row_src))
            if row_sig != made_from:
                stale.add(t)
    return frozenset(stale)


def has_scores(snapshot: Snapshot, langs: Sequence[str]) -> bool:
    """Whether any link in these languages has an alignment score (machine translations
    are linked by construction and have none)."""
    return any(link.score is not None for lang in langs
               for links in snapshot.links.get(lang, {}).values() for link in links)


# ----- filters ------------------------------------------------------------------------------
@dataclass(frozen=True)
class RowFilter:
    speakers: frozenset[str] = frozenset()   # empty: every speaker
    status: str = "any"                      # one of STATUS_FILTERS
    text: str = ""
    below_score: float | None = None         # only rows with a link scoring below this
    order: str = "document"
    flagged: bool = False                    # only rows with an open QA flag

    @property
    def active(self) -> bool:
        return bool(self.speakers or self.status != "any" or self.text.strip()
                    or self.below_score is not None or self.order != "document" or self.flagged)


def _matches_text(row: Row, needle: str) -> bool:
    texts = [s.text for s in row.sources] + [t.text for c in row.cells.values() for t in c.sentences]
    return any(needle in t.casefold() for t in texts)


def row_matches(row: Row, f: RowFilter) -> bool:
    if f.status == "untranslated":
        if not any(c.untranslated for c in row.cells.values()):
            return False
    elif f.status == "suggested":   # links waiting for a person's accept or reject
        if not any(link.suggested for c in row.cells.values() for link in c.links):
            return False
    elif f.status != "any":
        if not any(t.status == f.status for c in row.cells.values() for t in c.sentences):
            return False
    if f.text.strip() and not _matches_text(row, f.text.strip().casefold()):
        return False
    if f.flagged and not any(c.open_flags for c in row.cells.values()):
        return False
    if f.below_score is not None:
        score = row.min_score
        if score is None or score >= f.below_score:
            return False
    return True


def build_view(snapshot: Snapshot, langs: Sequence[str], f: RowFilter = RowFilter(),
               editing: str | None = None) -> list[BlockView]:
    """Blocks with their matching rows, in document order or lowest score first.

    Ordered by score, each row becomes its own item (shown under its turn's heading), so
    the weakest links of the whole document come first. The row being edited (`editing`)
    stays in view whatever the filters say, marked `held`: a filter changed while its text
    is unsaved must not make that text vanish."""
    out: list[BlockView] = []
    for number, block in enumerate(snapshot.blocks, start=1):
        other_speaker = bool(f.speakers) and (block.kind != "turn"
                                              or block.speaker not in f.speakers)
        if other_speaker and not _holds(snapshot, block, editing):
            continue
        rows = block_rows(snapshot, block, langs)
        matching = {r.key for r in rows
                    if not f.active or (not other_speaker and row_matches(r, f))}
        kept = [r for r in rows if r.key in matching or r.key == editing]
        held = frozenset(r.key for r in kept if r.key not in matching)
        if not kept:
            continue
        if f.order in ("lowest score first", "least confident first"):
            out.extend(BlockView(block, number, (r,), len(rows), held & {r.key}) for r in kept)
        else:
            out.append(BlockView(block, number, tuple(kept), len(rows), held))
    if f.order == "lowest score first":
        out.sort(key=lambda v: (v.rows[0].min_score is None, v.rows[0].min_score or 0.0))
    elif f.order == "least confident first":
        # Rows with no machine translation left to check go last, in document order.
        out.sort(key=lambda v: (v.rows[0].min_confidence is None, v.rows[0].min_confidence or 0.0))
    return out


def _holds(snapshot: Snapshot, block: BlockRow, editing: str | None) -> bool:
    """Whether the row being edited may be in this block (its key is its first German
    sentence, or "t-" and a translation sentence)."""
    if not editing:
        return False
    return editing.startswith("t-") or any(s.id == editing
                                           for s in snapshot.sources.get(block.id, ()))


HELD_NOTE = ('<div class="bx-held">Shown while you edit it: the filters hide this row. It '
             'goes when you close the editor.</div>')


def matching_items(items: Sequence[BlockView]) -> int:
    """Items with a row the filters let through (not only a row held for its editor)."""
    return sum(1 for it in items if len(it.rows) > len(it.held))


def count_label(n: int, f: RowFilter) -> str:
    """"1 block", "3 rows match", ... above the page."""
    noun = "row" if f.order != "document" else "block"
    label = f"{n} {noun}{'' if n == 1 else 's'}"
    if f.active:
        label += " matches" if n == 1 else " match"
    return label


WEAK_LINKS_NEED_SCORES = (
    "No alignment scores to filter on: machine-translated sentences have no alignment "
    "score. Weak links come from aligning a human translation (Import → Existing "
    "translation).")


def empty_message(snapshot: Snapshot, langs: Sequence[str], f: RowFilter) -> str:
    """Why the page shows nothing."""
    if not f.active:
        return "This document is empty."
    if f.below_score is not None and not has_scores(snapshot, langs):
        return WEAK_LINKS_NEED_SCORES
    if f.flagged:
        return "No open QA flags in these columns."
    return "Nothing matches these filters."


# ----- pages --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Page:
    items: list[BlockView]
    number: int      # 1-based, clamped to [1, count]
    count: int
    total: int       # items over all pages


def page_numbers(items: Sequence[BlockView], per_page: int) -> list[int]:
    """The page (1-based) of each item. Collapsed boilerplate takes no place of its own: it
    goes on the page of the turn before it, so no page holds only boilerplate."""
    per_page = max(1, per_page)
    out, shown = [], 0
    for item in items:
        if item.collapsed:
            out.append(max(1, -(-shown // per_page)))
        else:
            out.append(shown // per_page + 1)
            shown += 1
    return out


def paginate(items: Sequence[BlockView], page: int, per_page: int) -> Page:
    numbers = page_numbers(items, per_page)
    count = max(numbers, default=1)
    number = min(max(1, page), count)
    return Page([it for it, n in zip(items, numbers) if n == number], number, count, len(items))


def page_of_row(items: Sequence[BlockView], row_key: str, per_page: int) -> int | None:
    for item, number in zip(items, page_numbers(items, per_page)):
        if any(r.key == row_key for r in item.rows):
            return number
    return None


def page_after_filtering(items: Sequence[BlockView], per_page: int, page: int,
                         editing: str | None) -> int:
    """The page to show once the filters (or the page size) changed: the one holding the
    row being edited, so its editor and any unsaved text in it stay in view; else `page`."""
    return (page_of_row(items, editing, per_page) if editing else None) or page


def next_row_key(items: Sequence[BlockView], row_key: str) -> str | None:
    """The row after `row_key` in reading order (for "save and next")."""
    keys = [r.key for item in items if not item.collapsed for r in item.rows]
    if row_key in keys:
        i = keys.index(row_key)
        return keys[i + 1] if i + 1 < len(keys) else None
    return None


# ----- progress -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Progress:
    lang: str
    sources: int        # sentences to translate (boilerplate left out)
    translated: int     # of those, with at least one target sentence linked
    mt: int
    edited: int
    reviewed: int
    imported: int = 0   # human translations brought in by an import, unchanged since

    @property
    def targets(self) -> int:
        return self.mt + self.imported + self.edited + self.reviewed

    @property
    def fraction_reviewed(self) -> float:
        return self.reviewed / self.targets if self.targets else 0.0

    @property
    def fraction_translated(self) -> float:
        return self.translated / self.sources if self.sources else 0.0

    def short_caption(self, source_lang: str = "de") -> str:
        return f"{self.translated}/{self.sources} {lang_name(source_lang)} sentences translated"

    def caption(self, source_lang: str = "de") -> str:
        # Units named: German sentences are counted for "translated", target sentences for
        # the statuses (a 2:1 link is two German sentences and one English one).
        n = self.targets
        return (f"{self.translated}/{self.sources} {lang_name(source_lang)} sentences translated"
                f" · {n} {lang_name(self.lang)} sentence{'' if n == 1 else 's'}: {self.mt} "
                f"machine, {self.imported} imported, {self.edited} edited, {self.reviewed} reviewed")


def progress(snapshot: Snapshot, lang: str) -> Progress:
    """The counts `bitext show` prints (the same function computes both)."""
    included = [s.id for b in snapshot.blocks if not b.excluded
                for s in snapshot.sources.get(b.id, [])]
    links = [l for ls in snapshot.links.get(lang, {}).values() for l in ls]
    cov = coverage(included, links, snapshot.targets.get(lang, {}))
    by = cov.provenance
    return Progress(lang, cov.sources, cov.translated, by["machine"], by["edited"],
                    by["reviewed"], imported=by["imported"])


def speakers(snapshot: Snapshot) -> list[str]:
    return sorted({b.speaker for b in snapshot.blocks if b.kind == "turn" and b.speaker})


@dataclass(frozen=True)
class SpeakerMerge:
    """A speaker label the segmenter folded into another name (e.g. a misspelling)."""
    alias: str
    canonical: str
    active: bool

    def label(self) -> str:
        return (f"{self.alias} → {self.canonical}" if self.active
                else f"{self.alias} · kept apart from {self.canonical}")

    def action(self) -> str:
        return "Keep apart" if self.active else "Merge again"


def speaker_merges(project: Project) -> list[SpeakerMerge]:
    """Every merge the project knows, undone ones included, in a stable order."""
    active = project.speaker_merges()
    return [SpeakerMerge(alias, canonical, alias in active)
            for alias, canonical in sorted(project.speaker_merges(include_undone=True).items())]


def toggle_speaker_merge(project: Project, alias: str) -> str:
    """Undo the merge of `alias`, or make it again; returns what happened, to show."""
    merge = next((m for m in speaker_merges(project) if m.alias == alias), None)
    active = merge is None or not merge.active  # an unknown alias: the store says so
    project.set_speaker_merge(alias, active)
    canonical = merge.canonical if merge else "?"
    return (f"“{alias}” is shown as {canonical} again" if active
            else f"“{alias}” is shown as written, apart from {canonical}")


def display_title(title: str, source_lang: str = "de") -> str:
    """A document title for people: an import names the document after its file
    ("davos_interview_de"), so a slug reads as words ("Davos interview"); a real title is
    kept as it is."""
    title = (title or "").strip()
    if not title or " " in title or not re.search(r"[_-]", title):
        return title or "Untitled"
    words = [w for w in re.split(r"[_-]+", title) if w]
    if len(words) > 1 and words[-1].lower() == source_lang.lower():
        words.pop()   # "…_de": the language, which the column header already says
    text = " ".join(words)
    return text[:1].upper() + text[1:]


# ----- HTML ---------------------------------------------------------------------------------
def highlight(text: str, query: str = "", terms: dict[str, str] | None = None) -> str:
    """`text` escaped for HTML, with case-insensitive matches of `query` in <mark> and
    glossary terms (term -> its translations, shown on hover) underlined."""
    query = query.strip()
    if terms:
        return _lines(_marked(text, query, terms))
    if not query:
        return _lines(html.escape(text))
    out, pos = [], 0
    for m in re.finditer(re.escape(query), text, flags=re.IGNORECASE):
        out.append(html.escape(text[pos:m.start()]))
        out.append(f"<mark>{html.escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(html.escape(text[pos:]))
    return _lines("".join(out))


def _marked(text: str, query: str, terms: dict[str, str]) -> str:
    """Search matches first, then glossary terms where they do not overlap one; everything
    escaped."""
    spans: list[tuple[int, int, str]] = []
    if query:
        spans += [(m.start(), m.end(), "") for m in
                  re.finditer(re.escape(query), text, flags=re.IGNORECASE)]
    for term in sorted(terms, key=len, reverse=True):
        for a, b in term_spans(text, term):
            if all(b <= x or a >= y for x, y, _ in spans):
                spans.append((a, b, term))
    out, pos = [], 0
    for a, b, term in sorted(spans):
        out.append(html.escape(text[pos:a]))
        piece = html.escape(text[a:b])
        out.append(f'<span class="bx-term" title="{html.escape(terms[term])}">{piece}</span>'
                   if term else f"<mark>{piece}</mark>")
        pos = b
    out.append(html.escape(text[pos:]))
    return "".join(out)


def glossary_marks(snapshot: Snapshot, langs: Sequence[str]) -> dict[str, str]:
    """Source term -> "glossary · en: …, zh: …" for the shown languages' glossaries."""
    marks: dict[str, list[str]] = {}
    for lang in langs:
        for source, target in snapshot.glossary.get(lang, ()):
            marks.setdefault(source, []).append(f"{lang}: {target}")
    return {s: "glossary · " + ", ".join(t) for s, t in marks.items()}


def required_terms(row: Row, pairs: Sequence[tuple[str, str]]) -> dict[str, str]:
    """The translations a language's glossary asks for in this row (its German has the
    source term): target term -> hover text, to mark them in the translation column."""
    german = " ".join(s.text for s in row.sources)
    return {target: f"glossary · {source} → {target}" for source, target in pairs
            if target.strip() and term_spans(german, source)}


def glossary_hint(row: Row, glossary: dict[str, list[tuple[str, str]]],
                  langs: Sequence[str]) -> str:
    """The editor's reminder of the terms this row's German asks for: "Glossary: Sesame
    Credit → Sesame Credit (English) · Sesame Credit → 芝麻信用 (中文)"; "" when none."""
    german = " ".join(s.text for s in row.sources)
    pairs = [f"{source} → {target} ({lang_name(lang)})" for lang in langs
             for source, target in glossary.get(lang, ())
             if target.strip() and term_spans(german, source)]
    return "Glossary: " + " · ".join(pairs) if pairs else ""


def glossary_hint_html(row: Row, glossary: dict[str, list[tuple[str, str]]],
                       langs: Sequence[str]) -> str:
    hint = glossary_hint(row, glossary, langs)
    return f'<div class="bx-gl-hint">{html.escape(hint)}</div>' if hint else ""


def flags_html(flags: Sequence[quality.Finding]) -> str:
    """Open QA flags of one link: a badge naming the check, then its reason, as text."""
    return "".join(f'<span class="bx-flag bx-flag-{html.escape(f.flag.code)}">'
                   f'<span class="bx-flag-code">⚑ {html.escape(f.flag.label)}</span> '
                   f'{html.escape(f.flag.reason)}</span>' for f in flags if not f.dismissed)


def _lines(escaped: str) -> str:
    # A newline typed into a correction shows as a line break, never as raw markup.
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")


def score_badge(score: float | None, low: float) -> str:
    if score is None:
        return ""
    cls = "bx-score bx-low" if score < low else "bx-score"
    return f'<span class="{cls}" title="alignment score">{score:.2f}</span>'


# A machine translation whose tokens average below this probability is marked as doubtful.
LOW_CONFIDENCE = 0.5


def confidence_badge(confidence: float | None) -> str:
    """The model's confidence as the geometric mean of its token probabilities (exp of the
    mean log-probability): 0.42 -> "42%"."""
    if confidence is None:
        return ""
    p = math.exp(confidence)
    cls = "bx-conf bx-conf-low" if p < LOW_CONFIDENCE else "bx-conf"
    return (f'<span class="{cls}" title="model confidence: mean token probability '
            f'(log-probability {confidence:.2f})">{p * 100:.0f}%</span>')


def _sentence_html(seg: SegmentRow, query: str, confidence: float | None = None,
                   terms: dict[str, str] | None = None) -> str:
    status = html.escape(seg.status)
    label = html.escape(provenance_label(seg))
    return (f'<span class="bx-s bx-{status}" data-sid="{html.escape(seg.id)}">'
            f'{highlight(seg.text, query, terms)}<span class="bx-dot" title="{label}"></span>'
            f'{confidence_badge(confidence)}</span>')


def offer_badge(offers: Sequence[OfferRow]) -> str:
    if not offers:
        return ""
    best = max(s.similarity for s in offers)
    n = len(offers)
    return (f'<span class="bx-offer" title="A correction of a sentence like this one is offered: '
            f'open the row to accept it">{n} suggested correction{"" if n == 1 else "s"} · '
            f'{int(best * 100 + 1e-9)}% match</span>')


UNLINKED_HINT = ("Linked to no German sentence (a rejected suggestion, or text the German "
                 "lacks): open the row to merge or move it")
STALE_HINT = "English changed since this Chinese was made — 中文 from English"
SUGGESTION_HINT = ("The aligner is unsure of this link: open the row to accept or reject it "
                   "(suggestions are left out of exports until accepted)")


def offer_html(sug: OfferRow, lang_label: str) -> str:
    """One offered correction in the editor: language, match and the text (escaped)."""
    return (f'<div class="bx-offer-line"><span class="bx-offer">{html.escape(lang_label)} · '
            f'{int(sug.similarity * 100 + 1e-9)}% match</span> {highlight(sug.text)}</div>')


def open_offers(snapshot: Snapshot, langs: Sequence[str]) -> int:
    """How many sentences in these languages have a correction waiting to be accepted."""
    return sum(len(snapshot.offers.get(lang, {})) for lang in langs)


NOT_TRANSLATED = '<span class="bx-missing">not translated</span>'


def cell_html(cell: Cell, query: str = "", low: float = 0.5,
              terms: dict[str, str] | None = None) -> str:
    """A cell's linked sentences; whatever has no translation text (no link, a link without
    target, an emptied sentence) shows once, as NOT_TRANSLATED, never as a bare score.
    `terms`: the glossary's required translations to mark (see `required_terms`)."""
    parts = []
    for link in cell.links:
        shown = [s for s in cell.sentences if s.id in link.tgt_ids and has_text(s)]
        if not shown:
            continue
        sents = " ".join(_sentence_html(cell_seg, query, cell.confidence.get(cell_seg.id),
                                        terms)
                         for cell_seg in shown)
        if cell.stale & set(link.tgt_ids):
            sents += (f' <span class="bx-stale" title="Open the row and press “中文 from '
                      f'English” to translate the corrected English again">{STALE_HINT}</span>')
        fixed = ' bx-fixed' if link.fixed else ''
        if getattr(link, "suggested", False):
            fixed += ' bx-suggested'
            sents += f' <span class="bx-sugg" title="{SUGGESTION_HINT}">suggested</span>'
        if not link.src_ids:
            # Shown beside the row before it, but translating none of its German.
            fixed += ' bx-unlinked'
            sents += f' <span class="bx-sugg" title="{UNLINKED_HINT}">no German</span>'
        first = link.tgt_ids[0] if link.tgt_ids else None
        flags = flags_html([f for f in cell.flags if f.unit.segment_id == first])
        parts.append(f'<span class="bx-link{fixed}">{sents}{score_badge(link.score, low)}'
                     f'{flags}</span>')
    if cell.untranslated or (cell.sentences and not parts):
        parts.append(NOT_TRANSLATED)
    if cell.offers:
        parts.append(offer_badge(cell.offers))
    return " ".join(parts)


def row_html(row: Row, langs: Sequence[str], query: str = "", low: float = 0.5,
             selected: bool = False, clickable: bool = True, where: str = "",
             terms: dict[str, str] | None = None,
             glossary: dict[str, list[tuple[str, str]]] | None = None) -> str:
    """`where`: the row's turn, named inside the row (the ranked view has no turn headers);
    `terms`: glossary terms to mark in the German (see `glossary_marks`); `glossary`: each
    language's term pairs, to mark the required translation in its column too."""
    src = " ".join(f'<span class="bx-s">{highlight(s.text, query, terms)}</span>'
                   for s in row.sources)
    if where:
        src = f'<span class="bx-where">{where}</span>' + src
    cols = [f'<div class="bx-cell bx-src" lang="de">{src}</div>']
    for lang in langs:
        cell = row.cells.get(lang)
        wanted = required_terms(row, glossary.get(lang, ())) if glossary else None
        body = cell_html(cell, query, low, wanted) if cell else ""
        cols.append(f'<div class="bx-cell" lang="{html.escape(lang)}">{body}</div>')
    cls = "bx-row bx-selected" if selected else "bx-row"
    if any(c.open_flags for c in row.cells.values()):
        cls += " bx-flagged"
    # Focusable: Tab reaches every row, Enter opens its editor (see READER_JS).
    act = (' tabindex="0" role="button" aria-label="Correct this row"'
           if clickable else "")
    return (f'<div class="{cls}" data-row="{html.escape(row.key)}"{act} '
            f'style="--bx-cols:{len(langs) + 1}">{"".join(cols)}</div>')


def block_title(view: BlockView) -> str:
    b = view.block
    if b.kind == "turn":
        return b.speaker or "?"
    return {"heading": "Heading", "narration": "Narration",
            "boilerplate": "Boilerplate"}.get(b.kind, b.kind)


def title_html(title: str, folder: str) -> str:
    return (f'<div class="bx-title" title="project folder: {html.escape(folder)}">'
            f'{html.escape(title)}</div>')


def source_span(row: Row, src_ids: Iterable[str]) -> str:
    """Which of a row's German sentences (numbered 1, 2, … in the editor) a target sentence
    translates: "1", "1–3"; "" in a one-sentence row, where it goes without saying."""
    if len(row.sources) < 2:
        return ""
    index = {s.id: i + 1 for i, s in enumerate(row.sources)}
    nums = sorted(index[s] for s in src_ids if s in index)
    if not nums:
        return ""
    return str(nums[0]) if nums[0] == nums[-1] else f"{nums[0]}–{nums[-1]}"


def where_html(view: BlockView, query: str = "") -> str:
    """Turn number and speaker, small, for a row shown away from its turn."""
    return (f'<span class="bx-num">{view.number}</span>'
            f'<span class="bx-who">{highlight(block_title(view), query)}</span>')


def block_header_html(view: BlockView, query: str = "") -> str:
    b = view.block
    who = highlight(block_title(view), query)
    alias = ""
    if b.kind == "turn" and b.speaker_label and b.speaker_label != b.speaker:
        alias = f' <span class="bx-alias">written “{html.escape(b.speaker_label)}”</span>'
    kind = html.escape(b.kind)
    more = ""
    matching = len(view.rows) - len(view.held)
    if matching < view.total_rows:
        more = f' <span class="bx-alias">{matching} of {view.total_rows} rows match</span>'
    return (f'<div class="bx-head bx-{kind}"><span class="bx-num">{view.number}</span>'
            f'<span class="bx-who">{who}</span>{alias}{more}</div>')


def column_header_html(langs: Sequence[str], source_lang: str = "de") -> str:
    cols = [f'<div class="bx-cell">{html.escape(lang_name(source_lang))}</div>']
    cols += [f'<div class="bx-cell">{html.escape(lang_name(lang))}</div>' for lang in langs]
    return f'<div class="bx-row bx-colhead" style="--bx-cols:{len(langs) + 1}">{"".join(cols)}</div>'


def parse_pick(value: str | None) -> str | None:
    """The row key sent by a click on a row ("key|nonce": the nonce makes a second click
    on the same row a new value)."""
    key = (value or "").split("|", 1)[0].strip()
    return key or None


# ----- saving -------------------------------------------------------------------------------
@dataclass
class SaveResult:
    saved: list[str] = field(default_factory=list)       # segment ids committed
    cleared: list[str] = field(default_factory=list)     # of those, emptied (no translation)
    created: list[str] = field(default_factory=list)     # new target sentence ids
    unchanged: list[str] = field(default_factory=list)
    conflicts: dict[str, ConflictError] = field(default_factory=dict)
    # A save as reviewed: per language of the row, marked or not and why (align/store/review.py)
    review: list[ReviewVerdict] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.conflicts

    def review_message(self) -> str:
        return review_message(self.review, LANG_NAMES)


def save_edits(project: Project, edits: Sequence[tuple[str, int, str]],
               new_sentences: Sequence[tuple[str, str, str]] = (),
               mark_reviewed: bool = False, confirmed: Iterable[str] = (),
               langs: Sequence[str] | None = None) -> SaveResult:
    """Commit a row's corrections: `edits` are (segment id, version seen, text),
    `new_sentences` (lang, source id, text) for sentences that had no translation.

    Each sentence is its own transaction, so a conflict on one never loses the others;
    a conflicting save is refused and reported with both versions (the store also keeps
    the refused text in the history).

    With `mark_reviewed`, each language of the row is then marked reviewed only where the
    rule of align/store/review.py allows, judged on the row as saved: `confirmed` names the
    languages whose untouched machine text the person ticked as checked; `langs` are the
    languages shown (they decide what a row is)."""
    result = SaveResult()
    for seg_id, version, text in edits:
        text = text.strip()
        try:
            current = project.segment(seg_id)
            if text == current.text:
                # Nothing to write (also when another window saved this very text).
                result.unchanged.append(seg_id)
            else:
                # An emptied box removes the translation (kept in the history; undo brings
                # it back); the sentence then reads "not translated" like any other.
                project.edit_segment(seg_id, text, version)
                result.saved.append(seg_id)
                if not text:
                    result.cleared.append(seg_id)
        except ConflictError as err:
            result.conflicts[seg_id] = err
    for lang, src_id, text in new_sentences:
        if not text.strip():
            continue
        try:
            seg = project.add_target_sentence(lang, src_id, text)
            result.created.append(seg.id)
        except ConflictError as err:
            result.conflicts[f"{lang}:{src_id}"] = err
    if mark_reviewed:
        _mark_reviewed(project, result, set(confirmed), langs)
    return result


def _mark_reviewed(project: Project, result: SaveResult, confirmed: set[str],
                   langs: Sequence[str] | None) -> None:
    """Judge each language of the saved row as it now stands (a corrected English can make
    the Chinese stale) and mark reviewed what the rule allows."""
    ids = [*result.saved, *result.unchanged, *result.created]
    if not ids:
        return
    first = project.segment(ids[0])
    if langs is None:
        langs = list(dict.fromkeys(project.segment(i).lang for i in ids))
    snapshot = load_snapshot(project, langs)
    block = next((b for b in snapshot.blocks if b.id == first.block_id), None)
    wanted = set(ids)
    row = next((r for r in (block_rows(snapshot, block, langs) if block else ())
                if wanted & set(r.target_ids())), None)
    if row is None:
        return
    for lang in langs:
        cell = row.cells.get(lang)
        mine = [t for t in cell.sentences if t.id in wanted] if cell else []
        if not mine:
            continue
        verdict = review_verdict(lang, mine, stale=bool(cell.stale & wanted),
                                 open_flags=[f.flag.label for f in cell.open_flags],
                                 confirmed=lang in confirmed)
        result.review.append(verdict)
        if not verdict.marked:
            continue
        for seg in mine:
            if seg.status != "reviewed" and seg.text.strip():
                try:
                    project.set_status(seg.id, "reviewed", seg.version)
                except ConflictError as err:
                    result.conflicts[seg.id] = err
                    continue
                if seg.id not in result.saved and seg.id not in result.created:
                    result.saved.append(seg.id)


def toggle_reviewed(project: Project, seg_id: str, version: int) -> SegmentRow:
    """Mark reviewed, or take it back: the status before the review returns (machine text
    is machine again, imported text reads imported again; `Project.unreview`)."""
    seg = project.segment(seg_id)
    if seg.version != version:
        raise ConflictError("this sentence was changed elsewhere; reload to see it",
                            current_text=seg.text, current_version=seg.version)
    if seg.status == "reviewed":
        return project.unreview(seg_id, version)
    return project.set_status(seg_id, "reviewed", version)


def decide_suggestion(project: Project, link_id: int, accept: bool) -> str:
    """Accept a suggested link (a normal link from now on) or reject it (its sentences are
    left unlinked); returns what happened, to show."""
    if accept:
        project.accept_suggestion(link_id)
        return "Suggestion accepted: a normal link now"
    project.reject_suggestion(link_id)
    return "Suggestion rejected: the sentences are unlinked (Undo takes it back)"


def link_label(link: LinkRow, targets: Sequence[SegmentRow] = ()) -> str:
    """How a link came about, for the Alignment tools: its score where the aligner gave one,
    "manual" only where a person set it; a link machine translation made (one sentence, one
    translation) says so instead of passing for a person's work."""
    parts = [] if link.score is None else [f"score {link.score:.2f}"]
    if link.fixed:
        parts.append("manual")
    elif link.score is None:
        machine = bool(targets) and all(t.origin == "mt" for t in targets)
        parts.append("made with the machine translation" if machine else "automatic, no score")
    return " · ".join(parts)


def where_suggestions_are(n: int) -> str:
    """After an import that left suggested links: where to find them ("" when none)."""
    if not n:
        return ""
    return (f"Sidebar → Status → “suggested links” lists the {plural(n, 'suggested link')} "
            f"to accept or reject")


# ----- undo of an accept or reject ------------------------------------------------------------
def undoable_decisions(project: Project, row: Row, langs: Sequence[str]) -> list[Decision]:
    """Per shown language, the latest Accept/Reject of a suggested link on this row's
    sentences that Undo can still take back."""
    src = [s.id for s in row.sources]
    out = []
    for lang in langs:
        cell = row.cells.get(lang)
        d = project.last_decision(lang, src, [t.id for t in cell.sentences] if cell else [])
        if d is not None:
            out.append(d)
    return out


def decision_label(d: Decision) -> str:
    return "↶ Undo accept" if d.accepted else "↶ Undo reject"


def undo_decision(project: Project, history_id: int) -> str:
    d = project.undo_decision(history_id)
    return ("Accept undone: the link is a suggestion again" if d.accepted else
            "Reject undone: the sentences are linked again, as a suggestion")


def undo_sentence(project: Project, seg_id: str) -> str | None:
    """A sentence's Undo: its latest change, which may be the Accept or Reject of the
    suggested link it is in (a mistaken click is taken back like an edit). None: nothing
    left to undo."""
    seg = project.segment(seg_id)
    d = project.last_decision(seg.lang, (), [seg_id])
    if d is not None and project.decision_after(d, seg_id):
        return undo_decision(project, d.history_id)
    return "Undone" if project.undo(seg_id) is not None else None


def history_lines(project: Project, seg_id: str, limit: int = 20) -> list[str]:
    lines = []
    for h in project.history(seg_id, limit=limit):
        new = h.new_value or {}
        what = h.action + (" (undone)" if h.undone else "")
        when = h.at[:19].replace("T", " ")
        if h.action == "status":
            # A status change keeps the text: say what the status became.
            label = STATUS_LABELS.get(new.get("status"), new.get("status"))
            lines.append(f"{when} · {what} · {h.actor}: now {label}")
            continue
        text = new.get("text")
        if text == "":
            text = "(translation removed)"
        lines.append(f"{when} · {what} · {h.actor}" + (f": {text}" if text is not None else ""))
    return lines


# ----- style --------------------------------------------------------------------------------
def _asset(name: str) -> str:
    """A file shipped beside this module (package data): the reader's stylesheet and script
    live as real .css/.js files so they can be read and edited as what they are."""
    return (resources.files("align") / name).read_text(encoding="utf-8")


# Reading typography: a serif text face at a comfortable measure, CJK faces for Chinese,
# equal columns, quiet status marks; the row under the pointer or being edited is tinted so
# its linked sentences read as one unit.
READER_CSS = _asset("reader.css")

# Click (or Enter on a focused row) opens that row's editor: the row key goes into the
# hidden text input `pick`, which reruns the script. Constant code, no user text in it;
# the rows themselves are rendered with JavaScript off.
#
# It also guards typing: a row editor whose boxes differ from what they held before the
# person typed is "unsaved"; anything that would close it (another row, a page turn, Close/Esc,
# a button that reruns the row) first asks Save / Discard / Keep editing. Inside a text
# field the page-turn shortcut (Alt+←/→: a word to the left/right on a Mac) and the
# editor's save shortcuts (outside the editor) do not fire. When an editor opens, its first
# box gets the focus; when it closes, the focus goes back to its row.
READER_JS = "<script>\n" + _asset("reader.js") + "</script>"
