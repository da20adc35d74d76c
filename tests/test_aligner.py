"""The aligner on hand-made documents: every move type, block boundaries, anchors, the band.

Vectors come from a small "concept" model: each sentence carries a few concepts (random
128-d directions); the vector of a run of sentences is the normalised sum of its concepts plus
fresh noise, which is how an encoder sees a concatenation. Lengths follow the concepts. This
makes the expected alignment known exactly while exercising the real scorer and DP.
"""

import numpy as np
import pytest

from align.alignment import (AlignConfig, Band, Link, SideFeatures, align_blocks, align_features,
                           align_with_anchors, band_dp, check_anchors, pair_dots)
from align.errors import InputError

DIM = 128
CONCEPTS = np.random.default_rng(42).normal(size=(4000, DIM)).astype(np.float32)


def embed_concepts(ids, noise_seed: int, noise: float = 0.25) -> np.ndarray:
    rng = np.random.default_rng(noise_seed)
    v = CONCEPTS[list(ids)].sum(axis=0) if ids else np.zeros(DIM, np.float32)
    v = v + noise * np.sqrt(max(len(ids), 1)) * rng.normal(size=DIM)
    return (v / np.linalg.norm(v)).astype(np.float32)


def features(sentences: list[list[int]], max_span: int = 4, seed: int = 0) -> SideFeatures:
    n = len(sentences)
    vecs = np.zeros((max_span, n, DIM), np.float32)
    for k in range(max_span):
        for e in range(k, n):
            ids = sorted({c for s in sentences[e - k:e + 1] for c in s})
            vecs[k, e] = embed_concepts(ids, noise_seed=hash((seed, k, e)) % 2**32)
    lengths = np.array([40.0 * max(len(s), 1) for s in sentences], np.float32)
    return SideFeatures(vecs, lengths)


def background(start: int, count: int) -> list[list[int]]:
    """One concept per sentence, 1:1 on both sides."""
    return [[c] for c in range(start, start + count)]


def pairs(links):
    return [(list(link.src), list(link.tgt)) for link in links]


# Each case: the special stretch of source and target sentences (as concept lists) and the
# links expected for it; it is put between 15 ordinary 1:1 sentences on either side.
MOVE_CASES = {
    "1:1": ([[900, 901]], [[900, 901]], [([0], [0])]),
    "1:2": ([[900, 901, 902, 903]], [[900, 901], [902, 903]], [([0], [0, 1])]),
    "2:1": ([[900, 901], [902, 903]], [[900, 901, 902, 903]], [([0, 1], [0])]),
    # the sentence boundary moves by three of five concepts: neither 1:1 pairing is a translation
    "2:2": ([[900, 901, 902, 903], [904]], [[900], [901, 902, 903, 904]], [([0, 1], [0, 1])]),
    "1:3": ([[900, 901, 902, 903, 904, 905]], [[900, 901], [902, 903], [904, 905]], [([0], [0, 1, 2])]),
    "3:1": ([[900, 901], [902, 903], [904, 905]], [[900, 901, 902, 903, 904, 905]], [([0, 1, 2], [0])]),
    "1:4": ([[900, 901, 902, 903, 904, 905, 906, 907]], [[900, 901], [902, 903], [904, 905], [906, 907]],
            [([0], [0, 1, 2, 3])]),
    # a boundary that matches on neither side: only the whole 2:3 explains every concept
    "2:3": ([[900, 901, 902, 903], [904, 905, 906, 907]], [[900, 901], [902, 903, 904, 905], [906, 907]],
            [([0, 1], [0, 1, 2])]),
    "1:0": ([[950, 951]], [], [([0], [])]),
    "0:1": ([], [[950, 951]], [([], [0])]),
}


@pytest.mark.parametrize("name", list(MOVE_CASES))
def test_every_move_type_is_found(name):
    mid_src, mid_tgt, expected_mid = MOVE_CASES[name]
    src = background(0, 15) + mid_src + background(100, 15)
    tgt = background(0, 15) + mid_tgt + background(100, 15)
    links = align_features(features(src, seed=1), features(tgt, seed=2))
    expected = [([i], [i]) for i in range(15)]
    expected += [([15 + s for s in a], [15 + t for t in b]) for a, b in expected_mid]
    expected += [([15 + len(mid_src) + i], [15 + len(mid_tgt) + i]) for i in range(15)]
    assert pairs(links) == expected


def test_every_sentence_is_in_exactly_one_link_and_scores_are_confidences():
    src = background(0, 40)
    tgt = background(0, 20) + [[950]] + background(20, 20)
    links = align_features(features(src, seed=3), features(tgt, seed=4))
    assert sorted(i for l in links for i in l.src) == list(range(40))
    assert sorted(j for l in links for j in l.tgt) == list(range(41))
    assert all(0.0 <= l.score <= 1.0 for l in links)
    one_to_one = [l.score for l in links if len(l.src) == len(l.tgt) == 1]
    assert min(one_to_one) > 0.9  # clean 1:1 links are confident
    inserted = [l for l in links if l.tgt == (20,)]
    assert inserted[0].src == () and inserted[0].score > 0.5


