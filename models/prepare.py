"""First run: make a project readable in every language with one step.

`prepare_project` is what `bitext prepare PROJECT` (run by `make app` before the reader
opens) does: if sentences still lack a translation, fetch the models their routes need that
are not on disk (with byte progress), then machine-translate what is missing
(`translate_project`: resumable chunks, cached translations, human work never touched).
When everything is translated it returns at once without loading a model, so a second
`make app` opens the reader straight away. When the Hub cannot be reached it returns the
one-line reason instead, and the reader opens without machine translation.

`download_route` is the app's Download button: the same pull, for the models of one
language's route.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Mapping, Sequence

from align.store import Project
from models.hub import HubUnreachableError, ModelRef, pull, resolve
from models.project_translate import model_for, needed_pairs

# (model id, bytes done, bytes in all): one call per progress step of one model.
PullProgress = Callable[[str, int, int], None]
# (language, sentences done, sentences in all)
TranslateProgress = Callable[[str, int, int], None]


@dataclass
class PrepareResult:
    pulled: list[str] = field(default_factory=list)            # model ids downloaded now
    translated: dict[str, int] = field(default_factory=dict)   # language -> sentences written
    kept_human: dict[str, int] = field(default_factory=dict)
    offline: str = ""   # one line: why nothing could be downloaded (the reader opens anyway)

    @property
    def nothing_to_do(self) -> bool:
        return not self.pulled and not any(self.translated.values()) and not self.offline


def models_to_pull(source_lang: str, langs: Sequence[str], *, cache: str | Path | None = None,
                   zh_route: str | None = None, models: Mapping[str, str] | None = None) -> list[str]:
    """Hub models the routes to `langs` need that are not (completely) on disk, in route
    order. A model folder of your own that is missing is an error, not something to fetch."""
    from align.errors import ModelNotFoundError

    missing = []
    for pair in needed_pairs(source_lang, langs, zh_route):
        model = model_for(pair, models)
        try:
            resolve(model, cache)
        except ModelNotFoundError:
            missing.append(model)
    return list(dict.fromkeys(missing))


def pull_models(names: Sequence[str], *, cache: str | Path | None = None,
                endpoint: str | None = None, progress: PullProgress | None = None) -> list[ModelRef]:
    refs = []
    for name in names:
        report = (lambda done, total, name=name: progress(name, done, total)) if progress else None
        refs.append(pull(name, cache, endpoint=endpoint, progress=False, on_bytes=report))
    return refs


def untranslated(project: Project, langs: Sequence[str]) -> dict[str, int]:
    return {lang: len(project.segments_needing_translation(lang)) for lang in langs}


def prepare_project(project_dir: str | Path, langs: Sequence[str] = ("en", "zh"), *,
                    cache: str | Path | None = None, endpoint: str | None = None,
                    zh_route: str | None = None, models: Mapping[str, str] | None = None,
                    backend: str | None = None, settings=None, threads: int | None = None,
                    pull_progress: PullProgress | None = None,
                    translate_progress: TranslateProgress | None = None) -> PrepareResult:
    result = PrepareResult()
    with Project.open(project_dir) as project:
        todo = untranslated(project, langs)
        if not any(todo.values()):
            return result                      # the fast path: no model is loaded
        needed = models_to_pull(project.source_lang, langs, cache=cache, zh_route=zh_route,
                                models=models)
        try:
            result.pulled = [r.model_id for r in pull_models(needed, cache=cache, endpoint=endpoint,
                                                             progress=pull_progress)]
        except HubUnreachableError as exc:
            result.offline = exc.short
            return result
        from models.project_translate import translate_project

        for lang in sorted(langs, key=lambda l: (l != "en", l)):   # English first: the pivot
            report = translate_project(
                project, [lang], cache=cache, zh_route=zh_route, models=models, backend=backend,
                settings=settings, threads=threads,
                progress=(lambda done, total, lang=lang: translate_progress(lang, done, total))
                if translate_progress else None)
            result.translated[lang] = report.translated
            result.kept_human[lang] = sum(r.kept_human for r in report.languages)
    return result


def download_route(lang: str, source_lang: str = "de", *, cache: str | Path | None = None,
                   endpoint: str | None = None, zh_route: str | None = None,
                   models: Mapping[str, str] | None = None,
                   progress: PullProgress | None = None) -> list[str]:
    """Fetch the Hub models the route to `lang` lacks (the app's Download button); returns
    the model ids fetched. Raises HubUnreachableError (with `.short`) when offline."""
    needed = models_to_pull(source_lang, [lang], cache=cache, zh_route=zh_route, models=models)
    return [r.model_id for r in pull_models(needed, cache=cache, endpoint=endpoint, progress=progress)]
