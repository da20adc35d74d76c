"""`bitext export` and `bitext import-translation`: aligned text out, existing translations in."""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from align.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    from align.formats import FORMATS, TIMED_FORMATS
    from align.formats.rows import STATUS_FILTERS, UNTRANSLATED_CHOICES

    p = sub.add_parser(
        "export", help="export aligned parallel text (TMX, TSV, Moses, JSONL, XLIFF) or a "
                       "parallel book to read (HTML, EPUB)",
        description="Export the project's aligned text. A row is exported when every chosen "
                    "language has text; boilerplate is left out unless asked for. Moses "
                    "writes one file per language: --output corpus gives corpus.de, corpus.en. "
                    "html and epub write a parallel book (one file): title, contents, speakers, "
                    "side by side on wide screens and interleaved on phones. srt and vtt "
                    "write bilingual subtitles (every language in each cue) for a project "
                    "imported from subtitles, timed by them.")
    p.add_argument("project", help="project folder")
    p.add_argument("--format", required=True, choices=sorted([*FORMATS, *TIMED_FORMATS]), dest="fmt",
                   help="tmx, tsv, moses, jsonl or xliff (one language pair); html or epub "
                        "for a parallel book; srt or vtt for bilingual subtitles")
    p.add_argument("--langs", metavar="LANGS",
                   help="comma-separated languages; the source language, when included, must "
                        "come first (default: all)")
    p.add_argument("--status", default="mt", choices=STATUS_FILTERS,
                   help="minimum status of every translated sentence of a row: mt (all, the "
                        "default), edited (touched by a person), reviewed")
    p.add_argument("--include-boilerplate", action="store_true",
                   help="also export blocks marked as boilerplate")
    p.add_argument("--include-suggested", action="store_true",
                   help="also export links the aligner was unsure of and nobody accepted yet "
                        "(suggestions; left out by default); marked as such in TMX "
                        "(x-suggested), XLIFF (state initial, subState bitext:suggested), "
                        "JSONL (\"suggested\") and TSV (suggested_<lang> columns)")
    p.add_argument("--with-confidence", action="store_true",
                   help="TSV: add confidence_<lang> columns (the model's mean log-probability "
                        "per token of an uncorrected machine translation); TMX, JSONL and "
                        "XLIFF always carry it")
    p.add_argument("--untranslated", choices=UNTRANSLATED_CHOICES,
                   help="html and epub books: show the source text not translated yet (in "
                        "its language alone) or skip it (the default); every heading and the "
                        "contents are kept either way")
    p.add_argument("--output", required=True, metavar="PATH",
                   help="file to write, or - for standard output (for moses: the file name "
                        "before .<lang>)")
    p.add_argument("--force", action="store_true", help="overwrite existing files (without it an "
                                                            "existing output is refused)")
    p.add_argument("--per-language", action="store_true",
                   help="srt, vtt: one subtitle file per language (--output film.srt gives "
                        "film.de.srt, film.en.srt) instead of every language in each cue")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "import-translation",
        help="import an existing translation (TMX, XLIFF, TSV, JSONL, plain text, or a "
             "document: EPUB, HTML, DOCX, ODT, PDF, Markdown, SRT, WebVTT)",
        description="Link an existing translation to the project's source text. Parallel "
                    "files are matched by their source text; plain text is split into "
                    "sentences and aligned. The previous translation in that language is "
                    "archived, never deleted, and a backup is taken first.")
    p.add_argument("project", help="project folder")
    p.add_argument("file", help="the translation")
    p.add_argument("--lang", required=True, help="language of the translation (e.g. en)")
    p.add_argument("--format", dest="fmt", choices=["text", *sorted(
        name for name, spec in FORMATS.items() if spec.readable)],
        help="how to read FILE (default: by its ending: .tmx .xlf .tsv .jsonl, else text)")
    p.add_argument("--force", action="store_true",
                   help="import even a file far longer than the project's source text (over "
                        "4 times its characters, or 4 times its sentences and 50 more), which "
                        "is refused by default as not a translation of it")
    p.set_defaults(func=cmd_import_translation)


def _langs(value: str | None) -> list[str] | None:
    return [x.strip() for x in value.split(",") if x.strip()] if value else None


def output_paths(output: str, fmt: str, langs, force: bool,
                 per_language: bool = False) -> dict[str | None, Path]:
    """Where each file goes (None -> the single file), checked before anything is written."""
    from align.safepath import safe_output_path

    target = Path(output).expanduser()
    if target.is_dir():
        raise InputError(f"{output}: is a folder; give a file name")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise InputError(f"{parent}: no such folder")
    names = {lang: f"{target.name}.{lang}" for lang in langs} if fmt == "moses" else {None: target.name}
    if per_language:  # film.srt -> film.de.srt, film.en.srt
        names = {lang: f"{target.stem}.{lang}{target.suffix}" for lang in langs}
    paths = {key: safe_output_path(parent, name) for key, name in names.items()}
    for path in paths.values():
        if path.name.startswith("project.sqlite"):
            raise InputError(f"{path}: refusing to write over a project database")
        if path.exists() and not force:
            raise InputError(f"{path}: exists; use --force to overwrite")
    return paths


