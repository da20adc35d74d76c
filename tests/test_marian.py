"""The MarianMT translator on a tiny model built by the tests (random weights, a
SentencePiece vocabulary trained on the interview), loaded through from_pretrained exactly
like Helsinki-NLP/opus-mt-de-en."""
import random

import pytest

from align.text.clauses import join_pieces, split_to_fit
from align.errors import InputError
from models.marian import GenerationSettings, PivotTranslator, load_translator
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian, interview_sentences

SENTENCES = interview_sentences()
SHORT = GenerationSettings(max_length=16, batch_size=8)


@pytest.fixture(scope="module")
def tiny():
    return cached_tiny_marian()


@pytest.fixture(scope="module")
def multi():
    return cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1)


def make(model, tmp_path, settings=SHORT, **kw):
    return load_translator(model, settings=settings, cache=tmp_path / "cache", threads=1, **kw)


class CountingEngine:
    """Wraps the real engine to count the sentences it is asked to generate."""

    def __init__(self, engine):
        self.engine, self.name, self.sentences = engine, engine.name, 0

    def generate(self, batch, beam, max_new_tokens):
        self.sentences += len(batch)
        return self.engine.generate(batch, beam, max_new_tokens)


def test_loads_like_a_real_opus_mt_model(tiny, tmp_path):
    tr = make(tiny, tmp_path)
    assert type(tr.tokenizer).__name__ == "MarianTokenizer"
    assert not tr.engine.loaded                # weights load when first needed
    tr.translate([SENTENCES[0]])
    assert type(tr.engine.get().model).__name__ == "MarianMTModel"
    assert tr.ref.revision.startswith("sha256:")
    assert tr.target_token is None          # a single-target model takes no >>id<<
    assert tr.source_limit == 128


def test_one_translation_per_sentence_in_order(tiny, tmp_path):
    texts = SENTENCES[:40]
    tr = make(tiny, tmp_path, use_cache=False)
    batched = tr.translate(texts)
    assert len(batched) == len(texts)
    assert all(t.text for t in batched)
    # Decoded with the target SentencePiece model: no unknown-piece marks.
    assert not any("⁇" in t.text for t in batched)

    # Same sentences shuffled, and one at a time: every sentence gets the same translation,
    # so sorting by length and batching never mixes sentences up.
    order = list(range(len(texts)))
    random.Random(3).shuffle(order)
    shuffled = tr.translate([texts[i] for i in order])
    assert [shuffled[order.index(i)].text for i in range(len(texts))] == [t.text for t in batched]
    single = make(tiny, tmp_path, settings=GenerationSettings(max_length=16, batch_size=1),
                  use_cache=False)
    assert [t.text for t in single.translate(texts[:12])] == [t.text for t in batched[:12]]


def test_empty_lines_stay_empty_and_keep_their_place(tiny, tmp_path):
    tr = make(tiny, tmp_path)
    out = tr.translate(["", SENTENCES[0], "   ", SENTENCES[1], ""])
    assert [bool(t.text) for t in out] == [False, True, False, True, False]


def test_long_sentence_is_split_at_clauses_and_rejoined(tiny, tmp_path):
    tr = make(tiny, tmp_path, use_cache=False)
    long = max(SENTENCES, key=tr.count_tokens)
    assert tr.count_tokens(long) > tr.source_limit
    result = tr.translate([long])[0]
    assert any("split into" in note for note in result.notes)

    # The same as translating each piece (none over the limit) and joining: nothing dropped.
    pieces = split_to_fit(long, lambda s: tr.count_tokens(s) <= tr.source_limit)
    assert len(pieces) > 1
    assert all(tr.count_tokens(p) <= tr.source_limit for p in pieces)
    assert result.text == join_pieces([t.text for t in tr.translate(pieces)])


def test_sentence_over_the_limit_without_any_space_still_translates(tiny, tmp_path):
    tr = make(tiny, tmp_path, use_cache=False)
    blob = "Donaudampfschifffahrt" * 40
    result = tr.translate([blob])[0]
    assert result.text and any("split into" in n for n in result.notes)


def test_hitting_the_output_limit_is_reported(tiny, tmp_path):
    tr = make(tiny, tmp_path, settings=GenerationSettings(max_length=3), use_cache=False)
    result = tr.translate([SENTENCES[5]])[0]
    assert any("maximum length" in n for n in result.notes)


def test_model_limit_is_named_when_max_length_is_above_it(tiny, tmp_path):
    # The tiny model has 128 positions: at most 127 new tokens whatever --max-length says.
    tr = make(tiny, tmp_path, settings=GenerationSettings(max_length=1000), use_cache=False)
    assert tr.max_new_tokens == 127
    note = tr._length_note()
    assert "max_position_embeddings 128" in note and "cannot help" in note
    assert "raise --max-length" in make(tiny, tmp_path, settings=GenerationSettings(max_length=3),
                                        use_cache=False)._length_note()