def test_banded_search_equals_the_full_table():
    # 450 x ~450 is over full_dp_cells, so the coarse-to-fine band is used; forcing the full
    # table must give the same links.
    rng = np.random.default_rng(5)
    src, tgt, c = [], [], 0
    while len(src) < 450:
        kind = rng.integers(0, 10)
        if kind == 0:
            src.append([c, c + 1]); tgt += [[c], [c + 1]]; c += 2
        elif kind == 1:
            src += [[c], [c + 1]]; tgt.append([c, c + 1]); c += 2
        elif kind == 2:
            tgt.append([3000 + c]); c += 1
        else:
            src.append([c]); tgt.append([c]); c += 1
    fs, ft = features(src, seed=6), features(tgt, seed=7)
    banded = align_features(fs, ft, AlignConfig(full_dp_cells=10_000))
    full = align_features(fs, ft, AlignConfig(full_dp_cells=10**9))
    assert pairs(banded) == pairs(full)


def test_band_is_widened_when_the_path_runs_along_its_edge():
    # A 60-sentence insertion in the middle: a narrow band around the diagonal cannot hold it.
    src = background(0, 300)
    tgt = background(0, 150) + background(2000, 60) + background(150, 150)
    links = align_features(features(src, seed=8), features(tgt, seed=9),
                           AlignConfig(width=4, full_dp_cells=1000))
    assert ([149], [149]) in pairs(links) and ([150], [210]) in pairs(links)
    assert sum(1 for l in links if not l.src) == 60


def test_band_around_a_path_contains_both_corners():
    band = Band.around(10, 20, np.array([0.0, 30.0]), np.array([0.0, 20.0]), half_width=2)
    assert band.offset[0] == 0 and band.offset[30] + band.width > 20 >= band.offset[30]


def test_band_dp_on_a_hand_written_score_table():
    # 2 x 2 table where only the 2:2 link scores well.
    def scorer(move, i, j):
        return np.where((np.array(move) == (2, 2)).all() & (i == 2) & (j == 2), 10.0, -5.0)

    steps = band_dp(Band.full(2, 2), [(1, 1), (2, 2), (1, 0), (0, 1)], scorer, skip=-1.0)
    assert [(s[:4]) for s in steps] == [(0, 2, 0, 2)]


def test_posteriors_match_brute_force_enumeration():
    moves = [(1, 1), (1, 2), (2, 1), (1, 0), (0, 1)]
    rng = np.random.default_rng(3)
    table = {(mv, i, j): rng.normal(0, 2) for mv in moves[:3] for i in range(4) for j in range(4)}

    def scorer(move, i, j):
        return np.array([table[(move, a, b)] for a, b in zip(i, j)], np.float32)

    skip = -0.7

    def paths(i, j):  # every monotone path from (0, 0) to (i, j), as lists of steps
        if i == 0 and j == 0:
            return [[]]
        out = []
        for da, db in moves:
            if i - da >= 0 and j - db >= 0:
                out += [p + [(i - da, i, j - db, j)] for p in paths(i - da, j - db)]
        return out

    def weight(path):
        total = 0.0
        for i0, i1, j0, j1 in path:
            mv = (i1 - i0, j1 - j0)
            total += skip * sum(mv) if 0 in mv else float(np.float32(table[(mv, i1, j1)]))
        return np.exp(total)

    all_paths = paths(3, 3)
    z = sum(weight(p) for p in all_paths)
    steps = band_dp(Band.full(3, 3), moves, scorer, skip, posteriors=True)
    best = max(all_paths, key=weight)
    assert [s[:4] for s in steps] == best
    for step in steps:
        expected = sum(weight(p) for p in all_paths if step[:4] in p) / z
        assert step[4] == pytest.approx(expected, rel=1e-5)


def test_pair_dots_matches_plain_dot_products():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(300, 16)).astype(np.float32), rng.normal(size=(280, 16)).astype(np.float32)
    ia = rng.integers(0, 300, 5000)
    ib = np.clip(ia + rng.integers(-5, 5, 5000), 0, 279)
    ib[:50] = rng.integers(0, 280, 50)  # some scattered pairs too
    np.testing.assert_allclose(pair_dots(a, b, ia, ib), np.einsum("cd,cd->c", a[ia], b[ib]), rtol=1e-5, atol=1e-5)


# --- blocks and anchors --------------------------------------------------------------------------

def concept_text(ids) -> str:
    return " ".join(f"c{c}" for c in ids)


def concept_embed(texts):
    """A deterministic toy encoder for texts made of concept tokens ("c12 c13")."""
    out = []
    for text in texts:
        ids = [int(tok[1:]) for tok in text.split() if tok.startswith("c")]
        out.append(embed_concepts(ids, noise_seed=sum(ids) % 2**32, noise=0.2))
    return np.stack(out)


