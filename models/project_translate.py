"""Machine-translate a stored project, sentence by sentence, without touching human work.

Routes: German -> English with opus-mt-de-en. German -> Chinese by default through
English (opus-mt-de-en, then opus-mt-en-zh with `>>cmn_Hans<<`): the English step is
shared with the English column, and when a person corrects the English the Chinese is
derived again from the corrected text. `zh_route="direct"` uses opus-mt-de-ZH instead.

Only sentences with no translation, a translation made from a source text that has since
changed, or (pivot) a Chinese made from English that has since changed are translated.
Results are written in small chunks, each chunk its own transactions, so an interrupted
run loses at most one chunk and the next run picks up the rest (the translation cache
makes the repeated part free). The store refuses to overwrite edited or reviewed targets.
"""
from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from align.errors import InputError, ModelNotFoundError
from align.store import Project, SegmentRow, text_sig
from models.hub import PAIRS, cache_dir, pull_hint, resolve
from models.marian import (GenerationSettings, MarianTranslator, chain_confidence,
                           load_translator)

ProgressFn = Callable[[int, int], None]
ZH_ROUTES = ("pivot", "direct")
DEFAULT_ZH_ROUTE = "pivot"
CHUNK = 32
CHUNK_CHARS = 6000   # a chunk's characters at most (about 32 long sentences)


def route(source_lang: str, lang: str, zh_route: str | None = None) -> list[str]:
    """The language pairs a translation goes through, e.g. ['de-en', 'en-zh']."""
    zh_route = zh_route or os.environ.get("BITEXT_ZH_ROUTE") or DEFAULT_ZH_ROUTE
    if zh_route not in ZH_ROUTES:
        raise InputError(f"unknown Chinese route {zh_route!r}; choose {' or '.join(ZH_ROUTES)}")
    if source_lang == lang:
        raise InputError(f"the project is already in {lang}")
    if lang == "zh" and source_lang != "en" and zh_route == "pivot":
        return [f"{source_lang}-en", "en-zh"]
    return [f"{source_lang}-{lang}"]


def model_for(pair: str, models: Mapping[str, str] | None = None) -> str:
    """A folder or Hub id for a pair: an explicit choice, else the default opus-mt model."""
    if models and pair in models:
        return models[pair]
    src, tgt = pair.split("-", 1)
    return PAIRS.get(pair, f"Helsinki-NLP/opus-mt-{src}-{tgt}")


_loaded: dict[tuple, MarianTranslator] = {}
_lock = threading.Lock()


def get_translator(model: str, *, backend: str | None = None,
                   settings: GenerationSettings | None = None, cache: str | Path | None = None,
                   use_cache: bool = True, threads: int | None = None) -> MarianTranslator:
    """One loaded model per process, whoever asks for it (CLI, app, pivot steps)."""
    backend = backend or default_backend()
    settings = settings or GenerationSettings()
    key = (str(model), backend, settings, str(cache_dir(cache)), use_cache, threads)
    with _lock:
        if key not in _loaded:
            _loaded[key] = load_translator(model, backend=backend, settings=settings,
                                           cache=cache, use_cache=use_cache, threads=threads)
        return _loaded[key]


def default_backend() -> str:
    """$BITEXT_BACKEND, else CTranslate2 int8 wherever it is installed (about 3x faster than
    torch on a CPU at half the memory), else torch, the reference."""
    chosen = os.environ.get("BITEXT_BACKEND")
    if chosen:
        return chosen
    import importlib.util

    return "ctranslate2" if importlib.util.find_spec("ctranslate2") else "torch"


def check_route(lang: str, source_lang: str = "de", *, cache: str | Path | None = None,
                zh_route: str | None = None, models: Mapping[str, str] | None = None) -> str:
    """Describe the route to `lang` if all its models are on disk (disk only, no loading);
    raises ModelNotFoundError naming the command that fetches a missing one."""
    steps = []
    for pair in route(source_lang, lang, zh_route):
        ref = resolve(model_for(pair, models), cache)
        steps.append(f"{pair}: {ref.model_id.rsplit('/', 1)[-1]}")
    return " → ".join(steps)


