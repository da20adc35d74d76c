"""Sentence-level MarianMT translation (Helsinki-NLP opus-mt) through transformers.

One `MarianTranslator` per model per process. It:
- loads the model from disk only (a folder, or a Hub id already pulled into the cache);
- prepends the target-language token `>>id<<` that multi-target models need, and refuses
  a token the tokenizer does not know;
- splits a sentence longer than the model's input limit at clause boundaries and joins
  the translated pieces, telling the caller (never truncating);
- sorts by length, translates in batches with beam search, and restores the input order;
- answers repeated sentences from a persistent cache.
The engine that runs the network is pluggable: `TorchEngine` (transformers, the
reference) or `CT2Engine` (CTranslate2 int8, in models.ct2_backend).
"""
from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Protocol, Sequence

from align.text.clauses import join_pieces, split_to_fit
from align.errors import InputError
from models.hub import ModelRef, cache_dir, resolve
from models.translation_cache import TranslationCache, cache_key

# Which `>>id<<` to use when a multi-target model is asked for Chinese without one:
# Simplified Mandarin first (opus-mt-en-zh's `>>cmn_Hans<<`), then the codes older
# group models such as opus-mt-de-ZH use.
PREFERRED_TARGET_TOKENS = (">>cmn_Hans<<", ">>zho_Hans<<", ">>cmn<<", ">>zh_CN<<", ">>zh_cn<<",
                           ">>zho<<", ">>zh<<")
BACKENDS = ("torch", "ctranslate2")


@dataclass(frozen=True)
class GenerationSettings:
    beam: int = 4
    # Most tokens generated per sentence (capped by the model's positions).
    max_length: int = 512
    batch_size: int = 16
    # `>>id<<` for multi-target models; None picks one (see PREFERRED_TARGET_TOKENS).
    target_token: str | None = None

    def __post_init__(self):
        if self.beam < 1 or self.max_length < 1 or self.batch_size < 1:
            raise InputError("beam, max length and batch size must be at least 1")


@dataclass(frozen=True)
class Translation:
    text: str
    # Things the user must be told: the sentence was split, the output may be cut short.
    notes: tuple[str, ...] = ()
    from_cache: bool = False
    # The model's own confidence: the mean log-probability per token of the hypothesis it
    # chose (see `Generated.score`); None for empty input.
    confidence: float | None = None


@dataclass(frozen=True)
class Generated:
    ids: list[int]   # target token ids, without start/end/padding
    finished: bool   # False: stopped by the length limit, not by </s>
    # Length-normalised log-probability of the chosen hypothesis: the sum of the log-
    # probabilities of the tokens the model chose, </s> included when it ended the
    # sentence, divided by their number (length penalty 1, as beam search ranks them).
    # Both engines define it so; a forced </s> at the length limit is not counted.
    score: float | None = None

    @property
    def scored_tokens(self) -> int:
        return len(self.ids) + (1 if self.finished else 0)


# How beam search is run on both engines, so that they choose the same hypothesis:
# hypotheses ranked by log-probability / length (length penalty 1), the search stops once
# `beam` hypotheses are complete (Marian's and CTranslate2's rule; transformers' default
# would keep looking for a longer one), and an empty output is allowed (min length 0).
LENGTH_PENALTY = 1.0
# Part of every cache key: a change to how the search runs must not be answered from a
# cache filled by the old one.
DECODING_VERSION = 2


class Engine(Protocol):
    name: str

    def generate(self, batch: list[list[int]], beam: int, max_new_tokens: int) -> list[Generated]:
        ...