def test_blocks_are_hard_boundaries():
    # Block 1's extra target sentence would fit block 2's first source sentence best; it must
    # still stay in block 1 (as 0:1) and block 2 must align on its own.
    b1_src = [concept_text([c]) for c in range(0, 12)]
    b1_tgt = [concept_text([c]) for c in range(0, 12)] + [concept_text([100])]
    b2_src = [concept_text([c]) for c in range(100, 112)]
    b2_tgt = [concept_text([c]) for c in range(101, 112)]
    out = align_blocks([(b1_src, b1_tgt), (b2_src, b2_tgt)], concept_embed, src_cased=False, tgt_cased=False)
    assert pairs(out[0]) == [([i], [i]) for i in range(12)] + [([], [12])]
    assert pairs(out[1]) == [([0], [])] + [([i], [i - 1]) for i in range(1, 12)]


def test_a_block_with_an_empty_side_of_empty_texts_does_not_break_the_others():
    # An emptied translation (a person saved "") has nothing to embed, yet its block must not
    # make the document's context fail for the rest.
    good = ([concept_text([c]) for c in range(6)], [concept_text([c]) for c in range(6)])
    out = align_blocks([good, ([concept_text([50])], ["", ""])], concept_embed,
                       src_cased=False, tgt_cased=False, context_blocks=[([concept_text([60])], [""])])
    assert pairs(out[0]) == [([k], [k]) for k in range(6)]
    # every sentence of the emptied block is still in exactly one link
    assert sorted(i for l in out[1] for i in l.src) == [0] and sorted(j for l in out[1] for j in l.tgt) == [0, 1]


def test_embed_is_called_once_for_all_blocks():
    calls = []

    def counting(texts):
        calls.append(list(texts))
        return concept_embed(texts)

    block = ([concept_text([c]) for c in range(5)], [concept_text([c]) for c in range(5)])
    align_blocks([block, block], counting, config=AlignConfig(span_encoding="all"))
    assert len(calls) == 1 and len(calls[0]) == len(set(calls[0]))
    calls.clear()
    # sentence-first: one call per pass (sentences, then the chosen runs), never a text twice
    align_blocks([block, block], counting)
    assert len(calls) == 2 and calls[0] == [concept_text([c]) for c in range(5)]
    assert not set(calls[0]) & set(calls[1]) and len(calls[1]) == len(set(calls[1]))


def test_anchors_are_kept_and_only_gaps_are_realigned():
    src = background(0, 20)
    tgt = background(0, 20)
    fs, ft = features(src, seed=10), features(tgt, seed=11)
    # A person fixed a "wrong-looking" 2:1 and a 0:1 (target 15 stays unaligned).
    fixed = [Link((5, 6), (5,), 1.0), Link((), (15,), 1.0)]
    links = align_with_anchors(fs, ft, fixed)
    got = pairs(links)
    assert ([5, 6], [5]) in got and ([], [15]) in got
    assert got[:5] == [([i], [i]) for i in range(5)]
    assert sorted(i for l in links for i in l.src) == list(range(20))
    assert sorted(j for l in links for j in l.tgt) == list(range(20))
    assert all(15 not in l.tgt for l in links if l.src)


@pytest.mark.parametrize("fixed", [
    [Link((3,), (4,)), Link((4,), (3,))],           # crossing
    [Link((3,), (3,)), Link((3,), (4,))],           # sharing a sentence
    [Link((30,), (3,))],                             # outside the block
    [Link((3, 5), (3,))],                            # not consecutive
])
def test_bad_anchors_raise_input_error(fixed):
    with pytest.raises(InputError):
        check_anchors(fixed, 20, 20)


def test_empty_sides():
    fs = features(background(0, 3))
    empty = SideFeatures(np.zeros((4, 0, DIM), np.float32), np.zeros(0, np.float32))
    assert pairs(align_features(fs, empty)) == [([0], []), ([1], []), ([2], [])]
    assert pairs(align_features(empty, fs)) == [([], [0]), ([], [1]), ([], [2])]


# --- real text, real encoder, through the CLI ------------------------------------------------------

GERMAN = """Der Zug nach Zürich hatte an diesem Morgen zwanzig Minuten Verspätung.
Wir warteten im Bahnhofscafé und tranken einen Kaffee.
Dann kam endlich die Durchsage, und alle stiegen ein, obwohl der Wagen schon voll war und niemand einen Sitzplatz fand.
Anna las ein Buch über die Geschichte der Alpenpässe.
Ich schaute aus dem Fenster auf den grauen See.
Die Berge am anderen Ufer waren bis weit hinunter mit Schnee bedeckt.
In Chur stiegen wir um.
Der Anschlusszug fuhr pünktlich um 14.05 Uhr ab, hielt in jedem Dorf und erreichte Arosa erst am Abend.
Im Hotel wartete schon das Abendessen auf uns.""".splitlines()

