"""`bitext corpus run|open|stats`: many documents through the project pipeline (local loop or Ray).

Argument parsing only; the work happens in the corpus package, imported inside the handlers.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from align.errors import InputError

FAILURES_SHOWN = 20


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("corpus", help="run many documents (a manifest) through the pipeline")
    csub = p.add_subparsers(dest="corpus_command", metavar="ACTION")
    csub.required = True

    run = csub.add_parser(
        "run", help="read, segment, translate and align every document of a manifest",
        description="Each document of MANIFEST (JSONL or CSV: id, German file, optional "
                    "translations) goes through the steps of a project; the rows go to sharded "
                    "JSONL and Parquet under --output. Re-running skips documents already done.")
    run.add_argument("manifest", help="manifest file (.jsonl or .csv)")
    run.add_argument("--output", required=True, help="output folder")
    run.add_argument("--engine", choices=("local", "ray"), default="local",
                     help="local loop (default) or Ray Data actor pools")
    run.add_argument("--to", default="en,zh", metavar="LANGS",
                     help="languages to machine-translate where no translation is given "
                          "(default en,zh; '' for none)")
    run.add_argument("--align-with", action="append", default=[], metavar="LANG=COLUMN",
                     help="the manifest column holding a human translation into LANG, aligned "
                          "to the German (a column named after a --to language is used anyway)")
    run.add_argument("--lang", default="de", help="source language (default de)")
    run.add_argument("--model", action="append", default=[], metavar="PAIR=MODEL",
                     help="use this folder or Hub id for a pair, e.g. de-en=./my-model "
                          "(default: $BITEXT_MODELS, then the pair's opus-mt model)")
    run.add_argument("--zh-route", choices=("pivot", "direct"), default=None,
                     help="Chinese through English (pivot, default) or with opus-mt-de-ZH (direct)")
    run.add_argument("--backend", choices=("torch", "ctranslate2"), default=None,
                     help="translation backend (default: the one bitext translate uses)")
    run.add_argument("--beam", type=int, metavar="N", default=4, help="beam size (default 4)")
    run.add_argument("--max-length", type=int, metavar="N", default=512,
                     help="most tokens generated per sentence (default 512)")
    run.add_argument("--batch-size", type=int, metavar="N", default=16,
                     help="sentences per batch (default 16)")
    run.add_argument("--encoder", default="e5",
                     help="sentence encoder for aligning human translations (default e5)")
    run.add_argument("--cache-dir", metavar="DIR",
                     help="model and translation cache (default $BITEXT_CACHE or "
                          "~/.cache/bitext/models)")
    run.add_argument("--threads", type=int, metavar="N", default=None,
                     help="CPU threads per worker (local default: all cores; Ray: "
                          "--cpus-per-actor)")
    run.add_argument("--address", default=None,
                     help="Ray: join a running cluster ('auto', or ray://HOST:10001); "
                          "default: start a local one")
    run.add_argument("--actors", type=int, metavar="N", default=None,
                     help="Ray: actors in the pool (default: as many as the cluster's CPUs, or "
                          "GPUs, allow)")
    run.add_argument("--cpus-per-actor", type=int, metavar="N", default=1,
                     help="Ray: CPUs per actor (default 1)")
    run.add_argument("--gpus-per-actor", type=float, metavar="N", default=None,
                     help="Ray: GPUs per actor (default: 1 when the cluster has GPUs, else 0)")
    run.add_argument("--include-suggested", action="store_true",
                     help="also keep links the aligner was unsure of (suggestions; left out by "
                          "default, as in bitext export), marked \"suggested\" in every row")
    run.add_argument("--rows-per-shard", type=int, metavar="N", default=50_000,
                     help="rows per output shard (whole documents; default 50000)")
    run.set_defaults(func=cmd_run)

    op = csub.add_parser("open", help="import one document of a corpus run into a project",
                         description="Creates a project holding the document and its rows, to "
                                     "read and correct in the app (make app PROJECT=DIR).")
    op.add_argument("output", help="the corpus run's output folder")
    op.add_argument("doc_id", help="the document's id in the manifest")
    op.add_argument("--project", required=True, help="new project folder")
    op.set_defaults(func=cmd_open)

    st = csub.add_parser("stats", help="what a corpus run's output holds",
                         description="Documents (done, failed with their reasons), sentences, "
                                     "rows per language (counted in the Parquet shards) and the "
                                     "suggested links left out.")
    st.add_argument("output", help="the corpus run's output folder")
    st.set_defaults(func=cmd_stats)


def _pairs(items: list[str], what: str, example: str) -> dict[str, str]:
    out = {}
    for item in (x for raw in items for x in raw.split(",") if x.strip()):
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise InputError(f"{what} takes {example}, got {item!r}")
        out[key.strip()] = value.strip()
    return out


def _langs(text: str) -> tuple[str, ...]:
    from align.text.languages import check_language

    return tuple(dict.fromkeys(check_language(x.strip()) for x in text.split(",") if x.strip()))


def cmd_run(args: argparse.Namespace) -> int:
    from align.cli.translate import _configured_models, _quiet_transformers
    from align.text.languages import check_language
    from corpus.run import run_corpus
    from corpus.settings import CorpusSettings

    source = check_language(args.lang)
    mt_langs = _langs(args.to)
    align_with = _pairs(args.align_with, "--align-with", "LANG=COLUMN (e.g. en=english_file)")
    align_with = {check_language(lang): column for lang, column in align_with.items()}
    langs = tuple(dict.fromkeys([*mt_langs, *align_with]))
    if source in langs:
        raise InputError(f"{source} is the source language; --to and --align-with name the "
                         f"languages to add")
    if not langs:
        raise InputError("nothing to add: give --to LANGS or --align-with LANG=COLUMN")
    for name in ("actors", "cpus_per_actor", "rows_per_shard", "threads"):
        value = getattr(args, name)
        if value is not None and value < 1:
            raise InputError(f"--{name.replace('_', '-')} must be at least 1")
    settings = CorpusSettings(
        source_lang=source, langs=langs, mt_langs=mt_langs,
        models={**_configured_models(),
                **_pairs(args.model, "--model", "PAIR=MODEL (e.g. de-en=./folder)")},
        backend=args.backend, beam=args.beam, max_length=args.max_length,
        batch_size=args.batch_size, zh_route=args.zh_route, cache=args.cache_dir,
        threads=args.threads, encoder=args.encoder, include_suggested=args.include_suggested)
    _quiet_transformers()

    def progress(done: int, total: int, entry: dict) -> None:
        what = entry["status"] + (f": {entry['reason']}" if entry["reason"] else "")
        print(f"[{done}/{total}] {entry['id']} {what} ({entry.get('seconds', 0):.1f} s)",
              file=sys.stderr)

    summary = run_corpus(args.manifest, args.output, settings, engine=args.engine,
                         align_with=align_with, address=args.address, actors=args.actors,
                         cpus_per_actor=args.cpus_per_actor, gpus_per_actor=args.gpus_per_actor,
                         rows_per_shard=args.rows_per_shard, progress=progress)
    out = Path(args.output)
    print(f"{summary['documents']} documents: {summary['done']} done, {summary['skipped']} "
          f"already done, {summary['failed']} failed; {summary['sentences']} sentences, "
          f"{summary['rows']} rows in {len(summary['shards'])} shards under {out / 'data'}; "
          f"{summary['seconds']:.1f} s ({args.engine})")
    if summary.get("suggestions_left_out"):
        print(f"left out {summary['suggestions_left_out']} suggested links the aligner was unsure "
              f"of (add --include-suggested to keep them, marked)")
    for failure in summary["failures"][:FAILURES_SHOWN]:
        print(f"failed {failure['id']}: {failure['reason']}")
    if len(summary["failures"]) > FAILURES_SHOWN:
        print(f"... {len(summary['failures']) - FAILURES_SHOWN} more in {out / 'summary.json'}")
    return 0


def cmd_open(args: argparse.Namespace) -> int:
    from corpus.open import open_document

    report = open_document(args.output, args.doc_id, args.project)
    langs = ", ".join(f"{lang} {linked} of {units} rows" for lang, (linked, units)
                      in report["languages"].items())
    print(f"created {args.project}: {report['sentences']} sentences; {langs}")
    # Absolute: `make app` runs in the repository, not where this command was given.
    print(f"read and correct it with: PROJECT={Path(args.project).absolute()} make app")
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    from corpus.stats import corpus_stats, format_stats

    for line in format_stats(corpus_stats(args.output), FAILURES_SHOWN):
        print(line)
    return 0
