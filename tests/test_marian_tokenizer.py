"""The light Marian tokenizer (CTranslate2 path, no transformers import) gives exactly what
transformers' MarianTokenizer gives: same ids in, same text out."""
import pytest

from models.marian import load_tokenizer
from models.marian_tokenizer import LightMarianTokenizer, max_positions
from tests.tiny_marian import CHINESE_TARGET_TOKENS, cached_tiny_marian, interview_sentences

SENTENCES = interview_sentences() + ["", "  zwei  Leerzeichen ", "Ünïcödé – „Zitat“ 100 %", "x<y>z"]


@pytest.mark.parametrize("kwargs", [{}, {"target_tokens": CHINESE_TARGET_TOKENS, "seed": 1}])
def test_same_ids_and_text_as_transformers(kwargs):
    folder = cached_tiny_marian(**kwargs)
    assert LightMarianTokenizer.covers(folder)
    ours, theirs = LightMarianTokenizer(folder), load_tokenizer(folder)
    assert ours.supported_language_codes == list(theirs.supported_language_codes)
    assert ours.model_max_length == int(theirs.model_max_length)
    assert max_positions(folder) == 128
    prefix = ">>cmn_Hans<< " if kwargs else ""
    for text in SENTENCES:
        ids = ours(prefix + text)["input_ids"]
        assert ids == theirs(prefix + text, verbose=False)["input_ids"], text
        assert ours.convert_ids_to_tokens(ids) == theirs.convert_ids_to_tokens(ids)
        # Decoding (with the target model, as translations are decoded), specials skipped.
        assert ours.decode(ids) == theirs.decode(ids, skip_special_tokens=True,
                                                 use_source_tokenizer=False), text
        assert ours.decode(ids, use_source_tokenizer=True) == theirs.decode(
            ids, skip_special_tokens=True, use_source_tokenizer=True), text


def test_folders_it_does_not_cover_go_to_transformers(tmp_path):
    assert not LightMarianTokenizer.covers(tmp_path)
    folder = tmp_path / "m"
    folder.mkdir()
    for name in ("source.spm", "target.spm", "vocab.json"):
        (folder / name).write_text("x")
    (folder / "tokenizer_config.json").write_text('{"separate_vocabs": true}')
    assert not LightMarianTokenizer.covers(folder)
