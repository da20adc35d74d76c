"""Build a MarianMT model with random weights that loads exactly like a real opus-mt model.

Tests (and the benchmark) cannot download anything, so they build a model themselves:
two SentencePiece models trained on the bundled interview (source.spm, target.spm), a
shared Marian vocab.json laid out like Helsinki-NLP's (`</s>`=0, `<unk>`=1, pieces...,
`<pad>` last), a MarianConfig of the requested shape, and random weights. Everything is
written with `save_pretrained`, so the code under test loads it through the very same
`from_pretrained` path as `Helsinki-NLP/opus-mt-de-en`.

Random weights would happily emit vocabulary ids that the target SentencePiece model has
no piece for (source-only pieces, filler ids), or pieces that decode to nothing (a lone
"▁"), so a sentence could come out as only whitespace; a trained model never does that.
Those ids get a large negative `final_logits_bias`, which both transformers and
CTranslate2 honour.

    from tests.tiny_marian import build_tiny_marian
    model_dir = build_tiny_marian(tmp_path / "tiny")
"""
from __future__ import annotations

import io
import json
import re
import shutil
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

INTERVIEW = Path(__file__).resolve().parent.parent / "data" / "davos_interview_de.txt"


@dataclass(frozen=True)
class MarianShape:
    d_model: int
    layers: int
    heads: int
    ffn_dim: int
    max_positions: int
    # None: exactly the pieces the SentencePiece models produce; a number pads the vocab
    # with masked filler entries up to that size (to mimic a real model's output layer).
    vocab_size: int | None = None
    source_pieces: int = 400
    target_pieces: int = 300
    init_std: float = 0.2


SHAPES: dict[str, MarianShape] = {
    # Small enough that a test builds and runs it in about a second.
    # 128 positions: most interview sentences fit, the longest ones must be split.
    "tiny": MarianShape(d_model=32, layers=2, heads=2, ffn_dim=64, max_positions=128),
    # Helsinki-NLP/opus-mt-de-en's exact shape (74M parameters), for the benchmark.
    "opus-mt-de-en": MarianShape(
        d_model=512, layers=6, heads=8, ffn_dim=2048, max_positions=512,
        vocab_size=58101, init_std=0.02,
    ),
}

# Multi-target opus-mt models (opus-mt-de-ZH, opus-mt-en-zh) carry tokens like these.
CHINESE_TARGET_TOKENS = (">>cmn_Hans<<", ">>cmn_Hant<<", ">>yue_Hant<<")


def interview_sentences() -> list[str]:
    """The interview split naively into sentences (good enough to train a vocabulary)."""
    text = INTERVIEW.read_text(encoding="utf-8")
    parts = re.split(r"(?<=[.!?…“])\s+|\n+", text)
    return [p.strip() for p in parts if p.strip()]


def _train_spm(sentences: list[str], vocab_size: int, lowercase: bool):
    import sentencepiece as spm

    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(s.lower() if lowercase else s for s in sentences),
        model_writer=buf,
        vocab_size=vocab_size,
        model_type="unigram",
        character_coverage=1.0,
        hard_vocab_limit=False,
        minloglevel=2,
    )
    return buf.getvalue()


def _visible_pieces(model_proto: bytes) -> list[str]:
    """Pieces that decode to some text on their own (not a lone word-boundary "▁")."""
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model_proto)
    return [p for p in _pieces(model_proto) if sp.decode_pieces([p]).strip()]


def _pieces(model_proto: bytes) -> list[str]:
    import sentencepiece as spm

    sp = spm.SentencePieceProcessor(model_proto=model_proto)
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())
            if not (sp.is_control(i) or sp.is_unknown(i))]


