"""Where documents are processed: a local loop, or Ray Data actor pools. Same function.

Both engines call `batches.process_blocks` (each document through `document.py`, a block of
consecutive documents translated together) with a `DocumentTools` made once per worker and
hand each result to `on_result` on the driver, which writes it. They differ only in where the
work runs:

- local: this process, block after block (the translator uses all cores);
- ray: `map_batches` over the blocks with a callable class, so Ray Data keeps a pool of
  actors, each holding its translators and encoder for its lifetime and taking a block at a
  time; Ray Data streams results back with back-pressure, restarts an actor that died and
  retries its task (Ray Data's defaults).
  Each actor takes `cpus_per_actor` CPUs (its thread count) and, when the cluster has GPUs,
  `gpus_per_actor` GPUs.

`ray` is an optional extra (`pip install -e '.[scale]'`), imported only here and only for
`--engine ray`.
"""
from __future__ import annotations

import json
from dataclasses import replace
from typing import Callable, Sequence

from align.errors import InputError
from corpus.batches import Block, process_blocks
from corpus.document import DocumentTools
from corpus.manifest import DocTask
from corpus.settings import CorpusSettings

ENGINES = ("local", "ray")
INSTALL_HINT = ("--engine ray needs Ray Data, which is not installed; install it with: "
                "pip install -e '.[scale]'  (or: pip install 'ray[data]>=2.60')")

Work = Sequence[Block]          # blocks of (task, key, to do)
OnResult = Callable[[dict], None]


def run_local(work: Work, settings: CorpusSettings, on_result: OnResult,
              tools: DocumentTools | None = None) -> None:
    tools = tools or DocumentTools(settings)
    process_blocks(work, tools, on_result)


def require_ray():
    """The ray module, or a one-line InputError saying how to install it."""
    try:
        import ray
        import ray.data  # noqa: F401  (the Data library is the part we need)
    except ImportError:
        raise InputError(INSTALL_HINT) from None
    return ray


class CorpusWorker:
    """A Ray Data callable class: one per actor, models loaded once in __init__."""

    def __init__(self, settings: dict):
        self.tools = DocumentTools(CorpusSettings.from_json(settings))

    def __call__(self, batch: dict) -> dict:
        import numpy as np

        out: list[dict] = []
        blocks = [[(DocTask.from_json(d["task"]), d["key"], d["todo"]) for d in json.loads(item)]
                  for item in batch["work"]]
        process_blocks(blocks, self.tools, out.append)
        # one string of every result of the call: a block gives as many as it has documents
        return {"result": np.array([json.dumps(out, ensure_ascii=False)], dtype=object)}


def run_ray(work: Work, settings: CorpusSettings, on_result: OnResult, *,
            address: str | None = None, actors: int | None = None, cpus_per_actor: int = 1,
            gpus_per_actor: float | None = None, quiet: bool = True) -> dict:
    """Process `work` on a Ray cluster (a new local one, or `address`: "auto" or
    "ray://host:10001"); returns how it was laid out (actors, CPUs and GPUs per actor)."""
    ray = require_ray()
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(address=address, include_dashboard=False, log_to_driver=not quiet,
                 logging_level="ERROR" if quiet else "INFO")
    try:
        layout = _layout(ray.cluster_resources(), len(work), actors, cpus_per_actor, gpus_per_actor)
        if not work:
            return layout
        from ray.data import ActorPoolStrategy, DataContext

        context = DataContext.get_current()
        context.enable_progress_bars = not quiet
        if quiet:       # our own progress lines say what is done
            import logging

            logging.getLogger("ray.data").setLevel(logging.WARNING)
        actor_settings = replace(settings, threads=settings.threads or cpus_per_actor)
        items = [{"work": json.dumps([{"task": task.to_json(), "key": key, "todo": todo}
                                      for task, key, todo in block], ensure_ascii=False)}
                 for block in work]
        resources = {"num_gpus": layout["gpus_per_actor"]} if layout["gpus_per_actor"] else \
            {"num_cpus": cpus_per_actor}
        dataset = ray.data.from_items(items).map_batches(
            CorpusWorker, fn_constructor_kwargs={"settings": actor_settings.to_json()},
            batch_size=1, batch_format="numpy",
            compute=ActorPoolStrategy(size=layout["actors"]), **resources)
        for row in dataset.iter_rows():
            for result in json.loads(row["result"]):
                on_result(result)
        return layout
    finally:
        if started_here:
            ray.shutdown()


def _layout(resources: dict, documents: int, actors: int | None, cpus_per_actor: int,
            gpus_per_actor: float | None) -> dict:
    cpus, gpus = resources.get("CPU", 1), resources.get("GPU", 0)
    if gpus_per_actor is None:       # GPUs when the cluster has them
        gpus_per_actor = 1 if gpus >= 1 else 0
    if gpus_per_actor and gpus < gpus_per_actor:
        raise InputError(f"--gpus-per-actor {gpus_per_actor}: the Ray cluster has {gpus:g} GPUs")
    fit = int(gpus // gpus_per_actor) if gpus_per_actor else int(cpus // max(cpus_per_actor, 1))
    size = max(1, min(actors or fit, max(documents, 1)))
    return {"actors": size, "cpus_per_actor": cpus_per_actor, "gpus_per_actor": gpus_per_actor,
            "cluster_cpus": cpus, "cluster_gpus": gpus}
