"""QA over a project: runs align.qa's checks on every link of a language (its source
sentences joined against its target sentences), with the glossary and the dismissals kept
in the store.

A flag belongs to a link and is shown on its first target sentence (`segment_id`); a
dismissal is recorded on that sentence for the exact pair of texts it was made on.

Names come from the whole document, not only its translated links: its speakers and
their aliases, and every source sentence, translated or not (`Knowledge`), so a partly
translated document knows its names too.

Checks run only on pairs whose texts (or whose document context: the usual length ratio,
the names the document keeps, the glossary) changed since they were last checked: results
are cached in memory by a signature of all of that, so the reader re-renders without
re-checking the whole document, and an edit, a new machine translation or an import is
checked on the next read after it was written, wherever it was written from.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from align.errors import InputError
from align.qa.checks import (CHECKS, Context, DocumentContext, Flag, check_pair, length_flags,
                             length_ratio)
from align.qa.glossary import format_tsv, parse_tsv
from align.store import BlockRow, LinkRow, Project, SegmentRow, text_sig

_CACHE: dict[str, tuple[tuple[Flag, ...], float | None]] = {}
_CACHE_LIMIT = 200_000
_CONTEXTS: dict[str, Context] = {}
ORDER = {code: i for i, code in enumerate(CHECKS)}


@dataclass(frozen=True)
class Unit:
    """One link: what the checks compare."""
    lang: str
    block_id: str
    link_id: int
    segment_id: str           # the link's first target sentence: where its flags show
    source: str
    target: str

    @property
    def pair_sig(self) -> str:
        return text_sig(self.source + "\x1f" + self.target)


@dataclass(frozen=True)
class Finding:
    unit: Unit
    flag: Flag
    dismissed: bool

    def as_dict(self) -> dict:
        return {"lang": self.unit.lang, "segment_id": self.unit.segment_id,
                "link_id": self.unit.link_id, "code": self.flag.code,
                "label": self.flag.label, "reason": self.flag.reason,
                "source": self.unit.source, "target": self.unit.target,
                "dismissed": self.dismissed}


@dataclass(frozen=True)
class Knowledge:
    """What the document says about names beyond its translations: every source sentence
    of its blocks (boilerplate aside) and its speakers' names as merged and as written."""
    sources: tuple[str, ...] = ()
    speakers: tuple[str, ...] = ()


def knowledge_of(blocks: Sequence[BlockRow],
                 sources: Mapping[str, Sequence[SegmentRow]]) -> Knowledge:
    texts = tuple(s.text for b in blocks if not b.excluded for s in sources.get(b.id, ()))
    speakers = {name for b in blocks if b.kind == "turn"
                for name in (b.speaker, b.speaker_label) if name}
    return Knowledge(texts, tuple(sorted(speakers)))


def join(texts: Iterable[str], lang: str) -> str:
    sep = "" if lang.split("-")[0] in ("zh", "ja") else " "
    return sep.join(t.strip() for t in texts if t.strip())


def units_of(lang: str, blocks: Sequence[BlockRow], sources: Mapping[str, Sequence[SegmentRow]],
             targets: Mapping[str, SegmentRow], links: Mapping[str, Sequence[LinkRow]],
             src_lang: str = "de") -> list[Unit]:
    """The links of `lang` that have both a source and a target sentence, in reading order;
    boilerplate (excluded blocks) is left out, as it is of translation and export."""
    out = []
    for block in blocks:
        if block.excluded:
            continue
        src_text = {s.id: s.text for s in sources.get(block.id, ())}
        for link in links.get(block.id, ()):
            tgt = [targets[t] for t in link.tgt_ids if t in targets]
            src = [src_text[s] for s in link.src_ids if s in src_text]
            if not tgt or not src:
                continue
            out.append(Unit(lang, block.id, link.id, link.tgt_ids[0], join(src, src_lang),
                            join((t.text for t in tgt), lang)))
    return out


def _sources(project: Project) -> dict[str, list[SegmentRow]]:
    sources: dict[str, list[SegmentRow]] = {}
    for seg in project.source_segments():
        sources.setdefault(seg.block_id, []).append(seg)
    return sources


