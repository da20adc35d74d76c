"""What the reader app asks of models and files, without Streamlit.

Translation, re-translation, re-deriving Chinese from corrected English, re-alignment,
model presence, import and export: each is a plain function over a `Project`, so the app
stays a layout and these are tested directly. Heavy libraries (torch, transformers) load
only inside the calls that need a model.
"""
from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Sequence

from align.errors import BitextError, InputError, ModelNotFoundError
from align.jobs import Job
from align.store import HUMAN_STATUSES, Project

ProgressFn = Callable[[int, int], None]
ROOT = Path(__file__).resolve().parent.parent
BUNDLED = ROOT / "data" / "davos_interview_de.txt"
EXPORT_FORMATS = ("tmx", "tsv", "moses", "jsonl", "xliff", "html", "epub")
# Formats that hold exactly one language pair (the user picks the target language).
PAIR_FORMATS = frozenset({"xliff"})
_MIME = {"tmx": "application/x-tmx+xml", "tsv": "text/tab-separated-values",
         "moses": "application/zip", "jsonl": "application/jsonl",
         "xliff": "application/xliff+xml", "html": "text/html",
         "epub": "application/epub+zip"}
# How the Export dialog names a format (the rest: its name in capitals).
_LABELS = {"xliff": "XLIFF", "html": "Book (HTML)", "epub": "Book (EPUB)"}
# Formats that are books to read: they keep every heading and can show untranslated text.
BOOK_FORMATS = frozenset({"html", "epub"})


# ----- models -------------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelState:
    lang: str
    available: bool
    message: str              # one line for the user
    fetch_command: str = ""   # what to run when the model is missing


def configured_models() -> dict[str, str]:
    """Model folders chosen for pairs, as the CLI's `--model PAIR=MODEL`:
    BITEXT_MODELS="de-en=/models/my-de-en,en-zh=/models/my-en-zh"."""
    chosen = {}
    for item in filter(None, (p.strip() for p in os.environ.get("BITEXT_MODELS", "").split(","))):
        pair, sep, model = item.partition("=")
        if not sep or not model.strip():
            raise InputError(f"BITEXT_MODELS: {item!r} is not PAIR=MODEL (e.g. de-en=/path)")
        chosen[pair.strip()] = model.strip()
    return chosen


_status_cache: dict[str, tuple[float, ModelState]] = {}
_STATUS_TTL = 30.0


def model_status(lang: str, source_lang: str = "de") -> ModelState:
    """Is the model route from `source_lang` to `lang` on disk? Reads the disk only (cached
    a few seconds, since the app asks on every rerun)."""
    cache_key = lang if source_lang == "de" else f"{source_lang}-{lang}"
    hit = _status_cache.get(cache_key)
    if hit and time.monotonic() - hit[0] < _STATUS_TTL:
        return hit[1]
    from models.project_translate import check_route, require_models

    try:
        # Every model of the route is checked, so a missing pivot (de-en and en-zh for
        # Chinese) is named with the one command that fetches them all.
        require_models(source_lang, [lang], models=configured_models())
        description = check_route(lang, source_lang, models=configured_models())
        state = ModelState(lang, True, description)
    except ModelNotFoundError as exc:
        # The app offers a Download button instead of the terminal command the message ends with.
        message = re.split(r"; (?:fetch it|fetch them|finish the download) with", str(exc))[0]
        state = ModelState(lang, False, message, _command_in(str(exc)))
    except BitextError as exc:
        state = ModelState(lang, False, str(exc))
    _status_cache[cache_key] = (time.monotonic(), state)
    return state


def _command_in(message: str) -> str:
    marker = "bitext models pull"
    i = message.find(marker)
    if i < 0:
        return marker
    return message[i:].split(";")[0].split("`")[0].strip().rstrip(".")


def download_models(lang: str, progress: Callable[[str, int, int], None] | None = None) -> list[str]:
    """The Download button: fetch the Hub models the route to `lang` lacks, reporting
    (model id, bytes done, bytes in all) from the calling thread. Offline it raises
    HubUnreachableError, whose `.short` is the one line to show."""
    from models.prepare import download_route

    try:
        return download_route(lang, models=configured_models(), progress=progress)
    finally:
        _status_cache.clear()