ENGLISH = """The train to Zurich was twenty minutes late that morning.
We waited in the station café and drank a coffee.
Then the announcement finally came and everyone got on.
The carriage was already full, and nobody could find a seat.
Anna read a book about the history of the Alpine passes while I looked out of the window at the grey lake.
The mountains on the far shore were covered with snow far down their slopes.
(Editor's note: this paragraph was added in the second edition.)
In Chur we changed trains.
The connecting train left on time at 14.05.
It stopped in every village.
It only reached Arosa in the evening.
Dinner was already waiting for us at the hotel.""".splitlines()

EXPECTED = ["[0]:[0]", "[1]:[1]", "[2]:[2, 3]", "[3, 4]:[4]", "[5]:[5]", "[]:[6]", "[6]:[7]",
            "[7]:[8, 9, 10]", "[8]:[11]"]


@pytest.mark.slow
def test_cli_aligns_real_sentences_with_e5(tmp_path, capsys):
    from align.cli import main

    (tmp_path / "de.txt").write_text("\n".join(GERMAN) + "\n", encoding="utf-8")
    (tmp_path / "en.txt").write_text("\n".join(ENGLISH) + "\n", encoding="utf-8")
    gold = tmp_path / "gold.txt"
    gold.write_text("\n".join(EXPECTED) + "\n", encoding="utf-8")
    args = ["--src", str(tmp_path / "de.txt"), "--tgt", str(tmp_path / "en.txt"),
            "--src-lang", "de", "--tgt-lang", "en", "--cache", str(tmp_path / "emb.sqlite")]
    assert main(["align", *args]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.rsplit(":", 1)[0] if line.count(":") == 2 else line for line in lines] == EXPECTED
    assert all(0.0 <= float(line.rsplit(":", 1)[1]) <= 1.0 for line in lines)
    assert main(["eval-align", *args, "--gold", str(gold)]) == 0  # served from the cache file
    assert capsys.readouterr().out.splitlines()[-1] == "f1_strict=1.000 f1_lax=1.000"


def test_cli_rejects_a_binary_file(tmp_path, capsys):
    from align.cli import main

    (tmp_path / "bin").write_bytes(b"\x00\x01\x02")
    (tmp_path / "en.txt").write_text("Hello.\n", encoding="utf-8")
    assert main(["align", "--src", str(tmp_path / "bin"), "--tgt", str(tmp_path / "en.txt")]) == 2
    assert capsys.readouterr().err.startswith("error: ")


CHINESE = """那天早上开往苏黎世的火车晚点了二十分钟。
我们在车站咖啡馆里等着，喝了一杯咖啡。
广播终于响了，大家都上了车。
车厢里已经满了，没有人找到座位。
安娜在读一本关于阿尔卑斯山口历史的书，我则望着窗外灰色的湖面。
对岸的山一直到很低的地方都覆盖着白雪。
（编者注：这一段是第二版增加的。）
我们在库尔换车。
接驳列车在14.05准时出发。
它在每个村庄都停车。
直到傍晚才到达阿罗萨。
酒店里晚餐已经在等着我们了。""".splitlines()


@pytest.mark.slow
def test_german_against_chinese():
    """Every link as in English, but for the editor's note, which a tiny text gives the aligner
    little to judge by: it stays unaligned or joins the sentence before it, and then only as a
    suggestion (a link too unsure to keep without a person's word)."""
    from align.alignment.evaluation import format_link
    from align.alignment.suggestions import is_suggestion
    from models.alignment import align_texts

    links = align_texts(GERMAN, CHINESE, "de", "zh")
    found = [format_link(l.src, l.tgt) for l in links]
    if found != EXPECTED:
        joined = EXPECTED[:4] + ["[5]:[5, 6]"] + EXPECTED[6:]
        assert found == joined
        assert is_suggestion(links[4].score)


def test_mt_bridge_decides_when_embeddings_cannot():
    # An encoder that sees every text as the same vector gives no evidence; the MT of the
    # source compared with the target must then find the inserted and the missing sentence.
    mt = ["The glacier had retreated far up the valley.", "Two porters fell ill at the second camp.",
          "Snow fell for three days without a break.", "Oxygen bottles were carried to the col.",
          "The ridge was corniced on the east side.", "Our maps proved almost useless.",
          "A monastery stood above the village.", "The river could only be crossed at dawn.",
          "Yaks carried the loads to the base camp.", "The weather cleared on the morning of May 9.",
          "Photographs of the summit were taken at noon.", "The rope team turned back at 7,200 metres.",
          "An avalanche swept the lower slopes.", "Tents were pitched on a narrow ledge.",
          "The pass was reached after nine hours.", "Supplies ran short in the last week.",
          "Letters from home arrived by runner.", "The leader decided to abandon the attempt.",
          "Everyone returned safely to Kathmandu.", "The report was published a year later."]
    src = [f"Satz {k}." for k in range(len(mt))]
    tgt = mt[:10] + ["A footnote about printing errors appears here."] + mt[10:15] + mt[16:]

    def flat_embed(texts):
        return np.ones((len(texts), 8), np.float32) / np.sqrt(8)

    links = align_blocks([(src, tgt)], flat_embed, bridge=[mt],
                         config=AlignConfig(length_weight=0.0, anchor_weight=0.0, skip=-1.0))[0]
    got = pairs(links)
    assert ([], [10]) in got and ([15], []) in got
    assert [p for p in got if p[0] and p[1]] == (
        [([k], [k]) for k in range(10)] + [([k], [k + 1]) for k in range(10, 15)]
        + [([k], [k]) for k in range(16, 20)])