class TorchEngine:
    """transformers' `generate` on a MarianMTModel (fp32, on the CPU or a CUDA device): the
    reference path."""
    name = "torch"

    def __init__(self, model, threads: int | None = None, device: str = "cpu"):
        import torch

        if threads:
            torch.set_num_threads(threads)
        self.device = device
        self.name = engine_name("torch", device)
        self.model = model.to(device).eval()
        cfg = model.config
        self.pad_id, self.eos_id = cfg.pad_token_id, cfg.eos_token_id

    def generate(self, batch: list[list[int]], beam: int, max_new_tokens: int) -> list[Generated]:
        import copy

        import torch
        from transformers.modeling_outputs import BaseModelOutput

        width = max(len(ids) for ids in batch)
        input_ids = torch.full((len(batch), width), self.pad_id, dtype=torch.long)
        mask = torch.zeros((len(batch), width), dtype=torch.long)
        for row, ids in enumerate(batch):
            input_ids[row, :len(ids)] = torch.tensor(ids)
            mask[row, :len(ids)] = 1
        config = copy.deepcopy(self.model.generation_config)
        config.num_beams = beam
        config.num_return_sequences = 1
        config.do_sample = False
        config.length_penalty = LENGTH_PENALTY
        config.early_stopping = True
        config.min_length = 0
        # Encoder-decoder: max_length counts the decoder start token.
        config.max_length = max_new_tokens + 1
        config.max_new_tokens = None
        input_ids, mask = input_ids.to(self.device), mask.to(self.device)
        with torch.inference_mode():
            # The encoder runs once, for the search and for scoring its result.
            encoded = self.model.get_encoder()(input_ids=input_ids, attention_mask=mask)
            hidden = encoded.last_hidden_state
            # generate() expands what it is given for the beams, in place: hand it a copy.
            out = self.model.generate(input_ids=input_ids, attention_mask=mask,
                                      encoder_outputs=BaseModelOutput(last_hidden_state=hidden),
                                      generation_config=config)
            logprobs = self._token_logprobs(encoded, mask, out)
        results = []
        for row, lp in zip(out[:, 1:].tolist(), logprobs.tolist()):
            end = row.index(self.eos_id) if self.eos_id in row else len(row)
            # opus-mt configs force </s> into the last slot (forced_eos_token_id), so an
            # end there means the limit was hit, not that the sentence was complete.
            finished = end < max_new_tokens - 1
            counted = end + 1 if finished else end
            score = sum(lp[:counted]) / counted if counted else None
            results.append(Generated([t for t in row[:end] if t != self.pad_id], finished, score))
        return results

    def _token_logprobs(self, encoded, mask, sequences):
        """Log-probability of each chosen token given the ones before it: one teacher-forced
        decoder pass over the search's result (storing the search's scores instead
        would keep a batch x beams x vocabulary tensor per step)."""
        import torch

        logits = self.model(encoder_outputs=encoded, attention_mask=mask,
                            decoder_input_ids=sequences[:, :-1]).logits
        logprobs = torch.log_softmax(logits.float(), dim=-1)
        return logprobs.gather(-1, sequences[:, 1:].unsqueeze(-1)).squeeze(-1)


def engine_name(base: str, device: str) -> str:
    """The backend as recorded with each translation and in the cache key: a GPU run is
    named apart (its float arithmetic may pick another beam), the CPU keeps the plain name."""
    return base if device == "cpu" else f"{base}-{device}"


ProgressFn = Callable[[int, int], None]


@dataclass
class _Unit:
    """One piece of one input sentence, as the model sees it."""
    sentence: int
    text: str
    ids: list[int] = field(default_factory=list)
    out: Generated | None = None


