"""The CTranslate2 backend: converted once into the cache, same interface as torch."""
import json

import pytest

from models.ct2_backend import converted_dir, ensure_converted
from models.hub import resolve
from models.marian import GenerationSettings, load_translator
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian, interview_sentences

SENTENCES = interview_sentences()
SHORT = GenerationSettings(max_length=16, batch_size=8)


@pytest.fixture(scope="module")
def tiny():
    return cached_tiny_marian()


def make(model, tmp_path, backend, settings=SHORT):
    return load_translator(model, backend=backend, settings=settings, cache=tmp_path, threads=1,
                           use_cache=False)


def test_conversion_happens_once_and_lives_in_the_cache(tiny, tmp_path):
    ref = resolve(tiny)
    target = ensure_converted(ref, tmp_path)
    assert target == converted_dir(ref, tmp_path)
    assert target.is_relative_to(tmp_path / "ctranslate2")
    model_bin = target / "model.bin"
    stamp = model_bin.stat().st_mtime_ns
    assert ensure_converted(ref, tmp_path) == target
    assert model_bin.stat().st_mtime_ns == stamp          # not converted again
    # No half-finished conversions left behind.
    assert [p.name for p in target.parent.iterdir()] == [target.name]

    # The converter checks the vocabulary against the model; Marian's <pad> is dropped.
    vocab = json.loads((tiny / "vocab.json").read_text(encoding="utf-8"))
    ct2_vocab = json.loads((target / "shared_vocabulary.json").read_text(encoding="utf-8"))
    assert ct2_vocab == sorted(vocab, key=vocab.get)[:-1]


def test_same_interface_order_count_and_splitting(tiny, tmp_path):
    torch_tr = make(tiny, tmp_path, "torch")
    ct2_tr = make(tiny, tmp_path, "ctranslate2")
    assert ct2_tr.engine.name == "ctranslate2-int8"
    texts = SENTENCES[:30] + [max(SENTENCES, key=len), ""]
    out = ct2_tr.translate(texts)
    assert len(out) == len(texts) and out[-1].text == ""
    assert all(t.text for t in out[:-1])
    assert not any("⁇" in t.text for t in out)
    assert any("split into" in n for n in out[-2].notes)
    # Batching keeps order here too.
    reversed_out = ct2_tr.translate(texts[::-1])
    assert [t.text for t in reversed_out[::-1]] == [t.text for t in out]
    # Same split decisions as the reference path (they depend on the tokenizer only).
    ref_out = torch_tr.translate(texts)
    assert [[n for n in t.notes if "split" in n] for t in out] == \
           [[n for n in t.notes if "split" in n] for t in ref_out]


@pytest.mark.filterwarnings("ignore:.*sacremoses")
def test_ct2_float32_matches_transformers_token_for_token(tiny, tmp_path):
    """Unquantised, the converted model must decode exactly like the original: proof that
    the weights, vocabulary, logits bias and start token carried over."""
    import ctranslate2

    from models.ct2_backend import CT2Engine

    ref = resolve(tiny)
    torch_tr = make(tiny, tmp_path, "torch", GenerationSettings(max_length=12, beam=4))
    f32 = tmp_path / "f32"
    ctranslate2.converters.TransformersConverter(str(ref.path)).convert(str(f32), quantization="float32")
    engine = CT2Engine(f32, torch_tr.tokenizer, threads=1)
    engine.translator = ctranslate2.Translator(str(f32), device="cpu", compute_type="float32",
                                               intra_threads=1)
    batch = [torch_tr.encode(s) for s in SENTENCES[:12]]
    max_new = torch_tr.max_new_tokens
    ours = engine.generate(batch, 4, max_new)
    reference = torch_tr.engine.generate(batch, 4, max_new)
    for a, b in zip(ours, reference):
        # transformers forces </s> into the last slot; CTranslate2 uses that slot for a token.
        assert a.ids[:len(b.ids)] == b.ids


def test_target_token_reaches_ctranslate2(tmp_path):
    multi = cached_tiny_marian(target_tokens=CHINESE_TARGET_TOKENS, seed=1)
    hans = make(multi, tmp_path, "ctranslate2")
    hant = make(multi, tmp_path, "ctranslate2",
                GenerationSettings(max_length=16, batch_size=8, target_token=">>cmn_Hant<<"))
    assert hans.target_token == ">>cmn_Hans<<"
    texts = SENTENCES[:8]
    assert [t.text for t in hans.translate(texts)] != [t.text for t in hant.translate(texts)]