def needed_pairs(source_lang: str, langs: Sequence[str], zh_route: str | None = None) -> list[str]:
    """Every language pair the routes to `langs` go through, in order, once each."""
    return list(dict.fromkeys(p for lang in langs for p in route(source_lang, lang, zh_route)))


def unused_models(source_lang: str, langs: Sequence[str], zh_route: str | None = None,
                  models: Mapping[str, str] | None = None) -> list[str]:
    """Pairs given a model (--model PAIR=...) that no route to `langs` uses."""
    needed = set(needed_pairs(source_lang, langs, zh_route))
    return [pair for pair in (models or {}) if pair not in needed]


def require_models(source_lang: str, langs: Sequence[str], *, cache: str | Path | None = None,
                   zh_route: str | None = None, models: Mapping[str, str] | None = None) -> None:
    """Fail before any work when a model some route needs is not on disk (disk only):
    one error naming every missing model and the one command that fetches them all."""
    missing: list[tuple[str, ModelNotFoundError]] = []
    for pair in needed_pairs(source_lang, langs, zh_route):
        try:
            resolve(model_for(pair, models), cache)
        except ModelNotFoundError as err:
            missing.append((model_for(pair, models), err))
    if len(missing) == 1:
        raise missing[0][1]
    if missing:
        names = [pull_hint(m).removeprefix("bitext models pull ") for m, _ in missing]
        raise ModelNotFoundError(
            f"models {', '.join(m for m, _ in missing)} are not on disk (looked in "
            f"{cache_dir(cache)}); fetch them with: bitext models pull {' '.join(names)}")


def translate_sentences(texts: Sequence[str], lang: str, source_lang: str = "de", *,
                        cache: str | Path | None = None, zh_route: str | None = None,
                        models: Mapping[str, str] | None = None, backend: str | None = None,
                        settings: GenerationSettings | None = None) -> tuple[list[str], dict]:
    """Translate loose sentences along the route; returns (texts, origin detail)."""
    out, _, detail = translate_sentences_scored(texts, lang, source_lang, cache=cache,
                                                zh_route=zh_route, models=models,
                                                backend=backend, settings=settings)
    return out, detail


def translate_sentences_scored(texts: Sequence[str], lang: str, source_lang: str = "de", *,
                               cache: str | Path | None = None, zh_route: str | None = None,
                               models: Mapping[str, str] | None = None,
                               backend: str | None = None,
                               settings: GenerationSettings | None = None
                               ) -> tuple[list[str], list[float | None], dict]:
    """translate_sentences, with the model's confidence per sentence (the least
    confident step's, for a route of two)."""
    current = list(texts)
    details = []
    confidences: list[list[float | None]] = [[] for _ in current]
    for pair in route(source_lang, lang, zh_route):
        tr = get_translator(model_for(pair, models), backend=backend, settings=settings, cache=cache)
        out = tr.translate(current)
        current = [t.text for t in out]
        for seen, t in zip(confidences, out):
            seen.append(t.confidence)
        details.append({"pair": pair, **tr.origin_detail})
    return current, [chain_confidence(c) for c in confidences], _detail(details)


def _detail(steps: list[dict]) -> dict:
    if len(steps) == 1:
        return steps[0]
    return {"route": [s["pair"] for s in steps], "model": chain_label(steps), "steps": steps}


def chain_label(steps: Sequence[Mapping]) -> str:
    """The models of a multi-step translation as one name (exports show `mt:<this>`)."""
    return ">".join(str(s["model"]) for s in steps)


@dataclass
class LanguageReport:
    lang: str
    translated: int = 0       # written (new or refreshed)
    kept_human: int = 0       # left alone: a person edited or reviewed it
    notes: list[tuple[str, str]] = field(default_factory=list)  # (source id, what to know)


