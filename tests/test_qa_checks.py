"""The QA checks on sentences alone (align/qa): numbers across conventions and scripts, and
each check against the damage it is for, on the interview's reference English."""
from __future__ import annotations

import random

import pytest

from align.qa import names
from align.qa import numbers as nums
from align.qa.checks import (CHECKS, Context, DocumentContext, bracket_problem, check_brackets,
                             check_empty, check_glossary, check_length, check_names,
                             check_numbers, check_pair, check_repeat, check_untranslated,
                             term_spans)
from align.qa.glossary import format_tsv, parse_tsv
from align.errors import InputError
from tests.qa_damage import DAMAGES, glossary_pairs, reference_pairs

EN = Context("de", "en")
ZH = Context("de", "zh")


@pytest.mark.parametrize("source, target, ctx", [
    ("Alibaba hat 45.000 Mitarbeiter.", "Alibaba has 45,000 employees.", EN),
    ("Alibaba hat 45.000 Mitarbeiter.", "Alibaba has 45 000 employees.", EN),
    ("Alibaba hat 45.000 Mitarbeiter.", "Alibaba has 45.000 employees.", EN),  # copied convention
    ("Alibaba hat 45.000 Mitarbeiter.", "阿里巴巴有4.5万名员工。", ZH),
    ("Alibaba hat 45.000 Mitarbeiter.", "阿里巴巴有四万五千名员工。", ZH),
    ("Alibaba hat 45.000 Mitarbeiter.", "阿里巴巴有45000名员工。", ZH),
    ("14,2 Billionen Dollar für 13 Kriege.", "14.2 trillion dollars on 13 wars.", EN),
    ("14,2 Billionen Dollar für 13 Kriege.", "在13场战争上花了14.2万亿美元。", ZH),
    ("Wir können nicht 1 Million Leute einstellen.", "We cannot hire a million people.", EN),
    ("Eine Million Arbeitsplätze.", "One million jobs.", EN),
    ("1 Milliarde RMB", "1 billion RMB", EN),
    ("um mehr als 100 % gestiegen", "grown by more than 100 percent", EN),
    ("die Finanzkrise des Jahres 2008", "the financial crisis of 2008", EN),
    ("Am frühen Morgen des 19. Januar", "Early on 19th January", EN),
    ("Am frühen Morgen des 19. Januar", "1月19日清晨", ZH),
    ("in den nächsten fünf Jahren", "in the next 5 years", EN),
    ("in den nächsten fünf Jahren", "in the coming years", EN),       # a word may go
    ("5.000 US-Dollar", "$5,000", EN),
    ("Achten wir auf die 30-Jährigen", "Let us watch the 30-year-olds", EN),
])
def test_numbers_that_agree(source, target, ctx):
    assert check_numbers(source, target, ctx) == []


@pytest.mark.parametrize("source, target, ctx, lost", [
    ("Alibaba hat 45.000 Mitarbeiter.", "Alibaba has 45 employees.", EN, "45.000"),
    ("Alibaba hat 45.000 Mitarbeiter.", "阿里巴巴有4.5名员工。", ZH, "45.000"),
    ("Alibaba hat 45.000 Mitarbeiter.", "阿里巴巴有45名员工。", ZH, "45.000"),
    ("14,2 Billionen Dollar für 13 Kriege.", "14.2 billion dollars on 13 wars.", EN, "14,2 Billionen"),
    ("die Finanzkrise des Jahres 2008", "the financial crisis of 2009", EN, "2008"),
    ("um mehr als 100 % gestiegen", "grown by more than 10%", EN, "100"),
    ("Wir können nicht 1 Million Leute einstellen.", "We cannot hire 1 people.", EN, "1 Million"),
])
def test_numbers_that_differ(source, target, ctx, lost):
    flags = check_numbers(source, target, ctx)
    assert [f.code for f in flags] == ["numbers"]
    assert f"not in the translation: {lost}" in flags[0].reason