def build_tiny_marian(
    out_dir: str | Path,
    shape: str | MarianShape = "tiny",
    *,
    target_tokens: tuple[str, ...] = (),
    ban_eos: bool = False,
    eos_bias: float = 0.0,
    seed: int = 0,
) -> Path:
    """Write a loadable MarianMT model (weights, config, tokenizer files) into `out_dir`.

    target_tokens: `>>id<<` tokens to put in the vocabulary (a multi-target model).
    ban_eos: never emit `</s>`, so every hypothesis runs to the maximum length
             (a fixed output length for the benchmark).
    eos_bias: added to `</s>`'s logit, so that random weights end their sentences after
              a few tokens, as a trained model does (finished hypotheses, for scores).
    """
    import torch
    from transformers import GenerationConfig, MarianConfig, MarianMTModel, MarianTokenizer

    spec = SHAPES[shape] if isinstance(shape, str) else shape
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)

    sentences = interview_sentences()
    # Two different SentencePiece models, like a real pair: decoding with the wrong one
    # shows up as "⁇" in the output.
    source_proto = _train_spm(sentences, spec.source_pieces, lowercase=False)
    target_proto = _train_spm(sentences, spec.target_pieces, lowercase=True)
    (out / "source.spm").write_bytes(source_proto)
    (out / "target.spm").write_bytes(target_proto)

    target_pieces = _pieces(target_proto)
    tokens = ["</s>", "<unk>", *target_tokens]
    seen = set(tokens)
    for piece in _pieces(source_proto) + target_pieces:
        if piece not in seen:
            seen.add(piece)
            tokens.append(piece)
    if spec.vocab_size is not None:
        if spec.vocab_size < len(tokens) + 1:
            raise ValueError(f"vocab_size {spec.vocab_size} is smaller than the {len(tokens) + 1} pieces")
        tokens += [f"<filler_{i}>" for i in range(spec.vocab_size - len(tokens) - 1)]
    tokens.append("<pad>")
    vocab = {tok: i for i, tok in enumerate(tokens)}
    (out / "vocab.json").write_text(json.dumps(vocab, ensure_ascii=False, indent=1), encoding="utf-8")
    pad_id = vocab["<pad>"]

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*sacremoses.*")
        tokenizer = MarianTokenizer(
            source_spm=str(out / "source.spm"),
            target_spm=str(out / "target.spm"),
            vocab=str(out / "vocab.json"),
            model_max_length=spec.max_positions,
        )
    tokenizer.save_pretrained(out)

    config = MarianConfig(
        vocab_size=len(vocab),
        d_model=spec.d_model,
        encoder_layers=spec.layers,
        decoder_layers=spec.layers,
        encoder_attention_heads=spec.heads,
        decoder_attention_heads=spec.heads,
        encoder_ffn_dim=spec.ffn_dim,
        decoder_ffn_dim=spec.ffn_dim,
        max_position_embeddings=spec.max_positions,
        activation_function="swish",
        scale_embedding=True,
        pad_token_id=pad_id,
        decoder_start_token_id=pad_id,
        eos_token_id=0,
        forced_eos_token_id=0,
        init_std=spec.init_std,
        share_encoder_decoder_embeddings=True,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = MarianMTModel(config).eval()

    # Only what a trained model could emit: visible target pieces and </s> (unless banned).
    allowed = torch.zeros(len(vocab), dtype=torch.bool)
    for piece in _visible_pieces(target_proto):
        allowed[vocab[piece]] = True
    allowed[0] = not ban_eos
    with torch.no_grad():
        bias = torch.where(allowed, 0.0, -1e4)
        if not ban_eos:
            bias[0] += eos_bias
        model.final_logits_bias.copy_(bias.unsqueeze(0))

    model.generation_config = GenerationConfig(
        num_beams=4,
        max_length=spec.max_positions,
        pad_token_id=pad_id,
        eos_token_id=0,
        decoder_start_token_id=pad_id,
        forced_eos_token_id=0,
        bad_words_ids=[[pad_id]],
    )
    model.save_pretrained(out)
    return out


_built: dict[tuple, Path] = {}


def cached_tiny_marian(**kwargs) -> Path:
    """build_tiny_marian once per process and set of arguments (tests share the result;
    treat the folder as read-only)."""
    key = tuple(sorted(kwargs.items()))
    if key not in _built:
        _built[key] = build_tiny_marian(Path(tempfile.mkdtemp(prefix="tiny_marian-")) / "model",
                                        **kwargs)
    return _built[key]


def install_in_cache(model_dir: str | Path, cache: str | Path, model_id: str,
                     commit: str = "0123456789abcdef0123456789abcdef01234567") -> Path:
    """Lay a model folder out as `bitext models pull` (huggingface_hub) would have stored
    it under `model_id`, so loading by Hub id can be tested without a download."""
    repo = Path(cache) / ("models--" + model_id.replace("/", "--"))
    snapshot = repo / "snapshots" / commit
    if snapshot.exists():
        shutil.rmtree(snapshot)
    shutil.copytree(model_dir, snapshot)
    (repo / "refs").mkdir(parents=True, exist_ok=True)
    (repo / "refs" / "main").write_text(commit)
    return snapshot
