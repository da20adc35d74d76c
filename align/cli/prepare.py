"""`bitext prepare PROJECT`: fetch the default models and translate what is missing, so the
reader opens with every column filled (what `make app` runs first).

Argument parsing and progress bars only; the work is models.prepare.prepare_project.
"""
from __future__ import annotations

import argparse
import sys

from align.errors import InputError


def register(sub: argparse._SubParsersAction) -> None:
    from align.cli.translate import _generation_args

    p = sub.add_parser(
        "prepare", help="download the models a project needs and translate what is missing",
        description="First run in one step: if sentences lack a translation, download the models "
                    "their routes need (progress bar; resumes), then machine-translate what is "
                    "missing (resumable, cached; human work is never touched). Returns at once "
                    "when all is translated. Offline it says why in one line and exits 0, so "
                    "`make app` still opens the reader.")
    p.add_argument("project", help="project folder")
    p.add_argument("--to", default="en,zh", metavar="LANGS",
                   help="target languages, comma-separated (default en,zh)")
    p.add_argument("--zh-route", choices=("pivot", "direct"), default=None,
                   help="Chinese through English (pivot, default) or with opus-mt-de-ZH (direct)")
    p.add_argument("--model", action="append", default=[], metavar="PAIR=MODEL",
                   help="use this folder or Hub id for a pair (also $BITEXT_MODELS)")
    _generation_args(p)
    p.set_defaults(func=cmd_prepare)


def _bars(desc: str, unit: str, **tqdm_args):
    """One tqdm bar per key (a model id, a language) on stderr, closed when it is full;
    returns (bars, update) with update(key, done, total)."""
    from tqdm import tqdm

    bars: dict[str, tqdm] = {}

    def update(key: str, done: int, total: int) -> None:
        bar = bars.get(key)
        if bar is None:
            bar = bars[key] = tqdm(desc=desc.format(key), total=total, unit=unit,
                                   file=sys.stderr, disable=None, **tqdm_args)
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return bars, update


def cmd_prepare(args: argparse.Namespace) -> int:
    from align.cli.translate import _quiet_transformers, _settings, models_for
    from align.store import Project
    from align.text.languages import check_language
    from models.prepare import prepare_project, untranslated

    langs = [check_language(l) for l in args.to.split(",") if l.strip()]
    if not langs:
        raise InputError("--to needs at least one language, e.g. --to en,zh")
    if not Project.exists(args.project):
        raise InputError(f"no project at {args.project} (create one with `bitext import FILE "
                         f"--project {args.project}`)")
    models = models_for(args.model)
    with Project.open(args.project) as project:
        if not any(untranslated(project, langs).values()):
            # Before anything imports transformers: a second `make app` opens at once.
            print(f"{args.project}: every sentence has a translation in {', '.join(langs)}")
            return 0
    _quiet_transformers()
    pull_bars, on_pull = _bars("downloading {}", "B", unit_scale=True, unit_divisor=1024)
    tr_bars, on_translate = _bars("translating into {}", "sent")
    try:
        result = prepare_project(args.project, langs, cache=args.cache_dir, zh_route=args.zh_route,
                                 models=models, backend=args.backend, settings=_settings(args),
                                 threads=args.threads, pull_progress=on_pull,
                                 translate_progress=on_translate)
    finally:
        for bar in [*pull_bars.values(), *tr_bars.values()]:
            bar.close()
    if result.offline:
        print(f"no machine translation yet: {result.offline}; the reader opens without it "
              f"(its Download button fetches the models later)")
        return 0
    for model_id in result.pulled:
        print(f"downloaded {model_id}")
    for lang, n in result.translated.items():
        print(f"{lang}: {n} translated, {result.kept_human.get(lang, 0)} kept "
              f"(edited or reviewed by a person)")
    return 0