# issue 26: a number written as a word answers a digit in either direction, in English,
# German and Chinese alike (before, "thirty" answered 30 but "thirteen" did not answer 13).
@pytest.mark.parametrize("source, target, ctx", [
    ("In den letzten 30 Jahren haben die USA 14,2 Billionen Dollar für 13 Kriege ausgegeben.",
     "In the last thirty years the US spent 14.2 trillion dollars on thirteen wars.", EN),
    ("In den letzten dreißig Jahren für dreizehn Kriege", "In the last 30 years for 13 wars", EN),
    ("In den letzten 30 Jahren für 13 Kriege", "在过去三十年里为十三场战争", ZH),
    ("In den letzten dreißig Jahren für dreizehn Kriege", "在过去30年里为13场战争", ZH),
    ("Er ist 23 Jahre alt.", "He is twenty-three.", EN),
    ("Er ist dreiundzwanzig Jahre alt.", "He is 23.", EN),
    ("Sie kamen 2018 an.", "They arrived in two thousand and eighteen.", EN),
    ("Sie kamen zweitausendachtzehn an.", "They arrived in 2018.", EN),
    ("hundertfünfzig Gäste", "150 guests", EN),
    ("150 Gäste", "a hundred and fifty guests", EN),
    ("Wir haben 1 Kind.", "We have one child.", EN),
    ("Wir haben ein Kind.", "We have 1 child.", EN),
    ("12 Eier", "a dozen eggs", EN),
    # Found on human translations (bench_qa.py --human): ordinals, clocks, footnote marks.
    ("Am 1. April", "On the first of April", EN),
    ("am zwanzigsten Tag", "on day 20", EN),
    ("der 21. Juni", "the twenty-first of June", EN),
    ("Ein Zug, der um 22.30 Uhr abfährt", "a train leaving at 10.30 pm", EN),
    ("um 21 Uhr", "at 9 p.m.", EN),
    ("zwischen 2019 und 2023 um ca. 40 %.¹", "between 2019 and 2023 by about 40%.¹", EN),
])
def test_number_words_answer_digits_both_ways(source, target, ctx):
    assert check_numbers(source, target, ctx) == []


def test_number_words_still_catch_a_wrong_number():
    [flag] = check_numbers("um 21 Uhr", "at 10 pm", EN)
    assert flag.reason == "not in the translation: 21; not in the source: 10"
    [flag] = check_numbers("für 13 Kriege", "for thirty wars", EN)
    assert flag.reason == "not in the translation: 13"
    [flag] = check_numbers("für dreizehn Kriege", "for 30 wars", EN)
    assert flag.reason == "not in the source: 30"
    assert nums.german_number("dreiundzwanzig") == 23
    assert nums.german_number("Tausende") is None and nums.german_number("Achtung") is None
    assert nums.english_number("one hundred and five") == 105


def test_number_readings():
    assert nums.extract("四万五千", "zh")[0].values == (45000.0,)
    assert nums.extract("十四万亿", "zh")[0].values == (14e12,)
    assert nums.extract("二〇〇八年", "zh")[0].values == (2008.0,)
    assert nums.extract("1,5 Millionen", "de")[0].values == (1.5e6,)
    assert nums.extract("1,500 people", "en")[0].values == (1500.0,)
    # German "Billion" is 10^12, English "billion" 10^9.
    assert nums.extract("2 Billionen", "de")[0].values == (2e12,)
    assert nums.extract("2 billion", "en")[0].values == (2e9,)
    assert [n.hard for n in nums.extract("eine Frage", "de")] == [False]   # soft: never missed
    assert not nums.extract("a question", "en")    # "a" is a number only before a scale


