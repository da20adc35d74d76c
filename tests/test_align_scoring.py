"""The link text format and vecalign's strict/lax precision/recall/F1, against hand-computed values."""
import pytest

from align.alignment.evaluation import AlignScore, format_link, parse_link, read_links, score_alignments
from align.errors import InputError


@pytest.mark.parametrize("src, tgt, score, text", [
    ([0], [0, 1], 0.81234, "[0]:[0, 1]:0.8123"),
    ([5], [], 0.0, "[5]:[]:0.0000"),
    ([], [7], None, "[]:[7]"),
    ([2, 3, 4], [9], 1.0, "[2, 3, 4]:[9]:1.0000"),
])
def test_format_and_parse_round_trip(src, tgt, score, text):
    assert format_link(src, tgt, score) == text
    (p_src, p_tgt), p_score = parse_link(text)
    assert (list(p_src), list(p_tgt)) == (src, tgt)
    assert p_score == (None if score is None else pytest.approx(round(score, 4)))


@pytest.mark.parametrize("bad", ["[0]", "[0]:x", "0:1", "[0]:[-1]", "[0]:[1]:abc", "[a]:[1]"])
def test_malformed_lines_raise_input_error(bad):
    with pytest.raises(InputError):
        parse_link(bad)


def test_read_links_skips_blank_lines():
    assert read_links(["[0]:[0]\n", "\n", "[1, 2]:[]\n"]) == [((0,), (0,)), ((1, 2), ())]


GOLD = [((0,), (0,)), ((1,), (1, 2)), ((2,), ()), ((3, 4), (3,))]
TEST = [((0,), (0,)), ((1,), (1,)), ((), (2,)), ((2,), ()), ((3,), (3,)), ((4,), ())]


def test_known_values():
    # Precision over the 6 test links: strict hits [0]:[0] and [2]:[] (2/6); lax adds [1]:[1]
    # and [3]:[3] (4/6). Recall over the 3 gold links with both sides: strict [0]:[0] (1/3);
    # lax all three (3/3).
    r = score_alignments([GOLD], [TEST])
    assert r.precision_strict == pytest.approx(2 / 6)
    assert r.precision_lax == pytest.approx(4 / 6)
    assert r.recall_strict == pytest.approx(1 / 3)
    assert r.recall_lax == pytest.approx(1.0)
    assert r.f1_strict == pytest.approx(1 / 3)
    assert r.f1_lax == pytest.approx(0.8)


def test_perfect_alignment_scores_one():
    r = score_alignments([GOLD], [GOLD])
    assert (r.f1_strict, r.f1_lax) == (1.0, 1.0)


def test_disjoint_alignment_scores_zero():
    r = score_alignments([[((0,), (0,)), ((1,), (1,))]], [[((0,), (1,)), ((1,), (0,))]])
    assert (r.f1_strict, r.f1_lax) == (0.0, 0.0)


def test_micro_average_over_documents():
    # doc 1 perfect (4 test links, 3 gold with both sides), doc 2 all wrong (2 and 2)
    r = score_alignments([GOLD, [((0,), (0,)), ((1,), (1,))]],
                         [GOLD, [((0,), (1,)), ((1,), (0,))]])
    assert r.precision_strict == pytest.approx(4 / 6)
    assert r.recall_strict == pytest.approx(3 / 5)


def test_report_last_line_is_machine_readable():
    text = AlignScore(0.9, 0.8, 0.84705, 0.99, 0.98, 0.98499).report()
    assert text.splitlines()[-1] == "f1_strict=0.847 f1_lax=0.985"


def test_unequal_document_counts_raise():
    with pytest.raises(InputError):
        score_alignments([GOLD], [])


def test_null_links_precision_and_recall_by_hand():
    from align.alignment.evaluation import score_null_links

    gold = [((0,), (0,)), ((1,), ()), ((), (1,)), ((2,), (2,))]
    # predicted: source 1 unlinked (right), target 2 unlinked (wrong), target 1 linked (missed)
    test = [((0,), (0,)), ((1,), ()), ((2,), (1,)), ((), (2,))]
    nulls = score_null_links([gold], [test])
    assert (nulls.right, nulls.predicted, nulls.gold) == (1, 2, 2)
    assert nulls.precision == 0.5 and nulls.recall == 0.5
    # a run of two sentences left unlinked in one link counts as two
    assert score_null_links([[((0, 1), ())]], [[((0,), ()), ((1,), ())]]).right == 2
    with pytest.raises(InputError):
        score_null_links([gold], [])
