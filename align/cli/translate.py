"""`bitext translate`, `bitext translate-project`, `bitext models pull|list`: machine translation.

Argument parsing only; the work happens in models.marian, models.hub and
models.project_translate, imported inside the handlers (they pull in torch).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from align.errors import InputError

NOTES_SHOWN = 20


def _generation_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--beam", type=int, metavar="N", default=4, help="beam size (default 4)")
    p.add_argument("--max-length", type=int, metavar="N", default=512,
                   help="most tokens generated per sentence (default 512)")
    p.add_argument("--batch-size", type=int, metavar="N", default=16,
                   help="sentences per batch (default 16)")
    p.add_argument("--backend", choices=("torch", "ctranslate2"), default=None,
                   help="ctranslate2 (int8; the default where it is installed, about 3x "
                        "faster) or torch (transformers, the reference)")
    p.add_argument("--cache-dir", metavar="DIR",
                   help="model and translation cache (default $BITEXT_CACHE or "
                        "~/.cache/bitext/models)")
    p.add_argument("--no-cache", action="store_true", help="do not reuse or store translations")
    p.add_argument("--threads", type=int, metavar="N", default=None,
                   help="CPU threads (default: all cores)")


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("translate", help="translate a file, one sentence per line",
                       description="Translate one sentence per line; the output has exactly as "
                                   "many lines. Give --model twice to pivot (de-en, then en-zh).")
    p.add_argument("--model", action="append", default=None, metavar="MODEL",
                   help="model folder, pair (de-en, de-zh, en-zh) or Hugging Face id "
                        "(default de-en); repeat to chain models. A pair takes the folder "
                        "$BITEXT_MODELS gives it (de-en=DIR,...), as in the app")
    p.add_argument("--input", required=True, metavar="FILE",
                   help="input file (UTF-8), or - for stdin")
    p.add_argument("--output", required=True, metavar="FILE", help="output file, or - for stdout")
    p.add_argument("--target-token", metavar="TOKEN",
                   help="target-language token for multi-target models, e.g. '>>cmn_Hans<<' "
                        "(applies to the last model)")
    _generation_args(p)
    p.set_defaults(func=cmd_translate)

    p = sub.add_parser("translate-project", help="machine-translate a project's missing sentences",
                       description="Machine-translate the sentences that have no translation "
                                   "or whose source changed, in resumable chunks; a sentence a "
                                   "person edited or reviewed is never overwritten. The models "
                                   "must be on disk (bitext models pull, or bitext prepare).")
    p.add_argument("project", help="project folder")
    p.add_argument("--to", default="en,zh", metavar="LANGS",
                   help="target languages, comma-separated (default en,zh)")
    p.add_argument("--zh-route", choices=("pivot", "direct"), default=None,
                   help="Chinese through English (pivot, default) or with opus-mt-de-ZH (direct)")
    p.add_argument("--model", action="append", default=[], metavar="PAIR=MODEL",
                   help="use this folder or Hub id for a pair, e.g. de-en=./my-model "
                        "(default: $BITEXT_MODELS, then the pair's opus-mt model)")
    _generation_args(p)
    p.set_defaults(func=cmd_translate_project)

    p = sub.add_parser("models", help="download or list translation models")
    msub = p.add_subparsers(dest="models_command", metavar="ACTION")
    msub.required = True
    pull = msub.add_parser("pull", help="download models into the cache (resumes; needs network)")
    pull.add_argument("names", nargs="*", metavar="PAIR",
                      help="pairs (de-en, de-zh, en-zh) or Hub ids (default: de-en en-zh)")
    pull.add_argument("--cache-dir", metavar="DIR",
                      help="where models go (default $BITEXT_CACHE or ~/.cache/bitext/models)")
    pull.set_defaults(func=cmd_models_pull)
    ls = msub.add_parser("list", help="show the models on disk and the device (cpu or cuda) "
                                      "that runs them")
    ls.add_argument("--cache-dir", metavar="DIR",
                    help="where to look (default $BITEXT_CACHE or ~/.cache/bitext/models)")
    ls.set_defaults(func=cmd_models_list)


def _settings(args: argparse.Namespace, target_token: str | None = None):
    from models.marian import GenerationSettings

    return GenerationSettings(beam=args.beam, max_length=args.max_length,
                              batch_size=args.batch_size, target_token=target_token)


def _quiet_transformers() -> None:
    """transformers' warnings and progress bars off, without importing it (seconds of start
    that the CTranslate2 path never needs): it reads these when it is first imported."""
    import os

    os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
    os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    if "transformers" in sys.modules:
        from transformers.utils import logging as hf_logging

        hf_logging.set_verbosity_error()
        hf_logging.disable_progress_bar()


def _read_lines(path: str) -> list[str]:
    if path == "-":
        text = sys.stdin.read()
    else:
        file = Path(path)
        if not file.is_file():
            raise InputError(f"no such file: {path}")
        try:
            text = file.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path} is not UTF-8 text (byte {exc.start} is invalid)") from None
    # Lines are what `wc -l` counts: split on "\n" only (str.splitlines would also cut at
    # form feeds and U+2028 inside a sentence and shift the output against the input).
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    if lines and lines[-1] == "":
        lines.pop()
    return lines


PLAIN_PROGRESS_S = 30   # without a terminal: a progress line at most this often


def _progress_bar(total_hint: str):
    """A tqdm bar on a terminal; elsewhere (a log file, a pipe, where tqdm draws nothing) a
    plain line every PLAIN_PROGRESS_S seconds, so a long run never goes silent (issue 21)."""
    import time

    from tqdm import tqdm

    bar = tqdm(desc=total_hint, unit="sent", file=sys.stderr, disable=None, leave=False)
    plain = bar.disable
    said = [time.monotonic()]

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if plain and 0 < done < total and time.monotonic() - said[0] >= PLAIN_PROGRESS_S:
            said[0] = time.monotonic()
            print(f"{total_hint}: {done:,} of {total:,} sentences", file=sys.stderr, flush=True)
    return bar, update


def cmd_translate(args: argparse.Namespace) -> int:
    from models.marian import PivotTranslator, load_translator

    lines = _read_lines(args.input)
    _quiet_transformers()
    # A pair name (de-en, the default) takes the folder BITEXT_MODELS gives it, as in the app;
    # a folder or Hub id given with --model is used as it is.
    configured = _configured_models()
    names = [configured.get(name, name) for name in (args.model or ["de-en"])]
    from models.project_translate import default_backend

    backend = args.backend or default_backend()
    translators = [
        load_translator(name, backend=backend, cache=args.cache_dir, use_cache=not args.no_cache,
                        threads=args.threads,
                        settings=_settings(args, args.target_token if i == len(names) - 1 else None))
        for i, name in enumerate(names)]
    translator = translators[0]
    for step in translators[1:]:
        translator = PivotTranslator(translator, step)
    bar, update = _progress_bar("translating")
    try:
        results = translator.translate(lines, progress=update)
    finally:
        bar.close()
    out = "".join(r.text.replace("\n", " ") + "\n" for r in results)
    if len(results) != len(lines):      # the contract of this command; never ship a shifted file
        raise RuntimeError(f"{len(lines)} lines in but {len(results)} out")
    if args.output == "-":
        sys.stdout.write(out)
    else:
        Path(args.output).write_text(out, encoding="utf-8")
    for number, result in enumerate(results, start=1):
        for note in result.notes:
            print(f"line {number}: {note}", file=sys.stderr)
    cached = sum(r.from_cache for r in results)
    print(f"translated {len(results)} lines ({cached} from the cache)", file=sys.stderr)
    return 0


def _configured_models() -> dict[str, str]:
    """$BITEXT_MODELS ("de-en=DIR,en-zh=DIR"), read as the app reads it."""
    from models.app_services import configured_models

    return configured_models()


def models_for(items: list[str]) -> dict[str, str]:
    """The folder or Hub id of each pair: --model PAIR=MODEL where given, else $BITEXT_MODELS
    (the app's setting), else the default model of the pair."""
    return {**_configured_models(), **_parse_models(items)}


def _parse_models(items: list[str]) -> dict[str, str]:
    models = {}
    for item in items:
        pair, sep, model = item.partition("=")
        if not sep or "-" not in pair or not model:
            raise InputError(f"--model takes PAIR=MODEL (e.g. de-en=./folder), got {item!r}")
        models[pair.strip()] = model.strip()
    return models


def cmd_translate_project(args: argparse.Namespace) -> int:
    from align.store import Project
    from models.project_translate import translate_project, unused_models

    langs = [l.strip() for l in args.to.split(",") if l.strip()]
    if not langs:
        raise InputError("--to needs at least one language, e.g. --to en,zh")
    explicit = _parse_models(args.model)
    models = models_for(args.model)
    _quiet_transformers()
    bar, update = _progress_bar("translating project")
    try:
        with Project.open(args.project) as project:
            # Only what was asked for here: $BITEXT_MODELS may well name pairs not needed now.
            unused = unused_models(project.source_lang, langs, args.zh_route, explicit)
            if unused:
                print(f"warning: --model for {', '.join(unused)} is not used: no route from "
                      f"{project.source_lang} to {','.join(langs)} goes through it", file=sys.stderr)
            report = translate_project(
                project, langs, progress=update, cache=args.cache_dir, zh_route=args.zh_route,
                models=models, backend=args.backend, settings=_settings(args),
                threads=args.threads)
    finally:
        bar.close()
    for lang in report.languages:
        for sid, note in lang.notes[:NOTES_SHOWN]:
            print(f"{lang.lang} {sid}: {note}", file=sys.stderr)
        if len(lang.notes) > NOTES_SHOWN:
            print(f"{lang.lang}: {len(lang.notes) - NOTES_SHOWN} more notes like these "
                  f"(each is stored with its translation)", file=sys.stderr)
        print(f"{lang.lang}: {lang.translated} translated, "
              f"{lang.kept_human} kept (edited or reviewed by a person)")
    return 0


def cmd_models_pull(args: argparse.Namespace) -> int:
    from models.hub import DEFAULT_PULL, cache_dir, pull

    names = args.names or list(DEFAULT_PULL)
    print(f"cache: {cache_dir(args.cache_dir)}", file=sys.stderr)
    for name in names:
        ref = pull(name, args.cache_dir)
        print(f"{ref.model_id}  {ref.revision[:12]}  {ref.path}")
    return 0


def cmd_models_list(args: argparse.Namespace) -> int:
    from models.device import describe_here
    from models.hub import cache_dir, list_models

    folder = cache_dir(args.cache_dir)
    found = list_models(folder)
    print(describe_here())
    if not found:
        print(f"no models in {folder}; fetch the defaults with: bitext models pull")
        return 0
    for m in found:
        complete = (m.path / "config.json").is_file() and any(
            (m.path / w).is_file() for w in ("model.safetensors", "pytorch_model.bin"))
        state = "" if complete else "  (incomplete: run bitext models pull again)"
        print(f"{m.model_id}  {m.revision[:12]}  {m.size_bytes / 1e6:.0f} MB{state}")
    converted = sorted((folder / "ctranslate2").glob("*/model.bin"))
    for model_bin in converted:
        print(f"ctranslate2: {model_bin.parent.name}  {model_bin.stat().st_size / 1e6:.0f} MB")
    return 0