# --- signals ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("raw, clean", [
    ("in Fluss gekommen , was zu einem argen Durcheinander führte .",
     "in Fluss gekommen, was zu einem argen Durcheinander führte."),
    ("un flot de cotes d' altitude ( non officielles ) ?", "un flot de cotes d'altitude (non officielles)?"),
    ("« Makalu » , Grenoble", "«Makalu», Grenoble"),
    ("Normal text, untouched.", "Normal text, untouched."),
])
def test_detokenize(raw, clean):
    from align.alignment.signals import detokenize

    assert detokenize(raw) == clean


def test_anchor_tokens_numbers_and_names():
    from align.alignment.signals import anchor_tokens

    # words are cut to their first six letters, so cognates with other endings compare equal
    assert anchor_tokens("Für Chomo-Lungma ergaben 1849 Berechnungen 8839,8 m") == {
        "#1849", "#88398", "chomo", "lungma", "ergabe", "berech"}
    assert anchor_tokens("Der Gipfel") == {"gipfel"}            # not the first word
    # long words count wherever they stand and whatever their case; short lowercase ones do not
    assert anchor_tokens("Expédition au col du Cervin") == {"expedi", "cervin"}
    assert anchor_tokens("drei Expeditionen") & anchor_tokens("trois expéditions") == {"expedi"}
    assert anchor_tokens("珠穆朗玛峰高8848米 Everest", cased=False) == {"#8848", "everes"}


def test_anchor_score_is_additive_over_tokens():
    from align.alignment.signals import anchor_score

    # shared 2 of 2+2: +2 per token per side; 0 shared of 2+1: -0.5 per token; nothing: 0
    got = anchor_score(np.array([2.0, 0.0, 0.0, 1.0]), np.array([2.0, 2.0, 0.0, 1.0]),
                       np.array([2.0, 1.0, 0.0, 3.0]), match=2.0, miss=0.5)
    np.testing.assert_allclose(got, [8.0, -1.5, 0.0, 4.0 - 1.0], atol=1e-6)
    # a token shared across a split costs the split: one 2:2 link beats two 1:1 links that
    # leave the number on opposite sides (1:1 links: 0 shared, 1 + 0 and 0 + 1 tokens)
    merged = anchor_score(np.array([1.0]), np.array([1.0]), np.array([1.0]), 2.0, 0.5)
    split = 2 * anchor_score(np.array([0.0]), np.array([1.0]), np.array([0.0]), 2.0, 0.5)
    assert merged[0] - split[0] == pytest.approx(5.0)


def test_token_bits_unions_and_shared_counts_match_python_sets():
    from align.alignment.signals import bit_counts, span_union_bits, token_bits, token_index
    from align.alignment import shared_bits

    rng = np.random.default_rng(7)
    vocab = [f"t{k}" for k in range(300)]
    src_sets = [set(rng.choice(vocab, rng.integers(0, 6))) for _ in range(40)]
    tgt_sets = [set(rng.choice(vocab, rng.integers(0, 6))) for _ in range(35)]
    index = token_index(src_sets + tgt_sets)
    src_bits = span_union_bits(token_bits(src_sets, index), 3)
    tgt_bits = span_union_bits(token_bits(tgt_sets, index), 3)
    for k in range(3):
        ia = rng.integers(k, 40, 200)
        ib = rng.integers(0, 35, 200)
        got = shared_bits(src_bits[k], tgt_bits[0], ia, ib)
        want = [len(set().union(*src_sets[i - k:i + 1]) & tgt_sets[j]) for i, j in zip(ia, ib)]
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(bit_counts(src_bits[k])[ia],
                                      [len(set().union(*src_sets[i - k:i + 1])) for i in ia])
    # more tokens than bits: numbering wraps around instead of growing without bound
    wrapped = token_index([{t} for t in vocab], max_bits=64)
    assert max(wrapped.values()) == 63 and wrapped["t0"] == wrapped["t64"] == 0


