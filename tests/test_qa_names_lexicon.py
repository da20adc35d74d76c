"""issue 26, second round: the names check with a German noun lexicon (align/qa/german_nouns.py,
Wiktionary via german-nouns) and the rules measured on human text. Each case is one the
damage bench missed or a false alarm on human text (bench/bench_qa.py --list / --human);
the sentences here are written for the test, not taken from those documents."""
from __future__ import annotations

import csv
import io

from align.qa import german_nouns as gn
from align.qa import names
from align.qa.checks import Context, DocumentContext, check_names
from align.qa.data import make_german_nouns


def test_noun_class_tells_common_nouns_names_and_foreign_words():
    assert gn.noun_class("Haus") == gn.COMMON
    assert gn.noun_class("Häusern") == gn.COMMON                 # an inflected form
    assert gn.noun_class("Fahrradwerkstatt") == gn.COMMON        # a compound of nouns
    assert gn.noun_class("Sendegeräten") == gn.COMMON            # a verb's stem in front
    assert gn.noun_class("Verkörperung") == gn.COMMON            # a derivation
    assert gn.noun_class("Fussgänger") == gn.COMMON              # Swiss ss for ß
    assert gn.noun_class("Hollywood") == gn.NAME                 # Wiktionary: a place only
    assert gn.noun_class("Harvard") == gn.NAME
    assert gn.noun_class("Alipay") is None                       # no German noun at all
    assert gn.noun_class("Street") is None
    assert gn.noun_class("Alibaba") is None                      # not "Ali" + "Baba"


def test_the_lexicon_builder_splits_common_nouns_from_names():
    text = ("lemma,pos,genus,genus 1,genus 2,genus 3,genus 4,nominativ singular,nominativ plural\n"
            "Keller,Substantiv,m,,,,,Keller,Keller\n"
            "Keller,\"Nachname,Substantiv\",,,,,,,\n"
            "Davos,\"Substantiv,Toponym\",n,,,,,Davos,\n"
            "-heit,\"Affix,Substantiv,Suffix\",f,,,,,-heit,-heiten\n"
            "Rotes Kreuz,\"Substantiv,Wortverbindung\",n,,,,,Rotes Kreuz,\n")
    rows = csv.reader(io.StringIO(text))
    next(rows)
    common, proper = make_german_nouns.forms_of(rows)
    assert common == {"keller"}          # a surname that is also a noun is a noun
    assert proper == {"Davos"}           # affixes and multi-word entries are left out


def test_a_name_used_once_is_known_by_the_lexicon_in_a_partly_translated_document():
    german = ("Wir sprachen lange über die Preise.",
              "Nicht jeder kann nach Harvard gehen, sagte sie.",
              "Betrug bei Alipay erkennen wir schneller.",
              "Das Geld floss an die Wall Street und nicht in die Fabriken.",
              "Mein Lieblingsfilm ist Forrest Gump.")
    pairs = [(german[1], "Not everyone can go to university, she said."),
             (german[2], "We detect fraud on it faster."),
             (german[3], "The money went to Wall and not into the factories."),
             (german[4], "My favourite film is Forrest.")]
    ctx = DocumentContext(pairs[:1], german).context("de", "en")
    assert {"Harvard", "Alipay", "Street", "Forrest", "Gump"} <= ctx.names
    assert not ctx.names & {"Preise", "Geld", "Fabriken", "Lieblingsfilm"}
    assert [check_names(s, t, ctx)[0].reason for s, t in pairs] == [
        "not in the translation: Harvard", "not in the translation: Alipay",
        "not in the translation: Street", "not in the translation: Gump"]
    # Without the lexicon (a source other than German) none of these is known from once.
    other = DocumentContext(pairs[:1], german).context("nl", "en")
    assert not other.names & {"Harvard", "Alipay", "Street"}