class MarianTranslator:
    def __init__(self, ref: ModelRef, tokenizer, engine: Engine, *, max_positions: int,
                 settings: GenerationSettings = GenerationSettings(),
                 cache: TranslationCache | None = None):
        self.ref = ref
        self.tokenizer = tokenizer
        self.engine = engine
        self.settings = settings
        self.cache = cache
        self._lock = threading.Lock()
        self.target_token = choose_target_token(
            tokenizer.supported_language_codes, settings.target_token, ref.model_id)
        # Source tokens the encoder takes, counting </s> (and the target token).
        self.source_limit = min(int(tokenizer.model_max_length), max_positions)
        self.max_positions = max_positions
        # The decoder start token takes position 0.
        self.max_new_tokens = min(settings.max_length, max_positions - 1)

    # -- identity (for the cache and for recording where a translation came from) --
    @property
    def origin_detail(self) -> dict:
        return {
            "model": self.ref.model_id,
            "revision": self.ref.revision,
            "backend": self.engine.name,
            "beam": self.settings.beam,
            "max_length": self.max_new_tokens,
            "target_token": self.target_token,
        }

    def _cache_settings(self) -> dict:
        detail = self.origin_detail
        return {**{k: detail[k] for k in ("backend", "beam", "max_length", "target_token")},
                "decoding": DECODING_VERSION}

    # -- tokens --
    def _with_token(self, text: str) -> str:
        return f"{self.target_token} {text}" if self.target_token else text

    def encode(self, text: str) -> list[int]:
        return self.tokenizer(self._with_token(text), verbose=False)["input_ids"]

    def count_tokens(self, text: str) -> int:
        return len(self.encode(text))

    def decode(self, ids: list[int]) -> str:
        # Marian's tokenizer decodes with the *source* SentencePiece model by default in
        # transformers 5; the output is target language.
        return self.tokenizer.decode(ids, skip_special_tokens=True, use_source_tokenizer=False)

    # -- translation --
    def translate(self, texts: Sequence[str], progress: ProgressFn | None = None) -> list[Translation]:
        """One translation per input text, in input order (empty in, empty out)."""
        # One model, many callers (the app serves several sessions from threads).
        with self._lock:
            return self._translate(texts, progress)

    def _translate(self, texts: Sequence[str], progress: ProgressFn | None) -> list[Translation]:
        texts = [t if isinstance(t, str) else str(t) for t in texts]
        model_identity = self.ref.identity
        settings = self._cache_settings()
        keys = [cache_key(model_identity, settings, t.strip()) for t in texts]
        results: list[Translation | None] = [None] * len(texts)
        hits = (self.cache.get_many(k for k, t in zip(keys, texts) if t.strip())
                if self.cache is not None else {})

        todo: dict[str, int] = {}        # key -> first sentence index needing the model
        for i, (key, text) in enumerate(zip(keys, texts)):
            if not text.strip():
                results[i] = Translation("")
            elif key in hits:
                out, notes, confidence = hits[key]
                results[i] = Translation(out, tuple(notes), from_cache=True,
                                         confidence=confidence)
            else:
                todo.setdefault(key, i)

        units: list[_Unit] = []
        notes: dict[int, list[str]] = {i: [] for i in todo.values()}
        for i in todo.values():
            pieces = self._pieces(texts[i].strip(), notes[i])
            units.extend(_Unit(i, p) for p in pieces)
        self._run(units, progress)

        by_sentence: dict[int, list[_Unit]] = {}
        for unit in units:
            by_sentence.setdefault(unit.sentence, []).append(unit)
        fresh = []
        for key, i in todo.items():
            parts = by_sentence[i]
            text = join_pieces([self.decode(u.out.ids) for u in parts])
            if any(not u.out.finished for u in parts):
                notes[i].append(self._length_note())
            if not text:
                notes[i].append("the model produced no output for this sentence")
            confidence = _confidence([u.out for u in parts])
            results[i] = Translation(text, tuple(notes[i]), confidence=confidence)
            fresh.append((key, text, notes[i], confidence))
        for i, key in enumerate(keys):      # repeats of a sentence translated above
            if results[i] is None:
                results[i] = results[todo[key]]
        if self.cache is not None and fresh:
            self.cache.put_many(fresh, model=self.ref.model_id)
        return results  # type: ignore[return-value]

    def _length_note(self) -> str:
        """What to say when a translation stopped at the length limit: which limit it was,
        and whether raising --max-length can help."""
        head = (f"the translation reached the maximum length ({self.max_new_tokens} tokens) "
                f"and may be incomplete; ")
        if self.max_new_tokens < self.settings.max_length:
            return head + (f"that is the model's own limit (max_position_embeddings "
                           f"{self.max_positions}), so raising --max-length cannot help")
        return head + "raise --max-length"

    def _pieces(self, text: str, notes: list[str]) -> list[str]:
        """The sentence, or its clause-level pieces when it is too long for the model."""
        n = self.count_tokens(text)
        if n <= self.source_limit:
            return [text]
        pieces = split_to_fit(text, lambda s: self.count_tokens(s) <= self.source_limit)
        notes.append(f"split into {len(pieces)} parts at clause boundaries: the sentence has "
                     f"{n} tokens, the model takes at most {self.source_limit}")
        return pieces

    def _run(self, units: list[_Unit], progress: ProgressFn | None) -> None:
        for unit in units:
            unit.ids = self.encode(unit.text)
        # Longest first, so each batch holds sentences of similar length (little padding).
        order = sorted(units, key=lambda u: len(u.ids), reverse=True)
        size = self.settings.batch_size
        done = 0
        for start in range(0, len(order), size):
            batch = order[start:start + size]
            outs = self.engine.generate([u.ids for u in batch], self.settings.beam,
                                        self.max_new_tokens)
            for unit, out in zip(batch, outs, strict=True):
                unit.out = out
            done += len(batch)
            if progress:
                progress(done, len(order))


def _confidence(outs: Sequence[Generated]) -> float | None:
    """One sentence's confidence from its pieces: the mean log-probability over all their
    scored tokens (a sentence split in two is as confident as its tokens are)."""
    scored = [(o.score, o.scored_tokens) for o in outs if o.score is not None and o.scored_tokens]
    if not scored:
        return None
    return sum(s * n for s, n in scored) / sum(n for _, n in scored)


def chain_confidence(values: Sequence[float | None]) -> float | None:
    """A translation made in steps (German -> English -> Chinese) is as confident as its
    least confident step."""
    known = [v for v in values if v is not None]
    return min(known) if known else None