def test_copy_loop_empty_brackets_length_names_glossary_one_by_one():
    german = "Das Treffen war produktiv und viel besser als ich erwartet hatte."
    assert check_untranslated(german, german, EN)[0].code == "untranslated"
    assert check_untranslated(german, "The meeting war produktiv und viel besser als ich "
                                      "erwartet hatte.", EN)
    assert check_untranslated("Jack Ma traf Trump in New York.", "Jack Ma met Trump in New York.",
                              EN) == []
    assert check_untranslated(german, german, ZH)
    assert check_repeat("x", "the United States, the United States, the United States", EN)
    assert check_repeat("x", "much better than I had expected expected expected.", EN)
    assert check_repeat("x", "It was very very good.", EN) == []
    assert check_repeat("x", "in the world, the world would be boring", EN) == []
    assert check_repeat("Danke, danke, danke!", "Thank you, thank you, thank you!", EN) == []
    assert check_repeat("x", "我们我们我们都很好", ZH) and check_repeat("x", "非常非常好", ZH) == []
    assert check_empty("Ja.", " ", EN)[0].reason == "the translation is empty"
    assert check_brackets("eWTP (Electronic World Trade Platform)", "eWTP (Electronic", EN)
    assert check_brackets("„Die Welt ist flach“", "“The World Is Flat", EN)
    assert check_brackets("„Die Welt ist flach“", "“The World Is Flat”", EN) == []
    assert check_brackets("Er sagte (", "He said (", EN) == []   # the source is unbalanced too
    assert bracket_problem("a ) b") == "“)” without its opening partner"
    doc = Context("de", "en", ratio_median=-0.2, ratio_spread=0.14)
    long_de = "Wir diskutierten über kleine und mittlere Unternehmen und den Handel."
    assert check_length(long_de, "We discussed.", doc)[0].reason.endswith(
        "shorter than this document's translations usually are")
    assert check_length(long_de, "We discussed small and medium-sized businesses and trade.", doc) == []
    named = Context("de", "en", names=frozenset({"Trump", "Alibaba"}))
    assert check_names("Trumps Bemerkungen über Alibaba", "Trump's remarks about the company",
                       named)[0].reason == "not in the translation: Alibaba"
    terms = Context(glossary=(("Sesame Credit", "Sesame Credit"),))
    assert check_glossary("über Sesame Credit", "about sesame loans", terms)[0].reason == \
        "“Sesame Credit” should be “Sesame Credit”"
    assert check_glossary("über Sesame Credit", "about Sesame Credit", terms) == []


def test_names_from_the_german_alone():
    """issue 26: capitalised words that recur mid-sentence where German puts no common noun
    (beside another capitalised word, as a genitive before its noun), seldom after an
    article; not the polite "Sie", titles, or nouns that show their articles."""
    german = ("Gestern traf Jack Ma den designierten Präsidenten Donald Trump.",
              "Es war Trump, der auf Jack Ma zuging.",
              "Trumps Bemerkungen über China hörten alle.",
              "Wir sprachen mit Trump über Handel und Kriege.",
              "Der Handel zwischen China und den USA wächst.",
              "Haben Sie Ihre Meinung zum freien Handel geändert?",
              "Können Sie uns von Ihrem Treffen erzählen?",
              "Vor zehn Jahren dauerte es acht Tage, Pakete von Peking nach Hangzhou zu schicken.",
              "Jetzt verkauften wir 600 Millionen Pakete auf unserer Plattform Waren im Wert.",
              "Frau Keller, wo stehen wir?")
    found = names.source_names(german)
    assert {"Jack", "Ma", "Trump"} <= found
    assert not found & {"Sie", "Ihre", "Ihrem", "Handel", "Pakete", "Waren", "Präsidenten",
                        "Frau", "Kriege", "Meinung"}
    # Speakers and their aliases are names, unless the German shows them as nouns.
    with_speakers = names.source_names(german + ("Das Publikum lachte, und das Publikum "
                                                 "klatschte.",), ("Sorkin", "Solkin", "Publikum",
                                                                 "Prof. Dr. Anna Keller"))
    assert {"Sorkin", "Solkin", "Anna", "Keller"} <= with_speakers
    assert not with_speakers & {"Publikum", "Prof", "Dr"}


def test_names_in_genitives_compounds_and_other_spellings():
    ctx = Context("de", "en", names=frozenset({"Trump", "Alibaba", "Ma", "Peking", "Mexiko"}))
    assert check_names("Trumps Bemerkungen", "Trump's remarks", ctx) == []
    assert check_names("Trumps Bemerkungen", "his remarks", ctx)[0].reason == \
        "not in the translation: Trump"
    assert check_names("der Alibaba-Chef", "the head of the company", ctx)[0].reason == \
        "not in the translation: Alibaba"
    assert check_names("der Alibaba-Chef", "Alibaba's boss", ctx) == []
    assert check_names("von Peking nach Mexiko", "from Beijing to Mexico", ctx) == []
    # A whole word: "Ma" is not in "many".
    assert check_names("Jack Ma sagt", "many say", ctx)[0].reason == "not in the translation: Ma"
    assert check_names("Jack Ma sagt", "马云说 Ma", Context("de", "zh", names=ctx.names)) == []
    # "Chinese" does not stand in for "China"; a name after a number or an article is a noun.
    china = Context("de", "en", names=frozenset({"China", "Keller"}))
    assert check_names("Als China wuchs", "As a Chinese grew", china)
    assert check_names("ca. 300 Keller standen unter Wasser", "300 cellars were flooded",
                       china) == []
    assert check_names("Frau Keller, wo stehen wir?", "Ms Brandt, where are we?", china)