def test_words_the_lexicon_knows_as_common_nouns_or_function_words_are_no_names():
    german = ("Achten wir auf die Internet-Generation, sie wird die Welt verändern.",
              "Erstens: Vor 30 Jahren war das anders; Vor 100 Jahren auch.",
              "Vor zehn Jahren dauerte es acht Tage.", "Vor acht Jahren sagten wir es.",
              "Er tat etwas Unmögliches, und es gelang.",
              "Die Vereinigten Staaten sind ein entwickeltes Land.")
    found = names.source_names(german, (), True)
    assert not found & {"Internet", "Vor", "Unmögliches", "Vereinigten", "Generation"}
    # A compound ending in a title is a title: "Staatspräsident Iskander Mirza".
    assert names.is_title("Staatspräsident") and names.is_title("Regierungssprecherin")
    assert not names.is_title("Konsequenz")


def test_english_and_french_renderings_of_a_name():
    ctx = Context("de", "en", names=frozenset({"Asien", "Pekinger", "Ma", "Himalaya", "Nepal",
                                               "Paiju"}))
    assert check_names("Wir verkaufen nach Asien.", "We sell to Asia.", ctx) == []
    assert check_names("um 9 Uhr (Pekinger Zeit) begann es", "at 9 (Beijing time) it began",
                       ctx) == []
    # A titled person named by one part of the name ("Herr Jack Ma" -> "Jack").
    assert check_names("Nochmals willkommen, Herr Jack Ma!", "Welcome back, Jack.", ctx) == []
    assert check_names("Nochmals willkommen, Jack Ma!", "Welcome back, Jack.", ctx)
    # A name made an adjective: of a compound in any language, elsewhere in lower case.
    assert check_names("die Himalaya-Träger", "the Himalayan porters", ctx) == []
    assert check_names("die Regierung von Nepal", "le Gouvernement népalais", ctx) == []
    assert check_names("die Regierung von Nepal", "the Nepalese government", ctx)
    assert check_names("In Paiju, der letzten Oase", "A Païju, dernière oasis", ctx) == []


def test_translations_show_a_name_only_where_they_keep_it_capitalised():
    """French "route", "zone" are the German nouns "Route", "Zone" kept in lower case: no
    names; nor is a word capitalised only as a sentence's first."""
    pairs = [("Die einzige Route war der Grat.", "La seule route était l' arête."),
             ("Hier beginnt die Zone des Eises.", "Ici commence la zone de glace."),
             ("Eine neue Expedition brach auf.", "Expédition nouvelle : elle partit."),
             ("Wir sahen die Route von Norden.", "Nous vîmes la route du nord.")]
    ctx = DocumentContext(pairs).context("de", "fr")
    assert not ctx.names & {"Route", "Zone", "Expedition"}
    pairs = [("Er traf Trump in New York.", "Il rencontra Trump à New York.")]
    assert "Trump" in DocumentContext(pairs).context("de", "fr").names


def test_names_evidence_skips_translations_another_check_flags():
    """A translation cut short or emptied drops names with everything else: it does not show
    that the document writes a name otherwise."""
    german = ("Gestern sprach Trump in Davos.", "Am Abend reiste Trump aus Davos ab.",
              "Er sagte, Trump habe in Davos viel erreicht und man werde weiterhin verhandeln.")
    pairs = [(german[0], "Yesterday Trump spoke in Davos."),
             (german[1], "In the evening Trump left."),
             (german[2], "")]
    ctx = DocumentContext(pairs, german).context("de", "en")
    assert "Davos" in ctx.names
    assert check_names(*pairs[1], ctx)[0].reason == "not in the translation: Davos"


def test_chinese_targets_take_names_from_translations_that_keep_them():
    """Chinese has no capitals: a Latin name it keeps at a sentence's start is still kept."""
    pairs = [("Er traf Trump gestern.", "Trump昨天见了他。"),
             ("Dann sprach Trump mit ihm.", "然后Trump和他说话。"),
             ("Am Ende ging Trump.", "最后他走了。")]
    ctx = DocumentContext(pairs).context("de", "zh")
    assert "Trump" in ctx.names
    assert check_names(*pairs[2], ctx)[0].reason == "not in the translation: Trump"