def _umask() -> int:
    current = os.umask(0o022)
    os.umask(current)
    return current


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename: no half-written export.
    mkstemp makes the file private (0600); it gets the mode a plain open() would give."""
    fd, tmp = tempfile.mkstemp(prefix=".export-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cmd_export(args: argparse.Namespace) -> int:
    from align.formats import export_table, get_format
    from align.store import Project

    to_stdout = args.output == "-"
    per_language = getattr(args, "per_language", False)
    if to_stdout and (get_format(args.fmt).multi_file or per_language):
        raise InputError(f"{args.fmt} writes one file per language, so it cannot go to standard "
                         f"output; give --output a file name prefix (e.g. --output corpus)")
    with Project.open(args.project) as project:
        table, data = export_table(project, args.fmt, _langs(args.langs), args.status,
                                   args.include_boilerplate, args.include_suggested,
                                   args.with_confidence, per_language=per_language,
                                   untranslated=args.untranslated)
    # With the data on stdout, the report goes to stderr so a pipe gets only the file.
    report = sys.stderr if to_stdout else sys.stdout
    if to_stdout:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        where = "standard output"
    else:
        paths = output_paths(args.output, args.fmt, table.langs, args.force, per_language)
        files = data if isinstance(data, dict) else {None: data}
        for key, path in paths.items():
            write_atomic(path, files[key])
        where = ", ".join(str(p) for p in paths.values())
    print(f"wrote {where}: {len(table.rows)} units ({', '.join(table.langs)})", file=report)
    if table.untranslated:
        print(f"{table.untranslated} units shown untranslated in some language", file=report)
    if table.skipped:
        print(f"left out {table.skipped} units where a language had no text"
              + (" (--untranslated show keeps them)" if get_format(args.fmt).book else ""),
              file=report)
    if table.filtered:
        print(f"left out {table.filtered} units below status {args.status}", file=report)
    marked = sum(1 for row in table.rows if any(c.suggested for c in row.cells.values()))
    if marked:
        where = ("Moses files cannot mark them" if args.fmt == "moses" else
                 "not marked in a book" if get_format(args.fmt).book else "marked as suggested")
        print(f"{marked} units hold a suggested link ({where})", file=report)
    if table.suggestions:
        print(f"left out {table.suggestions} suggested links nobody accepted yet (accept them in "
              f"the reader, or add --include-suggested)", file=report)
    return 0


def _aligner(project, lang: str, progress=None):
    """The models layer's sentence aligner, as a function of [(source, target) sentences] blocks."""
    from models.alignment import block_aligner

    return block_aligner(project.source_lang, lang, progress)


HEARTBEAT_S = 30.0   # a stage that runs longer says "still ..." this often


def _stage_printer(every: float = 5.0):
    """Each stage of a long import on stderr, with the seconds since it began: a new stage
    at once, the same stage's progress ("encoding sentences: 640 of 2,000") at most every
    `every` seconds, and "still <stage>" every HEARTBEAT_S seconds while one stage runs on
    without reports (one long alignment pass): a long run is never silent for minutes."""
    import threading
    import time

    start = time.monotonic()
    last = {"stage": "", "text": "", "at": -every}
    lock = threading.Lock()

    def say(text: str, now: float) -> None:
        print(f"[{now - start:6.1f} s] {text}", file=sys.stderr, flush=True)

    def report(stage: str, done: int = 0, total: int = 0) -> None:
        now = time.monotonic()
        kind = stage.split(":")[0]
        with lock:
            if kind != last["stage"] or now - last["at"] >= every:
                say(stage, now)
                last.update(stage=kind, at=now)
            last["text"] = stage

    stopped = threading.Event()

    def heartbeat() -> None:
        while not stopped.wait(HEARTBEAT_S / 3):
            now = time.monotonic()
            with lock:
                if last["text"] and now - last["at"] >= HEARTBEAT_S:
                    say(f"still {last['text']}", now)
                    last["at"] = now

    threading.Thread(target=heartbeat, daemon=True, name="progress heartbeat").start()
    report.stop = stopped.set
    return report


def cmd_import_translation(args: argparse.Namespace) -> int:
    from align.imports import translation as ti
    from align.store import Project

    lang = args.lang.strip().lower()
    fmt = ti.detect_format(args.file, args.fmt)
    # Read and check the file before the project is opened for writing.
    if fmt == "text":
        from align.text.readers import read_translation_file

        text, read = read_translation_file(args.file)  # a document (DOCX, EPUB, SRT...) as text
        with Project.open(args.project) as project:
            progress = _stage_printer()
            try:
                result = ti.import_read(project, text, read, lang, args.file,
                                        _aligner(project, lang, progress), force=args.force,
                                        progress=progress)
            finally:
                progress.stop()
    else:
        table = ti.read_parallel(args.file, fmt)
        with Project.open(args.project) as project:
            result = ti.import_table(project, table, lang, args.file, fmt, force=args.force)
    print(result.summary())
    for text in result.unmatched:
        print(f"  not matched: {text[:100]}")
    return 0