@dataclass
class ProjectTranslateReport:
    languages: list[LanguageReport] = field(default_factory=list)

    @property
    def translated(self) -> int:
        return sum(r.translated for r in self.languages)


def _english_for_sources(project: Project) -> dict[str, str]:
    """Current English (MT or human-corrected) per source sentence, where one exists and
    was made from the current German."""
    stale = {s.id for s in project.segments_needing_translation("en")}
    english = {t.id: t for t in project.target_segments("en")}
    found = {}
    for link in project.links("en"):
        if len(link.src_ids) != 1 or link.src_ids[0] in stale:
            continue
        parts = [english[t].text for t in link.tgt_ids if t in english]
        text = " ".join(p.strip() for p in parts if p.strip())
        if text:
            found[link.src_ids[0]] = text
    return found


def _chinese_from_stale_english(project: Project, english: dict[str, str]) -> set[str]:
    """Source ids whose machine Chinese was derived from English that has changed since."""
    chinese = {t.id: t for t in project.target_segments("zh")}
    stale = set()
    for link in project.links("zh"):
        if len(link.src_ids) != 1 or len(link.tgt_ids) != 1:
            continue
        target = chinese.get(link.tgt_ids[0])
        if target is None or target.status != "mt" or target.origin != "mt":
            continue
        made_from = target.origin_detail.get("pivot_sig")
        sid = link.src_ids[0]
        if made_from is not None and sid in english and made_from != text_sig(english[sid]):
            stale.add(sid)
    return stale


def translate_project(project: Project, langs: Sequence[str], *,
                      progress: ProgressFn | None = None, cache: str | Path | None = None,
                      zh_route: str | None = None, models: Mapping[str, str] | None = None,
                      backend: str | None = None, settings: GenerationSettings | None = None,
                      threads: int | None = None,
                      translators: Mapping[str, MarianTranslator] | None = None,
                      all_or_nothing: bool = False) -> ProjectTranslateReport:
    """Translate what is missing or out of date in each language (English before Chinese,
    so a pivot uses the fresh English). `translators` (pair -> translator) stands in for the
    process's shared translator of a pair (a corpus run brings its own, see corpus/batches.py).

    `all_or_nothing` (the app, where Cancel must leave the project as it was): the chunks'
    translations are held in memory (text, linear in the input) and written in one
    transaction after the last progress report, so a `progress` that raises (a cancel)
    leaves the project untouched; the translation cache keeps the work done for next time.
    Without it each chunk is written as it is done (the CLI: an interrupted run resumes)."""
    source_lang = project.source_lang
    report = ProjectTranslateReport()
    order = sorted(dict.fromkeys(langs), key=lambda l: (l != "en", l))
    # Every model of every language before any work: no English translated only to find
    # that the Chinese model was never pulled.
    require_models(source_lang, order, cache=cache, zh_route=zh_route, models=models)

    def translator(pair: str) -> MarianTranslator:
        if translators and pair in translators:
            return translators[pair]
        return get_translator(model_for(pair, models), backend=backend, settings=settings,
                              cache=cache, threads=threads)

    # Tokenizers and configs of all languages load (or fail) before any work.
    steps_by_lang = {lang: [translator(p) for p in route(source_lang, lang, zh_route)]
                     for lang in order}
    held: list[tuple[LanguageReport, list[SegmentRow], list]] = []   # all_or_nothing
    for lang in order:
        pairs = route(source_lang, lang, zh_route)
        steps = steps_by_lang[lang]
        todo: list[SegmentRow] = project.segments_needing_translation(lang)
        english: dict[str, str] = {}
        if len(pairs) == 2:
            english = _english_for_sources(project)
            again = _chinese_from_stale_english(project, english)
            have = {s.id for s in todo}
            todo += [s for s in project.source_segments() if s.id in again and s.id not in have]
        lang_report = LanguageReport(lang)
        report.languages.append(lang_report)
        total = len(todo)
        if progress:
            progress(0, total)
        done = 0
        for chunk in _chunks(todo):
            # Reported again after each batch of a chunk's pieces: one 28,000-character
            # sentence is 141 pieces, minutes of work, during which a cancel is still taken
            # and a log still hears from the run.
            beat = (lambda _pieces, _of, done=done: progress(done, total)) if progress else None
            outputs = _translate_chunk(chunk, steps, pairs, english, beat)
            if all_or_nothing:
                held.append((lang_report, chunk, outputs))
            else:
                _store(project, lang_report, chunk, outputs)
            done += len(chunk)
            if progress:
                progress(done, total)
    if held:
        with project.transaction():   # the store's writes join this one transaction
            for lang_report, chunk, outputs in held:
                _store(project, lang_report, chunk, outputs)
    return report