def project_knowledge(project: Project) -> Knowledge:
    return knowledge_of(project.blocks(), _sources(project))


def project_units(project: Project, lang: str) -> list[Unit]:
    blocks = project.blocks()
    sources = _sources(project)
    targets = {t.id: t for t in project.target_segments(lang)}
    links: dict[str, list[LinkRow]] = {}
    for link in project.links(lang):
        links.setdefault(link.block_id, []).append(link)
    return units_of(lang, blocks, sources, targets, links, project.source_lang)


def context_for(units: Sequence[Unit], src_lang: str, lang: str,
                glossary: Sequence[tuple[str, str]], knowledge: Knowledge = Knowledge()) -> Context:
    key = text_sig(json.dumps([src_lang, lang, list(glossary),
                               [(u.source, u.target) for u in units],
                               list(knowledge.sources), list(knowledge.speakers)],
                              ensure_ascii=False))
    ctx = _CONTEXTS.get(key)
    if ctx is None:
        if len(_CONTEXTS) > 64:
            _CONTEXTS.clear()
        ctx = DocumentContext([(u.source, u.target) for u in units], knowledge.sources,
                              knowledge.speakers).context(src_lang, lang, glossary)
        _CONTEXTS[key] = ctx
    return ctx


def flags_of(unit: Unit, ctx: Context) -> tuple[Flag, ...]:
    """The pair's flags: cached by its texts and the names and terms its source has; the
    length check, tied to the whole document's usual ratio, is applied to the cached ratio
    every time."""
    key = text_sig(ctx.signature_for(unit.source) + "\x1e" + unit.source + "\x1f" + unit.target)
    hit = _CACHE.get(key)
    if hit is None:
        if len(_CACHE) > _CACHE_LIMIT:
            _CACHE.clear()
        ratio = length_ratio(unit.source, unit.target) if unit.target.strip() else None
        hit = (tuple(check_pair(unit.source, unit.target, ctx, length=False)), ratio)
        _CACHE[key] = hit
    flags, ratio = hit
    return tuple(sorted(flags + tuple(length_flags(ratio, ctx)), key=lambda f: ORDER[f.code]))


def findings(units: Sequence[Unit], src_lang: str, lang: str,
             glossary: Sequence[tuple[str, str]],
             dismissed: set[tuple[str, str, str]],
             knowledge: Knowledge = Knowledge()) -> list[Finding]:
    ctx = context_for(units, src_lang, lang, glossary, knowledge)
    out = []
    for unit in units:
        for flag in flags_of(unit, ctx):
            out.append(Finding(unit, flag, (unit.segment_id, flag.code, unit.pair_sig) in dismissed))
    return out


def run_qa(project: Project, lang: str) -> list[Finding]:
    """Every flag of one target language, dismissed ones included (marked)."""
    units = project_units(project, lang)
    return findings(units, project.source_lang, lang, project.glossary(lang),
                    project.dismissals(), project_knowledge(project))


def dismiss(project: Project, finding: Finding, actor: str = "user") -> bool:
    return project.dismiss_flag(finding.unit.segment_id, finding.flag.code,
                                finding.unit.pair_sig, finding.flag.reason, actor)


def dismiss_by_id(project: Project, lang: str, segment_id: str, code: str,
                  actor: str = "user") -> Finding:
    """Dismiss the open flag `code` on the link whose first target is `segment_id`."""
    if code not in CHECKS:
        raise InputError(f"unknown check {code!r}; use one of {', '.join(CHECKS)}")
    hit = next((f for f in run_qa(project, lang)
                if f.unit.segment_id == segment_id and f.flag.code == code), None)
    if hit is None:
        raise InputError(f"no {code!r} flag on sentence {segment_id} in {lang}")
    dismiss(project, hit, actor)
    return hit


# ----- glossary files -----------------------------------------------------------------------
def import_glossary(project: Project, lang: str, data: bytes | str) -> int:
    """Add the term pairs of a TSV file (source<TAB>target per line); returns how many
    were new or changed. A bad file changes nothing."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("the glossary file is not UTF-8 text") from None
    return project.add_glossary_terms(lang, parse_tsv(data))


def export_glossary(project: Project, lang: str) -> str:
    return format_tsv(project.glossary(lang))
