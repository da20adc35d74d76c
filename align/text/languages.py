"""Language codes the user may give (`--lang`): ISO 639-1, optionally with a region or
script ("de-AT", "zh-Hans"). An unknown code is refused instead of silently falling back
to generic sentence rules."""
from __future__ import annotations

from align.errors import InputError

# ISO 639-1 (all two-letter codes).
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy
da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu
hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb
lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om
or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st su sv sw
ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())

# Languages whose splitting and alignment were tuned and tested on real text.
TUNED = ("de", "en", "zh")


def base_language(lang: str) -> str:
    return (lang or "").strip().lower().replace("_", "-").split("-")[0]


def check_language(lang: str) -> str:
    """Return the code, normalised ("de_AT" -> "de-at"), or raise a one-line InputError."""
    code = (lang or "").strip().replace("_", "-")
    if base_language(code) not in ISO_639_1:
        raise InputError(f"unknown language code {lang!r}: use an ISO 639-1 code such as "
                         f"{', '.join(TUNED)} or fr")
    return code.lower()