def count_untranslated(project: Project, lang: str) -> int:
    return len(project.segments_needing_translation(lang))


def translate_missing(project: Project, lang: str, report: Job | None = None) -> int:
    """Machine-translate every sentence of `lang` still missing (never human work). With
    `report` (the app's job: progress and Cancel), everything is saved in one transaction
    at the end, so a cancel leaves the project exactly as it was."""
    from models.project_translate import translate_project

    def progress(done: int, total: int) -> None:
        report(f"translating: {done:,} of {total:,} sentences", done, total)

    if report is not None:
        report("loading the model")
    return translate_project(project, [lang], progress=progress if report else None,
                             models=configured_models(),
                             all_or_nothing=report is not None).translated


def translate_job(project_dir: str | os.PathLike, lang: str):
    """`translate_missing` in a worker thread (`models.background`), for the app."""
    from align.reader import lang_name, plural
    from models.background import BackgroundJob

    return BackgroundJob(project_dir, lambda project, report: translate_missing(project, lang, report),
                         name="the translation", title=f"Translating into {lang_name(lang)}",
                         summary=lambda n: f"Translated {plural(n, 'sentence')} into {lang_name(lang)}")


@dataclass
class Outcome:
    saved: bool                                              # written to the store
    suggestions: dict[str, str] = field(default_factory=dict)  # target id -> text to review


def retranslate(project: Project, src_ids: Sequence[str], lang: str) -> Outcome:
    """Translate a row's German again. A machine translation is replaced in the store; a
    sentence a person corrected is never overwritten: the new text comes back as a
    suggestion for the editor."""
    from models.project_translate import translate_sentences_scored

    sources = project.segments_by_id(src_ids)
    texts = [sources[i].text for i in src_ids if i in sources]
    translations, confidences, detail = translate_sentences_scored(
        texts, lang, project.source_lang, models=configured_models())
    return _apply(project, list(src_ids), lang, translations, detail, confidences)


def rederive_chinese(project: Project, src_ids: Sequence[str]) -> Outcome:
    """Translate the row's (corrected) English into Chinese: the pivot's second step."""
    from models.project_translate import translate_sentences

    en = _row_targets(project, src_ids, "en")
    if not en:
        raise InputError("this row has no English to derive the Chinese from")
    texts = [t.text for t in en]
    translations, detail = translate_sentences(texts, "zh", source_lang="en",
                                               models=configured_models())
    from align.store import text_sig

    # pivot_sig: which English this Chinese was made from (the project translator re-derives
    # the Chinese when the English changes again).
    detail = {**detail, "from_english": [t.id for t in en],
              "pivot_sig": text_sig(" ".join(t.text.strip() for t in en))}
    if len(src_ids) == len(translations):
        return _apply(project, list(src_ids), "zh", translations, detail)
    # Row shapes differ (e.g. two English sentences for one German): one joined text.
    return _apply(project, list(src_ids), "zh", ["".join(translations)], detail)


def _row_targets(project: Project, src_ids: Sequence[str], lang: str):
    wanted = set(src_ids)
    links = [l for l in project.links(lang) if wanted & set(l.src_ids)]
    ids = [t for l in links for t in l.tgt_ids]
    table = project.segments_by_id(ids)
    return [table[i] for i in ids if i in table]


def _apply(project: Project, src_ids: list[str], lang: str, texts: list[str],
           detail: dict, confidences: Sequence[float | None] | None = None) -> Outcome:
    targets = _row_targets(project, src_ids, lang)
    if len(texts) == len(src_ids):
        # One translation per German sentence: the store refreshes machine output and
        # refuses to touch human work (returns False), which then becomes a suggestion.
        confidences = list(confidences or [None] * len(texts))
        refused = [(s, t) for s, t, c in zip(src_ids, texts, confidences)
                   if not project.set_machine_translation(s, lang, t, detail, c)]
        if not refused:
            return Outcome(True)
        texts = [t for _, t in refused]
    if len(targets) == 1:
        return Outcome(False, {targets[0].id: " ".join(texts) if lang != "zh" else "".join(texts)})
    return Outcome(False, {t.id: text for t, text in zip(targets, texts)})


