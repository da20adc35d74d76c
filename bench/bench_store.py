"""Load test of the project store: N concurrent writers doing M edits each on one project.

    python bench/bench_store.py [--writers 4] [--edits 200] [--sentences 200]

Runs three rounds on a fresh project each: N threads sharing one Project object, N threads
with a session each (like browser tabs), and N separate processes (tests/store_writer.py).
Each writer picks random sentences, so writers also collide on the same sentence; a stale
save is refused (counted as a conflict) and retried with the fresh version. Prints edits per
second (acknowledged, i.e. committed with synchronous=FULL) and then checks that every
acknowledged edit is in the database (text at its version in the history, and the
sentence at that version or later) and that SQLite's integrity check passes.
"""
from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from align.errors import ConflictError  # noqa: E402
from align.store import Project  # noqa: E402
from tests.store_writer import make_project  # noqa: E402

Ack = tuple[str, int, str]


def thread_writer(project: Project | None, directory: Path, k: int, edits: int,
                  acks: list[Ack], conflicts: list[int]) -> None:
    own = project is None
    p = Project.open(directory) if own else project
    try:
        rng = random.Random(k)
        ids = [t.id for t in p.target_segments("en")]
        done = 0
        while done < edits:
            seg_id = rng.choice(ids)
            version = p.segment(seg_id).version
            try:
                row = p.edit_segment(seg_id, f"writer {k} edit {done} {rng.random()}", version)
            except ConflictError:
                conflicts.append(1)
                continue
            acks.append((seg_id, row.version, row.text))
            done += 1
    finally:
        if own:
            p.close()


def run_threads(directory: Path, writers: int, edits: int, shared: bool) -> tuple[float, list[Ack], int]:
    acks: list[Ack] = []
    conflicts: list[int] = []
    project = Project.open(directory) if shared else None
    threads = [threading.Thread(target=thread_writer,
                                args=(project, directory, k, edits, acks, conflicts))
               for k in range(writers)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    if project:
        project.close()
    return elapsed, acks, len(conflicts)


def run_processes(directory: Path, writers: int, edits: int) -> tuple[float, list[Ack], int]:
    writer = ROOT / "tests" / "store_writer.py"
    procs = [subprocess.Popen([sys.executable, str(writer), "edit", str(directory), str(k),
                               str(edits), "0"], stdout=subprocess.PIPE, cwd=ROOT)
             for k in range(writers)]
    for p in procs:  # start timing once every writer has opened the project
        assert p.stdout.readline() == b"READY\n"
    start = time.perf_counter()
    outs = [p.communicate()[0] for p in procs]
    elapsed = time.perf_counter() - start
    acks, conflicts = [], 0
    for out in outs:
        for line in out.decode("utf-8").splitlines():
            if line.startswith("ACK "):
                acks.append(tuple(json.loads(line[4:])))
            elif line.startswith("CONFLICT"):
                conflicts += 1
    return elapsed, acks, conflicts


def verify(directory: Path, acks: list[Ack]) -> None:
    with Project.open(directory) as p:
        assert p.integrity_check() == "ok", "integrity check failed"
        history = {}
        for row in p.conn.execute("SELECT entity_id, new_value FROM history WHERE action='edit'"):
            new = json.loads(row["new_value"])
            history[(row["entity_id"], new["version"])] = new["text"]
        for seg_id, version, text in acks:
            assert history.get((seg_id, version)) == text, f"lost edit {seg_id} v{version}"
            assert p.segment(seg_id).version >= version


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", type=int, default=4)
    ap.add_argument("--edits", type=int, default=200, help="edits per writer")
    ap.add_argument("--sentences", type=int, default=200, help="target sentences in the project")
    args = ap.parse_args()
    print(f"store load test: {args.writers} writers x {args.edits} edits, "
          f"{args.sentences} sentences, synchronous=FULL, WAL")
    rounds = [("threads, one shared Project", lambda d: run_threads(d, args.writers, args.edits, True)),
              ("threads, one session each", lambda d: run_threads(d, args.writers, args.edits, False)),
              ("processes", lambda d: run_processes(d, args.writers, args.edits))]
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        for n, (name, run) in enumerate(rounds):
            directory = make_project(Path(tmp) / f"p{n}", blocks=args.sentences // 10, per_block=10)
            elapsed, acks, conflicts = run(directory)
            verify(directory, acks)
            print(f"  {name:<28} {len(acks):5d} edits in {elapsed:6.2f} s = "
                  f"{len(acks) / elapsed:7.1f} edits/s; {conflicts} stale saves refused; "
                  f"all {len(acks)} acknowledged edits verified")
    return 0


if __name__ == "__main__":
    sys.exit(main())
