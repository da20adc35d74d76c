"""QA on human English translations (issue 26): the checks speak up on machine output's
mistakes, not on what a person wrote. Measured by bench/bench_qa.py --human, which prints
every flag with its texts; here the figures are held.

The documents (tests/qa_human.py): the interview's reference English (155 pairs), the
layout translations with their gold links (9 files, 158 English sentences), and the loose
transcript of the interview imported with the real aligner (slow)."""
from __future__ import annotations

import pytest

from align.qa import names
from align.qa.checks import CHECKS
from tests import qa_human

# The German-French dev document (a check set the names rules were not tuned on): flags per
# check as measured on 2026-12-07 (bench/bench_qa.py --human --french lists each); names'
# are mostly real differences of the French (names it leaves out, French exonyms and
# spellings), see docs/incoming/issue-26.md.
DEFR_FLAGS = {"empty": 0, "numbers": 74, "untranslated": 2, "repeat": 2, "length": 6,
              "names": 45, "brackets": 17, "glossary": 0}

# The one flag on the careful translations, and a right one: the German says "Iran-Krieg"
# where Jack Ma spoke of the Iraq war; the English corrects it, so the name differs.
IRAN = ("interview_reference_en.tsv", "names", "not in the translation: Iran")


def flags_by_check(docs):
    found = []
    for doc in docs:
        for flags in qa_human.flags_of(doc):
            found += [(doc.name, f.code, f.reason) for f in flags]
    sentences = sum(doc.sentences for doc in docs)
    return found, sentences


def test_careful_human_translations_raise_at_most_one_flag_per_100_sentences():
    docs = [qa_human.reference_document()]
    docs += [qa_human.layout_document(name) for name in qa_human.layout_names()]
    assert len(docs) == 10
    found, sentences = flags_by_check(docs)
    assert sentences > 300
    for code in CHECKS:
        assert sum(c == code for _, c, _ in found) * 100 / sentences <= 1.0, code
    # Before issue 26 these raised "22.30" against "10.30 pm", the footnote mark of
    # "2023.¹" as 2023.1, "1." against "the first", and the speaker Keller in "300 Keller".
    assert found == [IRAN]


def test_layout_gold_links_join_split_and_merged_sentences():
    doc = qa_human.layout_document("podium_caps.en")
    assert (len(doc.pairs), doc.sentences) == (28, 29)      # one German sentence split in two
    joined = [t for s, t in doc.pairs if s.startswith("Heute sprechen wir über Wasser")]
    assert joined == ["Tonight we are talking about water. More precisely, about heat, heavy "
                      "rain and how a city can cope with both."]
    assert {"Keller", "Brandt", "Anna", "Jonas"} <= names.source_names(doc.sources, doc.speakers)


@pytest.mark.slow
def test_the_loose_transcript_is_flagged_where_it_leaves_things_out():
    """The transcript shortens answers and drops a sentence's ending; what QA flags there is
    left out (a name, a number), at most as often as measured. Each names flag is a name the
    summary really leaves out ("Einstieg in Hollywood" -> "there"); "Herr Jack Ma" ->
    "Jack" is no longer one (a titled person named by one part of the name)."""
    doc = qa_human.transcript_document()
    found, sentences = flags_by_check([doc])
    assert sentences == 60
    counts = {code: sum(c == code for _, c, _ in found) for code in CHECKS}
    assert counts == {"empty": 0, "numbers": 3, "untranslated": 0, "repeat": 0, "length": 1,
                      "names": 4, "brackets": 0, "glossary": 0}
    assert sorted(r for _, c, r in found if c == "names") == [
        "not in the translation: China", "not in the translation: China",
        "not in the translation: Hollywood", "not in the translation: Pekinger, Forum"]


def test_the_french_check_set_raises_no_more_flags_than_measured():
    doc = qa_human.defr_document()
    assert (len(doc.pairs), doc.sentences) == (381, 512)
    found, _ = flags_by_check([doc])
    counts = {code: sum(c == code for _, c, _ in found) for code in CHECKS}
    assert all(counts[c] <= DEFR_FLAGS[c] for c in CHECKS), counts
    # Generic fixes of issue 26 hold here: a name made a French adjective, accents.
    reasons = {r for _, c, r in found if c == "names"}
    assert not any("Paiju" in r or "Debe" in r for r in reasons)
    assert sum("Himalaya" in r for r in reasons) <= 2
