"""The mistake kinds the aligner benches report (bench/align_errors.py), on hand-made links."""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))

from align_errors import classify, count, summary  # noqa: E402

# zh 0 = en 0; zh 1 has no partner; zh 2-3 = en 1; zh 4 = en 2-3; zh 5 = en 4
GOLD = [((0,), (0,)), ((1,), ()), ((2, 3), (1,)), ((4,), (2, 3)), ((5,), (4,))]


def test_each_wrong_link_gets_its_kind():
    pred = [((0,), (0,)), ((1,), (1,)), ((2,), ()), ((3,), ()), ((4,), (2,)), ((), (3,)), ((5,), (4,))]
    kinds = sorted((kind, link) for kind, link, _ in classify(GOLD, pred))
    assert kinds == [
        ("1:1 gross", ((1,), (1,))),     # zh 1 has no partner: no gold pair in it
        ("1:1 shape", ((4,), (2,))),     # right pair, one English sentence short
        ("linked", ((1,), ())),          # the gold leaves zh 1 unlinked
        ("unlinked", ((), (3,))),        # en 3 belongs to zh 4
        ("unlinked", ((2,), ())),
        ("unlinked", ((3,), ())),
    ]


def test_right_links_and_right_null_links_are_no_mistakes():
    assert classify(GOLD, GOLD) == []
    assert summary(count([GOLD], [GOLD])) == "unlinked 0 linked 0 1:1 shape 0 1:1 gross 0 m:n shape 0 m:n gross 0"


def test_a_merged_link_is_a_shape_mistake_and_counts_add_up_over_documents():
    pred = [((0,), (4,)), ((1, 2, 3, 4, 5), (0, 1, 2, 3))]
    counts = count([GOLD, GOLD], [pred, pred])
    assert (counts["1:1 gross"], counts["m:n shape"], counts["linked"]) == (2, 2, 2)
