"""Export rows: a project's aligned text as a table every format writes and reads.

One row is one unit of parallel text: a group of source sentences and, for every chosen
language, the target sentences linked to them.

How rows are built from links (links live per language; a link joins source ids and target
ids of one block):
- Within a block, the source sentences joined by any chosen language's link fall into one
  group (union of the links' source ids; groups are the connected components, so when
  English links 1:1 and Chinese joins two sentences 2:1, both sentences form one row in
  every language). Each group is one row, ordered by its first source sentence. A source
  sentence no link touches is a row of its own.
- A row's text in a language is its linked target sentences in link order, joined with a
  space (with nothing for Chinese and Japanese, written without spaces). The German side
  is its source sentences, joined the same way.
- A target sentence with no source (a 0:n link) joins the row of the link before it in the
  same block (the next one when it comes first), and only a row that has a translation of
  its own in that language: alone, it would be exported as the translation of German it does
  not translate. When that link is a suggestion left out, the sentence is left out with it.
- Per language, a row carries the lowest status of its sentences (mt < edited < reviewed),
  their origin ("human", or "mt:" and the model id), the alignment score (the link's
  score; for a row made of several links the lowest one, none when no link has one), and
  the model's confidence in its machine translations still uncorrected (the lowest).

Which rows are exported:
- boilerplate blocks are left out unless asked for;
- a row is exported only when every chosen language has text (a line-aligned corpus cannot
  have holes); the count left out is reported;
- `status` is a minimum over the row's target sentences: "mt" (everything), "edited" (a
  person edited or reviewed every target sentence of the row), "reviewed";
- suggested links (the aligner was unsure, no person accepted them yet) are left out unless
  asked for: their source sentences then have no text in that language. When asked for, a
  row's cell is marked `suggested` if any of its links is one.
- a book (`untranslated="show"|"skip"`) is read, not line-aligned: every heading is kept,
  translated or not, and with "show" every row; a language with no text there (or below the
  status) gets an empty cell (`UNTRANSLATED`), which the book draws as untranslated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Sequence

from align.errors import InputError

STATUS_RANK = {"mt": 0, "edited": 1, "reviewed": 2}
STATUS_FILTERS = tuple(STATUS_RANK)
SOURCE_STATUS = "source"
UNTRANSLATED_CHOICES = ("show", "skip")

# Languages written without spaces between sentences.
NO_SPACE_LANGS = frozenset({"zh", "ja"})

# The region each language is exported with (TMX and XLIFF want a full tag, and CAT tools
# match translation memories on it). Other languages are written as their plain code.
REGION_TAGS = {"de": "de-DE", "en": "en-US", "zh": "zh-CN", "fr": "fr-FR", "es": "es-ES",
               "it": "it-IT", "ja": "ja-JP", "ru": "ru-RU", "pt": "pt-PT", "nl": "nl-NL"}
_LANG_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")


def joiner(lang: str) -> str:
    return "" if lang in NO_SPACE_LANGS else " "


# Control characters XML 1.0 cannot hold (tab, newline and return become spaces anyway).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def clean(text: str) -> str:
    """One line with single spaces and no control characters: what every format can hold."""
    return " ".join(_CONTROL.sub("", text).split())


def join_sentences(lang: str, sentences: Sequence[str]) -> str:
    return joiner(lang).join(clean(s) for s in sentences if s.strip())


def is_true(value) -> bool:
    """A yes/no mark as files write it: true, 1, yes (any case); anything else is no."""
    return str(value or "").strip().lower() in ("true", "1", "yes")


def region_tag(lang: str) -> str:
    """de -> de-DE: the tag written into TMX and XLIFF files."""
    return REGION_TAGS.get(lang, lang)


def primary_lang(tag: str, name: str = "file") -> str:
    """de-DE, de_de, DE -> de. Refuses what is not a language tag at all."""
    tag = (tag or "").strip()
    if not _LANG_TAG.match(tag):
        raise InputError(f"{name}: {tag!r} is not a language tag (expected e.g. de-DE or en)")
    return tag.replace("_", "-").split("-")[0].lower()


@dataclass(frozen=True)
class Cell:
    """One language's side of a row."""
    text: str
    status: str = SOURCE_STATUS      # 'source' for the source side, else mt|edited|reviewed
    origin: str = ""                 # 'source', 'human', 'mt:<model>' ('' when unknown)
    score: float | None = None       # alignment score of the link(s), 4 decimals
    # The model's confidence in a machine translation (mean log-probability per token; the
    # least confident sentence's for a row of several), 4 decimals; None for human text.
    confidence: float | None = None
    # A link the aligner was unsure of and no person accepted (exported only when asked for,
    # with include_suggested): the row may pair this text with the wrong source sentences.
    suggested: bool = False