CONTEXT_SENTENCES = 24  # German sentences around a re-aligned turn read for its chance baseline


def neighbour_blocks(project: Project, block_id: str, lang: str,
                     sentences: int = CONTEXT_SENTENCES) -> list[tuple[list[str], list[str]]]:
    """(German, `lang`) texts of the turns around `block_id`, nearest first, until about
    `sentences` German sentences: a turn of two sentences is too small a sample of "random
    pairs" for the aligner's chance baseline (the dev set in blocks of three links: strict F1
    0.777 with per-block baselines). Only linked sentences are taken, so a half-translated
    turn does not skew the length ratio. Neighbours are read, not re-aligned."""
    blocks = [b.id for b in project.blocks(include_excluded=False)]
    if block_id not in blocks:
        return []
    at = blocks.index(block_id)
    order = [k for d in range(1, len(blocks)) for k in (at - d, at + d) if 0 <= k < len(blocks)]
    out, count = [], 0
    for k in order:
        if count >= sentences:
            break
        links = [l for l in project.links(lang, blocks[k]) if l.src_ids and l.tgt_ids]
        src_text = {s.id: s.text for s in project.source_segments(blocks[k])}
        tgt_text = {t.id: t.text for t in project.target_segments(lang, blocks[k])}
        src = [src_text[i] for l in links for i in l.src_ids if src_text.get(i, "").strip()]
        tgt = [tgt_text[i] for l in links for i in l.tgt_ids if tgt_text.get(i, "").strip()]
        if src and tgt:
            out.append((src, tgt))
            count += len(src)
    return out


def realign_block(project: Project, block_id: str, lang: str, report: Job | None = None) -> int:
    """Align one turn's German again with its `lang` sentences, in the order the reader
    shows them; links a person fixed are kept as anchors. Returns the number of links.
    `report` (the app's job) is told how the encoding goes and may stop it (Cancel):
    nothing is written before the links are replaced, in one transaction, at the end."""
    from align.alignment import Link
    from align.alignment.suggestions import is_suggestion
    from align.reader import plural
    from models.alignment import align_document

    sources = project.source_segments(block_id)
    links = project.links(lang, block_id)
    targets = {t.id: t for t in project.target_segments(lang, block_id)}
    order = list(dict.fromkeys([t for l in links for t in l.tgt_ids if t in targets]
                               + sorted(targets, key=lambda i: targets[i].position)))
    if not sources or not order:
        raise InputError(f"this turn has no {lang} sentences to align")
    s_index = {s.id: i for i, s in enumerate(sources)}
    t_index = {t: j for j, t in enumerate(order)}
    anchors = []
    for l in links:
        if l.fixed and all(s in s_index for s in l.src_ids) and all(t in t_index for t in l.tgt_ids):
            anchors.append(Link(tuple(s_index[s] for s in l.src_ids),
                                tuple(t_index[t] for t in l.tgt_ids), 1.0))
    if report is not None:
        report(f"aligning {plural(len(sources), 'sentence')} with {len(order):,}")
    found = align_document([([s.text for s in sources], [targets[t].text for t in order])],
                           project.source_lang, lang, anchors=[anchors],
                           context_blocks=neighbour_blocks(project, block_id, lang),
                           progress=report)[0]
    if report is not None:
        report("saving")   # the last moment Cancel is taken
    kept = {(a.src, a.tgt) for a in anchors}
    # Links the aligner is unsure of become suggestions, as on import; a person's anchors never.
    project.replace_links(block_id, lang,
                          [([sources[i].id for i in l.src], [order[j] for j in l.tgt],
                            round(float(l.score), 4)) for l in found],
                          suggested=[bool(l.src and l.tgt) and (l.src, l.tgt) not in kept
                                     and is_suggestion(l.score) for l in found])
    return len(found)