def test_tiny_model_can_only_emit_pieces_that_show_text(tmp_path):
    """Random weights must not produce a whitespace-only sentence (a lone "▁" piece
    decodes to nothing): every id the model may emit decodes to visible text."""
    import torch
    from transformers import MarianMTModel

    from models.marian import load_tokenizer
    from tests.tiny_marian import build_tiny_marian

    model_dir = build_tiny_marian(tmp_path / "m", ban_eos=True)
    bias = MarianMTModel.from_pretrained(model_dir).final_logits_bias[0]
    allowed = torch.nonzero(bias == 0).flatten().tolist()
    tokenizer = load_tokenizer(model_dir)
    assert allowed
    assert all(tokenizer.decode([i], skip_special_tokens=True).strip() for i in allowed)
    assert tokenizer.convert_tokens_to_ids("▁") not in allowed
    # With </s> banned, a one-word sentence still translates to something.
    tr = make(model_dir, tmp_path, use_cache=False)
    assert all(t.text.strip() for t in tr.translate(["sein.", "Ja.", SENTENCES[0]]))


def test_cache_answers_repeats_without_the_model(tiny, tmp_path):
    tr = make(tiny, tmp_path)
    tr.engine = counter = CountingEngine(tr.engine)
    texts = SENTENCES[:10] + SENTENCES[:3]      # repeats inside one call translate once
    first = tr.translate(texts)
    assert counter.sentences == 10
    assert [t.text for t in first[10:]] == [t.text for t in first[:3]]

    again = make(tiny, tmp_path)                # a new process would load like this
    second = again.translate(texts)
    assert not again.engine.loaded              # all from the cache: the weights never load
    assert all(t.from_cache for t in second)
    assert [t.text for t in second] == [t.text for t in first]

    # Other generation settings are a different key.
    wider = make(tiny, tmp_path, settings=GenerationSettings(max_length=16, beam=2))
    wider.engine = counter3 = CountingEngine(wider.engine)
    wider.translate(texts[:4])
    assert counter3.sentences == 4


def test_cache_key_includes_the_model_revision(tmp_path):
    from tests.tiny_marian import build_tiny_marian

    a = build_tiny_marian(tmp_path / "a", seed=5)
    b = build_tiny_marian(tmp_path / "b", seed=6)
    # Same folder name and files, different weights: a different revision.
    tr_a = make(a, tmp_path)
    tr_a.translate(SENTENCES[:3])
    b_in_a_place = tmp_path / "a"
    import shutil
    shutil.rmtree(b_in_a_place)
    shutil.copytree(b, b_in_a_place)
    tr_b = make(b_in_a_place, tmp_path)
    assert tr_b.ref.revision != tr_a.ref.revision
    assert not any(t.from_cache for t in tr_b.translate(SENTENCES[:3]))


def test_multi_target_model_gets_its_target_token(multi, tmp_path):
    tr = make(multi, tmp_path)
    assert tr.target_token == ">>cmn_Hans<<"            # the preferred Chinese token
    ids = tr.encode(SENTENCES[0])
    token_id = tr.tokenizer.convert_tokens_to_ids(">>cmn_Hans<<")
    assert ids[0] == token_id and ids.count(token_id) == 1

    # The token reaches the model: another target token gives other output.
    yue = make(multi, tmp_path, settings=GenerationSettings(max_length=16, target_token=">>yue_Hant<<"))
    assert yue.encode(SENTENCES[0])[0] == tr.tokenizer.convert_tokens_to_ids(">>yue_Hant<<")
    texts = SENTENCES[:8]
    assert [t.text for t in tr.translate(texts)] != [t.text for t in yue.translate(texts)]


def test_unsupported_target_token_is_refused_with_the_supported_list(multi, tiny, tmp_path):
    with pytest.raises(InputError) as err:
        make(multi, tmp_path, settings=GenerationSettings(target_token=">>fra<<"))
    assert "does not support the target token >>fra<<" in str(err.value)
    for token in CHINESE_TARGET_TOKENS:
        assert token in str(err.value)
    # Shorthand without the brackets is accepted.
    assert make(multi, tmp_path, settings=GenerationSettings(target_token="cmn_Hant")).target_token \
        == ">>cmn_Hant<<"
    with pytest.raises(InputError, match="takes no target-language token"):
        make(tiny, tmp_path, settings=GenerationSettings(target_token=">>cmn_Hans<<"))


def test_pivot_composes_two_translators(tiny, multi, tmp_path):
    first, second = make(tiny, tmp_path), make(multi, tmp_path)
    texts = SENTENCES[:6]
    pivot = PivotTranslator(first, second).translate(texts)
    expected = second.translate([t.text for t in first.translate(texts)])
    assert [t.text for t in pivot] == [t.text for t in expected]
    detail = PivotTranslator(first, second).origin_detail
    assert detail["pivot"][1]["target_token"] == ">>cmn_Hans<<"
    assert detail["model"] == f"{first.ref.model_id}>{second.ref.model_id}"


def test_bad_settings_are_refused():
    with pytest.raises(InputError):
        GenerationSettings(beam=0)