def test_partly_translated_names_need_no_translated_evidence():
    """The document's German and its speakers say "Trump" and "Ma" are names; its few
    translations say nothing (English) -- Chinese still needs a translation that keeps one."""
    german = ("Gestern traf Jack Ma den designierten Präsidenten Donald Trump.",
              "Es war Trump, der auf Jack Ma zuging.", "Dann sprach Trump mit Jack Ma.")
    pairs = [(german[1], "It was he who approached him.")]
    en = DocumentContext(pairs, german, ("Jack Ma",)).context("de", "en")
    assert {"Trump", "Jack", "Ma"} <= en.names
    assert check_names(*pairs[0], en)[0].reason == "not in the translation: Trump, Jack, Ma"
    zh = DocumentContext([(german[1], "是他走向了他。")], german, ("Jack Ma",)).context("de", "zh")
    assert zh.names == frozenset()
    # A sentence-initial word a translation keeps ("In" -> "In") and number words are no names.
    pairs = [("In den letzten 30 Jahren stieg es um 2 Billionen.", "In the last 30 years it "
              "rose by 2 billion.")]
    assert DocumentContext(pairs).context("de", "en").names == frozenset()
    # Translations that leave a word out twice or more show it is no name to keep.
    pairs = [(german[0], "Yesterday Jack Ma met the president-elect."),
             (german[2], "Then the president-elect spoke with Jack Ma.")]
    assert "Trump" not in DocumentContext(pairs, german).context("de", "en").names


def test_term_spans_respect_word_edges():
    assert term_spans("Ma Mal Mao", "Ma") == [(0, 2)]
    assert term_spans("die Sesame Credits", "sesame credit") == [(4, 17)]   # an ending allowed
    assert term_spans("芝麻信用分", "芝麻信用") == [(0, 4)]


def test_the_reference_english_raises_no_flag():
    pairs = reference_pairs()
    assert len(pairs) == 155
    ctx = DocumentContext(pairs).context("de", "en", glossary_pairs())
    assert [(s, check_pair(s, t, ctx)) for s, t in pairs if check_pair(s, t, ctx)] == []


@pytest.mark.parametrize("kind", list(DAMAGES))
def test_each_check_catches_its_damage(kind):
    """Damage five sentences of the reference one way; the check for it flags all five
    (names: those the document shows as names elsewhere), the rest stay clean."""
    rng = random.Random(7)
    pairs = reference_pairs()
    damaged_at = []
    doc = list(pairs)
    for i in rng.sample(range(len(pairs)), len(pairs)):
        if len(damaged_at) == 5:
            break
        new = DAMAGES[kind](*pairs[i], rng)
        if new is not None and new != pairs[i][1]:
            doc[i] = (pairs[i][0], new)
            damaged_at.append(i)
    assert len(damaged_at) >= 3
    ctx = DocumentContext(doc).context("de", "en", glossary_pairs())
    for i, (source, target) in enumerate(doc):
        codes = {f.code for f in check_pair(source, target, ctx)}
        if i in damaged_at:
            if kind == "names" and not set(ctx.names) & {w for w in source.split()}:
                continue
            assert kind in codes, (kind, source, target)
        else:
            assert codes == set(), (source, target)


def test_every_check_has_a_label_and_a_damage():
    assert set(CHECKS) == set(DAMAGES)


def test_glossary_tsv_round_trip_and_refusals():
    pairs = [("Sesame Credit", "Sesame Credit"), ("KMU", "SMEs")]
    assert parse_tsv("source\ttarget\n# a comment\n\n" + format_tsv(pairs)) == pairs
    with pytest.raises(InputError, match="line 2"):
        parse_tsv("a\tb\nno tab here\n")
    with pytest.raises(InputError, match="no term pairs"):
        parse_tsv("# nothing\n")
