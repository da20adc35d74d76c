"""Offering a project's corrections to a long re-imported text (issue 21): the pairwise
matching of every memory unit against every sentence (kept here only for the comparison)
against the indexed `best_offers`, side by side, on the bundled interview repeated N times
with the hand-made English reference (tests/data/interview_reference_en.tsv) as the
corrections of its first copy.

    PYTHONPATH=. python bench/bench_offers.py --copies 10 100 --old-max 10

Prints per size: sentences, memory units, seconds (old, new), the speed-up, the same offers
or not, and the full SequenceMatcher comparisons of the new one.
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

from align.imports.source import import_text
from align.propagation import _receivers, best_offers, translation_memory
from align.store import Project
from align.text.fuzzy import fuzzy_matches

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.qa_damage import reference_pairs  # noqa: E402
INTERVIEW = (ROOT / "data" / "davos_interview_de.txt").read_text(encoding="utf-8")
REFERENCE = dict(reference_pairs())


def old_best_offers(project, memory, same_project, threshold=0.85):
    """offer_memory's matching before issue 21: every unit against every receiver."""
    out = {}
    for lang in dict.fromkeys(u.lang for u in memory):
        best, receivers_by_text = {}, {}
        for unit in (u for u in memory if u.lang == lang):
            if unit.target not in receivers_by_text:
                receivers_by_text[unit.target] = _receivers(project, lang, unit.target)
            candidates = {k: v for k, v in receivers_by_text[unit.target].items()
                          if not (same_project and k == unit.src_id)}
            for sid, sim in fuzzy_matches(unit.source, candidates, threshold):
                if sid not in best or sim > best[sid][0]:
                    best[sid] = (sim, unit)
        out[lang] = best
    return out


def build(directory: Path, copies: int) -> Project:
    import_text(INTERVIEW * copies, directory, "interview.txt")
    p = Project.open(directory)
    sources = p.source_segments()
    first = [s for s in sources[:len(sources) // copies] if s.text in REFERENCE]
    for s in first:
        p.set_machine_translation(s.id, "en", f"MT {s.text}", {"model": "m"})
    target_of = {l.src_ids[0]: l.tgt_ids[0] for l in p.links("en")}
    for s in first:
        seg = p.segment(target_of[s.id])
        p.edit_segment(seg.id, REFERENCE[s.text], seg.version)
    return p


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--copies", type=int, nargs="+", default=[10, 100])
    ap.add_argument("--old-max", type=int, default=10,
                    help="run the old matching only up to this many copies (it is slow)")
    args = ap.parse_args()
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("copies sentences units old_s new_s speedup same_offers ratio_calls")
    for copies in args.copies:
        with tempfile.TemporaryDirectory() as tmp:
            p = build(Path(tmp) / "p", copies)
            memory = translation_memory(p)
            indexes: list = []
            t0 = time.perf_counter()
            new = best_offers(p, memory, same_project=True, index_stats=indexes)
            new_s = time.perf_counter() - t0
            old_s, same = float("nan"), "-"
            if copies <= args.old_max:
                t0 = time.perf_counter()
                old = old_best_offers(p, memory, True)
                old_s = time.perf_counter() - t0
                same = str({k: list(v.items()) for k, v in old.items()}
                           == {k: list(v.items()) for k, v in new.items()})
            print(f"{copies} {len(p.source_segments())} {len(memory)} {old_s:.2f} {new_s:.2f} "
                  f"{old_s / new_s:.0f}x {same} {sum(i.ratio_calls for i in indexes)}", flush=True)
            p.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB; load average: "
          f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