@pytest.mark.parametrize("line, debris", [
    (".....", True), ("- _-", True), ("f r", True), ("é » .", True), (", .", True),
    ("Ja.", False), ("1956 ) .", False), ("24 a !", False), ("好。", False), ("Reist .", False),
])
def test_debris_lines(line, debris):
    from align.alignment.signals import is_debris

    assert is_debris(line) is debris


def test_debris_is_not_paired_with_an_unrelated_sentence():
    # one debris line in the source where the target has a sentence of its own: both stay unaligned
    src = [concept_text([c]) for c in range(0, 10)] + ["- -."] + [concept_text([c]) for c in range(10, 20)]
    tgt = [concept_text([c]) for c in range(0, 10)] + [concept_text([999])] + [concept_text([c]) for c in range(10, 20)]
    # At a skip cost of 1 z unit. The default (1.5, chosen on both dev sets, whose translations
    # seldom leave a sentence out) lets the unrelated target sentence join its neighbour's link
    # instead (lax-right, strict-wrong); the debris line stays unaligned either way. (The cost
    # as given: these toy links score below the de-fr dev's, which would make skips dearer.)
    got = pairs(align_blocks([(src, tgt)], concept_embed, src_cased=False, tgt_cased=False,
                             config=AlignConfig(skip=-1.0, strength_scaled_skip=False))[0])
    assert ([10], []) in got and ([], [10]) in got
    got = pairs(align_blocks([(src, tgt)], concept_embed, src_cased=False, tgt_cased=False)[0])
    assert ([10], []) in got


def test_debris_is_left_unaligned_not_swallowed():
    # Dot leaders and OCR dust between two real sentences: embeddings barely notice them in a
    # concatenation, so only the debris rule keeps them out of the neighbouring link.
    src = [concept_text([c]) for c in range(0, 20)]
    tgt = [concept_text([c]) for c in range(0, 10)] + [".....", "- _-"] + [concept_text([c]) for c in range(10, 20)]
    links = align_blocks([(src, tgt)], concept_embed, src_cased=False, tgt_cased=False)[0]
    got = pairs(links)
    assert ([], [10]) in got and ([], [11]) in got
    assert [p for p in got if p[0] and p[1]] == [([k], [k]) for k in range(10)] + [([k], [k + 2]) for k in range(10, 20)]


def test_chrf_and_char_profiles():
    from align.alignment.signals import char_ngram_profiles, chrf

    assert chrf("the dog sleeps", "the dog sleeps") == pytest.approx(100.0)
    assert chrf("the dog sleeps", "a cat eats fish") < 20
    p = char_ngram_profiles(["the dog sleeps", "the dog sleeps", "a cat eats fish"])
    assert p[0] @ p[1] == pytest.approx(1.0) and p[0] @ p[2] < 0.5


def test_span_sums_and_texts():
    from align.alignment.signals import span_sums, span_texts

    sums = span_sums(np.array([[1.0], [2.0], [4.0]]), 3)
    np.testing.assert_array_equal(sums[:, :, 0], [[1, 2, 4], [0, 3, 6], [0, 0, 7]])
    assert span_texts(["A .", "B ."], 2) == [["A.", "B."], ["", "A. B."]]


@pytest.mark.slow  # imports transformers
def test_cli_translate_with_a_missing_model_names_the_fetch_command(tmp_path, capsys):
    from align.cli import main

    for name in ("de.txt", "en.txt"):
        (tmp_path / name).write_text("Ein Satz.\n", encoding="utf-8")
    code = main(["align", "--src", str(tmp_path / "de.txt"), "--tgt", str(tmp_path / "en.txt"),
                 "--translate", str(tmp_path / "no-such-model")])
    err = capsys.readouterr().err
    assert code == 2 and err.startswith("error: ")


# --- quoted speech ---------------------------------------------------------------------------------

@pytest.mark.parametrize("sentence, marks", [
    ("韦小宝道：“时时倒也不见得。”", (1, 1)),                 # one spoken line: opens and closes
    ("小玄子摇手笑道：“今天不打了，明天再来。", (1, 0)),       # a speech that runs on
    ("明天我带银子来，中午时分，在这里再打过。”", (0, 1)),
    ("'No, I don't,' said Trinket.", (1, 1)),                  # British single quotes
    ("'No more for today!", (1, 0)),
    ("See you here at noon tomorrow.'", (0, 1)),
    ('He said, "Anyway, he is ugly—don\'t you agree?"', (1, 1)),
    ("« Malgré son altitude , l' Himalaya n' est pas la ligne de partage des eaux ;", (1, 0)),
    ("„Wir kommen morgen wieder, sagte er.", (1, 0)),
    ("Tomorrow, if you like.", (0, 0)),
    ("the boys' room and l' instant", (0, 0)),                  # apostrophes
    ("Die Erstersteigung wurde in der « Himalaya-Chronik 1955 » behandelt .", (0, 0)),  # a title
    ("der « Mont Blanc » des Himalaya", (0, 0)),
    ("„Komm mit, schnell!“ rief er.", (1, 1)),                  # German, a space after “
    ("»Komm mit, schnell!«, rief er.", (1, 1)),                 # German/Danish »…«
    ("er sagte: «Ich komme morgen wieder.»", (1, 1)),           # Swiss «…» without spaces
    ("« Oui », dit-il.", (1, 1)),                               # punctuation right after: speech
    ("“好”，他说。", (1, 1)),
    ('他说:"你好，今天天气很好。"', (1, 1)),                     # straight quotes in Chinese
    ("rock 'n' roll, '90s, get 'em, he said.", (0, 0)),        # elisions
    ("'Tis the season.", (0, 0)),
])
def test_quoted_speech_is_counted_titles_and_apostrophes_are_not(sentence, marks):
    from align.alignment.signals import quote_marks

    assert quote_marks(sentence) == marks