@dataclass(frozen=True)
class Row:
    turn: int                        # 1-based number of the block in the document
    speaker: str | None
    cells: dict[str, Cell]
    kind: str = "turn"
    source_ids: tuple[str, ...] = ()  # project ids (not written to files)

    def comparable(self) -> tuple:
        """Everything a file carries, for round-trip comparison (not the project ids)."""
        return (self.turn, self.speaker, tuple(sorted(self.cells.items())))


@dataclass(frozen=True)
class Table:
    source_lang: str
    langs: tuple[str, ...]            # chosen languages, in column order
    rows: tuple[Row, ...]
    title: str = ""
    created: str = ""                # the project's creation time (ISO), for fixed timestamps
    skipped: int = 0                 # rows left out because a language had no text
    filtered: int = 0                # rows left out by the status filter
    suggestions: int = 0             # suggested links left out (include_suggested=False)
    # Suggested links were asked for: formats that add a column or key for the mark only do
    # it then (plain exports keep the layout they always had).
    with_suggested: bool = False

    untranslated: int = 0            # rows kept in a book with a language untranslated

    @property
    def target_langs(self) -> tuple[str, ...]:
        return tuple(lang for lang in self.langs if lang != self.source_lang)


def origin_label(origin: str, detail: dict) -> str:
    if origin == "mt":
        model = detail.get("model") or detail.get("model_id") or detail.get("name")
        return f"mt:{model}" if model else "mt"
    return origin


def _merge_labels(labels: Sequence[str]) -> str:
    seen: list[str] = []
    for label in labels:
        if label not in seen:
            seen.append(label)
    return " + ".join(seen)


def _score(scores: Sequence[float | None]) -> float | None:
    known = [s for s in scores if s is not None]
    # A row of several links is as reliable as its weakest link.
    return round(min(known), 4) if known else None


class _Groups:
    """Union-find over the source sentences of one block."""

    def __init__(self, ids: Sequence[str]):
        self.parent = {i: i for i in ids}

    def find(self, i: str) -> str:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, ids: Sequence[str]) -> None:
        ids = [i for i in ids if i in self.parent]
        for other in ids[1:]:
            a, b = self.find(ids[0]), self.find(other)
            if a != b:
                self.parent[b] = a


def resolve_langs(project, langs: Sequence[str] | None) -> tuple[str, ...]:
    source = project.source_lang
    available = [source, *[lang for lang in project.languages() if lang != source]]
    if not langs:
        chosen = tuple(available)
    else:
        chosen = tuple(dict.fromkeys(primary_lang(lang, "--langs") for lang in langs if lang.strip()))
        unknown = [lang for lang in chosen if lang not in available]
        if unknown:
            raise InputError(f"the project has no {', '.join(unknown)} text; its languages are "
                             f"{', '.join(available)}")
    if len(chosen) < 2:
        raise InputError(f"an export needs at least two languages (the project has "
                         f"{', '.join(available)}); translate first or choose them with --langs")
    return chosen


UNTRANSLATED = Cell("", "", "")   # a book's cell where a language has no text yet


def build_table(project, langs: Sequence[str] | None = None, status: str = "mt",
                include_boilerplate: bool = False, include_suggested: bool = False,
                untranslated: str | None = None) -> Table:
    """The project's aligned text as rows, filtered as described in the module notes.
    untranslated: None for line-aligned formats; "show" or "skip" for a book."""
    if status not in STATUS_RANK:
        raise InputError(f"unknown status filter {status!r}; use one of {', '.join(STATUS_FILTERS)}")
    if untranslated is not None and untranslated not in UNTRANSLATED_CHOICES:
        raise InputError(f"unknown choice for untranslated text {untranslated!r}; use "
                         f"{' or '.join(UNTRANSLATED_CHOICES)}")
    chosen = resolve_langs(project, langs)
    source = project.source_lang
    targets = [lang for lang in chosen if lang != source]
    info = project.document_info() or {}
    confidences = {lang: project.mt_confidences(lang) for lang in targets}
    rows: list[Row] = []
    skipped = filtered = kept_untranslated = 0
    left_out: list[int] = []
    for block in project.blocks(include_excluded=True):
        if block.excluded and not include_boilerplate:
            continue
        for row in _block_rows(project, block, source, chosen, targets,
                               None if include_suggested else left_out, confidences):
            if untranslated is not None:
                book_row = _book_row(row, chosen, targets, status,
                                     keep=untranslated == "show" or row.kind == "heading")
                if book_row is not None:
                    rows.append(book_row)
                    kept_untranslated += any(book_row.cells[x] is UNTRANSLATED for x in targets)
                    continue
            if any(not row.cells.get(lang) or not row.cells[lang].text for lang in chosen):
                skipped += 1
            elif any(STATUS_RANK[row.cells[lang].status] < STATUS_RANK[status] for lang in targets):
                filtered += 1
            else:
                rows.append(replace(row, cells={lang: row.cells[lang] for lang in chosen}))
    return Table(source_lang=source, langs=chosen, rows=tuple(rows), title=info.get("title", ""),
                 created=info.get("created_at", ""), skipped=skipped, filtered=filtered,
                 suggestions=len(left_out), with_suggested=include_suggested,
                 untranslated=kept_untranslated)


