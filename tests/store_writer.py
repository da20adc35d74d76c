"""A real writer process for the durability, concurrency and load tests.

    python tests/store_writer.py edit PROJECT_DIR SEED [COUNT [BACKUP_EVERY]]
        Edits the project's English target sentences in a loop (COUNT acknowledged edits,
        or until killed). After each edit_segment() returned, i.e. after COMMIT, it prints
        `ACK ["<segment id>", <version>, "<text>"]` and flushes stdout: a line the parent
        has read is an acknowledged edit. A refused stale save prints `CONFLICT <id>`.
        Every BACKUP_EVERY-th step (default 25, 0 for never) takes a backup instead, so
        kills also land mid-backup.
    python tests/store_writer.py import PROJECT_DIR SENTENCES
        Imports a generated document of SENTENCES sentences as a new project, then prints
        `IMPORTED` (used to kill an import half-way).
"""
from __future__ import annotations

import json
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from align.text.document import Block, Document  # noqa: E402
from align.errors import ConflictError  # noqa: E402
from align.store import Project  # noqa: E402

# Markup, quotes, CJK, an emoji and a tab: the store must keep every character.
TEXT = "<b>{pid}/{n}</b> <script>alert('{n}')</script> Grüße „{r}“ 你好 😀\tend"


def make_project(directory: str | os.PathLike, blocks: int = 3, per_block: int = 4,
                 langs: tuple[str, ...] = ("en",)) -> Path:
    """A small project built by hand (no segmenter): `blocks` turns of `per_block`
    sentences, each with a machine translation in every language of `langs`."""
    doc = Document([Block("turn", [f"Satz {b}.{k} auf Deutsch." for k in range(per_block)],
                          speaker=f"S{b % 2}", speaker_label=f"S{b % 2}")
                    for b in range(blocks)], lang="de", title="test")
    with Project.create(directory) as project:
        project.import_document(doc, "test.txt", "0" * 64)
        for seg in project.source_segments():
            for lang in langs:
                project.set_machine_translation(seg.id, lang, f"MT {lang}: {seg.text}",
                                                {"model": "typed in the test"})
    return Path(directory)


def edit_loop(directory: str, seed: int, count: int | None, backup_every: int = 25) -> None:
    rng = random.Random(seed)
    pid = os.getpid()
    with Project.open(directory) as project:
        ids = [t.id for t in project.target_segments("en")]
        print("READY", flush=True)
        n = acked = 0
        while count is None or acked < count:
            n += 1
            if backup_every and n % backup_every == 0:
                project.backup("writer")
                continue
            seg_id = rng.choice(ids)
            version = project.segment(seg_id).version
            text = TEXT.format(pid=pid, n=n, r=rng.random())
            try:
                saved = project.edit_segment(seg_id, text, version, actor=f"writer-{pid}")
            except ConflictError:
                print(f"CONFLICT {seg_id}", flush=True)
                continue
            sys.stdout.write("ACK " + json.dumps([seg_id, saved.version, saved.text]) + "\n")
            sys.stdout.flush()
            acked += 1
    print("DONE", flush=True)


def import_loop(directory: str, sentences: int) -> None:
    per_block = 20
    blocks = [Block("turn", [f"Satz {i + k} im Block {i // per_block}, mit etwas Text dazu."
                             for k in range(per_block)], speaker="A", speaker_label="A")
              for i in range(0, sentences, per_block)]
    from align.imports.source import import_document

    print("READY", flush=True)
    import_document(Document(blocks), directory, "generated.txt", "generated")
    print("IMPORTED", flush=True)


def main(argv: list[str]) -> int:
    mode, directory = argv[0], argv[1]
    if mode == "edit":
        edit_loop(directory, int(argv[2]), int(argv[3]) if len(argv) > 3 else None,
                  int(argv[4]) if len(argv) > 4 else 25)
    elif mode == "import":
        import_loop(directory, int(argv[2]))
    else:
        raise SystemExit(f"unknown mode {mode}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
