"""Marian's tokenizer without transformers: SentencePiece and the vocabulary file, nothing else.

The CTranslate2 path needs only token strings and ids, yet `transformers.MarianTokenizer`
(and MarianConfig) import torch: several seconds of every process's start, longer than
translating a page. This class does what MarianTokenizer does for an opus-mt folder with
one shared vocabulary (source.spm, target.spm, vocab.json, tokenizer_config.json) and is
tested to give the same ids and the same text on the interview (tests/test_marian_tokenizer.py).
A folder it does not cover (separate vocabularies) is left to transformers.
"""
from __future__ import annotations

import json
from pathlib import Path

FILES = ("source.spm", "target.spm", "vocab.json")


class LightMarianTokenizer:
    def __init__(self, folder: str | Path):
        import sentencepiece as spm

        folder = Path(folder)
        config = _json(folder / "tokenizer_config.json")
        self.eos_token = str(config.get("eos_token") or "</s>")
        self.unk_token = str(config.get("unk_token") or "<unk>")
        self.pad_token = str(config.get("pad_token") or "<pad>")
        self.model_max_length = int(config.get("model_max_length") or 512)
        self.encoder: dict[str, int] = _json(folder / "vocab.json")
        self.decoder = {i: t for t, i in self.encoder.items()}
        self.eos_token_id = self.encoder[self.eos_token]
        self.unk_token_id = self.encoder[self.unk_token]
        self.pad_token_id = self.encoder.get(self.pad_token)
        self.special_ids = {i for i in (self.eos_token_id, self.unk_token_id, self.pad_token_id)
                            if i is not None}
        self.supported_language_codes = [t for t in self.encoder
                                         if t.startswith(">>") and t.endswith("<<")]
        self.spm_source = spm.SentencePieceProcessor(model_file=str(folder / "source.spm"))
        self.spm_target = spm.SentencePieceProcessor(model_file=str(folder / "target.spm"))

    @staticmethod
    def covers(folder: str | Path) -> bool:
        """Whether this class tokenizes `folder` exactly as MarianTokenizer would."""
        folder = Path(folder)
        if not all((folder / f).is_file() for f in FILES):
            return False
        config = _json(folder / "tokenizer_config.json") if (folder / "tokenizer_config.json").is_file() else {}
        return (not config.get("separate_vocabs") and
                config.get("tokenizer_class", "MarianTokenizer") == "MarianTokenizer" and
                not config.get("sp_model_kwargs"))

    def __call__(self, text: str, verbose: bool = False) -> dict:
        code = []
        # A leading `>>id<<` is a vocabulary entry of its own, as in MarianTokenizer.
        if text.startswith(">>") and (end := text.find("<<")) != -1:
            code, text = [text[:end + 2]], text[end + 2:]
        pieces = code + self.spm_source.encode(text, out_type=str)
        return {"input_ids": self.convert_tokens_to_ids(pieces) + [self.eos_token_id]}

    def convert_tokens_to_ids(self, tokens: list[str]) -> list[int]:
        unk = self.unk_token_id
        return [self.encoder.get(t, unk) for t in tokens]

    def convert_ids_to_tokens(self, ids: list[int]) -> list[str]:
        return [self.decoder.get(int(i), self.unk_token) for i in ids]

    def decode(self, ids: list[int], skip_special_tokens: bool = True,
               use_source_tokenizer: bool = False) -> str:
        sp = self.spm_source if use_source_tokenizer else self.spm_target
        special = {self.decoder[i] for i in self.special_ids}
        out, run = "", []
        for token in self.convert_ids_to_tokens(
                [i for i in ids if not (skip_special_tokens and int(i) in self.special_ids)]):
            if token in special:
                out += sp.decode_pieces(run) + token + " "
                run = []
            else:
                run.append(token)
        out += sp.decode_pieces(run)
        return out.replace("\u2581", " ").strip()


def max_positions(folder: str | Path) -> int:
    """The model's max_position_embeddings, read from config.json (no transformers)."""
    return int(_json(Path(folder) / "config.json").get("max_position_embeddings", 512))


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