def _chunks(todo: list[SegmentRow]):
    """CHUNK sentences at a time, fewer where they are long: a chunk holds at most
    CHUNK_CHARS characters (or one sentence), so that progress is reported, and a cancel
    taken, every few seconds also in an unpunctuated text of 28,000-character "sentences"."""
    chunk: list[SegmentRow] = []
    size = 0
    for seg in todo:
        if chunk and (len(chunk) == CHUNK or size + len(seg.text) > CHUNK_CHARS):
            yield chunk
            chunk, size = [], 0
        chunk.append(seg)
        size += len(seg.text)
    if chunk:
        yield chunk


def _store(project: Project, lang_report: LanguageReport, chunk: list[SegmentRow],
           outputs: list[tuple[str, dict, list[str], float | None]]) -> None:
    lang = lang_report.lang
    for seg, (text, detail, notes, confidence) in zip(chunk, outputs):
        if project.set_machine_translation(seg.id, lang, text, detail, confidence):
            lang_report.translated += 1
        else:
            lang_report.kept_human += 1
        lang_report.notes.extend((seg.id, n) for n in notes)


def _translate_chunk(chunk: list[SegmentRow], steps: list[MarianTranslator], pairs: list[str],
                     english: dict[str, str], beat: ProgressFn | None = None
                     ) -> list[tuple[str, dict, list[str], float | None]]:
    """(text, origin detail, notes, confidence) per source sentence; `beat` is called after
    each batch the model translates."""
    if len(steps) == 1:
        out = steps[0].translate([s.text for s in chunk], beat)
        detail = {"pair": pairs[0], **steps[0].origin_detail}
        return [(t.text, {**detail, "notes": list(t.notes)} if t.notes else detail, list(t.notes),
                 t.confidence)
                for t in out]
    first, second = steps
    # Pivot: the stored English where it is current (a person may have corrected it),
    # else German -> English now.
    missing = [s for s in chunk if s.id not in english]
    fresh = dict(zip((s.id for s in missing), first.translate([s.text for s in missing], beat)))
    middle = [english[s.id] if s.id in english else fresh[s.id].text for s in chunk]
    final = second.translate(middle, beat)
    results = []
    for seg, mid, out in zip(chunk, middle, final):
        notes = [f"{pairs[0]}: {n}" for n in (fresh[seg.id].notes if seg.id in fresh else ())]
        notes += [f"{pairs[1]}: {n}" for n in out.notes]
        step_details = [{"pair": pairs[0], **first.origin_detail,
                         "from_stored_english": seg.id in english},
                        {"pair": pairs[1], **second.origin_detail}]
        detail = {
            "route": pairs,
            "model": chain_label(step_details),
            "steps": step_details,
            "pivot_sig": text_sig(mid),
        }
        if notes:
            detail["notes"] = notes
        # A stored English is a person's (or earlier) text: only the step made now counts.
        first_conf = fresh[seg.id].confidence if seg.id in fresh else None
        results.append((out.text, detail, notes, chain_confidence([first_conf, out.confidence])))
    return results