def _book_row(row: Row, chosen: Sequence[str], targets: Sequence[str], status: str,
              keep: bool) -> Row | None:
    """The row as a book shows it: a language with no text, or text below `status`, gets
    the empty UNTRANSLATED cell. None when the row is not complete and not to be kept."""
    def ok(lang: str) -> bool:
        cell = row.cells.get(lang)
        return bool(cell and cell.text) and (
            lang not in targets or STATUS_RANK[cell.status] >= STATUS_RANK[status])

    if not keep and not all(ok(lang) for lang in chosen):
        return None
    return replace(row, cells={lang: row.cells[lang] if ok(lang) else UNTRANSLATED
                               for lang in chosen})


def _without_suggestions(links: Sequence) -> list:
    """The links of one block and language less the suggestions, and less the sentences with
    no source that go with a suggestion (those right after it, or before the first link when
    that one is a suggestion): without it they would join a row they do not translate."""
    first = next((link for link in links if link.src_ids), None)
    after_suggestion = bool(first is not None and first.suggested)
    kept = []
    for link in links:
        if link.src_ids:
            after_suggestion = link.suggested
        if not (link.suggested or (not link.src_ids and after_suggestion)):
            kept.append(link)
    return kept


def _block_rows(project, block, source: str, chosen: Sequence[str],
                targets: Sequence[str], left_out: list[int] | None = None,
                confidences: dict | None = None) -> list[Row]:
    """left_out: when given, suggested links are left out and their ids added to it.
    confidences: lang -> target id -> the model's confidence."""
    sources = project.source_segments(block.id)
    if not sources:
        return []
    order = {s.id: k for k, s in enumerate(sources)}
    groups = _Groups(list(order))
    links = {lang: project.links(lang, block.id) for lang in targets}
    if left_out is not None:
        left_out.extend(link.id for lang_links in links.values() for link in lang_links if link.suggested)
        links = {lang: _without_suggestions(lang_links) for lang, lang_links in links.items()}
    for lang_links in links.values():
        for link in lang_links:
            groups.union(link.src_ids)
    members: dict[str, list[str]] = {}
    for s in sources:
        members.setdefault(groups.find(s.id), []).append(s.id)
    # Per language: group root -> the links that belong to it, in link order.
    assigned: dict[str, dict[str, list]] = {lang: {} for lang in targets}
    for lang, lang_links in links.items():
        pending: list = []           # 0:n links seen before any sourced link
        last_root = None
        for link in lang_links:
            known = [i for i in link.src_ids if i in order]
            if not known:
                if last_root is None:
                    pending.append(link)
                else:
                    assigned[lang][last_root].append(link)
                continue
            last_root = groups.find(known[0])
            bucket = assigned[lang].setdefault(last_root, [])
            bucket.extend(pending)
            pending = []
            bucket.append(link)
        if pending and members:
            first_root = min(members, key=lambda r: order[members[r][0]])
            assigned[lang].setdefault(first_root, []).extend(pending)
    target_ids = [i for lang in targets for link in links[lang] for i in link.tgt_ids]
    segs = project.segments_by_id(target_ids)
    by_id = {s.id: s for s in sources}
    out = []
    for root, ids in sorted(members.items(), key=lambda kv: order[kv[1][0]]):
        cells: dict[str, Cell] = {}
        if source in chosen:
            cells[source] = Cell(join_sentences(source, [by_id[i].text for i in ids]),
                                 SOURCE_STATUS, "source")
        for lang in targets:
            group_links = assigned[lang].get(root, [])
            if not any(link.src_ids for link in group_links):  # only sentences with no source
                continue
            sentences = [segs[i] for link in group_links for i in link.tgt_ids if i in segs]
            sentences = [s for s in sentences if s.text.strip()]
            if not sentences:
                continue
            cells[lang] = Cell(
                text=join_sentences(lang, [s.text for s in sentences]),
                status=min((s.status for s in sentences), key=lambda st: STATUS_RANK.get(st, 0)),
                origin=_merge_labels([origin_label(s.origin, s.origin_detail) for s in sentences]),
                score=_score([link.score for link in group_links]),
                confidence=_score([(confidences or {}).get(lang, {}).get(s.id)
                                   for s in sentences if s.status == "mt"]),
                suggested=any(link.suggested for link in group_links),
            )
        out.append(Row(turn=block.position + 1, speaker=block.speaker, cells=cells,
                       kind=block.kind, source_ids=tuple(ids)))
    return out