def test_a_line_that_opens_a_speech_is_never_paired_with_one_that_closes_it():
    # Chinese and English dialogue; the vectors see every text alike (no evidence at all), so
    # any path is as good as another except for what the quotation marks say.
    from align.alignment.signals import quote_marks

    zh = ["他走进屋子。", "他说：“我们明天走。", "早上六点出发。”", "她点了点头。",
          "天黑了。", "他又说：“你准备好了吗？”", "她笑了。"]
    en = ["He came into the room.", "'We leave tomorrow.", "We start at six in the morning.'",
          "She nodded.", "It grew dark.", "'Are you ready?' he asked again.", "She laughed."]
    assert [quote_marks(s) for s in zh][1:3] == [(1, 0), (0, 1)]
    assert [quote_marks(s) for s in en][1:3] == [(1, 0), (0, 1)]

    def flat_embed(texts):
        return np.ones((len(texts), 8), np.float32) / np.sqrt(8)

    def opens_closes(ids, side):
        marks = [quote_marks(side[k]) for k in ids]
        return (sum(o for o, _ in marks) > 0, sum(c for _, c in marks) > 0)

    config = AlignConfig(length_weight=0.0, anchor_weight=0.0, lexicon_weight=0.0)
    # the English with its opening and closing lines swapped
    swapped = en[:1] + en[2:3] + en[1:2] + en[3:]
    for tgt in (en, swapped):
        links = align_blocks([(zh, tgt)], flat_embed, config=config)[0]
        two_sided = [(l.src, l.tgt) for l in links if l.src and l.tgt]
        assert all(opens_closes(s, zh) == opens_closes(t, tgt) for s, t in two_sided)
        assert ([1], [1]) not in pairs(links) or tgt is en


def test_quote_agreement_is_only_scored_where_both_sides_have_dialogue():
    from align.alignment.features import with_signals
    from align.alignment.scoring import DocumentContext, SpanScorer

    zh = ["他说：“走吧。", "好的。”", "天黑了。", "他问：“你准备好了吗？”"]
    en = ["'Let us go.", "All right.'", "It grew dark.", "'Are you ready?' he asked."]
    plain = ["Let us go.", "All right.", "It grew dark.", "Are you ready? he asked."]
    vecs = np.ones((2, 4, 8), np.float32) / np.sqrt(8)
    fz, fe, fp = (with_signals(side, vecs) for side in (zh, en, plain))
    config = AlignConfig()
    scorer = SpanScorer(fz, fe, config, DocumentContext.of([fz], [fe], config))
    i, j = np.array([1, 2, 2]), np.array([1, 2, 1])
    assert list(scorer.quote_mismatch((1, 1), i, j)) == [0.0, 0.0, 2.0]   # opens vs closes: both differ
    assert scorer.use_quotes
    # a translation without quotation marks: the text has no dialogue to agree on, no penalty
    assert not SpanScorer(fz, fp, config, DocumentContext.of([fz], [fp], config)).use_quotes


def test_the_length_term_weighs_the_same_either_way_round():
    """Chinese against English (about a third of the characters): the length term used to be
    in the source's units, so English as the source weighed it three times less (the zh-en dev
    chapters aligned from English: 0.838 strict F1, against 0.907 from Chinese; now 0.910)."""
    from align.alignment.features import SideFeatures
    from align.alignment.scoring import DocumentContext, SpanScorer

    rng = np.random.default_rng(3)
    zh_len = rng.uniform(8, 40, 30).astype(np.float32)
    en_len = (zh_len * 3.2 * rng.uniform(0.6, 1.5, 30)).astype(np.float32)
    vecs = np.ones((3, 30, 8), np.float32) / np.sqrt(8)
    zh, en = SideFeatures(vecs, zh_len), SideFeatures(vecs, en_len)
    config = AlignConfig()
    forward = SpanScorer(zh, en, config, DocumentContext.of([zh], [en], config))
    backward = SpanScorer(en, zh, config, DocumentContext.of([en], [zh], config))
    i, j = np.arange(3, 30), np.arange(2, 29)
    for a, b in [(1, 1), (1, 2), (2, 1), (2, 3)]:
        there = forward.length((a, b), i, j)
        back = backward.length((b, a), j, i)
        assert np.allclose(there, back, atol=1e-4), (a, b)
        assert there.min() < -0.5  # the term says something


