"""The model's confidence per machine translation: the same number from both engines.

Confidence = the mean log-probability per token of the hypothesis beam search chose
(</s> counted when it ends the sentence). Tolerances, measured on the tiny model:
- torch and CTranslate2 float32 choose the same tokens and agree within 1e-4 (measured
  1e-6: only float rounding differs);
- CTranslate2 int8 against torch fp32, where both chose the same tokens: within 0.1 nats
  per token (measured at most 0.065 on random weights, whose flat distributions magnify
  quantisation; a trained model's are sharper).
"""
import math

import pytest

from models.ct2_backend import CT2Engine
from models.hub import resolve
from models.marian import GenerationSettings, load_translator
from models.translation_cache import TranslationCache
from tests.tiny_marian import cached_tiny_marian, interview_sentences

F32_TOLERANCE = 1e-4
INT8_TOLERANCE = 0.1
SETTINGS = GenerationSettings(max_length=40, beam=4)


@pytest.fixture(scope="module")
def tiny():
    # </s> made likelier, so that most hypotheses end by themselves, as a real model's do.
    return cached_tiny_marian(eos_bias=2.0)


@pytest.fixture(scope="module")
def sentences(tiny, tmp_path_factory):
    tr = load_translator(tiny, settings=SETTINGS, cache=tmp_path_factory.mktemp("c"),
                         use_cache=False, threads=1)
    return [s for s in interview_sentences() if tr.count_tokens(s) <= tr.source_limit][:40]


def translators(tiny, cache, **kw):
    return [load_translator(tiny, backend=b, settings=SETTINGS, cache=cache, threads=1, **kw)
            for b in ("torch", "ctranslate2")]


@pytest.mark.filterwarnings("ignore:.*sacremoses")
def test_float32_engines_choose_the_same_tokens_with_the_same_confidence(tiny, sentences, tmp_path):
    import ctranslate2

    torch_tr, _ = translators(tiny, tmp_path, use_cache=False)
    f32 = tmp_path / "f32"
    ctranslate2.converters.TransformersConverter(str(resolve(tiny).path)).convert(
        str(f32), quantization="float32")
    engine = CT2Engine(f32, torch_tr.tokenizer, threads=1)
    engine.translator = ctranslate2.Translator(str(f32), device="cpu", compute_type="float32",
                                               intra_threads=1)
    batch = [torch_tr.encode(s) for s in sentences]
    ours = engine.generate(batch, 4, torch_tr.max_new_tokens)
    reference = torch_tr.engine.generate(batch, 4, torch_tr.max_new_tokens)
    assert sum(r.finished for r in reference) >= 10       # ended by </s>, not the limit
    assert sum(not r.finished for r in reference) >= 1    # and the limit's rule is covered
    for a, b in zip(ours, reference):
        assert (a.ids, a.finished) == (b.ids, b.finished)
        assert math.isfinite(b.score) and b.score < 0
        assert abs(a.score - b.score) <= F32_TOLERANCE


def test_int8_confidence_agrees_with_torch_within_the_stated_tolerance(tiny, sentences, tmp_path):
    torch_tr, ct2_tr = translators(tiny, tmp_path, use_cache=False)
    a = torch_tr.translate(sentences)
    b = ct2_tr.translate(sentences)
    same = [(x, y) for x, y in zip(a, b) if x.text == y.text]
    assert len(same) >= len(sentences) // 2
    for x, y in same:
        assert abs(x.confidence - y.confidence) <= INT8_TOLERANCE
    # Different sentences get different confidences: the number says something.
    assert len({round(x.confidence, 3) for x in a}) > len(a) // 2


def test_confidence_is_cached_and_old_cache_rows_count_as_missing(tiny, sentences, tmp_path):
    torch_tr, _ = translators(tiny, tmp_path)
    first = torch_tr.translate(sentences[:6])
    again = torch_tr.translate(sentences[:6])
    assert all(t.from_cache for t in again)
    assert [t.confidence for t in again] == pytest.approx([t.confidence for t in first])
    # A cache written before confidences were kept: its rows are translated again.
    cache = TranslationCache(tmp_path / "translations.sqlite")
    with cache._db:
        cache._db.execute("UPDATE translations SET confidence=NULL")
    fresh = load_translator(tiny, settings=SETTINGS, cache=tmp_path, threads=1)
    out = fresh.translate(sentences[:6])
    assert not any(t.from_cache for t in out)
    assert all(t.confidence is not None for t in out)


def test_a_split_sentence_has_one_confidence(tiny, tmp_path):
    torch_tr, _ = translators(tiny, tmp_path, use_cache=False)
    longest = max(interview_sentences(), key=len)
    out = torch_tr.translate([longest])[0]
    assert any("split into" in n for n in out.notes)
    assert out.confidence is not None and out.confidence < 0


@pytest.mark.parametrize("fmt", ["tmx", "jsonl"])
def test_exports_carry_the_confidence_and_read_it_back(fmt):
    from align.formats import jsonl, tmx
    from align.formats.rows import Cell, Row, Table

    table = Table("de", ("de", "en"), (
        Row(1, "Sorkin", {"de": Cell("Hallo."), "en": Cell("Hello.", "mt", "mt:m", None, -0.4213)}),
        Row(1, "Sorkin", {"de": Cell("Ja."), "en": Cell("Yes.", "edited", "human")}),
    ))
    module = {"tmx": tmx, "jsonl": jsonl}[fmt]
    data = module.write(table)
    assert b"-0.4213" in data
    back = module.read(data)
    assert [r.cells["en"].confidence for r in back.rows] == [-0.4213, None]
