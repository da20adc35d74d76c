"""Optional CTranslate2 engine: the same opus-mt model, converted once to int8, several
times faster on a CPU than transformers.

The conversion is kept in the cache folder, named after the model id and revision, so a
changed model is converted again and an unchanged one never is. transformers stays the
reference path; this engine only has to give the same interface (`generate`).
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import warnings
from pathlib import Path

from models.device import ct2_compute_type
from models.hub import ModelRef
from models.marian import LENGTH_PENALTY, Generated

QUANTIZATION = "int8"


def converted_dir(ref: ModelRef, cache: Path) -> Path:
    slug = re.sub(r"[^\w.-]+", "_", ref.model_id).strip("_")[-80:]
    revision = re.sub(r"[^\w]+", "", ref.revision)[-16:]
    return cache / "ctranslate2" / f"{slug}@{revision}-{QUANTIZATION}"


def ensure_converted(ref: ModelRef, cache: Path) -> Path:
    """The CTranslate2 copy of `ref`, converting it on first use."""
    target = converted_dir(ref, cache)
    if (target / "model.bin").is_file():
        return target
    from ctranslate2.converters import TransformersConverter

    target.parent.mkdir(parents=True, exist_ok=True)
    # Convert next to the final place and rename: an interrupted conversion leaves no
    # half-written model behind.
    tmp = Path(tempfile.mkdtemp(prefix=".converting-", dir=target.parent))
    try:
        with warnings.catch_warnings():
            # The converter loads Marian's tokenizer, which asks for a package it never uses.
            warnings.filterwarnings("ignore", message=".*sacremoses.*")
            TransformersConverter(str(ref.path)).convert(str(tmp / "model"),
                                                        quantization=QUANTIZATION, force=True)
        if target.exists():
            shutil.rmtree(target)
        os.replace(tmp / "model", target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return target


class CT2Engine:
    name = "ctranslate2-int8"

    @staticmethod
    def name_on(device: str) -> str:
        """int8 on the CPU (the converted weights as they are); int8 weights with float16
        arithmetic on a GPU, named apart since its output may differ."""
        return f"ctranslate2-{ct2_compute_type(device)}"

    def __init__(self, model_dir: Path, tokenizer, threads: int | None = None,
                 device: str = "cpu"):
        import ctranslate2

        self.tokenizer = tokenizer
        self.eos = tokenizer.eos_token
        self.name = self.name_on(device)
        self.translator = ctranslate2.Translator(
            str(model_dir), device=device, compute_type=ct2_compute_type(device),
            intra_threads=threads or len(os.sched_getaffinity(0)), inter_threads=1)

    def generate(self, batch: list[list[int]], beam: int, max_new_tokens: int) -> list[Generated]:
        source = [self.tokenizer.convert_ids_to_tokens(ids) for ids in batch]
        # transformers spends the last slot on a forced </s>; stopping one token earlier
        # gives the same tokens, so both engines agree on what they return.
        limit = max(1, max_new_tokens - 1)
        results = self.translator.translate_batch(
            source,
            beam_size=beam,
            max_decoding_length=limit,
            # The translator already split long sentences; never let CTranslate2 truncate.
            max_input_length=0,
            return_end_token=True,
            # The same search as the torch engine (see models.marian.LENGTH_PENALTY):
            # CTranslate2 stops once `beam` hypotheses are complete, as transformers does
            # with early_stopping; an empty output is allowed there too.
            length_penalty=LENGTH_PENALTY,
            min_decoding_length=0,
            # Cumulative log-probability / length, </s> counted when it ends the sentence:
            # the definition of Generated.score.
            return_scores=True,
        )
        out = []
        for result in results:
            tokens = list(result.hypotheses[0])
            finished = bool(tokens) and tokens[-1] == self.eos
            if finished:
                tokens = tokens[:-1]
            score = float(result.scores[0]) if result.scores else None
            out.append(Generated(self.tokenizer.convert_tokens_to_ids(tokens), finished, score))
        return out