class PivotTranslator:
    """source -> pivot -> target through two translators (German -> English -> Chinese)."""

    def __init__(self, first: MarianTranslator, second: MarianTranslator):
        self.first, self.second = first, second

    @property
    def origin_detail(self) -> dict:
        steps = [self.first.origin_detail, self.second.origin_detail]
        # A top-level model, like a one-step translation's (exports label rows with it).
        return {"model": ">".join(str(s["model"]) for s in steps), "pivot": steps}

    def translate(self, texts: Sequence[str], progress: ProgressFn | None = None) -> list[Translation]:
        middle = self.first.translate(texts, progress)
        final = self.second.translate([m.text for m in middle], progress)
        return [Translation(f.text,
                            tuple(f"step 1: {n}" for n in m.notes) + tuple(f"step 2: {n}" for n in f.notes),
                            m.from_cache and f.from_cache,
                            chain_confidence([m.confidence, f.confidence]))
                for m, f in zip(middle, final)]


def choose_target_token(supported: Sequence[str], requested: str | None, model_id: str) -> str | None:
    """The `>>id<<` token to prepend, or None for a single-target model."""
    supported = list(supported)
    if requested:
        token = requested if requested.startswith(">>") else f">>{requested}<<"
        if not supported:
            raise InputError(f"model {model_id} has a single target language and takes no "
                             f"target-language token (got {token})")
        if token not in supported:
            raise InputError(f"model {model_id} does not support the target token {token}; "
                             f"supported: {' '.join(supported)}")
        return token
    if not supported:
        return None
    if len(supported) == 1:
        return supported[0]
    for token in PREFERRED_TARGET_TOKENS:
        if token in supported:
            return token
    raise InputError(f"model {model_id} needs a target-language token (--target-token); "
                     f"supported: {' '.join(supported)}")


def load_tokenizer(path: Path):
    from transformers import MarianTokenizer

    with warnings.catch_warnings():
        # transformers suggests sacremoses for a normaliser Marian's tokenizer never calls.
        warnings.filterwarnings("ignore", message=".*sacremoses.*")
        return MarianTokenizer.from_pretrained(path, local_files_only=True)


class LazyEngine:
    """Loads the network on first use: a run answered entirely from the translation cache
    never reads the weights."""

    def __init__(self, name: str, factory: Callable[[], Engine]):
        self.name = name
        self._factory = factory
        self._engine: Engine | None = None

    @property
    def loaded(self) -> bool:
        return self._engine is not None

    def get(self) -> Engine:
        if self._engine is None:
            self._engine = self._factory()
        return self._engine

    def generate(self, batch: list[list[int]], beam: int, max_new_tokens: int) -> list[Generated]:
        return self.get().generate(batch, beam, max_new_tokens)


def load_translator(model: str | Path, *, backend: str = "torch",
                    settings: GenerationSettings = GenerationSettings(),
                    cache: str | Path | None = None, use_cache: bool = True,
                    threads: int | None = None) -> MarianTranslator:
    """A translator for a model folder, pair name or Hub id, read from disk only.

    The tokenizer and config load now (a missing or broken model fails here); the weights
    load when the first sentence needs the model.
    """
    if backend not in BACKENDS:
        raise InputError(f"unknown backend {backend!r}; choose one of: {', '.join(BACKENDS)}")
    from models.marian_tokenizer import LightMarianTokenizer, max_positions

    ref = resolve(model, cache)
    if backend == "ctranslate2" and LightMarianTokenizer.covers(ref.path):
        # No transformers (and so no torch) in this process unless the model still has
        # to be converted: seconds off every start.
        tokenizer = LightMarianTokenizer(ref.path)
        positions = max_positions(ref.path)
    else:
        from transformers import MarianConfig

        tokenizer = load_tokenizer(ref.path)
        positions = MarianConfig.from_pretrained(ref.path, local_files_only=True).max_position_embeddings
    folder = cache_dir(cache)
    if backend == "ctranslate2":
        from models.ct2_backend import CT2Engine, ensure_converted
        from models.device import ct2_device

        ct2_dev = ct2_device()

        def factory() -> Engine:
            return CT2Engine(ensure_converted(ref, folder), tokenizer, threads=threads,
                             device=ct2_dev)
        engine = LazyEngine(CT2Engine.name_on(ct2_dev), factory)
    else:
        from models.device import torch_device

        torch_dev = torch_device()

        def factory() -> Engine:
            from transformers import MarianMTModel

            return TorchEngine(MarianMTModel.from_pretrained(ref.path, local_files_only=True),
                               threads=threads, device=torch_dev)
        engine = LazyEngine(engine_name(TorchEngine.name, torch_dev), factory)
    store = TranslationCache(folder / "translations.sqlite") if use_cache else None
    return MarianTranslator(ref, tokenizer, engine, max_positions=positions,
                            settings=settings, cache=store)