def realign_job(project_dir: str | os.PathLike, block_id: str, lang: str, turn: str = ""):
    """`realign_block` in a worker thread (`models.background`), for the app."""
    from align.reader import lang_name, plural
    from models.background import BackgroundJob

    where = f"{turn} " if turn else "this turn "
    return BackgroundJob(project_dir,
                         lambda project, report: realign_block(project, block_id, lang, report),
                         name="the re-alignment",
                         title=f"Re-aligning {where}({lang_name(lang)})",
                         summary=lambda n: f"Re-aligned {where}({lang_name(lang)}): "
                                           f"{plural(n, 'link')}")


# ----- import -------------------------------------------------------------------------------
def projects_root(current: Path) -> Path:
    return Path(current).resolve().parent


def list_projects(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    found = [d for d in sorted(root.iterdir()) if Project.exists(d)]
    cwd = Path.cwd()
    return [str(d.relative_to(cwd)) if d.is_relative_to(cwd) else str(d) for d in found]


def import_source(raw: bytes, source_name: str, project_name: str, root: Path):
    """A German text (uploaded bytes or pasted) becomes a new project under `root`."""
    from align.imports.source import import_data
    from align.safepath import check_file_name

    if not raw.strip():
        raise InputError("nothing to import: the text is empty")
    try:
        name = check_file_name((project_name or "").strip() or Path(source_name).stem)
    except InputError as exc:
        # The check speaks of file names; here the user typed a project name.
        raise InputError(str(exc).replace("file name", "project name", 1)) from None
    target = Path(root) / name
    if Project.exists(target):
        raise InputError(f"a project named {name!r} already exists; choose another name")
    report = import_data(raw, target, source_name)   # plain text or a document format
    return target, report


def offer_corrections(memory_from: Project | None, target: Path) -> int:
    """The corrected sentences of `memory_from` (the project open in the reader) offered as
    matches to a newly imported project; nothing is changed until a person accepts one."""
    from align.propagation import offer_memory, translation_memory

    if memory_from is None:
        return 0
    memory = translation_memory(memory_from)
    if not memory:
        return 0
    with Project.open(target) as new:
        same = Path(new.dir).resolve() == Path(memory_from.dir).resolve()
        return offer_memory(new, memory, same_project=same)


def import_bundled(directory: Path):
    from align.imports.source import import_file

    return import_file(BUNDLED, directory)


from align.text.readers import UPLOAD_TYPES  # noqa: E402  (a light module: no reader loaded)

# Upload types: plain text and the document formats `align.text.readers` reads.
SOURCE_TYPES = ("txt", *(t for t in UPLOAD_TYPES if t != "txt"))
TRANSLATION_TYPES = (*SOURCE_TYPES, "tmx", "tsv", "jsonl", "xlf", "xliff")


@dataclass(frozen=True)
class ImportReplaces:
    """What importing a translation would take out of view: the language's current
    sentences (archived, with a backup first, but no longer shown)."""
    sentences: int
    human: int          # typed, corrected, reviewed or imported by a person

    def message(self, label: str) -> str:
        own = (f", {self.human} of them a person's work: typed, corrected, reviewed or "
               f"imported" if self.human else "")
        return (f"Importing replaces the current {label} ({self.sentences} sentence"
                f"{'' if self.sentences == 1 else 's'}{own}): it is archived, and a backup "
                f"is taken first, but it is no longer shown or exported.")

    @property
    def needs_confirmation(self) -> bool:
        return self.human > 0


def import_replaces(project: Project, lang: str) -> ImportReplaces | None:
    """None when `lang` has no text yet (an import then takes nothing away)."""
    shown = [s for s in project.target_segments(lang) if s.text.strip()]
    if not shown:
        return None
    return ImportReplaces(len(shown), sum(s.status in HUMAN_STATUSES for s in shown))


FORCE_LABEL = "Import even if it is far longer than the German"


def import_translation(project: Project, raw: bytes, name: str, lang: str, *,
                       force: bool = False, progress=None):
    """An existing translation: plain text is split into sentences and aligned against the
    project's German (the CLI's `import-translation` path); a TMX/TSV/JSONL/XLIFF file is
    matched unit by unit. The previous translation is archived, never deleted.

    A file far longer than the German is refused (naming the FORCE_LABEL checkbox) unless
    `force`. `progress(stage, done, total)` (an `align.jobs.Job`) is told each stage and may
    raise to cancel: nothing is saved before the last stage."""
    import tempfile

    from align.imports import translation as ti
    from align.safepath import check_file_name
    from align.text.readers import read_translation
    from models.alignment import block_aligner

    name = check_file_name(Path(name).name)
    fmt = ti.detect_format(name)
    override = f'the "{FORCE_LABEL}" checkbox'
    if fmt == "text":
        text, read = read_translation(raw, name)
        return ti.import_read(project, text, read, lang, name,
                              block_aligner(project.source_lang, lang, progress), force=force,
                              override=override, progress=progress)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / name
        path.write_bytes(raw)
        table = ti.read_parallel(path, fmt)
    if progress:
        progress("matching the units to the German")
    return ti.import_table(project, table, lang, name, fmt, force=force, override=override)


# ----- export -------------------------------------------------------------------------------
def file_stem(project: Project) -> str:
    """The export's file name stem: the imported file's name (a document title such as
    "Der Prozess / Kapitel 1" is no file name), else the title, else the folder."""
    info = project.document_info() or {}
    stem = Path(info.get("source_name") or "").stem or info.get("title") or project.dir.name
    return re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", stem).strip(" .") or project.dir.name


def export_filename(project: Project, fmt: str, langs: Sequence[str]) -> str:
    stem = file_stem(project)
    ext = {"moses": "zip", "xliff": "xlf"}.get(fmt, fmt)
    return f"{stem}.{'-'.join([project.source_lang, *langs])}.{ext}"


def export_mime(fmt: str) -> str:
    return _MIME.get(fmt, "application/octet-stream")


def export_label(fmt: str) -> str:
    """TMX, XLIFF, Book (HTML): the format as the Export dialog offers it."""
    return _LABELS.get(fmt, fmt.upper())


def export_languages(project: Project) -> list[str]:
    """The translation languages an export can hold: those with text in the project."""
    return [lang for lang in project.languages() if lang != project.source_lang]


@dataclass(frozen=True)
class PreparedExport:
    data: bytes
    rows: int          # rows written
    skipped: int       # rows left out: a chosen language has no text there
    filtered: int      # rows left out: below the chosen status


def prepare_export(project_dir: str | os.PathLike, fmt: str, langs: Sequence[str], status: str,
                   include_boilerplate: bool, include_suggested: bool = False,
                   untranslated: str | None = None) -> PreparedExport:
    """What the CLI's `bitext export` writes (same code path), built before the download
    button is shown, so an error, or an export with no rows, is said in the dialog rather
    than lost in a click that does nothing. Moses is one file per language: they come
    zipped, named <title>.<lang> as the CLI names them."""
    import io
    import zipfile

    from align.formats import export_table

    with Project.open(project_dir) as project:
        all_langs = [project.source_lang, *langs]
        stem = file_stem(project)
        table, data = export_table(project, fmt, all_langs, status, include_boilerplate,
                                   include_suggested,
                                   untranslated=untranslated if fmt in BOOK_FORMATS else None)
    if isinstance(data, dict):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for lang, content in data.items():
                zf.writestr(f"{stem}.{lang}", content)
        data = buf.getvalue()
    return PreparedExport(data, len(table.rows), table.skipped, table.filtered)


def export_bytes(project_dir: str | os.PathLike, fmt: str, langs: Sequence[str], status: str,
                 include_boilerplate: bool, include_suggested: bool = False) -> bytes:
    return prepare_export(project_dir, fmt, langs, status, include_boilerplate,
                          include_suggested).data