def test_chance_maximum_is_the_expected_best_of_that_many_chance_links():
    from align.alignment.search import chance_maximum

    best = chance_maximum(np.array([1, 2, 25, 1000]))
    assert abs(best[0]) < 0.2                  # one candidate: its own mean
    assert best[2] == pytest.approx(1.965, abs=0.05)   # tables of normal order statistics
    assert best[3] == pytest.approx(3.24, abs=0.05)
    assert list(best) == sorted(best)


def test_skipping_a_sentence_with_a_clear_mutual_partner_costs_more():
    """Only a sentence whose best link is also its partner's best, well above chance, pays more
    to be left unlinked; one whose best candidate is taken by a better link does not."""
    from align.alignment.search import Band, _charge_skips_with_partners

    n = m = 3
    moves = [(1, 1), (1, 0), (0, 1)]
    band = Band.full(n, m)
    a_idx = np.arange(n + m + 1)[:, None]
    j = band.offset[:, None] + np.arange(band.width)[None, :]
    i = a_idx - j
    ok = (j >= 0) & (j <= m) & (i >= 0) & (i <= n)
    # 1:1 scores: source 0 <-> target 0 at 8 (mutual); source 1's best is target 0 at 5, taken
    # by source 0; source 2 <-> target 2 at 0.5 (mutual, but at chance)
    table = np.full((n, m), -1.0)
    table[0, 0], table[1, 0], table[2, 2] = 8.0, 5.0, 0.5
    gain = np.full((n + m + 1, len(moves), band.width), -1e30, np.float32)
    for t, (da, db) in enumerate(moves):
        cell = ok & (i - da >= 0) & (j - db >= 0)
        if da and db:
            cell &= (i >= 1) & (j >= 1)
            gain[:, t][cell] = table[i[cell] - 1, j[cell] - 1]
        else:
            gain[:, t][cell] = -1.5
    _charge_skips_with_partners(gain, moves, i, j, ok, n, m)
    skip_src = {int(ii): float(g) for ii, g, c in zip(i.ravel(), gain[:, 1].ravel(), ok.ravel()) if c and ii >= 1}
    assert skip_src[1] < -1.5 - 5           # source 0 had a clear partner
    assert skip_src[2] == pytest.approx(-1.5)   # source 1's best was taken
    assert skip_src[3] == pytest.approx(-1.5)   # source 2's best is at chance


def test_a_skip_pays_the_anchor_misses_of_what_it_leaves_out():
    """A running page header ("Les Alpes - 1957 - Die Alpen 17") has numbers and names the
    other side lacks. Kept in the link it belongs to, each costs `anchor_miss`; left out, it
    cost nothing, so leaving it out was the cheap way round (on the dev sets every sentence
    wrongly left unlinked was a member of an m:n link). With `skip_pays_misses` the misses
    are paid either way."""
    from align.alignment import signals as sig
    from align.alignment.features import shared_anchor_sets, with_signals
    from align.alignment.scoring import SpanScorer

    src = ["Die Expedition begann 1957 in Kathmandu.", "Sie dauerte lange.", "Die Alpen, Heft 17."]
    tgt = ["L'expédition commença en 1957 à Katmandou.", "Les Alpes - 1957 - Die Alpen 17"]
    src_sets, tgt_sets = shared_anchor_sets(src, tgt, True, True)
    index = sig.token_index(src_sets + tgt_sets)
    fs = with_signals(src, np.tile(np.eye(1, 8, dtype=np.float32), (2, 3, 1)), src_sets, None, index)
    ft = with_signals(tgt, np.tile(np.eye(1, 8, dtype=np.float32), (2, 2, 1)), tgt_sets, None, index)
    header = len(tgt_sets[1])
    assert header >= 2
    i, j = np.array([0]), np.array([2])          # the header (target 1) left out
    off = SpanScorer(fs, ft, AlignConfig()).skip_gain((0, 1), i, j)
    on = SpanScorer(fs, ft, AlignConfig(skip_pays_misses=True)).skip_gain((0, 1), i, j)
    assert off[0] == pytest.approx(AlignConfig().skip)
    assert on[0] == pytest.approx(AlignConfig().skip - AlignConfig().anchor_miss * header)
    # a sentence without anchor tokens costs the plain skip either way
    plain = SpanScorer(fs, ft, AlignConfig(skip_pays_misses=True)).skip_gain((1, 0), np.array([2]), np.array([0]))
    assert len(src_sets[1]) == 0 and plain[0] == pytest.approx(AlignConfig().skip)
