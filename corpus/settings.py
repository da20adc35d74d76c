"""What a corpus run is asked to do, as plain data that travels to Ray actors as JSON.

The fingerprint is the part of the settings that changes the output (languages, models with
their revisions and backend, generation settings, the encoder); threads, cache folders and
the engine do not change a row, so they are left out. A document is done when a result with
the key of its inputs and this fingerprint is on disk (see checkpoint.py).
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

# Raised when a change to the pipeline changes its output: results made before are redone.
PIPELINE_VERSION = 1


@dataclass(frozen=True)
class CorpusSettings:
    source_lang: str = "de"
    langs: tuple[str, ...] = ("en", "zh")        # output languages, in column order
    # machine-translated where a document brings no human translation (`--to`)
    mt_langs: tuple[str, ...] = ("en", "zh")
    models: dict[str, str] = field(default_factory=dict)   # pair -> folder or Hub id
    # None: whatever models/ takes by default (BITEXT_BACKEND, then its own default)
    backend: str | None = None
    beam: int = 4
    max_length: int = 512
    batch_size: int = 16
    zh_route: str | None = None
    cache: str | None = None                      # model and translation cache folder
    threads: int | None = None                    # per worker (actor), None: all cores
    encoder: str = "e5"                           # aligner's sentence encoder (get_encoder spec)
    # Rows also hold links the aligner was unsure of, marked "suggested" (`--include-suggested`)
    include_suggested: bool = False

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> "CorpusSettings":
        return cls(**{**data, "langs": tuple(data["langs"]), "mt_langs": tuple(data["mt_langs"]),
                      "models": dict(data["models"])})

    def generation(self):
        from models.marian import GenerationSettings

        return GenerationSettings(beam=self.beam, max_length=self.max_length,
                                  batch_size=self.batch_size)


def fingerprint(settings: CorpusSettings, translators: dict[str, dict]) -> str:
    """A stable string of what decides the output; `translators` is the origin detail of the
    model of each language pair (model id, revision, backend, beam...)."""
    return json.dumps({
        "pipeline": PIPELINE_VERSION,
        "source_lang": settings.source_lang,
        "langs": list(settings.langs),
        "mt_langs": list(settings.mt_langs),
        "zh_route": settings.zh_route,
        "translators": translators,
        "max_length": settings.max_length,
        "encoder": settings.encoder,
        # Only when set, so results made before the option existed keep their keys.
        **({"include_suggested": True} if settings.include_suggested else {}),
    }, sort_keys=True, ensure_ascii=False)
